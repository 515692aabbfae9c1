/**
 * Two FILE pools on one node must never share a folder: each would take the other's volumes
 * for orphans and delete them. Checked inside every transaction that changes where a pool's
 * folder is (the pool, its definition, its node or the controller setting StorDriver/FileDir),
 * so the request that would create the overlap is refused and nothing is stored. The
 * satellite checks again after resolving symlinks (core/satellite/providers/pool-folder.ts).
 */
import { ApiError } from '../../model/errors.js';
import { FILE_DIR_KEY, overlappingFolders } from '../../props/file-dir.js';
import { mergeProps } from '../../props/resolver.js';
import type { ClusterState, Transaction } from './cluster-state.js';

const FILE_KINDS = new Set(['FILE', 'FILE_THIN']);

/**
 * Node keys whose pools may have moved folder in this transaction. Any write of a node, pool
 * or pool definition counts (a removed FileDir moves pools to the inherited one); a write of
 * the controller's props counts for every node.
 */
function touchedNodes(state: ClusterState, tx: Transaction): Set<string> | 'all' {
  const nodes = new Set<string>();
  for (const c of tx.changes) {
    switch (c.table) {
      case 'controller_props': return 'all';
      case 'nodes': nodes.add(c.key); break;
      case 'storage_pools': nodes.add(c.key.split('/')[0]!); break;
      case 'storage_pool_definitions':
        for (const sp of state.storagePools.values()) if (sp.name.toUpperCase() === c.key) nodes.add(sp.nodeName.toUpperCase());
        break;
      default: break;
    }
  }
  return nodes;
}

/** Throws FAIL_STOR_POOL_CONFIGURATION_ERROR when two FILE pools of one node would share a folder. */
export function checkPoolFolders(state: ClusterState, tx: Transaction): void {
  const touched = touchedNodes(state, tx);
  const nodeKeys = touched === 'all' ? [...state.nodes.entries()].map(([k]) => k) : [...touched];
  for (const nodeKey of nodeKeys) {
    const node = state.nodes.get(nodeKey);
    if (!node) continue;
    const dirs: Array<{ pool: string; dir: string }> = [];
    for (const sp of state.storagePools.withPrefix(`${nodeKey}/`)) {
      if (!FILE_KINDS.has(sp.providerKind)) continue;
      const spd = state.storagePoolDefinitions.get(sp.name.toUpperCase());
      const dir = mergeProps([
        { level: 'controller', props: state.ctrlProps }, { level: 'node', props: node.props },
        { level: 'storage-pool-definition', props: spd?.props ?? {} }, { level: 'storage-pool', props: sp.props },
      ])[FILE_DIR_KEY];
      if (dir !== undefined) dirs.push({ pool: sp.name, dir });
    }
    const clash = overlappingFolders(dirs);
    if (clash) {
      const [a, b] = clash;
      throw new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR',
        `Storage pools '${a.pool}' (${a.dir}) and '${b.pool}' (${b.dir}) on node '${node.name}' would share a folder.`, {
          cause: 'Each FILE pool treats every volume file in its folder as its own: pools sharing a folder would delete each other\'s volumes.',
          correction: `Give each pool a folder of its own that is neither inside nor around another pool's folder (${FILE_DIR_KEY}).`,
          obj: 'STOR_POOL',
        });
    }
  }
}
