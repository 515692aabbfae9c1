import type { Layer, LayerContext } from '../layer.js';
import { DrbdLayer } from './drbd-layer.js';

export { DrbdLayer, DEFAULT_RES_DIR, DRY_RUN_NOTE, DRY_RUN_PRIMARY_PROP, type DrbdLayerOptions, type DrbdLayerResult } from './drbd-layer.js';
export { buildResFile } from './res-file.js';
export { parseEvents2, Events2State } from './events2.js';

/**
 * Loaded by the layer registry. The resource-file folder comes from the context when main.ts
 * passes one (`drbdResourceDir`), else from LINSTOR_DRBD_RES_DIR, else /var/lib/linstor.d.
 */
export function createLayer(ctx: LayerContext & { drbdResourceDir?: string }): Layer {
  return new DrbdLayer({
    runner: ctx.runner,
    log: ctx.log,
    nodeName: ctx.nodeName,
    dryRun: ctx.dryRun,
    resourceDir: ctx.drbdResourceDir ?? process.env['LINSTOR_DRBD_RES_DIR'] ?? undefined,
  });
}
