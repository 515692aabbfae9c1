/**
 * Property-based checks of the autoplacer on random small clusters: every placement satisfies
 * every constraint (checked by an independent validator), the same snapshot gives the same
 * answer, and it fails only when a brute-force search finds no valid placement either.
 */
import test from 'ava';
import fc from 'fast-check';
import { ApiError } from '../../core/model/errors.js';
import type { AutoSelectFilter, ProviderKind } from '../../core/model/types.js';
import { autoplace, effectiveFreeKib } from '../../core/placement/index.js';
import type { PlacementCluster, PlacementRequest } from '../../core/placement/types.js';
import { cluster, GiB, type NodeSpec } from './helpers.js';

const RSC = 'r0';
const SIZE = 10 * GiB;

const nodeArb = (i: number): fc.Arbitrary<NodeSpec> =>
  fc.record({
    site: fc.constantFrom('x', 'y', 'z', undefined),
    rack: fc.constantFrom('r1', 'r2', undefined),
    online: fc.constantFrom(true, true, true, false),
    evacuating: fc.constantFrom(false, false, false, true),
    target: fc.constantFrom(undefined, undefined, 'false'),
    pools: fc.array(fc.record({
      name: fc.constantFrom('p1', 'p2', 'p3'),
      kind: fc.constantFrom<ProviderKind>('LVM', 'LVM_THIN', 'ZFS'),
      freeGiB: fc.constantFrom(0, 5, 12, 40, 80),
    }), { minLength: 0, maxLength: 2 }),
  }).map((r) => ({
    name: `n${i}`,
    online: r.online,
    evacuating: r.evacuating,
    props: Object.fromEntries(Object.entries({ 'Aux/site': r.site, 'Aux/rack': r.rack, AutoplaceTarget: r.target }).filter(([, v]) => v !== undefined)) as Record<string, string>,
    pools: [...new Map(r.pools.map((p) => [p.name, { ...p, totalGiB: 100 }])).values()],
  }));

const clusterArb = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))), fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }))
    .map(([nodes, existingAt, otherAt]) => {
      const rscs = [];
      const firstPool = (i: number) => nodes[i].pools?.[0]?.name;
      if (existingAt !== undefined && firstPool(existingAt)) rscs.push({ name: RSC, nodeName: `n${existingAt}`, kind: 'DISKFUL' as const, storagePool: firstPool(existingAt) });
      if (otherAt !== undefined) rscs.push({ name: 'other', nodeName: `n${otherAt}`, kind: 'DISKFUL' as const, storagePool: firstPool(otherAt) });
      return cluster(nodes, rscs);
    }));

const filterArb: fc.Arbitrary<AutoSelectFilter> = fc.record({
  place_count: fc.integer({ min: 1, max: 4 }),
  replicas_on_same: fc.constantFrom(undefined, ['Aux/rack'], ['Aux/rack=r1']),
  replicas_on_different: fc.constantFrom(undefined, ['Aux/site'], ['Aux/site=x']),
  x_replicas_on_different_map: fc.constantFrom(undefined, undefined, { 'Aux/site': 2 }),
  storage_pool_list: fc.constantFrom(undefined, ['p1'], ['p1', 'p2']),
  provider_list: fc.constantFrom(undefined, ['LVM', 'ZFS']),
  not_place_with_rsc: fc.constantFrom(undefined, ['other']),
}, { requiredKeys: ['place_count'] });

interface Pick { nodeName: string; storagePool: string }

/** The constraints, written again from the guide without the autoplacer's code. */
function valid(c: PlacementCluster, f: AutoSelectFilter, picks: Pick[]): boolean {
  const node = (n: string) => c.nodes.find((x) => x.name === n)!;
  const existing = c.resources.filter((r) => r.name === RSC && r.kind === 'DISKFUL' && !node(r.nodeName).evacuating);
  if (picks.length !== Math.max(0, f.place_count! - existing.length)) return false;
  if (new Set(picks.map((p) => p.nodeName)).size !== picks.length) return false;
  const kinds = new Set<string>();
  for (const p of picks) {
    const n = node(p.nodeName);
    const pool = c.storagePools.find((s) => s.nodeName === p.nodeName && s.name === p.storagePool);
    if (!pool || pool.providerKind === 'DISKLESS' || !n.online || n.evacuating || n.props.AutoplaceTarget === 'false') return false;
    if (c.resources.some((r) => r.nodeName === p.nodeName && (r.name === RSC || f.not_place_with_rsc?.includes(r.name)))) return false;
    if ((effectiveFreeKib(pool, {}) ?? 0) < SIZE) return false;
    if (f.storage_pool_list && !f.storage_pool_list.includes(pool.name)) return false;
    if (f.provider_list && !f.provider_list.includes(pool.providerKind)) return false;
    kinds.add(pool.providerKind);
  }
  for (const r of existing) kinds.add(c.storagePools.find((s) => s.nodeName === r.nodeName && s.name === r.storagePool)!.providerKind);
  if (kinds.size > 1) return false;
  const all = [...existing.map((r) => node(r.nodeName)), ...picks.map((p) => node(p.nodeName))];
  for (const entry of f.replicas_on_same ?? []) {
    const [key, want] = entry.split('=');
    const values = new Set(all.map((n) => n.props[key]).filter((v) => v !== undefined));
    if (picks.some((p) => node(p.nodeName).props[key] === undefined) || values.size > 1 || (want && !values.has(want) && picks.length > 0)) return false;
  }
  const x = f.x_replicas_on_different_map?.['Aux/site'] ?? 1;
  if (f.replicas_on_different || f.x_replicas_on_different_map) {
    const forbidden = f.replicas_on_different?.[0]?.split('=')[1];
    if (forbidden && picks.some((p) => node(p.nodeName).props['Aux/site'] === forbidden)) return false;
    const count = new Map<string, number>();
    for (const n of all) if (n.props['Aux/site'] !== undefined) count.set(n.props['Aux/site'], (count.get(n.props['Aux/site']) ?? 0) + 1);
    if ([...count.values()].some((k) => k > x)) return false;
    if ([...count.entries()].filter(([v, k]) => k < x && v !== forbidden).length > 1) return false;
  }
  return true;
}

function bruteForceExists(c: PlacementCluster, f: AutoSelectFilter): boolean {
  const options = c.storagePools.filter((p) => p.providerKind !== 'DISKLESS');
  const need = Math.max(0, f.place_count! - c.resources.filter((r) => r.name === RSC && r.kind === 'DISKFUL' && !c.nodes.find((n) => n.name === r.nodeName)!.evacuating).length);
  const rec = (start: number, acc: Pick[]): boolean => {
    if (acc.length === need) return valid(c, f, acc);
    for (let i = start; i < options.length; i++) {
      if (rec(i + 1, [...acc, { nodeName: options[i].nodeName, storagePool: options[i].name }])) return true;
    }
    return false;
  };
  return rec(0, []);
}

const request = (f: AutoSelectFilter): PlacementRequest => ({ resourceName: RSC, filter: f, volumeSizesKib: [SIZE] });

test('every placement on a random cluster satisfies all constraints, and it fails only when none exists', (t) => {
  let placed = 0;
  let failed = 0;
  fc.assert(fc.property(clusterArb, filterArb, (c, f) => {
    try {
      const r = autoplace(c, request(f));
      placed++;
      return valid(c, f, r.diskful);
    } catch (e) {
      if (!(e instanceof ApiError) || e.rc !== 'FAIL_NOT_ENOUGH_NODES') throw e;
      failed++;
      return !bruteForceExists(c, f);
    }
  }), { numRuns: 1500, seed: 4242 });
  t.true(placed > 100 && failed > 100, `placed ${placed}, failed ${failed}: both outcomes must be exercised`);
});

test('the same cluster state always gives the same placement', (t) => {
  t.notThrows(() => fc.assert(fc.property(clusterArb, filterArb, (c, f) => {
    const run = (snap: PlacementCluster) => {
      try {
        return JSON.stringify(autoplace(snap, request(f)));
      } catch (e) {
        return JSON.stringify({ error: (e as ApiError).rc, cause: (e as ApiError).opts.cause });
      }
    };
    const copy = structuredClone(c);
    copy.nodes.reverse();
    copy.storagePools.reverse();
    return run(c) === run(c) && run(c) === run(copy);
  }), { numRuns: 500, seed: 7 }));
});

/**
 * Clusters where the existing replicas decide the outcome: every node has a site (few values, so
 * a candidate often shares the site of a replica already placed), one or two replicas exist, and
 * the filter always asks for replicas on different sites. An autoplacer that forgot the existing
 * replicas would put a new one beside them.
 */
const existingOnSitesArb = fc.integer({ min: 3, max: 6 }).chain((n) =>
  fc.tuple(
    fc.array(fc.constantFrom('x', 'y', 'z'), { minLength: n, maxLength: n }),
    fc.array(fc.constantFrom(12, 40, 80), { minLength: n, maxLength: n }),
    fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 2 }),
  ).map(([sites, free, existingAt]) => cluster(
    sites.map((site, i) => ({ name: `n${i}`, props: { 'Aux/site': site }, pools: [{ name: 'p1', kind: 'LVM' as ProviderKind, freeGiB: free[i]!, totalGiB: 100 }] })),
    // The replicas already there were placed by the same rule: on different sites.
    existingAt.filter((i, k) => existingAt.findIndex((j) => sites[j] === sites[i]) === k)
      .map((i) => ({ name: RSC, nodeName: `n${i}`, kind: 'DISKFUL' as const, storagePool: 'p1' })),
  )));
const differentSitesArb = fc.record({
  extra: fc.integer({ min: 1, max: 2 }),
  replicas_on_different: fc.constantFrom<string[]>(['Aux/site'], ['Aux/site'], ['Aux/site=z']),
  x_replicas_on_different_map: fc.constantFrom(undefined, undefined, { 'Aux/site': 2 }),
});

test('with replicas already placed, replicas-on-different counts them: new replicas never join a site that is full', (t) => {
  let placed = 0;
  let failed = 0;
  t.notThrows(() => fc.assert(fc.property(existingOnSitesArb, differentSitesArb, (c, g) => {
    const existing = c.resources.filter((r) => r.name === RSC).length;
    const f: AutoSelectFilter = { place_count: existing + g.extra, replicas_on_different: g.replicas_on_different, x_replicas_on_different_map: g.x_replicas_on_different_map };
    try {
      const r = autoplace(c, request(f));
      placed++;
      return valid(c, f, r.diskful);
    } catch (e) {
      if (!(e instanceof ApiError) || e.rc !== 'FAIL_NOT_ENOUGH_NODES') throw e;
      failed++;
      return !bruteForceExists(c, f);
    }
  }), { numRuns: 800, seed: 1414 }));
  t.true(placed > 100 && failed > 100, `placed ${placed}, failed ${failed}: both outcomes must be exercised`);
});
