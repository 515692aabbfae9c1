/**
 * Issue items 1, 2 and 9 at the satellite (real satellite process, real loop devices, a fake
 * controller in the test): the satellite refuses desired states that break the model's rules,
 * keeps every file it builds inside its pool folder, and never deletes a file in a folder it
 * cannot prove is its own. Everything happens below the test's own temp folder; a sentinel
 * tree beside the pool proves nothing outside was touched.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesiredNodeState, DesiredStoragePool, NodeReport } from '../../core/model/satellite-protocol.js';
import {
  FakeControllerClient, fileThinPool, loopDevicesUnder, makeTempDir, randomSuffix, removeTempDir, startSatellite, storageResource,
} from '../helpers/satellite.js';

const DISKLESS: DesiredStoragePool = { name: 'DfltDisklessStorPool', providerKind: 'DISKLESS', props: {} };

/** Path → sha256 of every file below `dir` (symlinks not followed). */
function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
      else out[p] = e.isSymbolicLink() ? 'symlink' : 'other';
    }
  };
  walk(dir);
  return out;
}

async function setup(t: import('ava').ExecutionContext, address: string) {
  const root = makeTempDir('sec-sat-');
  t.teardown(() => removeTempDir(root));
  const sentinel = join(root, 'sentinel');
  mkdirSync(join(sentinel, 'etc'), { recursive: true });
  writeFileSync(join(sentinel, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  writeFileSync(join(sentinel, 'data.img'), 'not a volume of any pool\n');
  const sat = await startSatellite({ address });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect(address, sat.port);
  t.teardown(() => ctrl.close());
  await ctrl.hello(sat.nodeName);
  return { root, sentinel, sat, ctrl };
}

test('a resource named ../../escape is refused before anything is created: no file outside the pool, no loop device', async (t) => {
  const { root, sentinel, sat, ctrl } = await setup(t, '127.0.0.5');
  const before = snapshotTree(sentinel);
  const pool = join(root, 'a', 'b', 'pool');
  mkdirSync(pool, { recursive: true });
  const state: DesiredNodeState = {
    nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('pool1', pool), DISKLESS],
    resources: [storageResource('../../escape', 'pool1', [8192]), storageResource('fine', 'pool1', [8192])],
  };
  const report = await ctrl.apply(state);
  t.false(existsSync(join(root, 'a', 'escape_00000.img')), 'no file was created outside the pool folder');
  t.deepEqual(loopDevicesUnder(root), [], 'no loop device was attached');
  t.deepEqual(readdirSync(pool).filter((f) => f.endsWith('.img')), [], 'a refused message changes nothing, not even its valid part');
  const fine = report.resources.find((r) => r.name === 'fine');
  t.false(fine?.ready ?? true, 'the valid resource of a refused message is reported not ready');
  t.regex(fine?.error?.message ?? '', /Refused a controller message: state\.resources\[0\]\.name/);
  await sat.waitForLog(/refused a controller message/);
  t.deepEqual(snapshotTree(sentinel), before);
});

test('hostile desired states are refused whole: sizes, layer lists, pool folders, names and DRBD secrets', async (t) => {
  const { root, sentinel, sat, ctrl } = await setup(t, '127.0.0.6');
  const before = snapshotTree(sentinel);
  const pool = join(root, 'pool');
  mkdirSync(pool);
  const base = (): DesiredNodeState => ({ nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('pool1', pool), DISKLESS], resources: [storageResource('r1', 'pool1', [8192])] });
  const hostile: Array<[string, (s: DesiredNodeState) => void]> = [
    ['negative size', (s) => { s.resources[0]!.volumes[0]!.sizeKib = -1; }],
    ['huge size', (s) => { s.resources[0]!.volumes[0]!.sizeKib = 2 ** 63; }],
    ['fractional size', (s) => { s.resources[0]!.volumes[0]!.sizeKib = 1.5; }],
    ['size as a string', (s) => { (s.resources[0]!.volumes[0] as any).sizeKib = '8192; rm -rf /'; }],
    ['layer below STORAGE', (s) => { s.resources[0]!.layerStack = ['STORAGE', 'DRBD'] as any; }],
    ['unknown layer', (s) => { s.resources[0]!.layerStack = ['SHELL'] as any; }],
    // Folders that resolve to the sentinel tree (a stand-in for /etc: tests never aim at system paths).
    ['pool folder with ..', (s) => { s.storagePools[0]!.props['StorDriver/FileDir'] = `${pool}/../sentinel/etc`; }],
    ['pool folder with a trailing newline', (s) => { s.storagePools[0]!.props['StorDriver/FileDir'] = `${sentinel}\n`; }],
    ['node-level folder with ..', (s) => { delete s.storagePools[0]!.props['StorDriver/FileDir']; s.props['StorDriver/FileDir'] = `${pool}/../sentinel`; }],
    ['volume number out of range', (s) => { s.resources[0]!.volumes[0]!.volumeNumber = 1e9; }],
    ['pool name with a slash', (s) => { s.storagePools[0]!.name = '../pool'; s.resources[0]!.volumes[0]!.storagePool = '../pool'; }],
    ['newline in a flag', (s) => { s.resources[0]!.flags = ['DELETE\n']; }],
    ['DRBD secret ending the quoted string', (s) => { s.resources[0]!.drbd = { nodeId: 0, port: 7000, peerSlots: 7, peers: [], secret: 'x"; }\nresource evil {' }; }],
    ['peer address that is not an IP', (s) => { s.resources[0]!.drbd = { nodeId: 0, port: 7000, peerSlots: 7, peers: [{ nodeName: 'peer', nodeId: 1, address: '$(reboot)', port: 7000, diskless: false, connectionProps: {} }] }; }],
    ['resources not a list', (s) => { (s as any).resources = { length: 1 }; }],
    ['NUL in a property', (s) => { s.resources[0]!.props['Aux/x'] = 'a\u0000b'; }],
    ['duplicate resource', (s) => { s.resources.push(s.resources[0]!); }],
  ];
  for (const [what, mutate] of hostile) {
    const s = base();
    mutate(s);
    const report = await ctrl.apply(s);
    const r1 = report.resources.find((r) => r.name === 'r1');
    t.truthy(r1 === undefined || (r1.ready === false && /Refused a controller message/.test(r1.error?.message ?? '')), `${what}: ${JSON.stringify(report.resources)}`);
    t.deepEqual(readdirSync(pool).filter((f) => f.endsWith('.img')), [], `${what}: nothing was created`);
  }
  t.deepEqual(loopDevicesUnder(root), []);
  t.deepEqual(snapshotTree(sentinel), before);
  // The same satellite still does its job for a valid state.
  const ok = await ctrl.apply(base());
  t.true(ok.resources.find((r) => r.name === 'r1')?.ready, JSON.stringify(ok.resources));
  await ctrl.apply({ ...base(), resources: [] });
  t.deepEqual(loopDevicesUnder(root), []);
});

test('two pools whose folders are the same through a symlink leave each other\'s volumes alone', async (t) => {
  const { root, sentinel, sat, ctrl } = await setup(t, '127.0.0.7');
  const before = snapshotTree(sentinel);
  const real = join(root, 'pool-a');
  mkdirSync(real);
  symlinkSync(real, join(root, 'pool-b'));
  const a = fileThinPool('poolA', real);
  const b = fileThinPool('poolB', join(root, 'pool-b'));
  const rsc = `vm-${randomSuffix()}`;
  const state = (pools: DesiredStoragePool[]): DesiredNodeState => ({ nodeName: sat.nodeName, props: {}, storagePools: [...pools, DISKLESS], resources: [storageResource(rsc, 'poolA', [8192])] });
  const first = await ctrl.apply(state([a]));
  t.true(first.resources[0]?.ready, JSON.stringify(first.resources));
  const file = join(real, `${rsc}_00000.img`);
  const data = Buffer.alloc(4096, 0x5a);
  writeFileSync(file, data, { flag: 'r+' });
  const inode = statSync(file).ino;

  const second = await ctrl.apply(state([a, b]));
  await ctrl.apply(state([a, b]));
  t.is(statSync(file).ino, inode, 'the volume file was never deleted and recreated');
  t.deepEqual(readFileSync(file).subarray(0, 4096), data, 'its data is intact');
  const poolB = second.storagePools.find((p) => p.name === 'poolB');
  t.regex(poolB?.error ?? '', /overlaps pool 'poolA'|belongs to pool 'poolA'/, JSON.stringify(second.storagePools));
  t.true(existsSync(join(real, '.linstor-pool')), 'the pool marked its folder');
  t.deepEqual(snapshotTree(sentinel), before);
  await ctrl.apply({ ...state([a]), resources: [] });
});

test('a pool that arrives in an incremental update with another pool\'s folder (symlink) leaves that pool\'s volumes alone', async (t) => {
  const { root, sentinel, sat, ctrl } = await setup(t, '127.0.0.9');
  const before = snapshotTree(sentinel);
  const real = join(root, 'pool-a');
  mkdirSync(real);
  symlinkSync(real, join(root, 'pool-b'));
  const a = fileThinPool('poolA', real);
  const b = fileThinPool('poolB', join(root, 'pool-b'));
  const rsc = `vm-${randomSuffix()}`;
  const full: DesiredNodeState = { nodeName: sat.nodeName, props: {}, storagePools: [a, DISKLESS], resources: [storageResource(rsc, 'poolA', [8192])] };
  const first = await ctrl.apply(full);
  t.true(first.resources[0]?.ready, JSON.stringify(first.resources));
  const file = join(real, `${rsc}_00000.img`);
  const data = Buffer.alloc(4096, 0x3c);
  writeFileSync(file, data, { flag: 'r+' });
  const inode = statSync(file).ino;

  // The controller's incremental path: only the pool list changes (poolB added).
  const from = ctrl.count;
  const seq = 1000;
  ctrl.send({ type: 'update', seq, update: { base: ctrl.lastSeq, storagePools: [a, b, DISKLESS] } });
  const answer = await ctrl.next<{ type: 'report'; seq: number; report: NodeReport }>((m) => m.type === 'report' && m.seq >= seq, 60_000, from);
  const poolB = answer.report.storagePools.find((p) => p.name === 'poolB');
  t.regex(poolB?.error ?? '', /overlaps pool 'poolA'/, JSON.stringify(answer.report.storagePools));
  // A full apply with both pools (orphan sweep included) must not delete poolA's volume either.
  await ctrl.apply({ ...full, storagePools: [a, b, DISKLESS] });
  t.is(statSync(file).ino, inode, 'the volume file was never deleted and recreated');
  t.deepEqual(readFileSync(file).subarray(0, 4096), data, 'its data is intact');
  t.deepEqual(snapshotTree(sentinel), before);
  await ctrl.apply({ ...full, resources: [] });
});

test('a folder whose marker names another node (shared storage) loses no file; a folder without a marker is not cleaned either', async (t) => {
  const { root, sentinel, sat, ctrl } = await setup(t, '127.0.0.8');
  const before = snapshotTree(sentinel);
  const foreign = join(root, 'shared');
  mkdirSync(foreign);
  writeFileSync(join(foreign, '.linstor-pool'), JSON.stringify({ pool: 'pool1', node: 'other-node' }));
  writeFileSync(join(foreign, 'theirs_00000.img'), 'volume of the other node\n');
  const unmarked = join(root, 'unmarked');
  mkdirSync(unmarked);
  writeFileSync(join(unmarked, 'old_00000.img'), 'file nobody can prove we made\n');
  const state: DesiredNodeState = { nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('pool1', foreign), fileThinPool('pool2', unmarked), DISKLESS], resources: [] };
  await ctrl.apply(state);
  await ctrl.apply(state);
  t.is(readFileSync(join(foreign, 'theirs_00000.img'), 'utf8'), 'volume of the other node\n');
  t.is(readFileSync(join(unmarked, 'old_00000.img'), 'utf8'), 'file nobody can prove we made\n');
  const create = await ctrl.apply({ ...state, resources: [storageResource('mine', 'pool1', [8192])] });
  t.false(create.resources[0]?.ready ?? true, 'a folder owned by another node is not used');
  t.regex(create.resources[0]?.error?.message ?? '', /belongs to pool 'pool1' on node 'other-node'/);
  t.false(existsSync(join(foreign, 'mine_00000.img')));
  t.deepEqual(loopDevicesUnder(root), []);
  t.deepEqual(snapshotTree(sentinel), before);
});
