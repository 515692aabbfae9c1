import { nameKey } from '../../model/names.js';
import type { RowChange } from '../../store/store.js';
import type { ClusterState } from '../state/cluster-state.js';

/** Keys of the nodes that hold a resource of the definition `rdKey`. */
function nodesOfDefinition(state: ClusterState, rdKey: string): string[] {
  return [...state.resources.withPrefix(`${rdKey}/`)].map((r) => nameKey(r.nodeName));
}

function allNodes(state: ClusterState): string[] {
  return [...state.nodes.entries()].map(([k]) => k);
}

/**
 * Which nodes' desired state a committed change can alter. Called after the commit, so the
 * tables already hold the new rows; deleted rows are named by their keys.
 */
export function affectedNodes(state: ClusterState, changes: readonly RowChange[]): Set<string> {
  const out = new Set<string>();
  const add = (keys: Iterable<string>) => { for (const k of keys) out.add(k); };
  for (const c of changes) {
    switch (c.table) {
      case 'nodes': {
        out.add(c.key);
        // A node's address appears in its DRBD peers' configuration.
        const rds = new Set([...state.resources.withSegment(1, c.key)].map((r) => nameKey(r.name)));
        for (const rd of rds) add(nodesOfDefinition(state, rd));
        break;
      }
      case 'storage_pools':
        out.add(c.key.split('/')[0]!);
        break;
      case 'resources': {
        const [rd, node] = c.key.split('/') as [string, string];
        out.add(node);
        add(nodesOfDefinition(state, rd));
        break;
      }
      case 'snapshots':
        add(nodesOfDefinition(state, c.key.split('/')[0]!));
        break;
      case 'resource_definitions':
        add(nodesOfDefinition(state, c.key));
        break;
      case 'storage_pool_definitions': case 'resource_groups': case 'volume_groups':
      case 'controller_props': case 'node_connections': case 'resource_connections':
        // Rare changes that fan out widely: re-push everyone (the satellite converges idempotently).
        add(allNodes(state));
        break;
      default:
        break;
    }
  }
  return out;
}
