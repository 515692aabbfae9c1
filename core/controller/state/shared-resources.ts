import { nameKey } from '../../model/names.js';
import { sharedSpaceOf } from '../../model/shared-space.js';
import type { Resource, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import type { ClusterState } from './cluster-state.js';
import { volumeStoragePool } from './volume-pool.js';

/** The shared space (one volume all its nodes see) volume `vd` of `r` lives in, if any. */
export function volumeSharedSpace(state: ClusterState, r: Resource, rd: ResourceDefinition, vd: VolumeDefinition): string | undefined {
  const sp = state.storagePools.get(`${nameKey(r.nodeName)}/${nameKey(volumeStoragePool(state, r, rd, vd))}`);
  return sp ? sharedSpaceOf(sp) : undefined;
}

/** The shared spaces the volumes of `r` live in. */
export function sharedSpacesOfResource(state: ClusterState, r: Resource, rd: ResourceDefinition): Set<string> {
  const out = new Set<string>();
  for (const vd of rd.volumeDefinitions) {
    const space = volumeSharedSpace(state, r, rd, vd);
    if (space) out.add(space);
  }
  return out;
}

/**
 * The other resources of the definition that are active in a shared space `r` uses (LINSTOR's
 * SharedResourceManager): while one exists, `r` must stay INACTIVE, since the one volume can be
 * active on one node at a time (lvmlockd's exclusive lock).
 */
export function activeSharers(state: ClusterState, r: Resource, rd: ResourceDefinition, also: Resource[] = []): Resource[] {
  const mine = sharedSpacesOfResource(state, r, rd);
  if (!mine.size) return [];
  const others = [...state.resources.withPrefix(`${nameKey(rd.name)}/`), ...also];
  return others.filter((o) => nameKey(o.nodeName) !== nameKey(r.nodeName) && !o.flags.includes('DELETE') && !o.flags.includes('INACTIVE')
    && [...sharedSpacesOfResource(state, o, rd)].some((s) => mine.has(s)));
}
