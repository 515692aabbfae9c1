/**
 * Interrupted and held-back uploads (s3-cluster.ts): `backup abort`, the per-node queue, and the
 * satellite killed halfway — with a TCP proxy that holds an upload at a chosen byte count.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { descendantsNamed } from '../helpers/processes.js';
import { randomSuffix, startSatellite } from '../helpers/satellite.js';
import { S3_ACCESS, S3_SECRET, StallProxy, type S3Server } from '../helpers/s3-server.js';
import { call, deploy, waitFor, type SnapCluster } from '../snapshots/snapshot-cluster.js';
import { BUCKET, list as listIn, MiB, msgs, sha, startS3Cluster, writeAt, type S3Cluster } from './s3-cluster.js';

let c: SnapCluster;
let s3: S3Server;
let cluster: S3Cluster;
test.before(async () => { cluster = await startS3Cluster(); c = cluster.c; s3 = cluster.s3; });
test.after.always(async () => { await cluster?.teardown(); });
const list = (remote = 's3', rsc?: string) => listIn(c, remote, rsc);

test.serial('`linstor backup abort` stops a running upload: nothing listed, its snapshot dropped, no data object left', async (t) => {
  const { linstor } = await import('../cli/helpers.js');
  const proxy = await StallProxy.start(s3.port);
  t.teardown(() => proxy.close());
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 'slow', endpoint: proxy.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true })).status, 201);
  const rd = `ba-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  // More data than the uploader buffers (two 8 MiB parts in flight): zstd is still running when the proxy stalls.
  const dev = (await deploy(c, rd, 64 * 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(48 * MiB));
  proxy.stallAfter(4 * MiB);
  t.is((await call(c.ctl, 'POST', '/v1/remotes/slow/backups', { rsc_name: rd })).status, 201);
  await waitFor('upload under way', () => proxy.forwarded > 2 * MiB, 30_000);
  const satPid = c.nodes[0]!.sat.proc.pid!;
  t.is(descendantsNamed(satPid, 'zstd').length, 1, 'the upload compresses through a zstd child');
  const r = await linstor(['--controllers', c.ctl.url, 'backup', 'abort', 'slow', rd, '--create']);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, new RegExp(`Backup create of '${rd}' \\(back_\\d{8}_\\d{6}\\) aborted`));
  await waitFor('snapshot dropped', async () => ((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as unknown[]).length === 0, 30_000, 200);
  t.deepEqual((await list('s3', rd)).linstor, []);
  t.deepEqual(readdirSync(`${s3.dir}/${BUCKET}`).filter((f) => f.startsWith(rd)), []);
  t.deepEqual(descendantsNamed(satPid, 'zstd'), [], 'the aborted upload left no zstd process (not even a zombie)');
  const again = await linstor(['--controllers', c.ctl.url, 'backup', 'abort', 'slow', rd]);
  t.regex(again.stdout, /No backup of .* is being shipped/);
});

test.serial('BackupShipping/MaxConcurrentBackupsPerNode=1: a second backup on the node waits in the queue until the first ends', async (t) => {
  const { linstor } = await import('../cli/helpers.js');
  const proxy = await StallProxy.start(s3.port);
  t.teardown(() => proxy.close());
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 'slow2', endpoint: proxy.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true })).status, 201);
  const set = await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { 'BackupShipping/MaxConcurrentBackupsPerNode': '1' } });
  t.is(set.status, 201, msgs(set.body));
  t.teardown(async () => { await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['BackupShipping/MaxConcurrentBackupsPerNode'] }); });
  const n1 = c.nodes[0]!.name;
  const [ra, rb] = [`bqa-${randomSuffix()}`, `bqb-${randomSuffix()}`];
  const dev = (await deploy(c, ra, 16 * 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(12 * MiB));
  await deploy(c, rb, 4 * 1024, [n1]);
  proxy.stallAfter(2 * MiB);
  t.is((await call(c.ctl, 'POST', '/v1/remotes/slow2/backups', { rsc_name: ra })).status, 201);
  await waitFor('first upload under way', () => proxy.forwarded > MiB, 30_000);
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3/backups', { rsc_name: rb })).status, 201);
  const q = await linstor(['--controllers', c.ctl.url, 'backup', 'queue', 'list']);
  t.is(q.code, 0, q.stderr);
  t.regex(q.stdout, new RegExp(`${n1} +\\| ${rb} +\\| back_\\d{8}_\\d{6} +\\| s3 `), q.stdout);
  await new Promise((r) => setTimeout(r, 1000));
  t.deepEqual((await list('s3', rb)).linstor.filter((b) => b.success), [], 'the queued backup has not run');
  t.is((await call(c.ctl, 'POST', '/v1/remotes/slow2/backups/abort', { rsc_name: ra })).status, 200);
  await waitFor('the queued backup runs once the slot is free', async () => (await list('s3', rb)).linstor.find((b) => b.success), 30_000, 200);
  t.deepEqual((await call(c.ctl, 'GET', '/v1/view/backup/queue')).body, { node_queues: [] });
});

test.serial('a controller killed mid-upload: the satellite stops the upload, the restarted controller drops the snapshot, the next backup is a clean full one', async (t) => {
  const proxy = await StallProxy.start(s3.port);
  t.teardown(() => proxy.close());
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 'ctlkill', endpoint: proxy.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true })).status, 201);
  const rd = `bk-ctl-${randomSuffix()}`;
  const node = c.nodes[0]!;
  const dev = (await deploy(c, rd, 32 * 1024, [node.name]))[node.name]!;
  writeAt(dev, 0, randomBytes(16 * MiB));
  proxy.stallAfter(4 * MiB);
  const r = await call(c.ctl, 'POST', '/v1/remotes/ctlkill/backups', { rsc_name: rd });
  t.is(r.status, 201, msgs(r.body));
  await waitFor('upload stalled halfway', () => proxy.forwarded > 2 * MiB, 30_000);
  const snaps = async () => ((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string; props?: Record<string, string> }>);
  t.is((await snaps())[0]?.props?.['Backup/UploadingTo'], 'ctlkill', 'the snapshot is marked while it uploads');

  await c.ctl.kill(true);
  // Nobody is left to write the metadata: the satellite gives the upload up when the link drops.
  await node.sat.waitForLog(/backup job aborted: its controller link closed/, 15_000);
  await c.ctl.restart();
  await waitFor('the interrupted backup\'s snapshot is dropped', async () => (await snaps()).length === 0, 30_000, 200);
  t.is((await call(c.ctl, 'PATCH', '/v1/encryption/passphrase', 'pw')).status, 200, 'the restarted controller needs the passphrase for the S3 keys');
  t.deepEqual((await list('s3', rd)).linstor, [], 'nothing listed as a backup');
  t.deepEqual(readdirSync(`${s3.dir}/${BUCKET}`).filter((f) => f.startsWith(rd)), [], 'no data object left in the bucket');

  await waitFor('satellite back online', async () => (await call(c.ctl, 'GET', `/v1/nodes/${node.name}`)).body.connection_status === 'ONLINE', 30_000);
  proxy.passAll();
  const again = await call(c.ctl, 'POST', '/v1/remotes/ctlkill/backups', { rsc_name: rd });
  t.is(again.status, 201, msgs(again.body));
  const done = await waitFor('second run complete', async () => (await list('s3', rd)).linstor.find((b) => b.success), 120_000, 300);
  t.falsy(done.based_on_id, 'a full backup: the interrupted one is no base');
  t.deepEqual(((await snaps())[0]?.props ?? {})['Backup/UploadingTo'], undefined, 'a complete backup\'s snapshot is no longer marked');
});

// Last: it kills node 1's satellite.
test.serial('killing the satellite halfway through an upload leaves no backup listed complete; the next run starts over cleanly', async (t) => {
  const proxy = await StallProxy.start(s3.port);
  t.teardown(() => proxy.close());
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 'stall', endpoint: proxy.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true })).status, 201);
  const rd = `bk-kill-${randomSuffix()}`;
  const node = c.nodes[0]!;
  const dev = (await deploy(c, rd, 64 * 1024, [node.name]))[node.name]!;
  writeAt(dev, 0, randomBytes(24 * MiB));
  proxy.stallAfter(6 * MiB);
  const r = await call(c.ctl, 'POST', '/v1/remotes/stall/backups', { rsc_name: rd });
  t.is(r.status, 201, msgs(r.body));
  await waitFor('upload stalled halfway', () => proxy.forwarded > 4 * MiB, 30_000);
  // Listed through the direct remote (the proxy holds everything back now): same bucket, nothing complete.
  t.deepEqual((await list('s3', rd)).linstor, [], 'nothing listed while it uploads');

  await node.sat.kill9();
  // The controller gives up the transfer when the link drops, and drops its snapshot (no base for anything).
  await waitFor('the failed backup\'s snapshot is dropped', async () => ((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as unknown[]).length === 0, 30_000, 200);
  t.deepEqual((await list('s3', rd)).linstor, []);
  const keys = readdirSync(`${s3.dir}/${BUCKET}`).filter((f) => f.startsWith(rd));
  t.deepEqual(keys, [], 'no metadata and no complete data object in the bucket');

  node.sat = await startSatellite({ address: node.sat.address, port: node.sat.port, nodeName: node.name, reportIntervalMs: 1000 });
  await waitFor('satellite back online', async () => (await call(c.ctl, 'GET', `/v1/nodes/${node.name}`)).body.connection_status === 'ONLINE', 30_000);
  proxy.passAll();
  const before = sha(dev, 64 * MiB);
  const again = await call(c.ctl, 'POST', '/v1/remotes/stall/backups', { rsc_name: rd });
  t.is(again.status, 201, msgs(again.body));
  const done = await waitFor('second run complete', async () => (await list('s3', rd)).linstor.find((b) => b.success), 120_000, 300);
  t.falsy(done.based_on_id, 'a full backup: the interrupted one is no base');
  t.is((await list('s3', rd)).linstor.length, 1);
  t.is(sha(dev, 64 * MiB), before);
});
