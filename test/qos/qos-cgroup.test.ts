import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';

/**
 * QoS on real loop devices and the real cgroup v1 blkio controller. The satellite writes into
 * a blkio cgroup this test creates (`--cgroup-root`), never into the machine's root group, and
 * the group is removed afterwards.
 */
const V1 = '/sys/fs/cgroup/blkio';
const group = join(V1, `linstor-test-${process.pid}-${randomSuffix()}`);
let usable = false;
try { mkdirSync(group); usable = existsSync(join(group, 'blkio.throttle.write_bps_device')); } catch { usable = false; }
const qosTest = usable ? test.serial : test.serial.skip;
if (!usable) console.log(`# skipped: no cgroup v1 blkio controller with per-group throttle files at ${V1}`);

let cluster: Cluster | undefined;
test.before(async () => { if (usable) cluster = await startCluster(1, { satelliteArgs: ['--cgroup-root', group] }); });
test.after.always(async () => {
  await cluster?.teardown();
  if (usable) try { rmdirSync(group); } catch { /* still used: left for the next boot */ }
});

const FILES = { read: 'blkio.throttle.read_bps_device', write: 'blkio.throttle.write_bps_device', readIops: 'blkio.throttle.read_iops_device', writeIops: 'blkio.throttle.write_iops_device' };
type Kind = keyof typeof FILES;

/** The limits the group holds for one device, per kind. */
function limits(dir: string, majMin: string): Partial<Record<Kind, string>> {
  const out: Partial<Record<Kind, string>> = {};
  for (const [kind, file] of Object.entries(FILES) as Array<[Kind, string]>) {
    const line = readFileSync(join(dir, file), 'utf8').split('\n').find((l) => l.startsWith(`${majMin} `));
    if (line) out[kind] = line.split(/\s+/)[1];
  }
  return out;
}

function majMinOf(device: string): string {
  const r = spawnSync('stat', ['-L', '-c', '%t:%T', device], { encoding: 'utf8' });
  const [maj, min] = r.stdout.trim().split(':').map((h) => parseInt(h, 16));
  return `${maj}:${min}`;
}

async function ok(c: Cluster, method: string, path: string, body?: unknown): Promise<void> {
  const r = await call(c.ctl, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
}

qosTest('QoS limits from a resource group, volume group, definition and pool reach the backing device\'s cgroup files; changed, removed and cleaned up with the volume', async (t) => {
  const c = cluster!;
  const node = c.nodes[0]!.name;
  const s = randomSuffix();
  const rg = `qosrg${s}`;
  const rd = `qosrd${s}`;
  await ok(c, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] } });
  await ok(c, 'PUT', `/v1/resource-groups/${rg}`, { override_props: { 'sys/fs/blkio_throttle_write': '1048576' } });
  await ok(c, 'POST', `/v1/resource-groups/${rg}/volume-groups`, { volume_number: 0, props: { 'sys/fs/blkio_throttle_read_iops': '300' } });
  await ok(c, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4096] });

  const device = await waitFor('the loop device', async () => {
    const r = await call<Array<{ device_path?: string }>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
    const d = r.status === 200 ? r.body[0]?.device_path : undefined;
    return d?.startsWith('/dev/loop') ? d : undefined;
  });
  const dev = majMinOf(device);
  const seen = (want: Partial<Record<Kind, string>>) => waitFor(`limits ${JSON.stringify(want)} on ${dev}`, () => JSON.stringify(limits(group, dev)) === JSON.stringify(want), 15_000, 100);

  await seen({ write: '1048576', readIops: '300' });
  t.deepEqual(limits(V1, dev), {}, 'the machine\'s root blkio group is not touched');

  // A more specific level wins; the group's value comes back when it is deleted.
  await ok(c, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'sys/fs/blkio_throttle_write': '2097152' } });
  await seen({ write: '2097152', readIops: '300' });
  await ok(c, 'PUT', `/v1/resource-groups/${rg}`, { override_props: { 'sys/fs/blkio_throttle_write': '3145728' } });
  await ok(c, 'PUT', `/v1/resource-definitions/${rd}`, { delete_props: ['sys/fs/blkio_throttle_write'] });
  await seen({ write: '3145728', readIops: '300' });

  // A storage pool's props reach the volumes in it.
  await ok(c, 'PUT', `/v1/nodes/${node}/storage-pools/${c.pool}`, { override_props: { 'sys/fs/blkio_throttle_read': '4096000' } });
  await seen({ read: '4096000', write: '3145728', readIops: '300' });

  // Deleted properties: MAJ:MIN 0, the entry disappears.
  await ok(c, 'PUT', `/v1/resource-groups/${rg}`, { delete_props: ['sys/fs/blkio_throttle_write'] });
  await seen({ read: '4096000', readIops: '300' });
  // Deleted while the satellite is down: its next full apply removes the limit it no longer knows it set.
  await c.nodes[0]!.sat.kill9();
  await ok(c, 'PUT', `/v1/nodes/${node}/storage-pools/${c.pool}`, { delete_props: ['sys/fs/blkio_throttle_read'] });
  t.deepEqual(limits(group, dev), { read: '4096000', readIops: '300' }, 'nothing changed while it was down');
  await c.nodes[0]!.restart();
  await seen({ readIops: '300' });

  // The other levels, in linstor-server's order for these keys (SysFsHandler): controller < node
  // < ... < resource < volume definition < volume — a volume definition outranks the resource.
  const vd = `/v1/resource-definitions/${rd}/volume-definitions/0`;
  const rsc = `/v1/resource-definitions/${rd}/resources/${node}`;
  const key = 'sys/fs/blkio_throttle_write_iops';
  await ok(c, 'POST', '/v1/controller/properties', { override_props: { [key]: '100' } });
  await seen({ readIops: '300', writeIops: '100' });
  for (const [path, value, method] of [[`/v1/nodes/${node}`, '200', 'PUT'], [rsc, '400', 'PUT'], [vd, '500', 'PUT'], [`${rsc}/volumes/0`, '600', 'PUT']] as const) {
    await ok(c, method, path, { override_props: { [key]: value } });
    await seen({ readIops: '300', writeIops: value });
  }
  for (const [path, value] of [[`${rsc}/volumes/0`, '500'], [vd, '400'], [rsc, '200'], [`/v1/nodes/${node}`, '100']] as const) {
    await ok(c, 'PUT', path, { delete_props: [key] });
    await seen({ readIops: '300', writeIops: value });
  }
  await ok(c, 'POST', '/v1/controller/properties', { delete_props: [key] });
  await seen({ readIops: '300' });

  // A bad value is refused at the edge (LINSTOR's FAIL_INVLD_PROP, HTTP 500) and changes nothing.
  const bad = await call<Array<{ message: string }>>(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { override_props: { 'sys/fs/blkio_throttle_write': 'fast' } });
  t.is(bad.status, 500);
  t.regex(bad.body[0]!.message, /not a whole number/);
  t.is((await call<{ props?: Record<string, string> }>(c.ctl, 'GET', `/v1/resource-groups/${rg}`)).body.props?.['sys/fs/blkio_throttle_write'], undefined);

  // The volume goes away: its device loses the limits it had.
  await ok(c, 'DELETE', `/v1/resource-definitions/${rd}`);
  await seen({});
  t.deepEqual(limits(V1, dev), {}, 'the root group is still untouched');
});
