import { deployedPath, sha256Of, type DesiredExtFile } from '../../model/ext-files.js';
import { nameKey } from '../../model/names.js';
import type { ClusterState } from '../state/cluster-state.js';

/**
 * The external files a node must have: those its resources' definitions deploy (the
 * definition's `files/<path>` property is True, as LINSTOR reads it: on the definition only),
 * for resources not being deleted. Costs nothing while no file is registered.
 */
export function desiredExtFiles(state: ClusterState, nodeKey: string): DesiredExtFile[] {
  if (state.externalFiles.size === 0) return [];
  const paths = new Set<string>();
  for (const r of state.resources.withSegment(1, nodeKey)) {
    const rd = state.resourceDefinitions.get(nameKey(r.name));
    if (!rd || r.flags.includes('DELETE') || rd.flags.includes('DELETE')) continue;
    for (const [k, v] of Object.entries(rd.props)) {
      const path = deployedPath(k);
      if (path !== undefined && v.toLowerCase() === 'true') paths.add(path);
    }
  }
  const out: DesiredExtFile[] = [];
  for (const path of [...paths].sort()) {
    const f = state.externalFiles.get(path);
    if (!f) continue;
    out.push({ path: f.path, content: f.content, sha256: sha256Of(Buffer.from(f.content, 'base64')), ...(f.altSuffixes?.length ? { altSuffixes: f.altSuffixes } : {}) });
  }
  return out;
}

/** Nodes that hold a resource of a definition deploying `path` (they must write or remove it). */
export function nodesDeploying(state: ClusterState, path: string): string[] {
  const nodes = new Set<string>();
  for (const rd of state.resourceDefinitions.values()) {
    if (rd.props[`files${path}`] === undefined) continue;
    for (const r of state.resources.withSegment(0, nameKey(rd.name))) nodes.add(nameKey(r.nodeName));
  }
  return [...nodes];
}
