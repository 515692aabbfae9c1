/**
 * What the OpenNebula driver asks of LINSTOR, all through core/client: deploy an image
 * resource from the datastore's resource group, attach it to a host (diskless where the
 * layer stack allows it), clone, snapshot, resize, delete and report capacity.
 */
import { deviceOfVolume, isDisklessResource, LinstorApiError, LinstorClient, type ResourceLayer, type ResourceWithVolumes } from '../../../core/client/index.js';
import type { DatastoreConfig } from './datastore-config.js';
import { DriverError, logInfo, logWarn } from './log.js';
import { useController } from './report.js';

const KiB_PER_MiB = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const imageResourceName = (imageId: string | number): string => `OpenNebula-Image-${imageId}`;
export const snapshotName = (snapId: string | number): string => `OpenNebula-Snap-${snapId}`;

export function isNotFound(e: unknown): boolean {
  return e instanceof LinstorApiError && e.status === 404;
}

/** The controller does not serve this call (older server): 404/501 with "Unknown API call". */
export function isUnknownApiCall(e: unknown): boolean {
  return e instanceof LinstorApiError && (e.status === 501 || (e.status === 404 && /unknown api call/i.test(e.message)));
}

function layerTypes(l: ResourceLayer | undefined, out: Set<string> = new Set()): Set<string> {
  if (!l) return out;
  if (l.type) out.add(l.type);
  for (const c of (l as { children?: ResourceLayer[] }).children ?? []) layerTypes(c, out);
  return out;
}

export class OneLinstor {
  readonly client: LinstorClient;
  constructor(readonly cfg: DatastoreConfig, client?: LinstorClient) {
    this.client = client ?? new LinstorClient({ controllers: cfg.controllers, timeoutMs: 120_000, headers: { 'User-Agent': 'linstor-ts-opennebula/0.1' }, ...cfg.access });
    useController(this.client, [cfg.access.auth?.password]);
  }

  async exists(name: string): Promise<boolean> {
    try { await this.client.resourceDefinitions.get(name); return true; } catch (e) { if (isNotFound(e)) return false; throw e; }
  }

  /** Creates the resource `name` of sizeMiB as the datastore says (resource group, or the deprecated attributes). */
  async deploy(name: string, sizeMiB: number): Promise<void> {
    if (!Number.isFinite(sizeMiB) || sizeMiB <= 0) throw new DriverError(`cannot create ${name}: size ${sizeMiB} MB is not positive`, 'give the image a SIZE in MB');
    const sizeKib = Math.ceil(sizeMiB) * KiB_PER_MiB;
    try {
      if (this.cfg.resourceGroup) {
        await this.requireResourceGroup();
        logInfo(`spawning ${name} (${sizeMiB} MiB) from resource group ${this.cfg.resourceGroup}`);
        await this.client.resourceGroups.spawn(this.cfg.resourceGroup, { resource_definition_name: name, volume_sizes: [sizeKib] });
      } else {
        await this.deployLegacy(name, sizeKib);
      }
    } catch (e) {
      await this.client.resourceDefinitions.delete(name).catch(() => {});
      throw e;
    }
  }

  private async deployLegacy(name: string, sizeKib: number): Promise<void> {
    const pool = this.cfg.storagePool!;
    // The resource-group path carries its own layer stack; this one takes LINSTOR's default
    // unless the driver setting ONE_LINSTOR_LAYER_LIST (e.g. "drbd,storage") names one.
    const layers = (process.env.ONE_LINSTOR_LAYER_LIST ?? '').split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);
    await this.client.resourceDefinitions.create({ resource_definition: { name, ...(layers.length ? { layer_data: layers.map((type) => ({ type })) } : {}) } });
    await this.client.resourceDefinitions.createVolumeDefinition(name, { volume_definition: { size_kib: sizeKib, props: { StorPoolName: pool } } });
    if (this.cfg.deploymentNodes?.length) {
      logInfo(`placing ${name} on ${this.cfg.deploymentNodes.join(', ')} (LINSTOR_DEPLOYMENT_NODES)`);
      await this.client.resources.create(name, this.cfg.deploymentNodes.map((n) => ({ resource: { node_name: n, props: { StorPoolName: pool } } })));
    } else {
      logInfo(`auto-placing ${name} on ${this.cfg.autoPlace} nodes of pool ${pool} (LINSTOR_AUTO_PLACE)`);
      await this.client.resources.autoplace(name, { select_filter: { place_count: this.cfg.autoPlace, storage_pool: pool } });
    }
  }

  async requireResourceGroup(): Promise<void> {
    const rg = this.cfg.resourceGroup!;
    try { await this.client.resourceGroups.get(rg); } catch (e) {
      if (isNotFound(e)) throw new DriverError(`resource group '${rg}' (LINSTOR_RESOURCE_GROUP of datastore ${this.cfg.id}) does not exist in LINSTOR`, `create it: linstor resource-group create ${rg} --storage-pool POOL --place-count 2 && linstor volume-group create ${rg}`);
      throw e;
    }
  }

  async resources(name: string): Promise<ResourceWithVolumes[]> {
    return (await this.client.resources.view({ resources: [name] })).filter((r) => r.name === name);
  }

  async diskfulNodes(name: string): Promise<string[]> {
    return (await this.resources(name)).filter((r) => !isDisklessResource(r.flags)).map((r) => r.node_name!);
  }

  /** Waits until `node` reports a device for volume 0 and returns its path. */
  async devicePath(name: string, node: string, timeoutMs = 60_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = (await this.resources(name)).find((x) => x.node_name === node);
      const dev = r ? deviceOfVolume(r) : undefined;
      if (dev) return dev;
      if (Date.now() > end) throw new DriverError(`${name} has no device on ${node} after ${timeoutMs / 1000} s`, `check 'linstor resource list -r ${name}' and the satellite log on ${node}`);
      await sleep(250);
    }
  }

  /** True when the layer stack has a layer that can serve a node without local data (DRBD, NVMe). */
  async supportsDiskless(name: string): Promise<boolean> {
    const types = new Set<string>();
    for (const r of await this.resources(name)) layerTypes(r.layer_object, types);
    if (types.size === 0) {
      const rd = await this.client.resourceDefinitions.get(name);
      for (const l of rd.layer_data ?? []) if (l.type) types.add(l.type);
    }
    return types.has('DRBD') || types.has('NVME');
  }

  /** make-available on host: a diskless attachment (or nothing when a replica is there); returns the device. */
  async attach(name: string, host: string): Promise<string> {
    if (!(await this.exists(name))) throw new DriverError(`LINSTOR resource ${name} does not exist`, `check the image SOURCE; 'linstor resource-definition list' shows what exists`);
    if (!(await this.supportsDiskless(name))) {
      // Without DRBD/NVMe a new replica would be an empty, unconnected volume: refuse instead.
      const replicas = await this.diskfulNodes(name);
      if (!replicas.includes(host)) {
        throw new DriverError(`${name} has no DRBD or NVMe layer, so only the nodes holding its data (${replicas.join(', ') || 'none'}) can use it, not ${host}`,
          `add DRBD to the layer stack of resource group ${this.cfg.resourceGroup ?? '(datastore)'} (linstor rg modify ... --layer-list drbd,storage) or run the VM on ${replicas[0] ?? 'a storage node'}`);
      }
      return this.devicePath(name, host);
    }
    await this.client.resources.makeAvailable(name, host, { diskful: false });
    return this.devicePath(name, host);
  }

  /** Removes the host's attachment if it is diskless; replicas with data stay. */
  async detach(name: string, host: string): Promise<void> {
    const r = (await this.resources(name)).find((x) => x.node_name === host);
    if (!r) return;
    if (isDisklessResource(r.flags)) {
      logInfo(`removing diskless attachment of ${name} on ${host}`);
      await this.client.resources.delete(name, host).catch((e) => { if (!isNotFound(e)) throw e; });
    }
  }

  /** Deletes the resource and its snapshots; a resource that is already gone is fine (rm is retried by oned). */
  async remove(name: string): Promise<void> {
    try {
      for (const s of await this.client.snapshots.list(name).catch((e) => (isNotFound(e) || isUnknownApiCall(e) ? [] : Promise.reject(e)))) {
        if (s.name) await this.client.snapshots.delete(name, s.name);
      }
      await this.client.resourceDefinitions.delete(name);
      logInfo(`deleted ${name}`);
    } catch (e) {
      if (isNotFound(e)) { logInfo(`${name} does not exist any more`); return; }
      throw e;
    }
  }

  async sizeMiB(name: string): Promise<number> {
    const vd = await this.client.resourceDefinitions.getVolumeDefinition(name, 0);
    return Math.ceil((vd.size_kib ?? 0) / KiB_PER_MiB);
  }

  async resize(name: string, sizeMiB: number): Promise<void> {
    await this.client.resourceDefinitions.modifyVolumeDefinition(name, 0, { size_kib: Math.ceil(sizeMiB) * KiB_PER_MiB });
  }

  /** Clone with LINSTOR's clone API (copy-on-write where the pool supports it); false if the controller lacks it. */
  async cloneWithApi(src: string, dst: string): Promise<boolean> {
    try {
      await this.client.resourceDefinitions.clone(src, { name: dst, ...(this.cfg.resourceGroup ? { resource_group: this.cfg.resourceGroup } : {}) });
    } catch (e) {
      if (isUnknownApiCall(e)) return false;
      throw e;
    }
    const end = Date.now() + 30 * 60_000;
    for (;;) {
      const st = await this.client.resourceDefinitions.cloneStatus(src, dst);
      if (st.status === 'COMPLETE') return true;
      if (st.status === 'FAILED') {
        // The data copy below still gives the user a working image; the controller keeps the reason.
        logWarn(`LINSTOR's clone of ${src} to ${dst} failed (see 'linstor error-reports list'); copying the data instead`);
        await this.remove(dst).catch(() => {});
        return false;
      }
      if (Date.now() > end) throw new DriverError(`clone of ${src} to ${dst} did not finish within 30 minutes`);
      await sleep(500);
    }
  }

  async snapshotCreate(name: string, snap: string): Promise<void> { await this.client.snapshots.create(name, snap); }
  async snapshotDelete(name: string, snap: string): Promise<void> {
    try { await this.client.snapshots.delete(name, snap); } catch (e) { if (!isNotFound(e)) throw e; logInfo(`snapshot ${snap} of ${name} does not exist any more`); }
  }
  async snapshotRollback(name: string, snap: string): Promise<void> { await this.client.snapshots.rollback(name, snap); }
}
