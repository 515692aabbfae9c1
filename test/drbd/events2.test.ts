import test from 'ava';
import { readFile } from 'node:fs/promises';
import { Events2State, parseEvents2, parseEvents2Line } from '../../core/satellite/layers/drbd/events2.js';
import { stateToLayerResult } from '../../core/satellite/layers/drbd/state-report.js';
import { viewOf, type TestResource } from './cluster.js';

const fixture = (f: string) => readFile(new URL(`../../../test/fixtures/drbd/${f}`, import.meta.url), 'utf8');

test('events2 --now --statistics of a syncing 4-node resource gives role, disk, connection and replication states (recorded format)', async (t) => {
  const all = parseEvents2(await fixture('events2-3node-syncing.txt'));
  t.deepEqual([...all.keys()], ['pvc-7f3a', 'rsc0']);
  const r = all.get('pvc-7f3a')!;
  t.is(r.role, 'Primary');
  t.is(r.devices[0]!.disk, 'UpToDate');
  t.is(r.devices[1]!.sizeKib, 2097152);
  t.is(r.connections[1]!.connection, 'Connected');
  t.is(r.connections[2]!.connection, 'Connecting');
  t.is(r.connections[1]!.peerDevices[0]!.replication, 'SyncSource');
  t.is(r.connections[1]!.peerDevices[0]!.donePercent, 45.2);
  t.is(r.connections[1]!.peerDevices[1]!.donePercent, undefined);
  t.is(r.connections[3]!.peerDevices[0]!.peerDisk, 'Diskless');
  t.deepEqual(r.connections[1]!.paths, [{ local: 'ipv4:10.0.0.1:7000', peer: 'ipv4:10.0.0.2:7000', established: true }]);
  t.is(all.get('rsc0')!.connections[1]!.peerDevices[0]!.replication, 'Established');
});

test('the satellite report shows per-peer replication with sync progress and connection state (recorded format)', async (t) => {
  const state = parseEvents2(await fixture('events2-3node-syncing.txt')).get('pvc-7f3a');
  const rsc: TestResource = {
    name: 'pvc-7f3a', port: 7000,
    nodes: [{ name: 'node-a', nodeId: 0, address: '10.0.0.1' }, { name: 'node-b', nodeId: 1, address: '10.0.0.2' },
      { name: 'node-c', nodeId: 2, address: '10.0.0.3' }, { name: 'node-d', nodeId: 3, address: '10.0.0.4', diskless: true }],
    volumes: [{ volumeNumber: 0, minor: 1000, sizeKib: 1048576 }, { volumeNumber: 1, minor: 1001, sizeKib: 2097152 }],
  };
  const res = stateToLayerResult(viewOf(rsc, 'node-a'), state, new Map());
  t.true(res.inUse);
  t.deepEqual(res.volumes.get(0)!.replicationStates, {
    'node-b': { replication_state: 'SyncSource', done_percentage: 45.2 },
    'node-c': { replication_state: 'Off' },
    'node-d': { replication_state: 'Established' },
  });
  t.is(res.volumes.get(0)!.devicePath, '/dev/drbd1000');
  t.deepEqual(res.drbdConnections!['node-c'], { connected: false, message: 'Connecting' });
  t.deepEqual(res.drbdConnections!['node-b'], { connected: true, message: 'Connected' });
  t.is(stateToLayerResult(viewOf(rsc, 'node-a'), undefined, new Map()).volumes.get(0)!.diskState, 'Unconfigured');
});

test('a timestamped events2 stream updates progress, finishes the resync and follows role and connection changes', async (t) => {
  const s = new Events2State();
  const lines = (await fixture('events2-stream.txt')).split('\n');
  for (const l of lines.slice(0, 5)) s.apply(l);
  t.true(s.initialStateDone);
  const pd = () => s.resources.get('test0')!.connections[1]!.peerDevices[0]!;
  t.is(pd().replication, 'SyncTarget');
  t.is(pd().donePercent, 10);
  s.apply(lines[5]!);
  t.is(pd().donePercent, 80.5);
  for (const l of lines.slice(6)) s.apply(l);
  t.is(pd().replication, 'Established');
  t.is(pd().donePercent, undefined, 'progress disappears once the resync is over');
  t.is(s.resources.get('test0')!.devices[0]!.disk, 'UpToDate');
  t.is(s.resources.get('test0')!.role, 'Primary');
  t.is(s.resources.get('test0')!.connections[1]!.connection, 'Connecting');
  t.false(s.resources.has('gone'));
});

test('a value containing colons (an address) keeps them', (t) => {
  t.deepEqual(parseEvents2Line('exists path name:r peer-node-id:1 local:ipv6:[fe80::1]:7000')!.fields['local'], 'ipv6:[fe80::1]:7000');
});
