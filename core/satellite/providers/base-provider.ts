import { ApiError } from '../../model/errors.js';
import { KEY_VLM_RESTORE_FROM_RESOURCE, KEY_VLM_RESTORE_FROM_SNAPSHOT } from '../../model/apiconsts.js';
import type { DesiredStoragePool } from '../../model/satellite-protocol.js';
import type { Props, ProviderKind } from '../../model/types.js';
import {
  commandTimeoutMs, parseVolumeName, volumeName, waitTimeoutAfterCreateMs,
  type PoolCapacity, type ProviderContext, type ProviderVolume, type StorageProvider, type Support,
} from './provider.js';
import { waitForDevice } from './wait-device.js';

/** Where a new volume's content comes from when its props ask for a snapshot restore. */
export interface RestoreSource {
  /** The source volume (`<resource>_<vlmnr>`, same volume number as the new one). */
  volume: string;
  snapshot: string;
}

/** LINSTOR sets RestoreFromResource and RestoreFromSnapshot on a volume restored (or cloned) from a snapshot. */
export function restoreSource(name: string, volumeProps: Props): RestoreSource | undefined {
  const fromRsc = volumeProps[KEY_VLM_RESTORE_FROM_RESOURCE];
  const fromSnap = volumeProps[KEY_VLM_RESTORE_FROM_SNAPSHOT];
  const parsed = parseVolumeName(name);
  return fromRsc && fromSnap && parsed ? { volume: volumeName(fromRsc, parsed.volumeNumber), snapshot: fromSnap } : undefined;
}

/**
 * What LVM, LVM_THIN, ZFS(_THIN) and FILE(_THIN) share, after linstor-server's
 * AbsStorageProvider.createVolumes: `create` decides once whether a missing volume is restored
 * from a snapshot or created empty, grows a volume an earlier attempt left smaller, and makes
 * its device usable. A provider fills in the hooks for its kind of disk. Every step can be
 * repeated after a crash: an existing volume is found and completed, never created twice.
 */
export abstract class BaseProvider<Row> implements StorageProvider {
  abstract readonly kind: ProviderKind;
  readonly supportsSnapshots: boolean = false;
  constructor(protected readonly ctx: ProviderContext) {}

  get pool(): DesiredStoragePool { return this.ctx.pool; }
  protected get timeoutMs(): number | undefined { return commandTimeoutMs(this.ctx); }

  // ---- Hooks ----
  /** The volume as the pool lists it now, or undefined when it does not exist. */
  protected abstract find(name: string): Promise<Row | undefined>;
  /** Creates an empty volume of at least sizeKib (lvcreate, zfs create, a new file). */
  protected abstract createEmpty(name: string, sizeKib: number, volumeProps: Props): Promise<void>;
  /** The volume's usable size as listed. */
  protected abstract sizeKibOf(row: Row): number;
  /** Makes the device of a volume that exists usable (waits for its node, attaches a loop) and reports it. */
  protected abstract activate(name: string, row: Row): Promise<ProviderVolume>;
  /** Grows an existing volume that is smaller than asked (default: resize, which also reports it). */
  protected growExisting(name: string, sizeKib: number, _row: Row): Promise<ProviderVolume> {
    return this.resize(name, sizeKib);
  }
  /** What `create ... reported success` names in the error when the new volume is not listed. */
  protected abstract describe(name: string): string;

  abstract supported(): Promise<Support>;
  abstract capacity(): Promise<PoolCapacity>;
  abstract listVolumes(): Promise<ProviderVolume[]>;
  abstract resize(name: string, sizeKib: number): Promise<ProviderVolume>;
  abstract delete(name: string): Promise<void>;
  abstract devicePath(name: string): Promise<string | undefined>;
  restoreSnapshot?(source: string, snapshot: string, target: string): Promise<void>;

  async create(name: string, sizeKib: number, volumeProps: Props = {}): Promise<ProviderVolume> {
    let row = await this.find(name);
    let fresh = false;
    if (!row) {
      const from = restoreSource(name, volumeProps);
      if (from) {
        await this.restoreInto(from, name);
        row = await this.find(name);
      }
      if (!row) {
        await this.createEmpty(name, sizeKib, volumeProps);
        row = await this.find(name);
        if (!row) throw new ApiError('FAIL_UNKNOWN_ERROR', `Creating ${this.describe(name)} reported success but it is not listed.`);
        fresh = true;
      }
    }
    // A volume created just now has its size; one found (a retry, a restore) may be smaller.
    if (!fresh && this.sizeKibOf(row) < sizeKib) return this.growExisting(name, sizeKib, row);
    return this.activate(name, row);
  }

  /** Fills `target` from the snapshot; a pool that cannot restore says so instead of creating an empty volume. */
  private async restoreInto(from: RestoreSource, target: string): Promise<void> {
    if (!this.supportsSnapshots || !this.restoreSnapshot) {
      throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED',
        `Volume '${target}' is to be restored from snapshot '${from.snapshot}', but storage pool '${this.pool.name}' (${this.kind}) has no snapshots.`, {
          correction: 'Restore into a pool of a kind that takes snapshots (LVM_THIN, ZFS, ZFS_THIN, FILE_THIN).',
        });
    }
    await this.restoreSnapshot(from.volume, from.snapshot, target);
  }

  /** Waits until a new device node exists (udev may lag behind the tool that made it). */
  protected waitForDevice(path: string): Promise<void> {
    return (this.ctx.waitForDevice ?? waitForDevice)(path, waitTimeoutAfterCreateMs(this.ctx));
  }

  protected run(argv: string[], quiet = false) {
    return this.ctx.runner.run(argv, { timeoutMs: this.timeoutMs, quiet });
  }
}
