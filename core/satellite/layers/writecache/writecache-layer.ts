import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredNodeState } from '../../../model/satellite-protocol.js';
import type { LayerKind } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import { dmsetup, dmTargetSupport, DmRunner, sizeFromProp, vlm5, type AllocateDevice, type ReleaseDevice } from '../cache/dmsetup.js';
import type { Layer, LayerApplyInput, LayerResult, LayerVolume } from '../layer.js';

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

export interface WritecacheLayerOptions {
  runner: CommandRunner;
  log?: Logger;
  dryRun: boolean;
  allocate?: AllocateDevice;
  release?: ReleaseDevice;
}

/** WRITECACHE: dm-writecache with a cache volume from Writecache/PoolName in front of the device below. */
export class WritecacheLayer implements Layer {
  readonly kind: LayerKind = 'WRITECACHE';
  readonly dm: DmRunner;
  constructor(private readonly opts: WritecacheLayerOptions) {
    this.dm = new DmRunner(opts.runner, opts.dryRun, opts.log);
  }

  supported(): Promise<Support> {
    return dmTargetSupport(this.opts.runner, 'writecache', 'dm-writecache');
  }

  async apply({ resource, lower }: LayerApplyInput): Promise<LayerResult> {
    const volumes = new Map<number, LayerVolume>();
    for (const v of resource.volumes) {
      const below = lower.get(v.volumeNumber);
      if (!below?.devicePath) { volumes.set(v.volumeNumber, { volumeNumber: v.volumeNumber, diskState: below?.diskState ?? 'Diskless' }); continue; }
      const originKib = below.usableSizeKib ?? v.sizeKib;
      const s = writecacheSettings({ ...resource.props, ...v.props }, originKib);
      const name = writecacheDeviceName(resource.name, v.volumeNumber);
      if (!(await this.dm.exists(resource.name, name))) {
        if (!this.opts.allocate) throw new ApiError('FAIL_UNKNOWN_ERROR', 'The WRITECACHE layer cannot allocate its cache volume on this satellite.', { correction: 'Run a satellite whose main module wires the writecache layer to the storage providers.' });
        const cache = await this.opts.allocate(s.pool, writecacheVolumeName(resource.name, v.volumeNumber), s.cacheKib);
        await this.dm.run(resource.name, dmsetup.create(name, writecacheTable(originKib * 2, below.devicePath, cache, s)));
      }
      volumes.set(v.volumeNumber, { ...below, devicePath: `/dev/mapper/${name}`, backingDevice: below.devicePath, usableSizeKib: originKib });
    }
    return { volumes };
  }

  async remove(resourceName: string, state: DesiredNodeState): Promise<void> {
    const rsc = state.resources.find((r) => r.name === resourceName);
    for (const v of rsc?.volumes ?? []) {
      const name = writecacheDeviceName(resourceName, v.volumeNumber);
      // dm-writecache must flush its dirty blocks before the mapping can go.
      if (this.opts.dryRun || (await this.dm.exists(resourceName, name))) {
        await this.dm.run(resourceName, ['dmsetup', 'message', name, '0', 'flush']);
        await this.dm.run(resourceName, dmsetup.remove(name));
      }
      const pool = ({ ...rsc!.props, ...v.props })['Writecache/PoolName'];
      if (this.opts.release && pool) await this.opts.release(pool, writecacheVolumeName(resourceName, v.volumeNumber));
    }
  }
}
