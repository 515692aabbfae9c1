import type { Layer, LayerContext } from '../layer.js';
import type { AllocateDevice, ReleaseDevice } from '../device-mapper/dmsetup.js';
import { CacheLayer } from './cache-layer.js';

export { CacheLayer, cacheSettings, cacheTable, cacheDeviceName, cacheVolumeNames, CACHE_DEFAULTS, type CacheLayerOptions } from './cache-layer.js';
export { dmsetup, DmRunner, sizeFromProp, type AllocateDevice, type ReleaseDevice } from '../device-mapper/dmsetup.js';

/** Loaded by the layer registry; main.ts passes `allocateDevice`/`releaseDevice` backed by the providers. */
export function createLayer(ctx: LayerContext & { allocateDevice?: AllocateDevice; releaseDevice?: ReleaseDevice }): Layer {
  return new CacheLayer({ runner: ctx.runner, log: ctx.log, dryRun: ctx.dryRun, allocate: ctx.allocateDevice, release: ctx.releaseDevice });
}
