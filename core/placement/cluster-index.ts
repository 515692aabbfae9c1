/**
 * Lookup tables over a PlacementCluster snapshot, built once per snapshot object (O(resources))
 * and cached, so repeated decisions on one snapshot cost only O(pools) each.
 */
import { nameKey } from '../model/names.js';
import type { PlacementCluster, PlacementNode, PlacementResource, PlacementStoragePool } from './types.js';

export interface ClusterIndex {
  nodes: Map<string, PlacementNode>;
  poolsByNode: Map<string, PlacementStoragePool[]>;
  /** Names of the live (not deleting) resources on each node: do-not-place-with looks here. */
  rscNamesByNode: Map<string, string[]>;
  /** Live resources per `nodeKey;poolKey`: the MinRscCount strategy. */
  rscCountByPool: Map<string, number>;
  replicasByRsc: Map<string, PlacementResource[]>;
}

const cache = new WeakMap<PlacementCluster, ClusterIndex>();

export function poolKey(nodeName: string, poolName: string): string {
  return `${nameKey(nodeName)};${nameKey(poolName)}`;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexCluster(cluster: PlacementCluster): ClusterIndex {
  const hit = cache.get(cluster);
  if (hit) return hit;
  const idx: ClusterIndex = {
    nodes: new Map(),
    poolsByNode: new Map(),
    rscNamesByNode: new Map(),
    rscCountByPool: new Map(),
    replicasByRsc: new Map(),
  };
  for (const n of cluster.nodes) idx.nodes.set(nameKey(n.name), n);
  for (const p of cluster.storagePools) push(idx.poolsByNode, nameKey(p.nodeName), p);
  for (const r of cluster.resources) {
    push(idx.replicasByRsc, nameKey(r.name), r);
    if (r.deleting) continue;
    push(idx.rscNamesByNode, nameKey(r.nodeName), r.name);
    if (r.storagePool !== undefined) {
      const k = poolKey(r.nodeName, r.storagePool);
      idx.rscCountByPool.set(k, (idx.rscCountByPool.get(k) ?? 0) + 1);
    }
  }
  cache.set(cluster, idx);
  return idx;
}
