import type { Layer, LayerContext } from '../layer.js';
import { LuksLayer } from './luks-layer.js';

export { deviceMapperLoaded, LuksLayer, LUKS_DRY_RUN_NOTE, volumeKey, type LuksLayerOptions } from './luks-layer.js';
export { cryptsetup, luksDeviceName } from './cryptsetup.js';

/** Loaded by the layer registry; device-mapper commands are recorded, not run, when the satellite runs dry. */
export function createLayer(ctx: LayerContext): Layer {
  // LINSTOR_LUKS_FORMAT_ARGS tunes luksFormat (e.g. "--pbkdf pbkdf2" on small test machines).
  const formatArgs = process.env.LINSTOR_LUKS_FORMAT_ARGS?.split(/\s+/).filter(Boolean);
  return new LuksLayer({ runner: ctx.runner, log: ctx.log, dryRun: ctx.dryRun, ...(formatArgs?.length ? { formatArgs } : {}) });
}
