import { stat } from 'node:fs/promises';
import type { Props, ProviderKind } from '../../model/types.js';
import { FileSnapshots } from '../snapshots/file-snapshots.js';
import { FileProvider } from './file.js';
import { parseVolumeName, RESTORE_FROM_RESOURCE, RESTORE_FROM_SNAPSHOT, volumeName, type ProviderVolume } from './provider.js';

/**
 * FILE_THIN: like FILE, but the files are sparse; only written blocks use the pool's space.
 * Snapshots are copies of the file beside it: reflinks where the filesystem can, else sparse.
 */
export class FileThinProvider extends FileProvider {
  override readonly kind: ProviderKind = 'FILE_THIN';
  override readonly supportsSnapshots: boolean = true;
  protected override readonly thin: boolean = true;

  private get snaps(): FileSnapshots { return new FileSnapshots(this.ctx.runner, this.dir, this.timeoutMs); }

  /** A volume restored from a snapshot starts as a copy of it, then grows like any new volume. */
  override async create(name: string, sizeKib: number, volumeProps: Props = {}): Promise<ProviderVolume> {
    const fromRsc = volumeProps[RESTORE_FROM_RESOURCE];
    const fromSnap = volumeProps[RESTORE_FROM_SNAPSHOT];
    const parsed = parseVolumeName(name);
    if (fromRsc && fromSnap && parsed && !(await this.devicePath(name)) && !(await this.fileExists(name))) {
      await this.claim();
      await this.snaps.restore(volumeName(fromRsc, parsed.volumeNumber), fromSnap, name);
    }
    return super.create(name, sizeKib);
  }

  // Making files needs the folder claimed; deleting or overwriting them needs it proven ours.
  async createSnapshot(volume: string, snapshot: string): Promise<void> { await this.claim(); return this.snaps.create(volume, snapshot); }
  async deleteSnapshot(volume: string, snapshot: string): Promise<void> { await this.requireOwned(); return this.snaps.delete(volume, snapshot); }
  async listSnapshots(): Promise<Array<{ volume: string; snapshot: string }>> { return this.snaps.list(); }
  async restoreSnapshot(source: string, snapshot: string, target: string): Promise<void> { await this.claim(); return this.snaps.restore(source, snapshot, target); }
  async rollbackSnapshot(volume: string, snapshot: string): Promise<void> { await this.requireOwned(); return this.snaps.rollback(volume, snapshot); }
  async reflinkSupported(): Promise<boolean> { return this.snaps.reflinkSupported(); }

  private async fileExists(name: string): Promise<boolean> {
    return (await stat(this.file(name)).catch(() => undefined)) !== undefined;
  }
}
