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

  createSnapshot(volume: string, snapshot: string): Promise<void> { return this.snaps.create(volume, snapshot); }
  deleteSnapshot(volume: string, snapshot: string): Promise<void> { return this.snaps.delete(volume, snapshot); }
  listSnapshots(): Promise<Array<{ volume: string; snapshot: string }>> { return this.snaps.list(); }
  /** The new volume file starts as a copy of the snapshot; create() then grows and attaches it. */
  override restoreSnapshot(source: string, snapshot: string, target: string): Promise<void> { return this.snaps.restore(source, snapshot, target); }
  rollbackSnapshot(volume: string, snapshot: string): Promise<void> { return this.snaps.rollback(volume, snapshot); }
  reflinkSupported(): Promise<boolean> { return this.snaps.reflinkSupported(); }
}
