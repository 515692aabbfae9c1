import test from 'ava';
import { DeltaTracker } from '../../core/controller/satellites/node-delta.js';
import { desiredNodeState } from '../../core/controller/satellites/desired-state.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import type { Node, Resource, ResourceDefinition } from '../../core/model/types.js';
import { SqliteStore } from '../../core/store/sqlite.js';

// Persistence is not under test here: an in-memory SQLite database.
const memoryStore = new SqliteStore(':memory:');

const node = (name: string, address: string, props: Record<string, string> = {}): Node => ({
  name, type: 'SATELLITE', flags: [], props, uuid: name,
  netInterfaces: [{ name: 'default', address, satellitePort: 3366, uuid: `${name}-if` }], activeNetInterface: 'default',
});
const rsc = (rd: string, nodeName: string, extra: Partial<Resource> = {}): Resource => ({
  name: rd, nodeName, props: {}, flags: [], layerStack: [], volumes: {}, createTimestamp: 1, uuid: `${rd}-${nodeName}`, ...extra,
});

async function cluster(): Promise<ClusterState> {
  const s = new ClusterState(memoryStore);
  const rd: ResourceDefinition = {
    name: 'data', resourceGroup: 'grp', props: { 'DrbdOptions/Net/protocol': 'C', Aux: 'rd' }, flags: [], layerStack: ['DRBD', 'STORAGE'],
    drbd: { port: 7001, secret: 's3cret', peerSlots: 3 },
    volumeDefinitions: [
      { volumeNumber: 0, sizeKib: 1024, props: {}, flags: [], minorNumber: 1001, uuid: 'vd0' },
      { volumeNumber: 1, sizeKib: 2048, props: { StorPoolName: 'fast' }, flags: [], minorNumber: 1002, uuid: 'vd1' },
    ],
    uuid: 'rd',
  };
  await s.mutate((tx) => {
    tx.put(s.controllerProps, 'props', { Aux: 'ctrl', 'Aux/only-ctrl': 'yes' });
    tx.put(s.nodes, 'A', node('a', '10.0.0.1'));
    tx.put(s.nodes, 'B', node('b', '10.0.0.2'));
    tx.put(s.nodes, 'C', node('c', '10.0.0.3'));
    tx.put(s.storagePools, 'A/POOL', { name: 'pool', nodeName: 'a', providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/x' }, uuid: 'p' });
    tx.put(s.resourceGroups, 'GRP', { name: 'grp', props: { StorPoolName: 'pool', Aux: 'grp' }, selectFilter: {}, uuid: 'g' });
    tx.put(s.volumeGroups, 'GRP/0', { resourceGroup: 'grp', volumeNumber: 0, props: { 'Aux/vg': '1' }, flags: [], uuid: 'vg' });
    tx.put(s.resourceDefinitions, 'DATA', rd);
    tx.put(s.resources, 'DATA/A', rsc('data', 'a', { drbdNodeId: 0, props: { Aux: 'rsc' } }));
    tx.put(s.resources, 'DATA/B', rsc('data', 'b', { drbdNodeId: 1, flags: ['DRBD_DISKLESS'] }));
  });
  return s;
}

test('a node\'s desired state carries its pools and resources with every property already inherited', async (t) => {
  const s = await cluster();
  const a = desiredNodeState(s, 'A')!;
  t.deepEqual(a.storagePools.map((p) => [p.name, p.providerKind]), [['DfltDisklessStorPool', 'DISKLESS'], ['pool', 'FILE_THIN']]);
  t.is(a.storagePools.find((p) => p.name === 'pool')!.props['StorDriver/FileDir'], '/x');
  const r = a.resources[0]!;
  t.is(r.props.Aux, 'rsc', 'resource beats definition, group and controller');
  t.is(r.props['Aux/only-ctrl'], 'yes', 'controller props reach the resource');
  t.is(r.props['DrbdOptions/Net/protocol'], 'C');
  t.deepEqual(r.layerStack, ['DRBD', 'STORAGE'], 'the definition\'s layer stack when the resource has none');
  t.deepEqual(r.volumes.map((v) => [v.volumeNumber, v.sizeKib, v.storagePool, v.minorNumber]), [[0, 1024, 'pool', 1001], [1, 2048, 'fast', 1002]],
    'the volume definition\'s StorPoolName beats the group\'s');
  t.is(r.volumes[0]!.props['Aux/vg'], '1', 'volume group props reach the volume');
});

test('DRBD data names the peers with their addresses, node ids, port and secret; a diskless peer uses the diskless pool', async (t) => {
  const s = await cluster();
  const a = desiredNodeState(s, 'A')!.resources[0]!;
  t.like(a.drbd, { nodeId: 0, port: 7001, secret: 's3cret', peerSlots: 3, address: '10.0.0.1' });
  t.deepEqual(a.drbd!.peers.map((p) => [p.nodeName, p.nodeId, p.address, p.diskless]), [['b', 1, '10.0.0.2', true]]);
  const b = desiredNodeState(s, 'B')!.resources[0]!;
  t.true(b.volumes.every((v) => v.storagePool === 'DfltDisklessStorPool'));
  t.deepEqual(desiredNodeState(s, 'C')!.resources, [], 'a node without resources gets none');
  t.is(desiredNodeState(s, 'NOPE'), undefined);
});

test('a definition being deleted marks its resources DELETE in the desired state', async (t) => {
  const s = await cluster();
  await s.mutate((tx) => tx.put(s.resourceDefinitions, 'DATA', { ...s.resourceDefinitions.get('DATA')!, flags: ['DELETE'] }));
  t.true(desiredNodeState(s, 'A')!.resources[0]!.flags.includes('DELETE'));
});

test('a change is sent to the nodes it affects: a resource to every node of its definition, a pool to its node only', async (t) => {
  const s = await cluster();
  const deltas = (changes: Parameters<DeltaTracker['deltas']>[0]) => new DeltaTracker(s).deltas(changes);
  const affected = (changes: Parameters<DeltaTracker['deltas']>[0]) => [...deltas(changes).keys()].sort();
  t.deepEqual(affected([{ table: 'resources', key: 'DATA/A', value: {} }]), ['A', 'B']);
  t.deepEqual(affected([{ table: 'resources', key: 'DATA/C', value: null }]), ['A', 'B', 'C'], 'a deleted resource still reaches its own node');
  t.deepEqual(affected([{ table: 'storage_pools', key: 'C/POOL', value: {} }]), ['C']);
  t.deepEqual(affected([{ table: 'resource_definitions', key: 'DATA', value: {} }]), ['A', 'B']);
  t.deepEqual(affected([{ table: 'controller_props', key: 'props', value: {} }]), ['A', 'B', 'C']);
  t.deepEqual(affected([{ table: 'key_value_stores', key: 'X', value: {} }]), []);
  // What each node gets: only the changed resource, as an update; a full apply only for wide changes.
  const rd = deltas([{ table: 'resource_definitions', key: 'DATA', value: {} }]).get('A')!;
  t.deepEqual([rd.full, rd.pools, [...rd.resources]], [false, false, ['DATA']]);
  const pool = deltas([{ table: 'storage_pools', key: 'C/POOL', value: {} }]).get('C')!;
  t.deepEqual([pool.full, pool.pools, [...pool.resources]], [false, true, []]);
  t.true(deltas([{ table: 'controller_props', key: 'props', value: {} }]).get('B')!.full);
  // A node row written again unchanged (snapshot code does that) changes nothing.
  t.deepEqual(affected([{ table: 'nodes', key: 'A', value: s.nodes.get('A') }]), []);
  t.true(deltas([{ table: 'nodes', key: 'A', value: { ...s.nodes.get('A') } }]).get('A')!.full);
});
