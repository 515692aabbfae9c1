import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type {
  DesiredNodeState, DesiredResource, NodeReport, ReportedResource, ReportedStoragePool, ReportedVolume,
} from '../../model/satellite-protocol.js';
import type { LayerKind } from '../../model/types.js';
import type { CommandRunner } from '../../exec/index.js';
import type { Layer, LayerVolume } from '../layers/layer.js';
import type { LayerRegistry } from '../layers/registry.js';
import { volumeName, type StorageProvider } from '../providers/provider.js';
import { clashingPoolFolders } from '../providers/pool-folder.js';
import { createProvider } from '../providers/registry.js';
import { applySnapshots } from '../snapshots/apply-snapshots.js';

export interface ReconcilerDeps {
  runner: CommandRunner;
  log: Logger;
  layers: LayerRegistry;
}

/**
 * Turns a DesiredNodeState into devices. Stateless and idempotent: each apply lists what
 * exists, removes what is not wanted (flagged DELETE, dropped, or orphaned by a crash),
 * then creates or grows what is wanted. A crash between any two commands leaves a state
 * the next apply recognises and completes.
 */
export class Reconciler {
  /** Last result per resource: the periodic report repeats it with fresh pool capacities. */
  private lastResources: ReportedResource[] = [];
  private lastState: DesiredNodeState | undefined;
  /** FILE pools whose folders clash after resolving symlinks: pool → why it is left alone. */
  private refusals = new Map<string, string>();

  constructor(private readonly deps: ReconcilerDeps) {}

  async apply(state: DesiredNodeState): Promise<NodeReport> {
    const { log, layers } = this.deps;
    const started = Date.now();
    this.refusals = await clashingPoolFolders(state.storagePools, state.props);
    for (const [pool, why] of this.refusals) log.error({ pool }, `storage pool refused: ${why}`);
    const providers = this.providersFor(state);
    layers.storage.setProviders(providers);
    this.lastState = state;

    const desired = state.resources.filter((r) => !r.flags.includes('DELETE'));
    const desiredNames = new Set(desired.map((r) => r.name));
    const failedRemovals = new Map<string, ReportedResource>();

    // Removal first, so the space it frees is there for what is created next.
    for (const r of state.resources.filter((x) => x.flags.includes('DELETE'))) {
      try {
        await this.removeResource(r.name, state);
      } catch (e) {
        failedRemovals.set(r.name, { name: r.name, ready: false, volumes: [], error: errorInfo(e) });
        log.error({ err: e, resource: r.name }, 'removing resource failed');
      }
    }
    for (const layer of layers.all()) {
      if (layer.kind === 'STORAGE' || !layer.listResources) continue;
      for (const name of await layer.listResources().catch(() => [] as string[])) {
        if (desiredNames.has(name)) continue;
        log.info({ layer: layer.kind, resource: name }, 'removing orphaned resource');
        await layer.remove(name, state).catch((e: unknown) => log.error({ err: e, layer: layer.kind, resource: name }, 'removing orphan failed'));
      }
    }
    const removed = await layers.storage.removeOrphans(state, (pool, name, e) =>
      log.error({ err: e, pool, volume: name }, 'removing orphaned volume failed'));
    if (removed.length) log.info({ removed }, 'removed volumes that are not desired');

    const resources: ReportedResource[] = [];
    for (const r of desired) resources.push(await this.applyResource(r, state));
    // Snapshots after resources: restored volumes exist and snapshots see the applied devices.
    await applySnapshots(state, providers, resources, this.deps).catch((e: unknown) => log.error({ err: e }, 'applying snapshots failed'));
    resources.push(...failedRemovals.values());
    this.lastResources = resources;

    const report = { nodeName: state.nodeName, storagePools: await this.poolReport(providers), resources };
    log.info({ durationMs: Date.now() - started, resources: resources.length, failed: resources.filter((r) => r.error).length }, 'apply finished');
    return report;
  }

  /** Fresh capacities with the resource states of the last apply (the periodic report). */
  async currentReport(nodeName: string): Promise<NodeReport> {
    const providers = this.lastState ? this.providersFor(this.lastState) : new Map<string, StorageProvider>();
    return { nodeName, storagePools: await this.poolReport(providers), resources: await this.refreshAllocated(providers) };
  }

  /**
   * Thin volumes fill up as data is written: the periodic report re-reads the allocated size of
   * volumes whose top layer is STORAGE (one listing per pool), so `volume list` does not show
   * the size they had when created.
   */
  private async refreshAllocated(providers: Map<string, StorageProvider>): Promise<ReportedResource[]> {
    const desired = new Map((this.lastState?.resources ?? []).map((r) => [r.name, r] as const));
    const listings = new Map<string, Map<string, number>>();
    const allocatedOf = async (pool: string, volume: string): Promise<number | undefined> => {
      let l = listings.get(pool);
      if (!l) {
        const vs = await providers.get(pool)?.listVolumes().catch(() => []) ?? [];
        l = new Map(vs.map((v) => [v.name, v.allocatedSizeKib] as const));
        listings.set(pool, l);
      }
      return l.get(volume);
    };
    const out: ReportedResource[] = [];
    for (const r of this.lastResources) {
      const d = desired.get(r.name);
      const storageOnTop = (d?.layerStack.length ? d.layerStack[0] : 'STORAGE') === 'STORAGE';
      if (!d || !storageOnTop || r.error) { out.push(r); continue; }
      const volumes: ReportedVolume[] = [];
      for (const v of r.volumes) {
        const pool = d.volumes.find((x) => x.volumeNumber === v.volumeNumber)?.storagePool;
        const allocated = pool ? await allocatedOf(pool, volumeName(r.name, v.volumeNumber)) : undefined;
        volumes.push(allocated === undefined || allocated === v.allocatedSizeKib ? v : {
          ...v, allocatedSizeKib: allocated, layers: v.layers?.map((l) => (l.type === 'STORAGE' ? { ...l, allocatedSizeKib: allocated } : l)),
        });
      }
      out.push({ ...r, volumes });
    }
    // Not stored back: an apply running meanwhile owns lastResources.
    return out;
  }

  private async applyResource(resource: DesiredResource, state: DesiredNodeState): Promise<ReportedResource> {
    const stack: LayerKind[] = resource.layerStack.length ? resource.layerStack : ['STORAGE'];
    const missing = stack.filter((k) => !this.deps.layers.get(k));
    if (missing.length) {
      return {
        name: resource.name, ready: false, volumes: [],
        error: { message: `layer ${missing.join(', ')} not available on this satellite`, cause: 'No implementation of the layer is registered in this satellite.' },
      };
    }
    const layers = stack.map((k) => this.deps.layers.get(k)!);
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
      return {
        name: resource.name, ready: true, inUse: top.inUse, drbdConnections: top.drbdConnections, volumes: reportVolumes(resource, perLayer),
        ...(dryRun ? { dryRun, plan } : {}),
      };
    } catch (e) {
      this.deps.log.error({ err: e, resource: resource.name }, 'applying resource failed');
      return { name: resource.name, ready: false, volumes: [], error: errorInfo(e) };
    }
  }

  /** Top → bottom; layers with no implementation here are skipped, storage is always freed. */
  private async removeResource(name: string, state: DesiredNodeState): Promise<void> {
    const r = state.resources.find((x) => x.name === name);
    const stack: LayerKind[] = r?.layerStack.length ? r.layerStack : ['STORAGE'];
    const kinds = stack.includes('STORAGE') ? stack : [...stack, 'STORAGE' as const];
    for (const k of kinds) await this.deps.layers.get(k)?.remove(name, state);
  }

  private providersFor(state: DesiredNodeState): Map<string, StorageProvider> {
    return new Map(state.storagePools.map((pool) => [pool.name,
      createProvider({ runner: this.deps.runner, pool, log: this.deps.log, nodeProps: state.props, nodeName: state.nodeName, refusal: this.refusals.get(pool.name) })]));
  }

  private async poolReport(providers: Map<string, StorageProvider>): Promise<ReportedStoragePool[]> {
    const out: ReportedStoragePool[] = [];
    for (const [name, p] of providers) {
      const reflink = p.reflinkSupported ? await p.reflinkSupported().catch(() => false) : undefined;
      const base = { name, providerKind: p.kind, supportsSnapshots: p.supportsSnapshots, ...(reflink !== undefined ? { reflink } : {}) };
      try {
        out.push({ ...base, ...(await p.capacity()) });
      } catch (e) {
        out.push({ ...base, freeCapacityKib: 0, totalCapacityKib: 0, error: (e as Error).message });
      }
    }
    return out;
  }
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

function errorInfo(e: unknown): NonNullable<ReportedResource['error']> {
  if (e instanceof ApiError) return { message: e.message, cause: e.opts.cause, details: e.opts.details ?? e.opts.correction };
  return { message: (e as Error)?.message ?? String(e) };
}
