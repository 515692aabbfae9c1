import type { ProviderKind } from '../../model/types.js';
import {
  DISKLESS_CAPACITY_KIB, type PoolCapacity, type ProviderContext, type ProviderVolume, type StorageProvider, type Support,
} from './provider.js';

/**
 * DISKLESS (DfltDisklessStorPool): holds no data; a diskless resource gets its device from a
 * layer above (DRBD client). Capacity is "infinite" as LINSTOR reports it.
 */
export class DisklessProvider implements StorageProvider {
  readonly kind: ProviderKind = 'DISKLESS';
  readonly supportsSnapshots = false;
  constructor(private readonly ctx: ProviderContext) {}
  get pool() { return this.ctx.pool; }
  async supported(): Promise<Support> { return { supported: true, reasons: [] }; }
  async capacity(): Promise<PoolCapacity> {
    return { freeCapacityKib: DISKLESS_CAPACITY_KIB, totalCapacityKib: DISKLESS_CAPACITY_KIB };
  }
  async listVolumes(): Promise<ProviderVolume[]> { return []; }
  async create(name: string): Promise<ProviderVolume> { return { name, allocatedSizeKib: 0, usableSizeKib: 0 }; }
  async resize(name: string): Promise<ProviderVolume> { return { name, allocatedSizeKib: 0, usableSizeKib: 0 }; }
  async delete(): Promise<void> { /* nothing stored */ }
  async devicePath(): Promise<string | undefined> { return undefined; }
}
