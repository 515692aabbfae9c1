import { ApiError } from '../../../model/errors.js';
import type { LayerKind, Props } from '../../../model/types.js';
import { sizeFromProp, vlm5 } from '../device-mapper/dmsetup.js';
import { StackedDmLayer, type ExtraVolume, type StackedDmLayerOptions } from '../device-mapper/stacked-layer.js';

export const CACHE_OP_MODES = ['writethrough', 'writeback', 'passthrough'] as const;
/** LINSTOR's defaults: cache 5 % of the origin, 12 MiB of metadata, 4 KiB... blocks in sectors (min 64). */
export const CACHE_DEFAULTS = { cachesize: '5%', metasize: '12288', blocksizeSectors: 64, opMode: 'writethrough', policy: 'smq' };

export interface CacheSettings {
  cachePool: string;
  metaPool: string;
  cacheKib: number;
  metaKib: number;
  blockSectors: number;
  opMode: string;
  policy: string;
}

/** Reads Cache/* props (volume props win: they are merged with the resource's by the controller). */
export function cacheSettings(props: Record<string, string>, originKib: number): CacheSettings {
  const cachePool = props['Cache/CachePool'];
  const metaPool = props['Cache/MetaPool'] ?? cachePool;
  if (!cachePool) {
    throw new ApiError('FAIL_INVLD_PROP', "The CACHE layer needs 'Cache/CachePool' (the storage pool holding the cache).", {
      correction: 'Set Cache/CachePool (and optionally Cache/MetaPool) on the resource definition or resource group.',
    });
  }
  const opMode = (props['Cache/OpMode'] ?? CACHE_DEFAULTS.opMode).toLowerCase();
  if (!(CACHE_OP_MODES as readonly string[]).includes(opMode)) {
    throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${opMode}' for property 'Cache/OpMode'.`, { correction: `Use one of ${CACHE_OP_MODES.join(', ')}.` });
  }
  const block = Number(props['Cache/Blocksize'] ?? CACHE_DEFAULTS.blocksizeSectors);
  if (!Number.isInteger(block) || block < 64 || block % 64 !== 0) {
    throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${props['Cache/Blocksize']}' for property 'Cache/Blocksize'.`, { correction: 'Give a multiple of 64 sectors (32 KiB).' });
  }
  const policy = props['Cache/Policy'] ?? CACHE_DEFAULTS.policy;
  if (!/^[a-z0-9_-]+$/.test(policy)) throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${policy}' for property 'Cache/Policy'.`, { correction: 'Use smq, mq or cleaner.' });
  try {
    return {
      cachePool, metaPool, opMode, policy, blockSectors: block,
      cacheKib: sizeFromProp(props['Cache/Cachesize'], originKib, 5),
      metaKib: sizeFromProp(props['Cache/Metasize'] ?? CACHE_DEFAULTS.metasize, originKib, 1),
    };
  } catch (e) {
    throw new ApiError('FAIL_INVLD_PROP', `Invalid Cache/Cachesize or Cache/Metasize: ${(e as Error).message}.`, { correction: "Give a percentage ('5%') or a size in KiB." });
  }
}

/** dm-cache table: `0 <origin sectors> cache <meta> <cache> <origin> <block> 1 <mode> <policy> 0`. */
export function cacheTable(originSectors: number, meta: string, cache: string, origin: string, s: CacheSettings): string {
  return `0 ${originSectors} cache ${meta} ${cache} ${origin} ${s.blockSectors} 1 ${s.opMode} ${s.policy} 0`;
}

export const cacheDeviceName = (rsc: string, vlmNr: number): string => `linstor_cache_${rsc}_${vlm5(vlmNr)}`;
export const cacheVolumeNames = (rsc: string, vlmNr: number): { data: string; meta: string } =>
  ({ data: `${rsc}.dcache_${vlm5(vlmNr)}`, meta: `${rsc}.dmeta_${vlm5(vlmNr)}` });

export type CacheLayerOptions = StackedDmLayerOptions;

/**
 * CACHE: dm-cache in front of the device below, with a cache-data and a metadata volume from
 * the pools named in Cache/*, as LINSTOR's CacheLayer builds it (device-mapper table).
 */
export class CacheLayer extends StackedDmLayer<CacheSettings> {
  readonly kind: LayerKind = 'CACHE';
  protected readonly target = { name: 'cache', module: 'dm-cache' };

  protected settings(props: Props, originKib: number): CacheSettings { return cacheSettings(props, originKib); }
  protected deviceName(rsc: string, vlmNr: number): string { return cacheDeviceName(rsc, vlmNr); }
  protected extraVolumes(rsc: string, vlmNr: number, s: CacheSettings): ExtraVolume[] {
    const names = cacheVolumeNames(rsc, vlmNr);
    return [{ pool: s.cachePool, name: names.data, sizeKib: s.cacheKib }, { pool: s.metaPool, name: names.meta, sizeKib: s.metaKib }];
  }
  protected table(originSectors: number, origin: string, [cache, meta]: string[], s: CacheSettings): string {
    return cacheTable(originSectors, meta!, cache!, origin, s);
  }
  protected releaseVolumes(rsc: string, vlmNr: number, props: Props): Array<{ pool: string; name: string }> {
    const pool = props['Cache/CachePool'];
    if (!pool) return [];
    const names = cacheVolumeNames(rsc, vlmNr);
    return [{ pool, name: names.data }, { pool: props['Cache/MetaPool'] ?? pool, name: names.meta }];
  }
}
