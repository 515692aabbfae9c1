/**
 * What this node plugin itself did, per volume: where it staged and published the volume,
 * which folders and files it created for that, and which device it mounted. Node calls act
 * only on what is recorded here (a path the CO names but the plugin never used is left alone),
 * and the records are files under the plugin's state folder (written atomically), so a
 * restarted plugin still knows what is its own.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidLinstorName } from '../names.js';

export interface PublishRecord {
  path: string;
  block: boolean;
  readonly: boolean;
  /** What the plugin made at `path` for the mount: removed again on unpublish (never anything else). */
  created?: 'dir' | 'file';
  /** Folders the plugin made above `path` (deepest first). */
  createdParents: string[];
}

export interface VolumeRecord {
  volumeId: string;
  /** The device the plugin staged or published, and its device number (`major:minor`). */
  device?: string;
  rdev?: string;
  staged?: { path: string; fs: string; createdDirs: string[] };
  published: PublishRecord[];
}

export class NodeRecords {
  private readonly dir: string;
  constructor(stateDir: string) {
    this.dir = join(stateDir, 'volumes');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(volumeId: string): string {
    // Volume ids are LINSTOR resource names: safe as file names, never a path.
    if (!isValidLinstorName(volumeId)) throw new Error(`not a volume id: ${volumeId}`);
    return join(this.dir, `${volumeId}.json`);
  }

  get(volumeId: string): VolumeRecord | undefined {
    if (!isValidLinstorName(volumeId)) return undefined;
    try {
      return JSON.parse(readFileSync(this.file(volumeId), 'utf8')) as VolumeRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Stores the record (or removes it once nothing is staged or published). */
  put(r: VolumeRecord): void {
    const file = this.file(r.volumeId);
    if (!r.staged && r.published.length === 0) { rmSync(file, { force: true }); return; }
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(r), { mode: 0o600 });
    renameSync(tmp, file);
  }

  update(volumeId: string, change: (r: VolumeRecord) => void): VolumeRecord {
    const r = this.get(volumeId) ?? { volumeId, published: [] };
    change(r);
    this.put(r);
    return r;
  }
}
