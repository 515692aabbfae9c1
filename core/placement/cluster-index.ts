/**
 * Lookup tables over a PlacementCluster snapshot, built once per snapshot object (O(resources))
 * and cached, so repeated decisions on one snapshot cost only O(pools) each. Everything a
 * decision would otherwise recompute per pool (name keys, resource counts, free capacity,
 * do-not-place-with matches) is kept here.
 */
import { nameKey } from '../model/names.js';
import { effectiveFreeKib, isDiskful } from './capacity.js';
import type { PlacementCluster, PlacementNode, PlacementResource, PlacementStoragePool } from './types.js';

export interface PoolEntry {
  pool: PlacementStoragePool;
  /** Live resources in this pool: the MinRscCount strategy. */
  rscCount: number;
  /** Cached effectiveFreeKib (null = not computed yet). */
  free: number | undefined | null;
}

export interface NodeEntry {
  node: PlacementNode;
  key: string;
  layers?: Set<string>;
  providers?: Set<string>;
  diskful: PoolEntry[];
  diskless: PlacementStoragePool[];
}

export interface ClusterIndex {
  cluster: PlacementCluster;
  nodes: Map<string, NodeEntry>;
  /** Nodes sorted by key: the deterministic iteration order. */
  sortedNodes: NodeEntry[];
  /** The replicas of one resource definition (name key). */
  replicasOf(rscKey: string): PlacementResource[];
  /** Live resource names (sorted) -> node keys they are on: do-not-place-with (built on first use). */
  nodesByRsc(): Map<string, { name: string; nodes: string[] }>;
  /** Memo of do-not-place-with lookups: filter text -> node key -> blocking resource. */
  avoidMemo: Map<string, Map<string, string>>;
}

const cache = new WeakMap<PlacementCluster, ClusterIndex>();

export function poolKey(nodeName: string, poolName: string): string {
  return `${nameKey(nodeName)};${nameKey(poolName)}`;
}

export function indexCluster(cluster: PlacementCluster): ClusterIndex {
  const hit = cache.get(cluster);
  if (hit) return hit;
  const nodes = new Map<string, NodeEntry>();
  for (const n of cluster.nodes) {
    nodes.set(nameKey(n.name), {
      node: n,
      key: nameKey(n.name),
      layers: n.supportedLayers && new Set(n.supportedLayers.map((l) => l.toUpperCase())),
      providers: n.supportedProviders && new Set(n.supportedProviders.map((l) => l.toUpperCase())),
      diskful: [],
      diskless: [],
    });
  }
  const pools = new Map<string, PoolEntry>();
  for (const p of cluster.storagePools) {
    const entry = nodes.get(nameKey(p.nodeName));
    if (!entry) continue;
    if (isDiskful(p.providerKind)) {
      const pe: PoolEntry = { pool: p, rscCount: 0, free: null };
      entry.diskful.push(pe);
      pools.set(poolKey(p.nodeName, p.name), pe);
    } else entry.diskless.push(p);
  }
  const sortedNodes = [...nodes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let idx: ClusterIndex;
  if (cluster.replicasOf) {
    // The caller indexed the resources: O(nodes + pools) here.
    const replicasOf = cluster.replicasOf;
    for (const pe of pools.values()) pe.rscCount = pe.pool.rscCount ?? 0;
    let byRsc: Map<string, { name: string; nodes: string[] }> | undefined;
    idx = {
      cluster, nodes, sortedNodes, avoidMemo: new Map(),
      replicasOf: (rk) => replicasOf(rk),
      nodesByRsc: () => (byRsc ??= liveNodesByRsc(cluster.resources)),
    };
  } else {
    const replicasByRsc = new Map<string, PlacementResource[]>();
    for (const r of cluster.resources) {
      const rk = nameKey(r.name);
      const list = replicasByRsc.get(rk);
      if (list) list.push(r);
      else replicasByRsc.set(rk, [r]);
      if (r.deleting || r.storagePool === undefined) continue;
      const pe = pools.get(poolKey(r.nodeName, r.storagePool));
      if (pe) pe.rscCount++;
    }
    const byRsc = liveNodesByRsc(cluster.resources);
    idx = { cluster, nodes, sortedNodes, avoidMemo: new Map(), replicasOf: (rk) => replicasByRsc.get(rk) ?? [], nodesByRsc: () => byRsc };
  }
  cache.set(cluster, idx);
  return idx;
}

/** Live resource names (sorted by key) -> the node keys they are on. */
function liveNodesByRsc(resources: readonly PlacementResource[]): Map<string, { name: string; nodes: string[] }> {
  const byRsc = new Map<string, { name: string; nodes: string[] }>();
  for (const r of resources) {
    if (r.deleting) continue;
    const rk = nameKey(r.name);
    const on = byRsc.get(rk) ?? { name: r.name, nodes: [] };
    on.nodes.push(nameKey(r.nodeName));
    byRsc.set(rk, on);
  }
  return new Map([...byRsc.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** Effective free KiB of a pool, computed once per snapshot. */
export function poolFree(idx: ClusterIndex, pe: PoolEntry): number | undefined {
  if (pe.free === null) pe.free = effectiveFreeKib(pe.pool, idx.cluster.controllerProps);
  return pe.free;
}

/** Node key -> the first (by name) resource matching `match` on that node. Memoised per `memoKey`. */
export function nodesWithResources(idx: ClusterIndex, memoKey: string, match: (rsc: string) => boolean): Map<string, string> {
  const memo = idx.avoidMemo.get(memoKey);
  if (memo) return memo;
  const out = new Map<string, string>();
  for (const { name, nodes } of idx.nodesByRsc().values()) {
    if (!match(name)) continue;
    for (const n of nodes) if (!out.has(n)) out.set(n, name);
  }
  if (idx.avoidMemo.size >= 64) idx.avoidMemo.clear(); // bounded: one snapshot, few distinct filters
  idx.avoidMemo.set(memoKey, out);
  return out;
}
