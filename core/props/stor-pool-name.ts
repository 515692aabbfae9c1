/**
 * Which storage pool a volume of a resource lands in, decided once for the whole controller
 * (resource create, the desired state sent to satellites, "is this pool in use").
 *
 * linstor-server (`CtrlStorPoolResolveHelper.resolveStorPool`) reads `StorPoolName` from, in
 * order: the resource, the volume definition, the resource definition, the resource group,
 * the node. Volume groups and the controller are not consulted. Unset on a diskful resource,
 * it tries the pools its diskful peers use, then `DfltStorPool`. A diskless resource uses the
 * pool its own props name when that pool is diskless, else `DfltDisklessStorPool`.
 */
import { KEY_STOR_POOL_NAME } from '../model/apiconsts.js';
import { DFLT_DISKLESS_STOR_POOL, DFLT_STOR_POOL } from '../model/defaults.js';
import type { AutoSelectFilter } from '../model/types.js';
import { propChain, type PropSource } from './chain.js';

export interface StorPoolNameInput {
  /** A pool chosen for this request (`resource create --storage-pool`, the autoplacer). */
  explicit?: string;
  resource?: PropSource;
  volumeDefinition?: PropSource;
  resourceDefinition?: PropSource;
  resourceGroup?: PropSource;
  node?: PropSource;
  /**
   * Ours, not LINSTOR's: a group's select filter names the pool its resources are meant for,
   * so a resource created by hand in that group lands there before falling back further.
   */
  resourceGroupFilter?: AutoSelectFilter;
  /** Pools the diskful peers of this resource use, in order (LINSTOR's fallback before the default). */
  peerPools?: readonly string[];
  /** Whether a pool of this name exists on the resource's node (needed for the peer fallback). */
  existsOnNode?: (pool: string) => boolean;
}

export type StorPoolNameSource =
  | 'explicit' | 'resource' | 'volume-definition' | 'resource-definition' | 'resource-group' | 'node'
  | 'resource-group-select-filter' | 'peer' | 'default';

export interface ResolvedStorPoolName {
  name: string;
  /** Which level supplied it: lets errors say where a wrong pool name came from. */
  source: StorPoolNameSource;
}

const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';

/** The pool a diskful volume resolves to when no pool was recorded for it yet. */
export function resolveStorPoolName(inp: StorPoolNameInput): ResolvedStorPoolName {
  if (nonEmpty(inp.explicit)) return { name: inp.explicit, source: 'explicit' };
  const levels = propChain({
    resource: inp.resource, volumeDefinition: inp.volumeDefinition, resourceDefinition: inp.resourceDefinition,
    resourceGroup: inp.resourceGroup, node: inp.node,
  });
  // An empty value does not count (LINSTOR: "null or empty" looks further).
  for (const l of [...levels].reverse()) {
    const v = l.props[KEY_STOR_POOL_NAME];
    if (nonEmpty(v)) return { name: v, source: l.level as StorPoolNameSource };
  }
  const f = inp.resourceGroupFilter;
  const fromFilter = f?.storage_pool || f?.storage_pool_list?.[0];
  if (nonEmpty(fromFilter)) return { name: fromFilter, source: 'resource-group-select-filter' };
  const peer = inp.existsOnNode ? inp.peerPools?.find((p) => inp.existsOnNode!(p)) : undefined;
  if (peer) return { name: peer, source: 'peer' };
  return { name: DFLT_STOR_POOL, source: 'default' };
}

/**
 * The pool a diskless volume uses: the one its resource names, if that pool is diskless on
 * the node (`isDisklessPool`), else the node's default diskless pool.
 */
export function disklessStorPoolName(resource: PropSource, isDisklessPool: (pool: string) => boolean): string {
  const own = propChain({ resource })[0]?.props[KEY_STOR_POOL_NAME];
  return nonEmpty(own) && isDisklessPool(own) ? own : DFLT_DISKLESS_STOR_POOL;
}
