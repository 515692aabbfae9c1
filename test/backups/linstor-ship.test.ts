/**
 * `backup ship` between two clusters on loopback: each its own real controller and satellite
 * with a FILE_THIN pool on a loop-mounted xfs; the source satellite streams straight to the
 * target satellite; the copy is compared by SHA-256 of the devices.
 */
import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { linstor } from '../cli/helpers.js';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { makeFsPool, type FsPool } from '../snapshots/fs-pool.js';

interface Cluster { ctl: TestController; sat: SatelliteProcess; pool: FsPool; node: string }
const clusters: Cluster[] = [];

async function cluster(address: string): Promise<Cluster> {
  const ctl = await startController({ env: FAST_LINK_ENV });
  const node = `ship-${randomSuffix()}`;
  const pool = makeFsPool('xfs');
  const sat = await startSatellite({ address, nodeName: node, reportIntervalMs: 1000 });
  const c = { ctl, sat, pool, node };
  clusters.push(c);
  const n = await call(ctl, 'POST', '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: sat.port }] });
  if (n.status !== 201) throw new Error(JSON.stringify(n.body));
  await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'thin', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': pool.dir } });
  await waitFor(`${node} online`, async () => (await call(ctl, 'GET', `/v1/nodes/${node}`)).body.connection_status === 'ONLINE', 30_000);
  await waitFor(`${node} pool`, async () => (await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools/thin`)).body.total_capacity > 0, 30_000);
  return c;
}

let a: Cluster;
let b: Cluster;
test.before(async () => { a = await cluster('127.0.0.1'); b = await cluster('127.0.0.2'); });
test.after.always(async () => {
  for (const c of clusters) { await c.ctl.stop().catch(() => {}); await c.sat.kill9().catch(() => {}); }
  for (const c of clusters) c.pool.cleanup();
});

const MiB = 1024 * 1024;
async function device(c: Cluster, rd: string): Promise<string> {
  return waitFor(`device of ${rd}`, async () => {
    const v = await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${c.node}/volumes`);
    const d = v.status === 200 ? v.body[0]?.device_path : undefined;
    return typeof d === 'string' && d.startsWith('/dev/loop') ? d : undefined;
  }, 30_000);
}
function sha(dev: string, size: number): string {
  const fd = openSync(dev, 'r'); const h = createHash('sha256'); const buf = Buffer.alloc(MiB);
  try { for (let p = 0; p < size; p += MiB) h.update(buf.subarray(0, readSync(fd, buf, 0, Math.min(MiB, size - p), p))); } finally { closeSync(fd); }
  return h.digest('hex');
}

const snapshots = async (c: Cluster, rd: string) => ((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string; props?: Record<string, string> }>);
function write(dev: string, offset: number, bytes: number): void {
  const fd = openSync(dev, 'r+');
  try { writeSync(fd, randomBytes(bytes), 0, bytes, offset); fsyncSync(fd); } finally { closeSync(fd); }
}
/** Bytes the source satellite sent for its last shipment (its "volume shipped" log line). */
const lastShippedBytes = (): number => {
  const line = [...a.sat.logs].reverse().find((l) => l.includes('"volume shipped"'));
  return line ? (JSON.parse(line) as { bytes: number }).bytes : NaN;
};

test.serial('`linstor backup ship` copies a resource to another cluster bit for bit; the next shipment to it is incremental and rolls the copy forward', async (t) => {
  const ls = (...x: string[]) => linstor(['--controllers', a.ctl.url, ...x]);
  let r = await ls('remote', 'create', 'linstor', 'other', b.ctl.url);
  t.is(r.code, 0, r.stdout + r.stderr);
  const rd = `sh-${randomSuffix()}`;
  const size = 16 * MiB;
  t.is((await call(a.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } })).status, 201);
  await call(a.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: size / 1024 } });
  await call(a.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: a.node, props: { StorPoolName: 'thin' } }, layer_list: ['STORAGE'] }]);
  const dev = await device(a, rd);
  write(dev, 3 * MiB, 6 * MiB);
  let want = sha(dev, size);

  r = await ls('backup', 'ship', 'other', rd, `${rd}-copy`);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /Full: snapshot .* shipped from node/);
  const fullBytes = lastShippedBytes();
  t.is(sha(await device(b, `${rd}-copy`), size), want, 'the target cluster holds the same bytes');
  let src = await snapshots(a, rd);
  t.is(src.length, 1, 'the source keeps the shipped snapshot as the base of the next shipment');
  t.is(src[0]!.props?.['Backup/ShippedTo'], `OTHER:${rd.toUpperCase()}-COPY`);
  t.deepEqual(readdirSync(b.pool.dir).filter((f) => f.startsWith('.backup-')), [], 'nothing staged is left on the target');

  // Change 1 MiB and ship to the same target again: only the change travels.
  write(dev, 12 * MiB, MiB);
  want = sha(dev, size);
  r = await ls('backup', 'ship', 'other', rd, `${rd}-copy`);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, new RegExp(`Incremental \\(on '${src[0]!.name}'\\): snapshot`));
  t.true(lastShippedBytes() < fullBytes / 3, `incremental ${lastShippedBytes()} bytes vs full ${fullBytes}`);
  await waitFor('the copy rolled forward', async () => sha(await device(b, `${rd}-copy`), size) === want, 30_000, 300);
  src = await snapshots(a, rd);
  t.is(src.length, 1, 'the older base was dropped on the source');
  t.is((await snapshots(b, `${rd}-copy`)).length, 1, 'and on the target');

  // A copy in use on the target (mounted) is not rolled forward under its user: refused before anything is sent.
  const copyDev = await device(b, `${rd}-copy`);
  const mnt = mkdtempSync(join(tmpdir(), 'ship-mnt-'));
  t.teardown(() => { spawnSync('umount', ['-l', mnt]); rmSync(mnt, { recursive: true, force: true }); });
  t.is(spawnSync('mkfs.ext4', ['-q', copyDev]).status, 0);
  t.is(spawnSync('mount', [copyDev, mnt]).status, 0);
  await waitFor('the copy reported in use', async () => (await call(b.ctl, 'GET', `/v1/view/resources?resources=${rd}-copy`)).body[0]?.state?.in_use === true, 30_000, 300);
  r = await ls('backup', 'ship', 'other', rd, `${rd}-copy`);
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /Cannot ship incrementally into .*: it is in use on node/);
  t.is((await snapshots(b, `${rd}-copy`)).length, 1, 'the target is unchanged');
  t.deepEqual((await snapshots(a, rd)).map((x) => x.name), src.map((x) => x.name), 'the source keeps only its base');
  t.is(spawnSync('umount', [mnt]).status, 0);

  // Into a name that exists there but was not shipped from here: refused by the target, nothing changes.
  t.is((await call(b.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: `${rd}-taken` } })).status, 201);
  r = await ls('backup', 'ship', 'other', rd, `${rd}-taken`);
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /The remote controller at .* refused: A resource definition with the name/);
  t.deepEqual((await snapshots(a, rd)).map((x) => x.name), src.map((x) => x.name), 'the refused shipment left no snapshot behind');

  // An unreachable remote: a clear error, the new snapshot dropped again, the base kept.
  t.is((await call(a.ctl, 'POST', '/v1/remotes/linstor', { remote_name: 'gone', url: 'http://127.0.0.1:1' })).status, 201);
  const g = await call(a.ctl, 'POST', '/v1/remotes/gone/backups/ship', { src_rsc_name: rd, dst_rsc_name: 'x1' });
  t.true(g.status >= 400);
  t.regex(JSON.stringify(g.body), /Cannot reach the remote LINSTOR controller at http:\/\/127\.0\.0\.1:1/);
  t.deepEqual((await snapshots(a, rd)).map((x) => x.name), src.map((x) => x.name));
});

test.serial('the receiving side refuses a wrong token and a stream whose SHA-256 differs from the sender\'s (test as the sender)', async (t) => {
  const { connect } = await import('node:net');
  const { gzipSync } = await import('node:zlib');
  const rd = `rx-${randomSuffix()}`;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${b.ctl.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() as any };
  };
  const rcv = await post('/v1/internal/shipping/receive', { src_cluster_id: 'test', src_rsc_name: 'x', dst_rsc_name: rd, snap_name: 'snap1', layer_stack: ['STORAGE'],
    volumes: [{ vlm_nr: 0, size_kib: 1024, size_bytes: MiB, stor_pool: 'thin' }] });
  t.is(rcv.status, 200, JSON.stringify(rcv.body));
  const { job_id: job, address, port, token } = rcv.body;
  const send = (hello: object, payload: Buffer) => new Promise<void>((res) => {
    const s = connect({ host: address, port }, () => { s.write(`${JSON.stringify(hello)}\n`); s.end(payload); });
    s.on('close', () => res()); s.on('error', () => res());
  });
  await send({ token: 'not-the-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', volumeNumber: 0 }, Buffer.from('junk'));
  const payload = gzipSync(Buffer.from('LTSBACK1 but not really a stream'));
  await send({ token, volumeNumber: 0 }, payload);
  const commit = await post(`/v1/internal/shipping/receive/${job}/commit`, { src_rsc_name: 'x', volumes: [{ vlm_nr: 0, sha256: 'a'.repeat(64), image_sha256: 'b'.repeat(64) }] });
  t.true(commit.status >= 400);
  t.regex(JSON.stringify(commit.body), /arrived damaged: SHA-256 [0-9a-f]{64}, the sender's a{64}; nothing was restored/);
  t.is((await call(b.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404, 'the target definition is gone');
  t.deepEqual(readdirSync(b.pool.dir).filter((f) => f.startsWith('.backup-') || f.startsWith(rd)), [], 'nothing staged is left');
  t.true(b.sat.logs.some((l) => /refused a shipping connection/.test(l)), 'the wrong token was refused');
});

test.serial('a LINSTOR remote created with --cluster-id ships only to that cluster: another id is refused before anything is created', async (t) => {
  const ls = (...x: string[]) => linstor(['--controllers', a.ctl.url, ...x]);
  const bId = (await call(b.ctl, 'GET', '/v1/controller/properties')).body['Cluster/LocalID'];
  t.regex(String(bId), /^[0-9a-f]{32}$/, 'the controller shows its cluster id as LINSTOR does (Cluster/LocalID)');
  t.not((await call(a.ctl, 'GET', '/v1/controller/properties')).body['Cluster/LocalID'], bId, 'each cluster has its own');
  const rd = `cid-${randomSuffix()}`;
  t.is((await call(a.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } })).status, 201);
  await call(a.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  await call(a.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: a.node, props: { StorPoolName: 'thin' } }, layer_list: ['STORAGE'] }]);
  const dev = await device(a, rd);
  write(dev, 0, MiB);

  const wrong = 'f'.repeat(32);
  let r = await ls('remote', 'create', 'linstor', 'wrongid', b.ctl.url, '--cluster-id', wrong);
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('backup', 'ship', 'wrongid', rd, `${rd}-copy`);
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, new RegExp(`The controller at ${b.ctl.url.replace(/\./g, '\\.')} is not cluster '${wrong}' \\(remote 'wrongid'\\): it answers with cluster id '${bId}'\\. Nothing was shipped\\.`));
  t.deepEqual(await snapshots(a, rd), [], 'no snapshot was taken on the source');
  t.is((await call(b.ctl, 'GET', `/v1/resource-definitions/${rd}-copy`)).status, 404, 'nothing was created on the target');

  // The target checks it too (a sender that names another cluster), before creating anything.
  const rcv = await fetch(`${b.ctl.url}/v1/internal/shipping/receive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    src_cluster_id: 'test', dst_cluster_id: wrong, src_rsc_name: 'x', dst_rsc_name: `${rd}-rx`, snap_name: 'snap1', layer_stack: ['STORAGE'],
    volumes: [{ vlm_nr: 0, size_kib: 1024, size_bytes: MiB, stor_pool: 'thin' }] }) });
  t.true(rcv.status >= 400);
  t.regex(await rcv.text(), new RegExp(`This is cluster '${bId}', not '${wrong}'`));
  t.is((await call(b.ctl, 'GET', `/v1/resource-definitions/${rd}-rx`)).status, 404);

  r = await ls('remote', 'create', 'linstor', 'rightid', b.ctl.url, '--cluster-id', String(bId));
  t.is(r.code, 0, r.stdout + r.stderr);
  const want = sha(dev, 4 * MiB);
  r = await ls('backup', 'ship', 'rightid', rd, `${rd}-copy`);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(sha(await device(b, `${rd}-copy`), 4 * MiB), want, 'the right cluster id ships');
});
