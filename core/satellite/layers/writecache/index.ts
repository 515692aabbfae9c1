import type { AllocateDevice, ReleaseDevice } from '../device-mapper/dmsetup.js';
import type { Layer, LayerContext } from '../layer.js';
import { WritecacheLayer } from './writecache-layer.js';

export { WritecacheLayer, writecacheSettings, writecacheTable, writecacheDeviceName, writecacheVolumeName, type WritecacheLayerOptions } from './writecache-layer.js';

/** Loaded by the layer registry; main.ts passes `allocateDevice`/`releaseDevice` backed by the providers. */
export function createLayer(ctx: LayerContext & { allocateDevice?: AllocateDevice; releaseDevice?: ReleaseDevice }): Layer {
  return new WritecacheLayer({ runner: ctx.runner, log: ctx.log, dryRun: ctx.dryRun, allocate: ctx.allocateDevice, release: ctx.releaseDevice });
}
