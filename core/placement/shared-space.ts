/**
 * Shared storage pools in placement: the pools of one shared space are one free-space manager.
 * A resource gets at most one diskful replica per shared space (the nodes see the same volume:
 * a second replica there would mirror the data onto itself), so candidates in a space already
 * holding a replica go, and of the rest only the best candidate per space stays.
 */
import { nameKey } from '../model/names.js';
import type { Rated } from './selector.js';
import type { PlacementStoragePool } from './types.js';

/** The shared spaces the given (node, pool) replicas occupy. */
export function occupiedSpaces(pools: readonly PlacementStoragePool[], replicas: ReadonlyArray<{ nodeName: string; storagePool?: string }>): Set<string> {
  const out = new Set<string>();
  for (const r of replicas) {
    if (r.storagePool === undefined) continue;
    const p = pools.find((x) => nameKey(x.nodeName) === nameKey(r.nodeName) && nameKey(x.name) === nameKey(r.storagePool!));
    if (p?.sharedSpace) out.add(p.sharedSpace);
  }
  return out;
}

/** Candidates with at most one per shared space (the best scored; ties by node name), none in `occupied`. */
export function onePerSharedSpace(rated: Rated[], occupied: ReadonlySet<string>): Rated[] {
  const best = new Map<string, Rated>();
  for (const r of rated) {
    const s = r.pool.sharedSpace;
    if (s === undefined || occupied.has(s)) continue;
    const cur = best.get(s);
    if (!cur || r.score > cur.score || (r.score === cur.score && r.nodeKey < cur.nodeKey)) best.set(s, r);
  }
  return rated.filter((r) => r.pool.sharedSpace === undefined || best.get(r.pool.sharedSpace) === r);
}
