/**
 * How much a storage pool can still take, as LINSTOR estimates it
 * (FreeCapacityAutoPoolSelectorUtils): thin pools may be over-provisioned by ratios.
 */
import {
  KEY_STOR_POOL_MAX_FREE_CAPACITY_OVERSUBSCRIPTION_RATIO,
  KEY_STOR_POOL_MAX_OVERSUBSCRIPTION_RATIO,
  KEY_STOR_POOL_MAX_TOTAL_CAPACITY_OVERSUBSCRIPTION_RATIO,
} from '../model/apiconsts.js';
import { ApiError } from '../model/errors.js';
import type { ProviderKind, Props } from '../model/types.js';
import { isThinProvider } from '../model/provider-kinds.js';
import { propChain } from '../props/chain.js';
import { propValue } from '../props/resolver.js';
import type { PlacementStoragePool } from './types.js';

/** LINSTOR's default MaxOversubscriptionRatio for thin pools. */
export const DEFAULT_MAX_OVERSUBSCRIPTION_RATIO = 20;

export function isThin(kind: ProviderKind): boolean {
  return isThinProvider(kind);
}

export function isDiskful(kind: ProviderKind): boolean {
  return kind !== 'DISKLESS';
}

/** Pool props win over the pool definition's, which win over the controller's. */
export function poolProp(pool: PlacementStoragePool, ctrl: Props, key: string): string | undefined {
  return propValue(key, propChain({ controller: ctrl, storagePoolDefinition: pool.definitionProps, storagePool: pool.props }));
}

function ratioProp(pool: PlacementStoragePool, ctrl: Props, key: string): number | undefined {
  const raw = poolProp(pool, ctrl, key);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) {
    throw new ApiError('FAIL_INVLD_PROP', `Property '${key}' has the invalid value '${raw}'.`, {
      cause: `Storage pool '${pool.name}' on node '${pool.nodeName}' needs a positive number for '${key}'.`,
      correction: `Set '${key}' to a positive number such as ${DEFAULT_MAX_OVERSUBSCRIPTION_RATIO}.`,
    });
  }
  return v;
}

/**
 * Free capacity in KiB the autoplacer may use, or undefined if the satellite has not reported.
 * Thick: min(free, total - reserved), so volumes placed but not yet reported still count.
 * Thin: min(free * MaxFreeCapacityOversubscriptionRatio, total * MaxTotalCapacityOversubscriptionRatio
 * - reserved); both ratios default to MaxOversubscriptionRatio, which defaults to 20.
 */
export function effectiveFreeKib(pool: PlacementStoragePool, ctrl: Props): number | undefined {
  if (pool.freeKib === undefined) return undefined;
  const total = pool.totalKib ?? Number.POSITIVE_INFINITY;
  if (!isThin(pool.providerKind)) return Math.max(0, Math.min(pool.freeKib, total - pool.reservedKib));
  const base = ratioProp(pool, ctrl, KEY_STOR_POOL_MAX_OVERSUBSCRIPTION_RATIO) ?? DEFAULT_MAX_OVERSUBSCRIPTION_RATIO;
  const freeRatio = ratioProp(pool, ctrl, KEY_STOR_POOL_MAX_FREE_CAPACITY_OVERSUBSCRIPTION_RATIO) ?? base;
  const totalRatio = ratioProp(pool, ctrl, KEY_STOR_POOL_MAX_TOTAL_CAPACITY_OVERSUBSCRIPTION_RATIO) ?? base;
  return Math.max(0, Math.floor(Math.min(pool.freeKib * freeRatio, total * totalRatio - pool.reservedKib)));
}
