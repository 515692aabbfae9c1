import type { Layer, LayerContext } from '../layer.js';
import { NvmeLayer } from './nvme-layer.js';

export { NvmeLayer, INITIATOR_FLAG, type NvmeDesired, type NvmeResource, type NvmeLayerOptions } from './nvme-layer.js';
export { NvmetConfigfs, nqnOf, serialOf, NQN_PREFIX, DEFAULT_NVME_PORT } from './nvmet-configfs.js';
export { nvmeCli, parseNvmeList, devicesOf } from './nvme-cli.js';

/** Loaded by the layer registry; LINSTOR_NVMET_ROOT moves the configfs root (tests only). */
export function createLayer(ctx: LayerContext): Layer {
  return new NvmeLayer({ runner: ctx.runner, log: ctx.log, root: process.env['LINSTOR_NVMET_ROOT'] ?? undefined });
}
