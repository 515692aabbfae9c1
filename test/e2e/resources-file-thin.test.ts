import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { loopDevicesUnder, randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

let cluster: Cluster;
test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

const MiB = 1024;

function isError(rc: Array<{ ret_code: number }>): boolean {
  return Array.isArray(rc) && rc.some((e) => e.ret_code < 0);
}

async function createDefinition(t: { true(v: boolean, m?: string): void }, rd: string, sizeKib: number): Promise<void> {
  const a = await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  t.true(a.status < 300, JSON.stringify(a.body));
  const b = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: sizeKib } });
  t.true(b.status < 300, JSON.stringify(b.body));
}

function createOn(rd: string, node: string) {
  return call<Array<{ ret_code: number; message: string }>>(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, {
    resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'],
  });
}

async function volumeOf(rd: string, node: string): Promise<Record<string, any> | undefined> {
  const r = await call<Array<Record<string, any>>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
  return r.status === 200 ? r.body[0] : undefined;
}

async function readyDevice(rd: string, node: string): Promise<string> {
  return waitFor(`device of ${rd} on ${node}`, async () => {
    const v = await volumeOf(rd, node);
    return typeof v?.device_path === 'string' && v.device_path.startsWith('/dev/loop') ? v.device_path as string : undefined;
  }, 30_000);
}

function sizeBytes(dev: string): number {
  return Number(spawnSync('blockdev', ['--getsize64', dev], { encoding: 'utf8' }).stdout.trim());
}

/** Writes a random 1 MiB pattern at offset 1 MiB and reads it back with dd. */
function writeAndReadBack(dev: string): boolean {
  const pattern = `pattern-${randomSuffix()}`.repeat(64);
  const w = spawnSync('dd', [`of=${dev}`, 'bs=1M', 'seek=1', 'count=1', 'conv=fsync', 'iflag=fullblock', 'status=none'], { input: Buffer.concat([Buffer.from(pattern), Buffer.alloc(1024 * 1024 - pattern.length)]) });
  if (w.status !== 0) return false;
  const r = spawnSync('dd', [`if=${dev}`, 'bs=1M', 'skip=1', 'count=1', 'iflag=direct', 'status=none'], { maxBuffer: 4 * 1024 * 1024 });
  return r.status === 0 && r.stdout.subarray(0, pattern.length).toString() === pattern;
}

/** Loop devices under the node's pool folder: exactly one per volume placed there means no orphans. */
function loopsOn(nodeIdx: number): string[] {
  return loopDevicesUnder(cluster.nodes[nodeIdx]!.poolDir).map((l) => l.backFile);
}

test.serial('a resource created with layer list STORAGE on a FILE_THIN pool is a real writable /dev/loopN', async (t) => {
  const rd = `r${randomSuffix()}`;
  const n = cluster.nodes[0]!;
  await createDefinition(t, rd, 32 * MiB);
  const rc = await createOn(rd, n.name);
  t.false(isError(rc.body), JSON.stringify(rc.body));
  const dev = await readyDevice(rd, n.name);
  t.regex(dev, /^\/dev\/loop\d+$/);
  t.true(sizeBytes(dev) >= 32 * 1024 * 1024);
  t.true(writeAndReadBack(dev), 'data written with dd reads back the same');
  t.true(loopsOn(0).some((f) => f.includes(rd)), 'the loop device is backed by a file in the pool folder');
});

test.serial('resource list and volume list show the device path, sizes and state', async (t) => {
  const rd = `r${randomSuffix()}`;
  const n = cluster.nodes[1]!;
  await createDefinition(t, rd, 16 * MiB);
  await createOn(rd, n.name);
  const dev = await readyDevice(rd, n.name);
  const { body: view } = await call<Array<Record<string, any>>>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
  const rsc = view.find((x) => x.name === rd && x.node_name === n.name);
  t.truthy(rsc, JSON.stringify(view));
  const vlm = rsc!.volumes[0];
  t.is(vlm.device_path, dev);
  t.true(vlm.allocated_size_kib >= 0);
  t.true(vlm.usable_size_kib >= 16 * MiB);
  t.truthy(vlm.state?.disk_state, JSON.stringify(vlm));
});

test.serial('growing a volume definition while the device is open grows the device online', async (t) => {
  const rd = `r${randomSuffix()}`;
  const n = cluster.nodes[0]!;
  await createDefinition(t, rd, 16 * MiB);
  await createOn(rd, n.name);
  const dev = await readyDevice(rd, n.name);
  const fd = openSync(dev, 'r+'); // in use while it grows
  t.teardown(() => { try { closeSync(fd); } catch { /* closed */ } });
  const r = await call<Array<{ ret_code: number }>>(cluster.ctl, 'PUT', `/v1/resource-definitions/${rd}/volume-definitions/0`, { size_kib: 48 * MiB });
  t.false(isError(r.body), JSON.stringify(r.body));
  await waitFor('device grown', () => sizeBytes(dev) >= 48 * 1024 * 1024, 20_000);
  t.true(writeAndReadBack(dev));
  closeSync(fd);
});

test.serial('a volume larger than the pool\'s free space fails with a clear error and creates nothing', async (t) => {
  const rd = `r${randomSuffix()}`;
  const n = cluster.nodes[2]!;
  const before = loopsOn(2).length;
  const filesBefore = readdirSync(n.poolDir).length;
  const pool = await cluster.poolOf(n.name);
  await createDefinition(t, rd, Math.max(pool.total_capacity * 1000, 64 * 1024 * 1024 * MiB));
  const rc = await createOn(rd, n.name);
  t.true(rc.status >= 400 || isError(rc.body), JSON.stringify(rc.body));
  t.regex(rc.body.map((e) => e.message).join('\n'), /space|capacity|large|size/i);
  await new Promise((r) => setTimeout(r, 1500)); // let any (wrong) apply run
  t.is(loopsOn(2).length, before, 'no loop device was attached');
  t.is(readdirSync(n.poolDir).length, filesBefore, 'no file was left in the pool');
  const list = await call<Array<unknown>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources`);
  t.deepEqual(list.status === 200 ? list.body : [], [], 'no resource remains');
});

test.serial('deleting a resource frees its loop device and its file', async (t) => {
  const rd = `r${randomSuffix()}`;
  const n = cluster.nodes[1]!;
  await createDefinition(t, rd, 8 * MiB);
  await createOn(rd, n.name);
  const dev = await readyDevice(rd, n.name);
  const backing = loopsOn(1).find((f) => f.includes(rd));
  t.truthy(backing);
  const del = await call<Array<{ ret_code: number }>>(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}/resources/${n.name}`);
  t.false(isError(del.body), JSON.stringify(del.body));
  await waitFor('loop device detached', () => !loopsOn(1).some((f) => f.includes(rd)), 20_000);
  t.false(existsSync(backing!), 'the backing file is removed');
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${n.name}`)).status, 404);
  t.false(spawnSync('losetup', ['--list', '--noheadings', '-O', 'NAME'], { encoding: 'utf8' }).stdout.split('\n').map((s) => s.trim()).includes(dev) && loopsOn(1).some((f) => f.includes(rd)));
});

test.serial('a thin volume\'s allocated size in the volume list follows the data written to it (periodic report)', async (t) => {
  const rd = `alloc${randomSuffix()}`;
  const node = cluster.nodes[0]!.name;
  await createDefinition(t, rd, 64 * MiB);
  t.false(isError((await createOn(rd, node)).body));
  const dev = await readyDevice(rd, node);
  const before = (await volumeOf(rd, node))!.allocated_size_kib as number;
  const w = spawnSync('dd', ['if=/dev/urandom', `of=${dev}`, 'bs=1M', 'count=16', 'conv=fsync', 'status=none']);
  t.is(w.status, 0, w.stderr?.toString());
  const after = await waitFor('allocated size to grow', async () => {
    const v = await volumeOf(rd, node);
    return (v?.allocated_size_kib ?? 0) >= 16 * MiB ? v!.allocated_size_kib as number : undefined;
  }, 20_000);
  t.true(after > before, `${before} -> ${after}`);
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
});
