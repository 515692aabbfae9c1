/**
 * The LINSTOR side of every Cinder operation, through core/client only. Names follow
 * LINBIT's driver: resource `volume-<id>`, snapshot `snapshot-<id>`, group `cinder-<type id>`.
 * Each method says what a second call does (idempotency), since Cinder retries.
 */
import { deviceOfVolume, isDisklessResource, LinstorApiError, type LinstorClient, type ResourceGroup, type ResourceWithVolumes, RC } from '../../../core/client/index.js';
import type { Logger } from 'pino';

const KIB_PER_GIB = 1024 * 1024;
export const gibToKib = (g: number): number => g * KIB_PER_GIB;

const is404 = (e: unknown): boolean => e instanceof LinstorApiError && e.status === 404;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The controller already has it: LINSTOR answers "exists" with HTTP 500 and a FAIL_EXISTS_* code, not 409. */
const isExists = (e: unknown, code: bigint): boolean => e instanceof LinstorApiError && (e.status === 409 || e.hasCode(code));

/** The groups this driver makes always carry their name (the wire type leaves it optional). */
export type NamedGroup = ResourceGroup & { name: string };

export class LinstorBackend {
  /**
   * Groups this process already brought in line, with the definition it sent: a create of a
   * volume of an unchanged type then costs no group call at all. A changed type (other
   * extra specs) misses the cache and is modified; a group deleted behind our back is
   * recreated when spawn reports it missing.
   */
  private readonly ensured = new Map<string, Promise<string>>();

  constructor(readonly client: LinstorClient, private readonly log: Logger) {}

  /** Creates the group or brings it in line with the type; concurrent callers share one round of calls. */
  async ensureResourceGroup(rg: NamedGroup): Promise<void> {
    const want = JSON.stringify(rg);
    for (let cur = this.ensured.get(rg.name); cur; ) {
      if ((await cur.catch(() => undefined)) === want) return;
      const next = this.ensured.get(rg.name);
      if (next === cur) break; // nothing newer is running: sync below
      cur = next;
    }
    const p = this.syncResourceGroup(rg).then(() => want);
    this.ensured.set(rg.name, p);
    p.catch(() => { if (this.ensured.get(rg.name) === p) this.ensured.delete(rg.name); });
    await p;
  }

  /** Forget what the cache knows about a group (it was deleted or changed elsewhere). */
  forgetResourceGroup(name: string): void { this.ensured.delete(name); }

  /** Removes a type's group; LINSTOR refuses while it has resources, and absent is success. */
  async deleteResourceGroup(name: string): Promise<void> {
    this.forgetResourceGroup(name);
    try { await this.client.resourceGroups.delete(name); } catch (e) { this.log.debug({ err: e, rg: name }, 'resource group not deleted'); }
  }

  /** Create, or modify when it exists (a second call is a modify with the same values). */
  private async syncResourceGroup(rg: NamedGroup): Promise<void> {
    try {
      await this.client.resourceGroups.create(rg);
    } catch (e) {
      if (!isExists(e, RC.FAIL_EXISTS_RSC_GRP)) throw e;
      await this.client.resourceGroups.modify(rg.name, { description: rg.description, select_filter: rg.select_filter, override_props: rg.props });
    }
    await this.client.resourceGroups.createVolumeGroup(rg.name, { volume_number: 0 }).catch((e) => {
      if (!isExists(e, RC.FAIL_EXISTS_VLM_GRP)) throw e;
    });
  }

  /**
   * Spawns `resource` from the group: definition, volume 0 and the placed replicas in one call
   * (python-linstor's `ResourceGroup.spawn`); the controller answers once the satellites
   * deployed them. A second call fails with "exists" from the controller.
   */
  async spawn(rg: NamedGroup, resource: string, sizeGib: number, props: Record<string, string>): Promise<void> {
    const body = { resource_definition_name: resource, volume_sizes: [gibToKib(sizeGib)], resource_definition_props: props };
    try {
      await this.client.resourceGroups.spawn(rg.name, body);
    } catch (e) {
      // The group was deleted behind our back (cache says it exists): make it again, once.
      if (!(e instanceof LinstorApiError && e.hasCode(RC.FAIL_NOT_FOUND_RSC_GRP))) throw e;
      this.forgetResourceGroup(rg.name);
      await this.ensureResourceGroup(rg);
      await this.client.resourceGroups.spawn(rg.name, body);
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

  /**
   * Waits until every diskful resource of `resource` has its volume 0 with a device path.
   * Spawn and restore answer once the satellites deployed, so the first look normally
   * succeeds; the short first intervals keep a late report from costing a full poll period.
   */
  async waitReady(resource: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 250)) {
      const rs = await this.placements(resource);
      const diskful = rs.filter((r) => !isDisklessResource(r.flags));
      if (diskful.length > 0 && diskful.every((r) => r.volumes?.some((v) => v.device_path))) return;
      if (Date.now() > end) throw new Error(`resource ${resource} was not deployed within ${timeoutMs / 1000} s (${diskful.length} diskful replicas)`);
      await sleep(wait);
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
      const devicePath = r ? deviceOfVolume(r) : undefined;
      if (devicePath) return { devicePath, createdResource: before.length === 0 };
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
