/**
 * Shared storage pools in the autoplacer (pure): the pools of one shared space are one
 * free-space manager, so a resource gets at most one replica in it, whichever node's pool.
 */
import test from 'ava';
import { autoplace } from '../../core/placement/index.js';
import { cluster, GiB, names } from './helpers.js';

const shared = (freeGiB = 100) => [{ name: 'shared', sharedSpace: 'vg-uuid-1', freeGiB }];

test('two replicas never land in one shared space: one of its nodes, then a node with storage of its own', (t) => {
  const c = cluster([
    { name: 'a', pools: shared() }, { name: 'b', pools: shared() },
    { name: 'c', pools: [{ name: 'shared', freeGiB: 10 }] },
  ]);
  const r = autoplace(c, { resourceName: 'r1', filter: { place_count: 2, storage_pool: 'shared' }, volumeSizesKib: [GiB] });
  t.is(r.diskful.length, 2);
  t.true(names(r.diskful).includes('c'), 'c has a pool of its own');
  t.is(names(r.diskful).filter((n) => n === 'a' || n === 'b').length, 1, 'one replica in the shared space');
});

test('a shared space counts as one candidate: three replicas need three spaces', (t) => {
  const c = cluster([{ name: 'a', pools: shared() }, { name: 'b', pools: shared() }, { name: 'c', pools: shared() }, { name: 'd' }]);
  t.throws(() => autoplace(c, { resourceName: 'r2', filter: { place_count: 3 }, volumeSizesKib: [GiB] }), { message: /Not enough available nodes/ });
  const two = autoplace(c, { resourceName: 'r2', filter: { place_count: 2 }, volumeSizesKib: [GiB] });
  t.true(names(two.diskful).includes('d'));
});

test('a resource with a replica in a shared space gets its next replica outside it', (t) => {
  const c = cluster([{ name: 'a', pools: shared() }, { name: 'b', pools: shared() }, { name: 'c', pools: [{ name: 'shared', freeGiB: 1 }] }],
    [{ name: 'r3', nodeName: 'a', storagePool: 'shared', kind: 'DISKFUL' }]);
  const r = autoplace(c, { resourceName: 'r3', filter: { place_count: 2 }, volumeSizesKib: [GiB / 2] });
  t.deepEqual(names(r.diskful), ['c'], 'not b, although it has more free space: b sees a\'s volume');
});

test('without shared spaces the same cluster places on the two best pools (the filter is what changes the result)', (t) => {
  const c = cluster([{ name: 'a', pools: [{ name: 'shared' }] }, { name: 'b', pools: [{ name: 'shared' }] }, { name: 'c', pools: [{ name: 'shared', freeGiB: 10 }] }]);
  const r = autoplace(c, { resourceName: 'r4', filter: { place_count: 2 }, volumeSizesKib: [GiB] });
  t.deepEqual(names(r.diskful), ['a', 'b']);
});
