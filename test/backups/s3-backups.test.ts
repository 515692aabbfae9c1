/**
 * Backups to S3 end to end (s3-cluster.ts): full and incremental with known data, restores
 * compared by SHA-256, corrupted objects, bad credentials, the CLI, schedules, LINSTOR's bucket
 * format, a volume grown between backups.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomSuffix } from '../helpers/satellite.js';
import { S3_ACCESS, S3_SECRET, type S3Server } from '../helpers/s3-server.js';
import { call, deploy, devices, waitFor, type SnapCluster } from '../snapshots/snapshot-cluster.js';
import { backup as backupIn, BUCKET, list as listIn, MiB, msgs, sha, startS3Cluster, writeAt, type S3Cluster } from './s3-cluster.js';

let c: SnapCluster;
let s3: S3Server;
let cluster: S3Cluster;
test.before(async () => { cluster = await startS3Cluster(); c = cluster.c; s3 = cluster.s3; });
test.after.always(async () => { await cluster?.teardown(); });
const list = (remote = 's3', rsc?: string) => listIn(c, remote, rsc);
const backup = (rsc: string, full = false) => backupIn(c, rsc, full);

test.serial('full then incremental backup; source deleted; restore on the other node gives back the exact data of each', async (t) => {
  const rd = `bk-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const size = 32 * MiB;
  const dev = (await deploy(c, rd, size / 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(MiB));
  writeAt(dev, 10 * MiB, randomBytes(2 * MiB));
  const hashFull = sha(dev, size);
  const full = await backup(rd);
  t.falsy(full.based_on_id, 'the first backup is a full one');
  t.regex(full.id, new RegExp(`^${rd}_back_\\d{8}_\\d{6}$`), 'LINSTOR naming');

  await new Promise((r) => setTimeout(r, 1100)); // backup ids have one-second resolution
  writeAt(dev, 20 * MiB, randomBytes(MiB));
  const hashInc = sha(dev, size);
  const inc = await backup(rd);
  t.is(inc.based_on_id, `${full.id}.meta`, 'the second is incremental on the first');

  // Objects as LINSTOR names them; the incremental holds only the changed MiB (compressed random data).
  const keys = readdirSync(`${s3.dir}/${BUCKET}`).map((f) => f.replace(/\._S3rver_object$/, '')).filter((k) => k.startsWith(rd));
  t.true(keys.includes(`${full.id}.meta`) && keys.includes(`${inc.id}.meta`), keys.join(','));
  const dataOf = (id: string) => id.replace(/_back_/, '_00000_back_');
  const fullBytes = readFileSync(s3.objectFile(BUCKET, dataOf(full.id))).length;
  const incBytes = readFileSync(s3.objectFile(BUCKET, dataOf(inc.id))).length;
  t.true(fullBytes > 3 * MiB && incBytes < 1.2 * MiB && incBytes > MiB, `full ${fullBytes}, incremental ${incBytes}`);

  const info = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/info', { src_rsc_name: rd });
  t.is(info.status, 200, msgs(info.body));
  t.like(info.body, { rsc: rd, full: full.id, latest: inc.id, count: 2 });

  // Delete the source entirely (its snapshots first, as LINSTOR requires).
  for (const s of (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string }>) {
    t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/snapshots/${s.name}`)).status, 200);
  }
  t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`)).status, 200);

  const r1 = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { src_rsc_name: rd, target_rsc_name: `${rd}-r`, node_name: n2 });
  t.is(r1.status, 201, msgs(r1.body));
  const d1 = (await devices(c, `${rd}-r`, [n2]))[n2]!;
  t.is(sha(d1, size), hashInc, 'the newest backup (full + incremental) restored bit for bit');

  const r2 = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: full.id, target_rsc_name: `${rd}-f`, node_name: n2 });
  t.is(r2.status, 201, msgs(r2.body));
  const d2 = (await devices(c, `${rd}-f`, [n2]))[n2]!;
  t.is(sha(d2, size), hashFull, 'the full backup alone restored bit for bit');
  t.deepEqual(readdirSync(c.nodes[1]!.pool.dir).filter((f) => f.startsWith('.backup-')), [], 'no staged files left');
});

test.serial('a corrupted object is refused by its checksum: the restore fails clearly and nothing is restored', async (t) => {
  const rd = `bc-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const dev = (await deploy(c, rd, 8 * 1024, [n1]))[n1]!;
  writeAt(dev, MiB, randomBytes(MiB));
  const b = await backup(rd);
  const file = s3.objectFile(BUCKET, b.id.replace(/_back_/, '_00000_back_'));
  const data = readFileSync(file);
  data[Math.floor(data.length / 2)] ^= 0xff; // one flipped byte in the middle of the compressed stream
  writeFileSync(file, data);

  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: b.id, target_rsc_name: `${rd}-x`, node_name: n2 });
  t.true(r.status >= 400, JSON.stringify(r.body));
  t.regex(msgs(r.body), /is corrupted: its SHA-256 is [0-9a-f]{64}, the backup's metadata says [0-9a-f]{64}; nothing was restored/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}-x`)).status, 404, 'the target definition was removed again');
  await new Promise((res) => setTimeout(res, 500));
  const left = readdirSync(c.nodes[1]!.pool.dir).filter((f) => f.startsWith('.backup-') || f.startsWith(`${rd}-x`));
  t.deepEqual(left, [], 'no staged or restored file on the target node');
});

test.serial('wrong credentials and a missing bucket give clear errors before any snapshot is taken', async (t) => {
  const rd = `be-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  await deploy(c, rd, 4 * 1024, [n1]);
  const base = { endpoint: s3.url, region: 'us-east-1', access_key: S3_ACCESS, use_path_style: true };
  // s3rver checks the access key id, not SigV4 signatures: a wrong key id stands for wrong credentials.
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { ...base, remote_name: 'badkey', bucket: BUCKET, access_key: 'NOT-A-KEY', secret_key: S3_SECRET })).status, 201);
  t.is((await call(c.ctl, 'POST', '/v1/remotes/s3', { ...base, remote_name: 'nobucket', bucket: 'no-such-bucket', secret_key: S3_SECRET })).status, 201);

  const bad = await call(c.ctl, 'POST', '/v1/remotes/badkey/backups', { rsc_name: rd });
  t.true(bad.status >= 400);
  t.regex(msgs(bad.body), new RegExp(`bucket '${BUCKET}' at ${s3.url} refused the remote's credentials \\(InvalidAccessKeyId\\)`));
  const missing = await call(c.ctl, 'POST', '/v1/remotes/nobucket/backups', { rsc_name: rd });
  t.true(missing.status >= 400);
  t.regex(msgs(missing.body), /bucket 'no-such-bucket' at .* does not exist \(NoSuchBucket\)/);
  t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body, [], 'no snapshot was taken');
  const l = await call(c.ctl, 'GET', '/v1/remotes/badkey/backups');
  t.regex(msgs(l.body), /refused the remote's credentials/);
  const notS3 = await call(c.ctl, 'POST', '/v1/remotes/nosuch/backups', { rsc_name: rd });
  t.regex(msgs(notS3.body), /Remote 'nosuch' not found/);
});

test.serial('`linstor backup list/info/delete` through the real CLI: dry run, dependents refused without --cascade', async (t) => {
  const { linstor } = await import('../cli/helpers.js');
  const ls = (...a: string[]) => linstor(['--controllers', c.ctl.url, ...a]);
  const rd = `bl-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  const dev = (await deploy(c, rd, 4 * 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(64 * 1024));
  const full = await backup(rd);
  await new Promise((r) => setTimeout(r, 1100));
  writeAt(dev, MiB, randomBytes(64 * 1024));
  const inc = await backup(rd);

  let r = await ls('backup', 'list', 's3', '-r', rd, '--show-id');
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.split('\n').filter((l) => l.includes(rd) && /Success/.test(l)).length, 2, r.stdout);
  t.true(r.stdout.includes(inc.id));
  r = await ls('backup', 'info', 's3', '--id', inc.id);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`${full.id}.*${inc.id}.*\\| 2 `));

  r = await ls('backup', 'delete', 'id', 's3', full.id);
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /are incremental on the selected one/);
  r = await ls('backup', 'delete', 'id', 's3', full.id, '--cascade', '--dry-run');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, new RegExp(`Would delete backup '${full.id}'`));
  t.regex(r.stdout, new RegExp(`Would delete backup '${inc.id}'`));
  t.is((await list('s3', rd)).linstor.length, 2, 'the dry run deleted nothing');
  r = await ls('backup', 'delete', 'id', 's3', full.id, '--cascade');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.deepEqual((await list('s3', rd)).linstor, []);
  t.false(existsSync(s3.objectFile(BUCKET, inc.id.replace(/_back_/, '_00000_back_'))), 'the data objects are gone too');
  t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body, [], 'and the local snapshots (no --keep-snaps)');
});

test.serial('an enabled schedule ships backups by itself and keeps only keep_remote full backups', async (t) => {
  const rd = `bs-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  const dev = (await deploy(c, rd, 4 * 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(256 * 1024));
  t.is((await call(c.ctl, 'POST', '/v1/schedules', { schedule_name: 'fast', full_cron: '*/3 * * * * *', keep_remote: 1, keep_local: 1 })).status, 201);
  const en = await call(c.ctl, 'PUT', '/v1/remotes/s3/backups/schedule/fast/enable', { rsc_name: rd });
  t.is(en.status, 200, msgs(en.body));
  const first = await waitFor('first scheduled backup', async () => (await list('s3', rd)).linstor.find((b) => b.success), 30_000, 200);
  const second = await waitFor('a newer one replaces it (keep_remote 1)', async () => {
    const l = (await list('s3', rd)).linstor;
    return l.length === 1 && l[0]!.id !== first.id && l[0]!.success ? l[0] : undefined;
  }, 30_000, 200);
  t.falsy(second.based_on_id, 'the schedule has no incremental cron: full backups only');
  t.is((await call(c.ctl, 'PUT', '/v1/remotes/s3/backups/schedule/fast/delete', { rsc_name: rd })).status, 200);
  await new Promise((r) => setTimeout(r, 4000)); // one more cron period: nothing runs any more
  const after = (await list('s3', rd)).linstor;
  await new Promise((r) => setTimeout(r, 3500));
  t.deepEqual((await list('s3', rd)).linstor.map((b) => b.id), after.map((b) => b.id), 'no backups after the schedule was removed');
  const snaps = (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string }>;
  t.true(snaps.length <= 1, `keep_local 1: ${snaps.map((s) => s.name).join(',')}`);
  t.is((await call(c.ctl, 'DELETE', '/v1/schedules/fast')).status, 200);
});

test.serial('a bucket LINSTOR wrote lists here (its backups shown, not restorable); foreign objects are "others"', async (t) => {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: S3_ACCESS, secretAccessKey: S3_SECRET } });
  t.teardown(() => client.destroy());
  // The shape linstor-server writes (BackupMetaDataPojo): no snapName, volumes under `backups`.
  const linstorMeta = { rscName: 'lsrc', nodeName: 'alpha', startTimestamp: 1672574400000, finishTimestamp: 1672574460000, clusterId: 'other-cluster',
    backups: { 0: [{ name: 'lsrc_00000_back_20230101_120000', finishedTimestamp: 1672574460000, node: 'alpha' }] }, layerData: { rscLayerObject: 'STORAGE' } };
  const put = (Key: string, Body: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  await put('lsrc_back_20230101_120000.meta', JSON.stringify(linstorMeta));
  await put('lsrc_00000_back_20230101_120000', 'thin_send stream');
  await put('lsrc_back_20230102_120000^mysnap.meta', JSON.stringify({ ...linstorMeta, basedOn: 'lsrc_back_20230101_120000.meta', backups: {} }));
  await put('notes.txt', 'not a backup');

  const l = await list('s3', 'lsrc');
  const byId = Object.fromEntries(l.linstor.map((b) => [b.id, b]));
  t.like(byId['lsrc_back_20230101_120000'], { origin_rsc: 'lsrc', origin_snap: 'back_20230101_120000', success: true, restorable: false, finished_timestamp: 1672574460000 });
  t.like(byId['lsrc_back_20230102_120000^mysnap'], { origin_snap: 'mysnap', based_on_id: 'lsrc_back_20230101_120000.meta' });
  t.true(l.other.files.includes('notes.txt'));
  t.false(l.other.files.includes('lsrc_00000_back_20230101_120000'), 'its data object belongs to its backup');
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { src_rsc_name: 'lsrc', target_rsc_name: 'lsrc-here', node_name: c.nodes[1]!.name });
  t.regex(msgs(r.body), /was not written by this software/);
  t.is((await call(c.ctl, 'DELETE', '/v1/remotes/s3/backups?s3key=notes.txt')).status, 200);
  t.false((await list('s3')).other.files.includes('notes.txt'));
});

test.serial('a volume grown between the full and the incremental backup restores at its new size with all data', async (t) => {
  const rd = `bg-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const dev = (await deploy(c, rd, 4 * 1024, [n1]))[n1]!;
  writeAt(dev, MiB, randomBytes(MiB));
  await backup(rd);
  const grow = await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/volume-definitions/0`, { size_kib: 8 * 1024 });
  t.is(grow.status, 200, msgs(grow.body));
  const big = await waitFor('grown device', async () => {
    const d = (await devices(c, rd, [n1]))[n1]!;
    const out = spawnSync('blockdev', ['--getsize64', d], { encoding: 'utf8' }).stdout.trim();
    return Number(out) >= 8 * MiB ? d : undefined;
  }, 30_000, 200);
  writeAt(big, 6 * MiB, randomBytes(MiB));
  const want = sha(big, 8 * MiB);
  await new Promise((r) => setTimeout(r, 1100));
  const inc = await backup(rd);
  t.truthy(inc.based_on_id, 'incremental on the smaller full backup');
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: inc.id, target_rsc_name: `${rd}-r`, node_name: n2 });
  t.is(r.status, 201, msgs(r.body));
  t.is(sha((await devices(c, `${rd}-r`, [n2]))[n2]!, 8 * MiB), want);
});
