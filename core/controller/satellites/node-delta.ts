import { nameKey } from '../../model/names.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { RowChange } from '../../store/store.js';
import { snapshotTable } from '../snapshots/common.js';
import type { ClusterState } from '../state/cluster-state.js';

/** What a node must be sent because of committed changes. */
export interface NodeDelta {
  /** The whole desired state (node props, controller props, a node row). */
  full: boolean;
  /** The pool list. */
  pools: boolean;
  /** Resource definitions (keys) whose resource on the node is sent again, or removed. */
  resources: Set<string>;
  /** Resource definitions whose snapshot list on the node is sent again. */
  snapshots: Set<string>;
  /** The list of external files (a file, a definition deploying it or a resource changed). */
  files: boolean;
}

export function emptyDelta(): NodeDelta {
  return { full: false, pools: false, resources: new Set(), snapshots: new Set(), files: false };
}

export function mergeDelta(into: NodeDelta, d: NodeDelta): void {
  into.full ||= d.full;
  into.pools ||= d.pools;
  into.files ||= d.files;
  for (const k of d.resources) into.resources.add(k);
  for (const k of d.snapshots) into.snapshots.add(k);
}

/**
 * Turns committed row changes into per-node deltas of the desired state: a resource change
 * reaches its node and its DRBD peers (their peer lists and quorum change), a definition its
 * nodes, a pool its node, a snapshot the nodes that hold it. Only changes that reach
 * everything (controller props) or a node's own row make a full push. Called after the
 * commit: tables hold the new rows; for deleted rows it remembers what it needs.
 */
export class DeltaTracker {
  /** Node rows as last seen: a row written again unchanged (a "touch") changes nothing. */
  private readonly nodeRows = new Map<string, unknown>();
  /** Nodes each snapshot is on, to reach them when the snapshot row is deleted. */
  private readonly snapshotNodes = new Map<string, Set<string>>();

  constructor(private readonly state: ClusterState) {
    for (const [k, n] of state.nodes.entries()) this.nodeRows.set(k, n);
    for (const [k, s] of snapshotTable(state).entries()) this.snapshotNodes.set(k, nodesOfSnapshot(s));
  }

  deltas(changes: readonly RowChange[]): Map<string, NodeDelta> {
    const { state } = this;
    const out = new Map<string, NodeDelta>();
    const at = (nodeKey: string): NodeDelta => {
      let d = out.get(nodeKey);
      if (!d) out.set(nodeKey, d = emptyDelta());
      return d;
    };
    const allNodes = () => [...state.nodes.entries()].map(([k]) => k);
    const resourceEverywhere = (rdKey: string) => { for (const n of this.nodesOf(rdKey)) at(n).resources.add(rdKey); };
    for (const c of changes) {
      switch (c.table) {
        case 'nodes': {
          if (c.value !== null && this.nodeRows.get(c.key) === c.value) break;
          if (c.value === null) this.nodeRows.delete(c.key); else this.nodeRows.set(c.key, c.value);
          at(c.key).full = true;
          // Its address and name appear in its DRBD peers' configuration.
          for (const r of state.resources.withSegment(1, c.key)) resourceEverywhere(nameKey(r.name));
          break;
        }
        case 'storage_pools': {
          const [node, pool] = c.key.split('/') as [string, string];
          at(node).pools = true;
          // Pool props reach its volumes (QoS limits): the resources using it are sent again.
          for (const rd of this.resourcesInPool(node, pool)) at(node).resources.add(rd);
          break;
        }
        case 'storage_pool_definitions':
          for (const n of allNodes()) {
            at(n).pools = true;
            for (const rd of this.resourcesInPool(n, c.key)) at(n).resources.add(rd);
          }
          break;
        case 'resources': {
          const [rd, node] = c.key.split('/') as [string, string];
          at(node).resources.add(rd);
          at(node).files = true;
          resourceEverywhere(rd);
          break;
        }
        case 'resource_definitions':
          resourceEverywhere(c.key);
          for (const n of this.nodesOf(c.key)) at(n).files = true;
          break;
        case 'external_files':
          for (const n of allNodes()) at(n).files = true;
          break;
        case 'snapshots': {
          const rd = c.key.split('/')[0]!;
          const before = this.snapshotNodes.get(c.key) ?? new Set<string>();
          const after = c.value === null ? new Set<string>() : nodesOfSnapshot(c.value as Snapshot);
          if (c.value === null) this.snapshotNodes.delete(c.key); else this.snapshotNodes.set(c.key, after);
          for (const n of new Set([...before, ...after, ...this.nodesOf(rd)])) at(n).snapshots.add(rd);
          break;
        }
        case 'resource_groups': case 'volume_groups': {
          const rg = c.key.split('/')[0]!;
          for (const rd of state.resourceDefinitions.values()) if (nameKey(rd.resourceGroup) === rg) resourceEverywhere(nameKey(rd.name));
          break;
        }
        case 'node_connections': {
          // Resources the two nodes share get the changed connection options.
          const [a, b] = c.key.split('/') as [string, string];
          for (const r of state.resources.withSegment(1, a)) {
            const rd = nameKey(r.name);
            if (state.resources.has(`${rd}/${b}`)) { at(a).resources.add(rd); at(b).resources.add(rd); }
          }
          break;
        }
        case 'resource_connections': {
          const [rd, a, b] = c.key.split('/') as [string, string, string];
          at(a).resources.add(rd);
          at(b).resources.add(rd);
          break;
        }
        case 'controller_props':
          for (const n of allNodes()) at(n).full = true;
          break;
        default:
          break;
      }
    }
    // A node that is gone has nothing to be sent.
    for (const k of [...out.keys()]) if (!state.nodes.has(k)) out.delete(k);
    return out;
  }

  /** Deltas for the peers of `nodeKey` (its `uname -n` changed: their .res files name it). */
  peersOf(nodeKey: string): Map<string, NodeDelta> {
    const out = new Map<string, NodeDelta>();
    for (const r of this.state.resources.withSegment(1, nodeKey)) {
      const rd = nameKey(r.name);
      for (const n of this.nodesOf(rd)) {
        if (n === nodeKey) continue;
        let d = out.get(n);
        if (!d) out.set(n, d = emptyDelta());
        d.resources.add(rd);
      }
    }
    return out;
  }

  /** Definitions whose resource on `nodeKey` has a volume in `poolKey` (or one not yet placed). */
  private resourcesInPool(nodeKey: string, poolKey: string): string[] {
    const out: string[] = [];
    for (const r of this.state.resources.withSegment(1, nodeKey)) {
      const vols = Object.values(r.volumes);
      if (vols.length === 0 || vols.some((v) => v.storagePool === undefined || nameKey(v.storagePool) === poolKey)) out.push(nameKey(r.name));
    }
    return out;
  }

  private nodesOf(rdKey: string): string[] {
    return [...this.state.resources.withSegment(0, rdKey)].map((r) => nameKey(r.nodeName));
  }
}

function nodesOfSnapshot(s: Snapshot): Set<string> {
  return new Set((s.nodes ?? []).map((n) => nameKey(n.nodeName)));
}
