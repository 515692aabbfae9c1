import { ApiError } from '../../../model/errors.js';
import type { LayerKind, Props } from '../../../model/types.js';
import { sizeFromProp, vlm5 } from '../device-mapper/dmsetup.js';
import { StackedDmLayer, type ExtraVolume, type StackedDmLayerOptions } from '../device-mapper/stacked-layer.js';

/** Writecache/Options/<Key> → dm-writecache optional argument (numeric ones take a value). */
const NUMERIC_OPTIONS: Record<string, string> = {
  StartSector: 'start_sector', HighWatermark: 'high_watermark', LowWatermark: 'low_watermark',
  WritebackJobs: 'writeback_jobs', AutocommitBlocks: 'autocommit_blocks', AutocommitTime: 'autocommit_time',
  MaxAge: 'max_age',
};

export interface WritecacheSettings { pool: string; cacheKib: number; blockSize: number; optionArgs: string[] }

export function writecacheSettings(props: Record<string, string>, originKib: number): WritecacheSettings {
  const pool = props['Writecache/PoolName'];
  if (!pool) {
    throw new ApiError('FAIL_INVLD_PROP', "The WRITECACHE layer needs 'Writecache/PoolName' (the storage pool holding the cache).", {
      correction: 'Set Writecache/PoolName on the resource definition or resource group (e.g. an NVMe/PMEM pool).',
    });
  }
  const optionArgs: string[] = [];
  for (const [key, value] of Object.entries(props).filter(([k]) => k.startsWith('Writecache/Options/')).sort(([a], [b]) => a.localeCompare(b))) {
    const opt = key.slice('Writecache/Options/'.length);
    if (NUMERIC_OPTIONS[opt]) {
      if (!/^\d+$/.test(value)) throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${value}' for property '${key}'.`, { correction: 'Give a non-negative integer.' });
      optionArgs.push(NUMERIC_OPTIONS[opt]!, value);
    } else if (opt === 'Fua') {
      if (value !== 'on' && value !== 'off') throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${value}' for property '${key}'.`, { correction: 'Use on or off.' });
      optionArgs.push(value === 'on' ? 'fua' : 'nofua');
    } else if (opt === 'Additional') {
      // Free words for newer kernels (e.g. "cleaner"); each must be a plain token.
      for (const w of value.split(/\s+/).filter(Boolean)) {
        if (!/^[a-z0-9_]+$/.test(w)) throw new ApiError('FAIL_INVLD_PROP', `Invalid word '${w}' in '${key}'.`, { correction: 'Give plain dm-writecache option words.' });
        optionArgs.push(w);
      }
    } else {
      throw new ApiError('FAIL_INVLD_PROP', `Unknown property '${key}'.`, { correction: `Use Writecache/Options/{${[...Object.keys(NUMERIC_OPTIONS), 'Fua', 'Additional'].join(',')}}.` });
    }
  }
  const blockSize = Number(props['Writecache/BlockSize'] ?? 4096);
  let cacheKib: number;
  try { cacheKib = sizeFromProp(props['Writecache/Size'], originKib, 5); } catch (e) {
    throw new ApiError('FAIL_INVLD_PROP', `Invalid Writecache/Size: ${(e as Error).message}.`, { correction: "Give a percentage ('5%') or a size in KiB." });
  }
  return { pool, cacheKib, blockSize, optionArgs };
}

/** `0 <sectors> writecache s <origin> <cache> <block size> <#args> <args...>` ('s' = SSD cache, 'p' = PMEM). */
export function writecacheTable(originSectors: number, origin: string, cache: string, s: WritecacheSettings, type: 's' | 'p' = 's'): string {
  return [0, originSectors, 'writecache', type, origin, cache, s.blockSize, s.optionArgs.length, ...s.optionArgs].join(' ');
}

export const writecacheDeviceName = (rsc: string, vlmNr: number): string => `linstor_wcache_${rsc}_${vlm5(vlmNr)}`;
export const writecacheVolumeName = (rsc: string, vlmNr: number): string => `${rsc}.dcache_${vlm5(vlmNr)}`;

export type WritecacheLayerOptions = StackedDmLayerOptions;

/** WRITECACHE: dm-writecache with a cache volume from Writecache/PoolName in front of the device below. */
export class WritecacheLayer extends StackedDmLayer<WritecacheSettings> {
  readonly kind: LayerKind = 'WRITECACHE';
  protected readonly target = { name: 'writecache', module: 'dm-writecache' };

  protected settings(props: Props, originKib: number): WritecacheSettings { return writecacheSettings(props, originKib); }
  protected deviceName(rsc: string, vlmNr: number): string { return writecacheDeviceName(rsc, vlmNr); }
  protected extraVolumes(rsc: string, vlmNr: number, s: WritecacheSettings): ExtraVolume[] {
    return [{ pool: s.pool, name: writecacheVolumeName(rsc, vlmNr), sizeKib: s.cacheKib }];
  }
  protected table(originSectors: number, origin: string, [cache]: string[], s: WritecacheSettings): string {
    return writecacheTable(originSectors, origin, cache!, s);
  }
  protected releaseVolumes(rsc: string, vlmNr: number, props: Props): Array<{ pool: string; name: string }> {
    const pool = props['Writecache/PoolName'];
    return pool ? [{ pool, name: writecacheVolumeName(rsc, vlmNr) }] : [];
  }
  /** dm-writecache must flush its dirty blocks before the mapping can go. */
  protected override beforeRemove(name: string): string[][] {
    return [['dmsetup', 'message', name, '0', 'flush']];
  }
}
