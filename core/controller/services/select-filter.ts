import type * as api from '../../api/index.js';
import { nameKey } from '../../model/names.js';
import type { AutoSelectFilter } from '../../model/types.js';
import type { ClusterState } from '../state/cluster-state.js';

/**
 * The stored AutoSelectFilter of a request's (validated: core/api/rules.ts) select filter:
 * enums upper-cased, absent fields left out, so a modify merges only what was given
 * (LINSTOR's AutoSelectorConfig.applyChanges).
 */
export function toSelectFilter(f: api.AutoSelectFilter | undefined): AutoSelectFilter {
  if (!f) return {};
  const out: AutoSelectFilter = {
    place_count: f.place_count,
    additional_place_count: f.additional_place_count,
    node_name_list: f.node_name_list,
    storage_pool: f.storage_pool,
    storage_pool_list: f.storage_pool_list,
    storage_pool_diskless_list: f.storage_pool_diskless_list,
    not_place_with_rsc: f.not_place_with_rsc,
    not_place_with_rsc_regex: f.not_place_with_rsc_regex,
    replicas_on_same: f.replicas_on_same,
    replicas_on_different: f.replicas_on_different,
    x_replicas_on_different_map: f.x_replicas_on_different_map,
    layer_stack: f.layer_stack?.map((x) => x.toUpperCase()),
    provider_list: f.provider_list?.map((x) => x.toUpperCase()),
    diskless_on_remaining: f.diskless_on_remaining,
    diskless_type: f.diskless_type,
    overprovision: f.overprovision ?? undefined,
    port_count: f.port_count,
  };
  for (const k of Object.keys(out) as Array<keyof AutoSelectFilter>) if (out[k] === undefined) delete out[k];
  return out;
}

/** Given fields replace the old ones; absent fields keep their value. */
export function mergeSelectFilter(old: AutoSelectFilter, change: AutoSelectFilter): AutoSelectFilter {
  return { ...old, ...change };
}

/** Pools named in a filter that no storage pool definition knows (LINSTOR warns, does not refuse). */
export function unknownPools(state: ClusterState, f: AutoSelectFilter): string[] {
  const names = [...(f.storage_pool ? [f.storage_pool] : []), ...(f.storage_pool_list ?? []), ...(f.storage_pool_diskless_list ?? [])];
  return names.filter((n) => !state.storagePoolDefinitions.has(nameKey(n)));
}
