/**
 * Which storage pool a volume lands in when the user did not pick one by autoplacement
 * (guide §3.4): the most specific `StorPoolName` wins, then the resource group's select
 * filter, then `DfltStorPool`. Each volume resolves on its own, so a multi-volume resource
 * may put volume 1 in another pool through the volume definition's or volume group's prop.
 */
import { KEY_STOR_POOL_NAME } from '../model/apiconsts.js';
import type { AutoSelectFilter, Props } from '../model/types.js';
import { DFLT_STOR_POOL } from '../model/defaults.js';


export interface StoragePoolLevels {
  /** `resource create --storage-pool` given on this request. */
  explicit?: string;
  volume?: Props;
  resource?: Props;
  volumeDefinition?: Props;
  resourceDefinition?: Props;
  volumeGroup?: Props;
  resourceGroup?: Props;
  resourceGroupFilter?: AutoSelectFilter;
  node?: Props;
  controller?: Props;
}

export type StoragePoolSource =
  | 'explicit' | 'volume' | 'resource' | 'volume-definition' | 'resource-definition'
  | 'volume-group' | 'resource-group' | 'resource-group-select-filter' | 'node' | 'controller' | 'default';

export interface ResolvedStoragePool {
  name: string;
  /** Which level supplied it: lets errors say where a wrong pool name came from. */
  source: StoragePoolSource;
}

export function resolveStoragePoolName(levels: StoragePoolLevels): ResolvedStoragePool {
  const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';
  if (nonEmpty(levels.explicit)) return { name: levels.explicit, source: 'explicit' };
  const chain: [StoragePoolSource, Props | undefined][] = [
    ['volume', levels.volume],
    ['resource', levels.resource],
    ['volume-definition', levels.volumeDefinition],
    ['resource-definition', levels.resourceDefinition],
    ['volume-group', levels.volumeGroup],
    ['resource-group', levels.resourceGroup],
  ];
  for (const [source, props] of chain) {
    const v = props?.[KEY_STOR_POOL_NAME];
    if (nonEmpty(v)) return { name: v, source };
  }
  const f = levels.resourceGroupFilter;
  const fromFilter = f?.storage_pool || f?.storage_pool_list?.[0];
  if (nonEmpty(fromFilter)) return { name: fromFilter, source: 'resource-group-select-filter' };
  for (const [source, props] of [['node', levels.node], ['controller', levels.controller]] as const) {
    const v = props?.[KEY_STOR_POOL_NAME];
    if (nonEmpty(v)) return { name: v, source };
  }
  return { name: DFLT_STOR_POOL, source: 'default' };
}
