import type { ProviderKind } from '../../model/types.js';
import { FileSnapshots } from './file-thin-snapshots.js';
import { FileProvider } from './file.js';

/**
 * FILE_THIN: like FILE, but the files are sparse; only written blocks use the pool's space.
 * Snapshots are copies of the file beside it: reflinks where the filesystem can, else sparse.
 */
export class FileThinProvider extends FileProvider {
  override readonly kind: ProviderKind = 'FILE_THIN';
  override readonly supportsSnapshots: boolean = true;
  protected override readonly thin: boolean = true;

  private get snaps(): FileSnapshots { return new FileSnapshots(this.ctx.runner, this.dir, this.timeoutMs); }

  // Making files needs the folder claimed; deleting or overwriting them needs it proven ours.
  async createSnapshot(volume: string, snapshot: string): Promise<void> { await this.claim(); return this.snaps.create(volume, snapshot); }
  async deleteSnapshot(volume: string, snapshot: string): Promise<void> { await this.requireOwned(); return this.snaps.delete(volume, snapshot); }
  async listSnapshots(): Promise<Array<{ volume: string; snapshot: string }>> { return this.snaps.list(); }
  /** The new volume file starts as a copy of the snapshot; create() then grows and attaches it. */
  override async restoreSnapshot(source: string, snapshot: string, target: string): Promise<void> { await this.claim(); return this.snaps.restore(source, snapshot, target); }
  async rollbackSnapshot(volume: string, snapshot: string): Promise<void> { await this.requireOwned(); return this.snaps.rollback(volume, snapshot); }
  async reflinkSupported(): Promise<boolean> { return this.snaps.reflinkSupported(); }
  async snapshotFile(volume: string, snapshot: string): Promise<string> { await this.requireOwned(); return this.snaps.existingFile(volume, snapshot); }
  async stagingFile(tag: string): Promise<string> { await this.claim(); return this.snaps.stagingFile(tag); }
  async adoptSnapshotFile(staged: string, volume: string, snapshot: string): Promise<void> { await this.requireOwned(); return this.snaps.adopt(staged, volume, snapshot); }
}
