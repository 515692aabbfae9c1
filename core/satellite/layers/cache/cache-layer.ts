import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredNodeState, DesiredResource } from '../../../model/satellite-protocol.js';
import type { LayerKind } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import type { Layer, LayerApplyInput, LayerResult, LayerVolume } from '../layer.js';
import { dmsetup, dmTargetSupport, DmRunner, sizeFromProp, vlm5, type AllocateDevice, type ReleaseDevice } from './dmsetup.js';

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

export interface CacheLayerOptions {
  runner: CommandRunner;
  log?: Logger;
  dryRun: boolean;
  /** Cache data and metadata volumes come from other pools (Cache/CachePool, Cache/MetaPool). */
  allocate?: AllocateDevice;
  release?: ReleaseDevice;
}

/**
 * CACHE: dm-cache in front of the device below, with a cache-data and a metadata volume from
 * the pools named in Cache/*, as LINSTOR's CacheLayer builds it (device-mapper table).
 */
export class CacheLayer implements Layer {
  readonly kind: LayerKind = 'CACHE';
  readonly dm: DmRunner;
  constructor(private readonly opts: CacheLayerOptions) {
    this.dm = new DmRunner(opts.runner, opts.dryRun, opts.log);
  }

  supported(): Promise<Support> {
    return dmTargetSupport(this.opts.runner, 'cache', 'dm-cache');
  }

  async apply({ resource, lower }: LayerApplyInput): Promise<LayerResult> {
    const volumes = new Map<number, LayerVolume>();
    for (const v of resource.volumes) {
      const below = lower.get(v.volumeNumber);
      if (!below?.devicePath) { volumes.set(v.volumeNumber, { volumeNumber: v.volumeNumber, diskState: below?.diskState ?? 'Diskless' }); continue; }
      const originKib = below.usableSizeKib ?? v.sizeKib;
      const s = cacheSettings({ ...resource.props, ...v.props }, originKib);
      const name = cacheDeviceName(resource.name, v.volumeNumber);
      if (!(await this.dm.exists(resource.name, name))) {
        if (!this.opts.allocate) throw new ApiError('FAIL_UNKNOWN_ERROR', 'The CACHE layer cannot allocate its cache volumes on this satellite.', { correction: 'Run a satellite whose main module wires the cache layer to the storage providers.' });
        const names = cacheVolumeNames(resource.name, v.volumeNumber);
        const cache = await this.opts.allocate(s.cachePool, names.data, s.cacheKib);
        const meta = await this.opts.allocate(s.metaPool, names.meta, s.metaKib);
        await this.dm.run(resource.name, dmsetup.create(name, cacheTable(originKib * 2, meta, cache, below.devicePath, s)));
      }
      volumes.set(v.volumeNumber, { ...below, devicePath: `/dev/mapper/${name}`, backingDevice: below.devicePath, usableSizeKib: originKib });
    }
    return { volumes };
  }

  async remove(resourceName: string, state: DesiredNodeState): Promise<void> {
    const rsc: DesiredResource | undefined = state.resources.find((r) => r.name === resourceName);
    for (const v of rsc?.volumes ?? []) {
      const name = cacheDeviceName(resourceName, v.volumeNumber);
      if (this.opts.dryRun || (await this.dm.exists(resourceName, name))) await this.dm.run(resourceName, dmsetup.remove(name));
      const props = { ...rsc!.props, ...v.props };
      const names = cacheVolumeNames(resourceName, v.volumeNumber);
      if (this.opts.release && props['Cache/CachePool']) {
        await this.opts.release(props['Cache/CachePool'], names.data);
        await this.opts.release(props['Cache/MetaPool'] ?? props['Cache/CachePool'], names.meta);
      }
    }
  }
}
