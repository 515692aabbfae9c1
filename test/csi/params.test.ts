/** Unit checks of the volume parameters and name mapping (no cluster needed). */
import test from 'ava';
import { status } from '@grpc/grpc-js';
import { OperationLocks } from '../../plugins/nomad-csi/locks.js';
import { isValidLinstorName, resourceNameCandidates } from '../../plugins/nomad-csi/names.js';
import { groupSettings, nodeOptions, parseParameters } from '../../plugins/nomad-csi/params.js';

test('a StorageClass-style parameter set from the guide maps onto a resource group', (t) => {
  const p = parseParameters({
    'linstor.csi.linbit.com/autoPlace': '2', 'linstor.csi.linbit.com/storagePool': 'pool1', layerList: 'drbd storage',
    replicasOnDifferent: 'zone', 'property.linstor.csi.linbit.com/DrbdOptions/auto-quorum': 'suspend-io', 'DrbdOptions/Net/protocol': 'C',
    allowRemoteVolumeAccess: 'false', fsOpts: '-E nodiscard', 'csi.storage.k8s.io/fstype': 'xfs',
  });
  t.is(p.placementCount, 2);
  t.deepEqual(p.layerList, ['DRBD', 'STORAGE']);
  t.deepEqual(p.replicasOnDifferent, ['Aux/zone']);
  t.false(p.allowRemoteVolumeAccess);
  t.regex(p.resourceGroup, /^sc-[0-9a-f]{32}$/);
  const g = groupSettings(p);
  t.is(g.select_filter.place_count, 2);
  t.is(g.props['DrbdOptions/auto-quorum'], 'suspend-io');
  t.is(g.props['DrbdOptions/Net/protocol'], 'C');
  t.is(g.props.StorPoolName, 'pool1');
  t.is(parseParameters({ storagePool: 'pool1', autoPlace: '2', layerList: 'drbd storage', replicasOnDifferent: 'zone', 'DrbdOptions/Net/protocol': 'C', 'property.linstor.csi.linbit.com/DrbdOptions/auto-quorum': 'suspend-io' }).resourceGroup, p.resourceGroup, 'same settings, same group');
});

test('nodeList or clientList switch to manual placement; bad values are INVALID_ARGUMENT', (t) => {
  const p = parseParameters({ nodeList: 'a b', replicasOnSame: 'rack', placementCount: '3' });
  t.is(p.placementPolicy, 'Manual');
  t.deepEqual(p.nodeList, ['a', 'b']);
  t.deepEqual(p.replicasOnSame, []);
  const bads: Record<string, string>[] = [{ layerList: 'zfs' }, { placementPolicy: 'Random' }, { autoPlace: 'two' }, { encryption: 'maybe' }, { unknownThing: 'x' }];
  for (const bad of bads) {
    const e = t.throws(() => parseParameters(bad)) as { code?: number };
    t.is(e.code, status.INVALID_ARGUMENT, JSON.stringify(bad));
  }
  t.is(parseParameters({ resourceGroup: 'my-rg' }).resourceGroup, 'my-rg');
});

test('fsOpts, mountOpts and postMountXfsOpts reach the node through volume_context in any spelling', (t) => {
  t.deepEqual(nodeOptions({ 'linstor.csi.linbit.com/fsOpts': '-m 0', mountopts: 'noatime', postMountXfsOpts: 'extsize 2m' }), { fsOpts: '-m 0', mountOpts: 'noatime', postMountXfsOpts: 'extsize 2m' });
});

test('CSI names map to valid, stable LINSTOR names', (t) => {
  t.deepEqual(resourceNameCandidates('mysql').slice(0, 1), ['mysql']);
  const odd = resourceNameCandidates('mysql[0]');
  t.is(odd.length, 1);
  t.true(isValidLinstorName(odd[0]!));
  t.deepEqual(resourceNameCandidates('mysql[0]'), odd);
  t.true(isValidLinstorName(resourceNameCandidates('x'.repeat(128))[0]!));
  t.false(isValidLinstorName('1abc'));
});

test('a busy volume refuses a second operation with ABORTED and frees the lock afterwards', async (t) => {
  const locks = new OperationLocks();
  let release!: () => void;
  const first = locks.with(['vol:a'], () => new Promise<void>((r) => { release = r; }));
  const e = await t.throwsAsync(locks.with(['vol:a'], async () => 1)) as { code?: number };
  t.is(e.code, status.ABORTED);
  t.is(await locks.with(['vol:b'], async () => 2), 2, 'other volumes are not blocked');
  release();
  await first;
  t.is(await locks.with(['vol:a'], async () => 3), 3);
  t.is(locks.size, 0);
});
