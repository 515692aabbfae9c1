import { ApiError } from '../../model/errors.js';
import type { DesiredNodeState, DesiredResource } from '../../model/satellite-protocol.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { LayerKind } from '../../model/types.js';
import { InventoryProvider } from '../providers/inventory.js';
import { parseVolumeName, volumeName, type ProviderVolume, type StorageProvider, type Support } from '../providers/provider.js';
import type { Layer, LayerApplyInput, LayerInput, LayerResult, LayerVolume } from './layer.js';


export function isDiskless(resource: DesiredResource): boolean {
  return isDisklessResource(resource.flags);
}

/**
 * STORAGE, the bottom layer: hands each volume to the provider of its storage pool.
 * The reconciler keeps one provider per pool (with its listing cached, see InventoryProvider)
 * and hands the map here whenever a pool changes.
 */
export class StorageLayer implements Layer {
  readonly kind: LayerKind = 'STORAGE';
  private providers = new Map<string, StorageProvider>();

  setProviders(providers: Map<string, StorageProvider>): void {
    this.providers = providers;
  }

  /** The volume as the pool lists it: one lookup in a cached inventory, else one listing. */
  private async existing(provider: StorageProvider, name: string): Promise<ProviderVolume | undefined> {
    try {
      if (provider instanceof InventoryProvider) return await provider.volume(name);
      return (await provider.listVolumes()).find((v) => v.name === name);
    } catch {
      return undefined; // create() reports what is wrong with the pool
    }
  }

  async supported(): Promise<Support> {
    return { supported: true, reasons: [] };
  }

  async apply({ resource, sizesKib }: LayerApplyInput): Promise<LayerResult> {
    const volumes = new Map<number, LayerVolume>();
    const diskless = isDiskless(resource);
    for (const v of resource.volumes) {
      const provider = this.providers.get(v.storagePool);
      if (!provider && !diskless) {
        throw new ApiError('FAIL_NOT_FOUND_STOR_POOL', `Storage pool '${v.storagePool}' of volume ${v.volumeNumber} is not known on this satellite.`, {
          correction: `Create storage pool '${v.storagePool}' on this node or place the resource elsewhere.`,
        });
      }
      if (diskless || !provider || provider.kind === 'DISKLESS') {
        volumes.set(v.volumeNumber, { volumeNumber: v.volumeNumber, diskState: 'Diskless' });
        continue;
      }
      const size = sizesKib.get(v.volumeNumber) ?? v.sizeKib;
      const name = volumeName(resource.name, v.volumeNumber);
      const seen = await this.existing(provider, name);
      // Already there, attached and big enough: nothing to run. Otherwise create() completes it.
      const pv = seen?.devicePath && seen.usableSizeKib >= size ? seen : await provider.create(name, size, v.props);
      volumes.set(v.volumeNumber, {
        volumeNumber: v.volumeNumber,
        devicePath: pv.devicePath,
        allocatedSizeKib: pv.allocatedSizeKib,
        usableSizeKib: pv.usableSizeKib,
        diskState: 'UpToDate',
      });
    }
    return { volumes };
  }

  /** An inactive resource lets go of its volumes (LVM: `lvchange --activate n`); the data stays. */
  async deactivate({ resource }: LayerInput): Promise<void> {
    if (isDiskless(resource)) return;
    for (const v of resource.volumes) await this.providers.get(v.storagePool)?.release?.(volumeName(resource.name, v.volumeNumber));
  }

  async remove(resourceName: string, state?: DesiredNodeState): Promise<void> {
    const desired = state?.resources.find((r) => r.name === resourceName);
    for (const provider of this.providers.values()) {
      for (const v of await provider.listVolumes()) {
        const parsed = parseVolumeName(v.name);
        if (parsed?.resource !== resourceName) continue;
        if (provider.pool.sharedSpace !== undefined) {
          // The controller says whether other nodes still use it; without its word, never destroy.
          const dv = desired?.volumes.find((x) => x.volumeNumber === parsed.volumeNumber && x.storagePool === provider.pool.name);
          if (!dv || dv.keepShared) { await provider.release?.(v.name); continue; }
        }
        await provider.delete(v.name);
      }
    }
  }

  /** Volumes that exist in a pool but are not wanted: left by a crash or a missed delete. */
  async removeOrphans(state: DesiredNodeState, onError: (pool: string, name: string, e: unknown) => void): Promise<string[]> {
    const wanted = new Set<string>();
    for (const r of state.resources) {
      if (r.flags.includes('DELETE')) continue;
      for (const v of r.volumes) wanted.add(`${v.storagePool}\u0000${volumeName(r.name, v.volumeNumber)}`);
    }
    const removed: string[] = [];
    for (const [poolName, provider] of this.providers) {
      // A shared pool lists the volumes of every node of its space: none of them is an orphan here.
      if (provider.pool.sharedSpace !== undefined) continue;
      let list;
      try { list = await provider.listVolumes(); } catch (e) { onError(poolName, '', e); continue; }
      for (const v of list) {
        if (wanted.has(`${poolName}\u0000${v.name}`)) continue;
        try {
          await provider.delete(v.name);
          removed.push(`${poolName}/${v.name}`);
        } catch (e) { onError(poolName, v.name, e); }
      }
    }
    return removed;
  }
}
