/**
 * What the autoplacer needs to know about placed resources, kept up to date on commit: each
 * definition's replicas, and per storage pool the space its volumes promise and how many live
 * resources it holds. A placement then costs O(nodes + pools), not a walk of every resource.
 */
import { nameKey } from '../../model/names.js';
import type { PlacementResource } from '../../placement/index.js';
import type { ClusterState } from '../state/cluster-state.js';
import { addToCount, DefinitionIndex, perState } from '../state/definition-index.js';
import { resourceKind } from './resource-kind.js';

/** One replica; `evacuating` here is the resource's own flag (the node's is added per snapshot). */
export interface IndexedReplica { resource: PlacementResource; nodeKey: string }

export interface PlacementPart {
  replicas: IndexedReplica[];
  /** Storage pool key (NODE/POOL, as the storage pool table) -> KiB promised. */
  reserved: Map<string, number>;
  /** Storage pool key -> live (not deleting) resources whose first volume is there. */
  live: Map<string, number>;
}

/** The part of one definition, exactly as a walk of every resource would see it. */
export function placementPartOf(state: ClusterState, rdKey: string): PlacementPart | undefined {
  const rd = state.resourceDefinitions.get(rdKey);
  if (!rd) return undefined;
  const part: PlacementPart = { replicas: [], reserved: new Map(), live: new Map() };
  for (const r of state.resources.withSegment(0, rdKey)) {
    let firstPool: string | undefined;
    for (const vd of rd.volumeDefinitions) {
      const pool = r.volumes[String(vd.volumeNumber)]?.storagePool;
      if (!pool) continue;
      firstPool ??= pool;
      const k = `${nameKey(r.nodeName)}/${nameKey(pool)}`;
      part.reserved.set(k, (part.reserved.get(k) ?? 0) + vd.sizeKib);
    }
    const deleting = r.flags.includes('DELETE') || rd.flags.includes('DELETE');
    if (!deleting && firstPool !== undefined) {
      const k = `${nameKey(r.nodeName)}/${nameKey(firstPool)}`;
      part.live.set(k, (part.live.get(k) ?? 0) + 1);
    }
    part.replicas.push({
      nodeKey: nameKey(r.nodeName),
      resource: {
        name: r.name, nodeName: r.nodeName, storagePool: firstPool, kind: resourceKind(r), deleting,
        evacuating: r.flags.includes('EVACUATE') || r.flags.includes('EVICTED'),
      },
    });
  }
  return part;
}

export class PlacementIndex {
  readonly reserved = new Map<string, number>();
  readonly live = new Map<string, number>();
  private readonly index: DefinitionIndex<PlacementPart>;

  constructor(state: ClusterState) {
    this.index = new DefinitionIndex<PlacementPart>(state, {
      partOf: placementPartOf,
      apply: (p, sign) => {
        for (const [k, v] of p.reserved) addToCount(this.reserved, k, sign * v);
        for (const [k, v] of p.live) addToCount(this.live, k, sign * v);
      },
    }, ['resource_definitions', 'resources']);
  }

  /**
   * Runs `fn` with the totals as the current reader sees them; `part(rdKey)` answers one
   * definition's replicas in that view (usable after `fn` returns, while nothing commits:
   * within the same synchronous callback).
   */
  view<R>(fn: (part: (rdKey: string) => PlacementPart | undefined) => R): R {
    return this.index.withView((overlay) => fn((k) => (overlay.has(k) ? overlay.get(k) : this.index.committedPart(k))));
  }
}

/** The state's placement index (created on first use). */
export const placementIndex = perState((state) => new PlacementIndex(state));
