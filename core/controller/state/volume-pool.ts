import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { Resource, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import { disklessStorPoolName, resolveStorPoolName } from '../../props/stor-pool-name.js';
import type { ClusterState } from './cluster-state.js';

/**
 * The storage pool volume `vd` of `rsc` lives in: the pool recorded when the volume was placed
 * (a later StorPoolName change must not move it), else resolved as LINSTOR resolves it. The
 * desired state, "is this pool in use", snapshots and views all ask here, so they agree.
 */
export function volumeStoragePool(state: ClusterState, rsc: Resource, rd: ResourceDefinition, vd: VolumeDefinition): string {
  const recorded = rsc.volumes[String(vd.volumeNumber)]?.storagePool;
  if (recorded) return recorded;
  const poolOnNode = (pool: string) => state.storagePools.get(`${nameKey(rsc.nodeName)}/${nameKey(pool)}`);
  if (isDisklessResource(rsc.flags)) return disklessStorPoolName(rsc, (p) => poolOnNode(p)?.providerKind === 'DISKLESS');
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  return resolveStorPoolName({
    resource: rsc, volumeDefinition: vd, resourceDefinition: rd, resourceGroup: rg, resourceGroupFilter: rg?.selectFilter,
    node: state.nodes.get(nameKey(rsc.nodeName)),
    peerPools: diskfulPeerPools(state, rsc.name, rsc.nodeName),
    existsOnNode: (p) => poolOnNode(p) !== undefined,
  }).name;
}

/** Pools the diskful replicas of a resource on other nodes were placed in (LINSTOR's fallback). */
export function diskfulPeerPools(state: ClusterState, rdName: string, nodeName: string): string[] {
  const out: string[] = [];
  for (const peer of state.resources.withPrefix(`${nameKey(rdName)}/`)) {
    if (nameKey(peer.nodeName) === nameKey(nodeName) || isDisklessResource(peer.flags)) continue;
    for (const v of Object.values(peer.volumes)) if (v.storagePool && !out.includes(v.storagePool)) out.push(v.storagePool);
  }
  return out;
}
