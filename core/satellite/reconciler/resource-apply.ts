import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type { DesiredNodeState, DesiredResource, ReportedResource, ReportedVolume } from '../../model/satellite-protocol.js';
import type { LayerKind } from '../../model/types.js';
import type { Layer, LayerVolume } from '../layers/layer.js';
import type { LayerRegistry } from '../layers/registry.js';
import { inUseProbe } from './device-in-use.js';

/**
 * Walks one resource's layer stack: prepare and sizes top → bottom, devices bottom → top.
 * A failure is the resource's own: it comes back as its report with the error.
 */
export async function applyResource(layersReg: LayerRegistry, log: Logger, resource: DesiredResource, state: DesiredNodeState,
  onFailure: (e: unknown) => void = () => {}): Promise<ReportedResource> {
  const stack: LayerKind[] = resource.layerStack.length ? resource.layerStack : ['STORAGE'];
  const missing = stack.filter((k) => !layersReg.get(k));
  if (missing.length) {
    onFailure(new ApiError('FAIL_STLT_DOES_NOT_SUPPORT_LAYER', `layer ${missing.join(', ')} not available on this satellite`));
    return {
      name: resource.name, ready: false, volumes: [],
      error: { message: `layer ${missing.join(', ')} not available on this satellite`, cause: 'No implementation of the layer is registered in this satellite.' },
    };
  }
  const layers = stack.map((k) => layersReg.get(k)!);
  if (resource.flags.includes('INACTIVE')) return deactivateResource(layers, log, resource, state, onFailure);
  try {
    for (const l of layers) await l.prepare?.({ resource, state });
    // Sizes top → bottom: each layer asks the one below for its own overhead.
    const sizes: Array<Map<number, number>> = [];
    let current = new Map(resource.volumes.map((v) => [v.volumeNumber, v.sizeKib] as const));
    for (const l of layers) {
      sizes.push(current);
      const next = new Map<number, number>();
      for (const v of resource.volumes) next.set(v.volumeNumber, l.lowerSizeKib?.(resource, v, current.get(v.volumeNumber)!) ?? current.get(v.volumeNumber)!);
      current = next;
    }
    // Devices bottom → top.
    let lower = new Map<number, LayerVolume>();
    const perLayer: Array<{ layer: Layer; volumes: Map<number, LayerVolume> }> = [];
    let top: { inUse?: boolean; drbdConnections?: ReportedResource['drbdConnections'] } = {};
    const plan: string[] = [];
    let dryRun = false;
    for (let i = layers.length - 1; i >= 0; i--) {
      const result = await layers[i]!.apply({ resource, state, lower, sizesKib: sizes[i]! });
      perLayer.unshift({ layer: layers[i]!, volumes: result.volumes });
      lower = result.volumes;
      top = result;
      if (result.dryRun) { dryRun = true; plan.push(...(result.plan ?? [])); }
    }
    // DRBD knows whether it is Primary; for other top layers the mount table and sysfs say.
    const isInUse = inUseProbe();
    const inUse = top.inUse ?? (dryRun ? undefined : [...lower.values()].some((v) => v.devicePath !== undefined && isInUse(v.devicePath)));
    return {
      name: resource.name, ready: true, inUse, drbdConnections: top.drbdConnections, volumes: reportVolumes(resource, perLayer),
      ...(dryRun ? { dryRun, plan } : {}),
    };
  } catch (e) {
    log.error({ err: e, resource: resource.name }, 'applying resource failed');
    onFailure(e);
    return { name: resource.name, ready: false, volumes: [], error: errorInfo(e) };
  }
}

/** INACTIVE: each layer stops its devices top → bottom, keeping data; nothing is offered above. */
async function deactivateResource(layers: Layer[], log: Logger, resource: DesiredResource, state: DesiredNodeState,
  onFailure: (e: unknown) => void): Promise<ReportedResource> {
  try {
    for (const l of layers) await l.deactivate?.({ resource, state });
    return { name: resource.name, ready: true, inUse: false, volumes: resource.volumes.map((v) => ({ volumeNumber: v.volumeNumber, diskState: 'Inactive' })) };
  } catch (e) {
    log.error({ err: e, resource: resource.name }, 'deactivating resource failed');
    onFailure(e);
    return { name: resource.name, ready: false, volumes: [], error: errorInfo(e) };
  }
}

/** Top → bottom; layers with no implementation here are skipped, storage is always freed. */
export async function removeResource(layers: LayerRegistry, name: string, state: DesiredNodeState): Promise<void> {
  const r = state.resources.find((x) => x.name === name);
  const stack: LayerKind[] = r?.layerStack.length ? r.layerStack : ['STORAGE'];
  const kinds = stack.includes('STORAGE') ? stack : [...stack, 'STORAGE' as const];
  for (const k of kinds) await layers.get(k)?.remove(name, state);
}

function reportVolumes(resource: DesiredResource, perLayer: Array<{ layer: Layer; volumes: Map<number, LayerVolume> }>): ReportedVolume[] {
  return resource.volumes.map((v) => {
    const top = perLayer[0]?.volumes.get(v.volumeNumber);
    return {
      volumeNumber: v.volumeNumber,
      devicePath: top?.devicePath,
      allocatedSizeKib: top?.allocatedSizeKib,
      usableSizeKib: top?.usableSizeKib,
      diskState: top?.diskState ?? 'Unknown',
      replicationStates: top?.replicationStates,
      layers: perLayer.map(({ layer, volumes }) => {
        const lv = volumes.get(v.volumeNumber);
        return { type: layer.kind, devicePath: lv?.devicePath, backingDevice: lv?.backingDevice, allocatedSizeKib: lv?.allocatedSizeKib, usableSizeKib: lv?.usableSizeKib, diskState: lv?.diskState };
      }),
    };
  });
}

/** What must never appear in a report about this resource: its passphrases and DRBD secret. */
export function secretsOf(resource: DesiredResource | undefined): string[] {
  if (!resource) return [];
  return [...resource.volumes.map((v) => v.luks?.key), resource.drbd?.secret].filter((s): s is string => typeof s === 'string' && s !== '');
}

export function errorInfo(e: unknown): NonNullable<ReportedResource['error']> {
  if (e instanceof ApiError) return { message: e.message, cause: e.opts.cause, details: e.opts.details ?? e.opts.correction };
  return { message: (e as Error)?.message ?? String(e) };
}
