/**
 * What the controller tells satellites about shared storage pools (in-process, a real
 * ClusterState on SQLite): each pool of a shared space carries the space and its locking, and a
 * resource being deleted keeps its volume (`keepShared`) exactly while another live resource
 * of the definition has it in the same shared space.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { desiredNodeState } from '../../core/controller/satellites/desired-state.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import { nameKey } from '../../core/model/names.js';
import type { Node, Resource, ResourceDefinition, StoragePool } from '../../core/model/types.js';
import { SqliteStore } from '../../core/store/sqlite.js';

const node = (name: string): Node => ({ name, type: 'SATELLITE', props: {}, flags: [], netInterfaces: [{ name: 'default', address: '127.0.0.1' }], uuid: name } as unknown as Node);
const pool = (nodeName: string, shared?: string, externalLocking = false): StoragePool => ({
  name: 'sh', nodeName, providerKind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg' }, uuid: `${nodeName}-sh`,
  freeSpaceMgrName: shared ?? `${nodeName};sh`, externalLocking,
});
const rd: ResourceDefinition = {
  name: 'r1', resourceGroup: 'DfltRscGrp', props: {}, flags: [], layerStack: ['STORAGE'], uuid: 'r1',
  volumeDefinitions: [{ volumeNumber: 0, sizeKib: 1024, props: {}, flags: [], uuid: 'r1-0' }],
} as unknown as ResourceDefinition;
const rsc = (nodeName: string, flags: string[] = []): Resource => ({
  name: 'r1', nodeName, props: {}, flags, layerStack: ['STORAGE'], createTimestamp: 0, uuid: `r1-${nodeName}`,
  volumes: { 0: { props: {}, flags: [], storagePool: 'sh' } },
} as unknown as Resource);

const rk = (n: string) => `${nameKey('r1')}/${nameKey(n)}`;

async function setup(t: { teardown(fn: () => void): void }, shared: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-shsp-'));
  const store = new SqliteStore(join(dir, 'linstor.db'));
  const state = new ClusterState(store);
  await state.load();
  t.teardown(() => { void store.close(); rmSync(dir, { recursive: true, force: true }); });
  await state.mutate((tx) => {
    for (const n of ['a', 'b']) {
      tx.put(state.nodes, nameKey(n), node(n));
      tx.put(state.storagePools, `${nameKey(n)}/${nameKey('sh')}`, pool(n, shared));
      tx.put(state.resources, rk(n), rsc(n));
    }
    tx.put(state.resourceDefinitions, nameKey('r1'), rd);
  });
  return state;
}

const keep = (state: ClusterState, n: string) => desiredNodeState(state, nameKey(n))!.resources.find((r) => r.name === 'r1')!.volumes[0]!.keepShared;

test('a shared pool tells the satellite its space; deleting keeps the volume while another node of the space holds it', async (t) => {
  const state = await setup(t, 'space1');
  const b = desiredNodeState(state, nameKey('b'))!;
  t.like(b.storagePools.find((p) => p.name === 'sh'), { sharedSpace: 'space1', externalLocking: false });
  t.is(keep(state, 'b'), undefined, 'not being deleted: nothing to say');
  await state.mutate((tx) => { tx.put(state.resources, rk('b'), rsc('b', ['DELETE'])); });
  t.true(keep(state, 'b'), 'a still uses the volume');
  await state.mutate((tx) => { tx.put(state.resources, rk('a'), rsc('a', ['DELETE'])); });
  t.is(keep(state, 'b'), undefined, 'both go: the volume goes');
});

test('pools of their own are not shared: a deleted resource removes its volume', async (t) => {
  const state = await setup(t, undefined);
  await state.mutate((tx) => { tx.put(state.resources, rk('b'), rsc('b', ['DELETE'])); });
  t.is(keep(state, 'b'), undefined);
  t.is(desiredNodeState(state, nameKey('b'))!.storagePools.find((p) => p.name === 'sh')!.sharedSpace, undefined);
});
