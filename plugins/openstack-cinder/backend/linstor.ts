/**
 * The LINSTOR side of every Cinder operation, through core/client only. Names follow
 * LINBIT's driver: resource `volume-<id>`, snapshot `snapshot-<id>`, group `cinder-<type id>`.
 * Each method says what a second call does (idempotency), since Cinder retries.
 */
import { LinstorApiError, type LinstorClient, type ResourceGroup, type ResourceWithVolumes } from '../../../core/client/index.js';
import type { Logger } from 'pino';
import { spawnWithoutSpawn } from './place.js';

const KIB_PER_GIB = 1024 * 1024;
export const gibToKib = (g: number): number => g * KIB_PER_GIB;

const is404 = (e: unknown): boolean => e instanceof LinstorApiError && e.status === 404;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The controller does not know this REST call (yet): it answers "Unknown API call" (404 in LINSTOR; ours said 500). */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof LinstorApiError && e.rcs.some((r) => /unknown api call/i.test(r.message));
}

export class LinstorBackend {
  constructor(readonly client: LinstorClient, private readonly log: Logger) {}

  /** Creates the group or brings it in line with the type (second call: a modify with the same values). */
  async ensureResourceGroup(rg: ResourceGroup): Promise<void> {
    let exists = true;
    try { await this.client.resourceGroups.get(rg.name); } catch (e) { if (is404(e)) exists = false; else throw e; }
    if (!exists) {
      try {
        await this.client.resourceGroups.create(rg);
      } catch (e) {
        // Two creates raced: the other one made it, so modify below.
        if (!(e instanceof LinstorApiError && e.status === 409)) throw e;
      }
      await this.client.resourceGroups.createVolumeGroup(rg.name, { volume_number: 0 }).catch((e) => {
        if (!(e instanceof LinstorApiError && e.status === 409)) throw e;
      });
      return;
    }
    await this.client.resourceGroups.modify(rg.name, { description: rg.description, select_filter: rg.select_filter, override_props: rg.props });
  }

  /** Spawns `resource` from the group (a second call fails with 409 from the controller). */
  async spawn(rg: ResourceGroup, resource: string, sizeGib: number, props: Record<string, string>): Promise<void> {
    try {
      await this.client.resourceGroups.spawn(rg.name, { resource_definition_name: resource, volume_sizes: [gibToKib(sizeGib)], resource_definition_props: props });
    } catch (e) {
      if (!isMissingEndpoint(e)) throw e;
      this.log.warn({ rg: rg.name }, 'controller has no spawn call; placing the resource step by step');
      await spawnWithoutSpawn(this.client, rg, resource, gibToKib(sizeGib), props);
    }
  }

  /** Deletes the resource definition with all its resources; absent is success. */
  async deleteResource(resource: string): Promise<void> {
    try { await this.client.resourceDefinitions.delete(resource); } catch (e) { if (!is404(e)) throw e; }
  }

  async resourceExists(resource: string): Promise<boolean> {
    try { await this.client.resourceDefinitions.get(resource); return true; } catch (e) { if (is404(e)) return false; throw e; }
  }

  /** Grows volume 0 (growing to the current size again is a no-op at the controller). */
  async extend(resource: string, sizeGib: number): Promise<void> {
    await this.client.resourceDefinitions.modifyVolumeDefinition(resource, 0, { size_kib: gibToKib(sizeGib) });
  }

  async createSnapshot(resource: string, snap: string): Promise<void> {
    await this.client.snapshots.create(resource, snap);
  }

  /** Absent (snapshot or resource) is success. */
  async deleteSnapshot(resource: string, snap: string): Promise<void> {
    try { await this.client.snapshots.delete(resource, snap); } catch (e) { if (!is404(e)) throw e; }
  }

  /** A new resource `to` in group `rg` from snapshot `snap` of `from` (python-linstor's restore_from_snapshot). */
  async restoreSnapshot(from: string, snap: string, to: string, rg: string, props: Record<string, string>): Promise<void> {
    await this.client.resourceDefinitions.create({ resource_definition: { name: to, resource_group_name: rg, props } });
    try {
      await this.client.snapshots.restoreVolumeDefinition(from, snap, { to_resource: to });
      await this.client.snapshots.restoreResource(from, snap, { to_resource: to });
    } catch (e) {
      await this.deleteResource(to).catch(() => undefined);
      throw e;
    }
  }

  /** Resources of one resource definition as the satellites report them. */
  async placements(resource: string, node?: string): Promise<ResourceWithVolumes[]> {
    return this.client.resources.view({ resources: [resource], ...(node ? { nodes: [node] } : {}) });
  }

  /** Waits until every resource of `resource` has its volume 0 with a device path. */
  async waitReady(resource: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const rs = await this.placements(resource);
      const diskful = rs.filter((r) => !(r.flags ?? []).some((f) => /DISKLESS/.test(f)));
      if (diskful.length > 0 && diskful.every((r) => r.volumes?.some((v) => v.device_path))) return;
      if (Date.now() > end) throw new Error(`resource ${resource} was not deployed within ${timeoutMs / 1000} s (${diskful.length} diskful replicas)`);
      await sleep(200);
    }
  }

  /**
   * Makes the volume usable on `node` (LINBIT's direct attach: make-available, diskless when
   * DRBD is in the stack; a storage-only stack cannot be diskless, so a local replica is made)
   * and returns the device path. A second call finds the resource there and changes nothing.
   */
  async attach(resource: string, node: string, layers: string[], timeoutMs: number): Promise<{ devicePath: string; createdResource: boolean }> {
    const before = await this.placements(resource, node);
    const drbd = layers.includes('drbd');
    if (before.length === 0 && drbd) await this.client.resources.makeAvailable(resource, node, { diskful: false });
    else if (before.length === 0) {
      // A local replica in the pool the other replicas use (make-available would not know the group's pool).
      const pool = (await this.placements(resource)).flatMap((r) => r.volumes ?? []).find((v) => v.storage_pool_name && v.provider_kind !== 'DISKLESS')?.storage_pool_name;
      await this.client.resources.create(resource, [{ resource: { node_name: node, props: pool ? { StorPoolName: pool } : {} }, layer_list: layers.map((l) => l.toUpperCase()) }]);
    }
    const end = Date.now() + timeoutMs;
    for (;;) {
      const [r] = await this.placements(resource, node);
      const vol = r?.volumes?.find((v) => (v.volume_number ?? 0) === 0);
      if (r && drbd) return { devicePath: `/dev/drbd/by-res/${resource}/0`, createdResource: before.length === 0 };
      if (vol?.device_path) return { devicePath: vol.device_path, createdResource: before.length === 0 };
      if (Date.now() > end) throw new Error(`no device for ${resource} on ${node} within ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }

  /** Undoes attach on `node`: removes the resource only if attach created it. */
  async detach(resource: string, node: string, createdResource: boolean): Promise<void> {
    if (!createdResource) return;
    try { await this.client.resources.delete(resource, node); } catch (e) { if (!is404(e)) throw e; }
  }

  async isNode(name: string): Promise<boolean> {
    try { await this.client.nodes.get(name); return true; } catch (e) { if (is404(e)) return false; throw e; }
  }

  debug(msg: string, o: object = {}): void { this.log.debug(o, msg); }
}
