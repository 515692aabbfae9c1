import type { Layer, LayerContext } from '../layer.js';
import { LuksLayer } from './luks-layer.js';

export { LuksLayer, volumeKey, type LuksLayerOptions } from './luks-layer.js';
export { cryptsetup, luksDeviceName } from './cryptsetup.js';

/** Loaded by the layer registry; device-mapper commands are recorded, not run, when the satellite runs dry. */
export function createLayer(ctx: LayerContext): Layer {
  return new LuksLayer({ runner: ctx.runner, log: ctx.log, dryRun: ctx.dryRun });
}
