import test from 'ava';
import { ApiError } from '../../core/model/errors.js';
import { autoplace } from '../../core/placement/index.js';
import { cluster, GiB, names } from './helpers.js';

const req = (filter: object, sizeGiB = 10, resourceName = 'vm-100-disk-0') => ({ resourceName, filter, volumeSizesKib: [sizeGiB * GiB] });

function failure(t: import('ava').ExecutionContext, fn: () => unknown): ApiError {
  const err = t.throws(fn, { instanceOf: ApiError }) as ApiError;
  t.is(err.rc, 'FAIL_NOT_ENOUGH_NODES');
  t.is(err.message, 'Not enough available nodes');
  return err;
}

test('place count 2 picks the two nodes with the most free space', (t) => {
  const c = cluster([{ name: 'a', pools: [{ freeGiB: 50 }] }, { name: 'b', pools: [{ freeGiB: 90 }] }, { name: 'c', pools: [{ freeGiB: 70 }] }]);
  const r = autoplace(c, req({ place_count: 2 }));
  t.deepEqual(r.diskful.map((x) => x.nodeName), ['b', 'c']);
  t.is(r.requested, 2);
});

test('a storage pool name restricts placement to nodes that have that pool', (t) => {
  const c = cluster([
    { name: 'a', pools: [{ name: 'ssd' }, { name: 'hdd', freeGiB: 500, totalGiB: 500 }] },
    { name: 'b', pools: [{ name: 'hdd' }] },
    { name: 'c', pools: [{ name: 'ssd' }] },
  ]);
  const r = autoplace(c, req({ place_count: 2, storage_pool: 'ssd' }));
  t.deepEqual(names(r.diskful), ['a', 'c']);
  t.true(r.diskful.every((x) => x.storagePool === 'ssd'));
  const list = autoplace(c, req({ place_count: 3, storage_pool_list: ['ssd', 'hdd'] }));
  t.deepEqual(names(list.diskful), ['a', 'b', 'c']);
  t.is(list.diskful.find((x) => x.nodeName === 'a')?.storagePool, 'hdd');
});

test('placement fails naming nodes without space and nodes with AutoplaceTarget=false', (t) => {
  const c = cluster([
    { name: 'a', pools: [{ freeGiB: 5 }] },
    { name: 'b', pools: [{ freeGiB: 5 }] },
    { name: 'c', props: { AutoplaceTarget: 'false' } },
    { name: 'd' },
  ]);
  const err = failure(t, () => autoplace(c, req({ place_count: 2 })));
  t.regex(err.opts.cause ?? '', /2 nodes \(a, b\) have no storage pool with 10 GiB free/);
  t.regex(err.opts.cause ?? '', /node c has AutoplaceTarget=false/);
  t.regex(err.opts.correction ?? '', /free space/);
});

test('offline, evacuating and controller-wide AutoplaceTarget=false nodes are skipped', (t) => {
  const c = cluster([{ name: 'a', online: false }, { name: 'b', evacuating: true }, { name: 'c' }, { name: 'd', props: { AutoplaceTarget: 'true' } }], [], { AutoplaceTarget: 'false' });
  const r = autoplace(c, req({ place_count: 1 }));
  t.deepEqual(names(r.diskful), ['d']);
  const err = failure(t, () => autoplace(c, req({ place_count: 2 })));
  t.regex(err.opts.cause ?? '', /node a is offline/);
  t.regex(err.opts.cause ?? '', /node b is being evacuated/);
});

test('a pool with AutoplaceTarget=false is not used but the node stays eligible through its other pool', (t) => {
  const c = cluster([{ name: 'a', pools: [{ name: 'big', freeGiB: 900, totalGiB: 900, props: { AutoplaceTarget: 'false' } }, { name: 'small', freeGiB: 20 }] }]);
  t.is(autoplace(c, req({ place_count: 1 })).diskful[0].storagePool, 'small');
});

test('replicas-on-same keeps all replicas in one rack', (t) => {
  const c = cluster([
    { name: 'a', props: { 'Aux/rack': 'r1' }, pools: [{ freeGiB: 99 }] },
    { name: 'b', props: { 'Aux/rack': 'r2' }, pools: [{ freeGiB: 98 }] },
    { name: 'c', props: { 'Aux/rack': 'r2' }, pools: [{ freeGiB: 50 }] },
    { name: 'd', pools: [{ freeGiB: 100 }] },
  ]);
  t.deepEqual(names(autoplace(c, req({ place_count: 2, replicas_on_same: ['Aux/rack'] })).diskful), ['b', 'c']);
  t.deepEqual(names(autoplace(c, req({ place_count: 1, replicas_on_same: ['Aux/rack=r2'] })).diskful), ['b']);
});

test('replicas-on-different puts each replica on another site, and =value excludes a site', (t) => {
  const c = cluster([
    { name: 'a', props: { 'Aux/site': 'x' }, pools: [{ freeGiB: 99 }] },
    { name: 'b', props: { 'Aux/site': 'x' }, pools: [{ freeGiB: 98 }] },
    { name: 'c', props: { 'Aux/site': 'y' }, pools: [{ freeGiB: 50 }] },
    { name: 'd', props: { 'Aux/site': 'z' }, pools: [{ freeGiB: 40 }] },
  ]);
  t.deepEqual(names(autoplace(c, req({ place_count: 2, replicas_on_different: ['Aux/site'] })).diskful), ['a', 'c']);
  t.deepEqual(names(autoplace(c, req({ place_count: 2, replicas_on_different: ['Aux/site=x'] })).diskful), ['c', 'd']);
  const err = failure(t, () => autoplace(c, req({ place_count: 4, replicas_on_different: ['Aux/site'] })));
  t.regex(err.opts.cause ?? '', /replicas-on-different Aux\/site/);
});

test('x-replicas-on-different 2 with three replicas places two in one site and one in another', (t) => {
  const c = cluster(['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => ({ name: n, props: { 'Aux/site': ['x', 'y', 'z'][i % 3] }, pools: [{ freeGiB: 90 - i }] })));
  const r = autoplace(c, req({ place_count: 3, replicas_on_different: ['Aux/site'], x_replicas_on_different_map: { 'Aux/site': 2 } }));
  const sites = r.diskful.map((x) => c.nodes.find((n) => n.name === x.nodeName)!.props['Aux/site']).sort();
  t.deepEqual(sites, ['x', 'x', 'y']);
});

test('do-not-place-with and its regex keep a resource away from nodes running others', (t) => {
  const c = cluster([{ name: 'a', pools: [{ freeGiB: 99 }] }, { name: 'b', pools: [{ freeGiB: 98 }] }, { name: 'c', pools: [{ freeGiB: 10 + 1 }] }], [
    { name: 'db-primary', nodeName: 'a', kind: 'DISKFUL', storagePool: 'pool1' },
    { name: 'web-1', nodeName: 'b', kind: 'DISKFUL', storagePool: 'pool1' },
  ]);
  t.deepEqual(names(autoplace(c, req({ place_count: 2, not_place_with_rsc: ['DB-PRIMARY'] })).diskful), ['b', 'c']);
  t.deepEqual(names(autoplace(c, req({ place_count: 1, not_place_with_rsc_regex: '^db-' })).diskful), ['b']);
  const err = failure(t, () => autoplace(c, req({ place_count: 2, not_place_with_rsc_regex: 'db|web' })));
  t.regex(err.opts.cause ?? '', /has resource 'db-primary' \(do-not-place-with\)/);
});

test('a layer list skips nodes whose satellite lacks a layer', (t) => {
  const c = cluster([{ name: 'a', layers: ['STORAGE'] }, { name: 'b', layers: ['DRBD', 'STORAGE'] }]);
  t.deepEqual(names(autoplace(c, req({ place_count: 1, layer_stack: ['DRBD', 'STORAGE'] })).diskful), ['b']);
  const err = failure(t, () => autoplace(c, req({ place_count: 2, layer_stack: ['DRBD', 'STORAGE'] })));
  t.regex(err.opts.cause ?? '', /node a does not support layer DRBD/);
});

test('a provider list selects pools by driver and never mixes drivers within a resource', (t) => {
  const c = cluster([
    { name: 'a', pools: [{ name: 'thin', kind: 'LVM_THIN', freeGiB: 10, totalGiB: 100 }, { name: 'thick', kind: 'LVM', freeGiB: 20 }] },
    { name: 'b', pools: [{ name: 'zfs', kind: 'ZFS', freeGiB: 900, totalGiB: 900 }] },
    { name: 'c', pools: [{ name: 'thick', kind: 'LVM', freeGiB: 30 }] },
  ]);
  const thin = autoplace(c, req({ place_count: 1, provider_list: ['LVM_THIN'] }));
  t.is(thin.diskful[0].storagePool, 'thin');
  const two = autoplace(c, req({ place_count: 2 }));
  t.deepEqual(two.diskful.map((x) => x.providerKind), ['LVM', 'LVM']);
});

test('diskless-on-remaining gives every other online node a diskless replica', (t) => {
  const c = cluster([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd', online: false }]);
  const r = autoplace(c, req({ place_count: 2, diskless_on_remaining: true }));
  t.is(r.diskful.length, 2);
  t.deepEqual(r.disklessOnRemaining, [{ nodeName: 'c', storagePool: 'DfltDisklessStorPool' }]);
});

test('auto-place +1 adds a replica away from the existing one, honouring its site', (t) => {
  const c = cluster([
    { name: 'a', props: { 'Aux/site': 'x' }, pools: [{ freeGiB: 99 }] },
    { name: 'b', props: { 'Aux/site': 'x' }, pools: [{ freeGiB: 98 }] },
    { name: 'c', props: { 'Aux/site': 'y' }, pools: [{ freeGiB: 50 }] },
  ], [{ name: 'r1', nodeName: 'a', kind: 'DISKFUL', storagePool: 'pool1' }]);
  const r = autoplace(c, req({ additional_place_count: 1, replicas_on_different: ['Aux/site'] }, 10, 'r1'));
  t.deepEqual(names(r.diskful), ['c']);
  t.is(autoplace(c, req({ place_count: 1 }, 10, 'r1')).diskful.length, 0, 'place count already reached');
});

test('a thick pool counts volumes placed there but not yet reported: free space it has not reported as used is not free', (t) => {
  // Pool "a" reports 50 GiB free, but 45 GiB of its 50 are already reserved by volumes placed there.
  const c = cluster([{ name: 'a', pools: [{ freeGiB: 50, totalGiB: 50, reservedGiB: 45 }] }, { name: 'b', pools: [{ freeGiB: 20, totalGiB: 20 }] }]);
  t.deepEqual(names(autoplace(c, req({ place_count: 1 }, 10)).diskful), ['b']);
  failure(t, () => autoplace(c, req({ place_count: 2 }, 10)));
});
test('thin pools may be over-provisioned up to the oversubscription ratio (default 20)', (t) => {
  const c = cluster([{ name: 'a', pools: [{ kind: 'LVM_THIN', freeGiB: 1, totalGiB: 100 }] }]);
  t.is(autoplace(c, req({ place_count: 1 }, 15)).diskful.length, 1);
  const strict = cluster([{ name: 'a', pools: [{ kind: 'LVM_THIN', freeGiB: 1, totalGiB: 100, props: { MaxOversubscriptionRatio: '1' } }] }]);
  failure(t, () => autoplace(strict, req({ place_count: 1 }, 15)));
  const reserved = cluster([{ name: 'a', pools: [{ kind: 'LVM_THIN', freeGiB: 90, totalGiB: 100, reservedGiB: 1995 }] }]);
  failure(t, () => autoplace(reserved, req({ place_count: 1 }, 10)));
});

test('Autoplacer/Weights/MinRscCount prefers the emptier pool over the one with more space', (t) => {
  const nodes = [{ name: 'a', pools: [{ freeGiB: 99 }] }, { name: 'b', pools: [{ freeGiB: 60 }] }];
  const rscs = [1, 2, 3].map((i) => ({ name: `r${i}`, nodeName: 'a', kind: 'DISKFUL' as const, storagePool: 'pool1' }));
  t.deepEqual(names(autoplace(cluster(nodes, rscs), req({ place_count: 1 })).diskful), ['a']);
  const weighted = cluster(nodes, rscs, { 'Autoplacer/Weights/MaxFreeSpace': '0', 'Autoplacer/Weights/MinRscCount': '1' });
  t.deepEqual(names(autoplace(weighted, req({ place_count: 1 })).diskful), ['b']);
});
