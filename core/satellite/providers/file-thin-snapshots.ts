import { randomBytes } from 'node:crypto';
import { readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../model/errors.js';
import type { CommandRunner } from '../../exec/index.js';
import { loopDevicesOf } from './loop-devices.js';
import { pathInPool } from './pool-folder.js';
import { parseSnapshotVolumeName, snapshotVolumeName } from './provider.js';

const SUFFIX = '.img';
/** Probe results per pool directory: the filesystem does not change under a running satellite. */
const reflinkCache = new Map<string, boolean>();

/**
 * FILE_THIN snapshots: a snapshot is a copy of the volume's file next to it,
 * `<resource>_<vlmnr>_<snapshot>.img`. Where the filesystem shares blocks (xfs with
 * reflink=1, btrfs) the copy is a reflink and takes no time or space; elsewhere it is a
 * sparse copy (`cp --sparse=always`) that only writes the blocks that hold data.
 * Copies land in a temp file renamed into place, so a snapshot that exists is complete.
 */
export class FileSnapshots {
  constructor(private readonly runner: CommandRunner, private readonly dir: string, private readonly timeoutMs?: number) {}

  file(volume: string, snapshot?: string): string {
    return pathInPool(this.dir, (snapshot ? snapshotVolumeName(volume, snapshot) : volume) + SUFFIX);
  }

  /** Tries one reflink copy of a small probe file in the pool directory. */
  async reflinkSupported(): Promise<boolean> {
    const cached = reflinkCache.get(this.dir);
    if (cached !== undefined) return cached;
    const tag = randomBytes(4).toString('hex');
    const src = join(this.dir, `.reflink-probe-${tag}`);
    const dst = `${src}.copy`;
    let ok = false;
    try {
      await writeFile(src, 'probe');
    } catch {
      return false; // the directory is not usable (yet): probe again next time
    }
    try {
      await this.runner.run(['cp', '--reflink=always', src, dst], { quiet: true, timeoutMs: 10_000 });
      ok = true;
    } catch {
      ok = false;
    } finally {
      await unlink(src).catch(() => undefined);
      await unlink(dst).catch(() => undefined);
    }
    reflinkCache.set(this.dir, ok);
    return ok;
  }

  async create(volume: string, snapshot: string): Promise<void> {
    const target = this.file(volume, snapshot);
    if (await exists(target)) return;
    const source = this.file(volume);
    if (!(await exists(source))) {
      throw new ApiError('FAIL_NOT_FOUND_VLM', `Cannot take snapshot '${snapshot}': volume file '${source}' does not exist.`, {
        correction: 'Wait until the resource is deployed on this node, then take the snapshot again.',
      });
    }
    await this.flush(source);
    await this.copyInto(source, target);
  }

  async delete(volume: string, snapshot: string): Promise<void> {
    await unlink(this.file(volume, snapshot)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  }

  /** Snapshot files of this pool, `<volume>_<snapshot>.img`. */
  async list(): Promise<Array<{ volume: string; snapshot: string }>> {
    const out: Array<{ volume: string; snapshot: string }> = [];
    for (const entry of await readdir(this.dir)) {
      if (!entry.endsWith(SUFFIX)) continue;
      const parsed = parseSnapshotVolumeName(entry.slice(0, -SUFFIX.length));
      if (parsed) out.push(parsed);
    }
    return out;
  }

  /** New volume file with the snapshot's content; the caller attaches it like any volume. */
  async restore(source: string, snapshot: string, target: string): Promise<void> {
    const dst = this.file(target);
    if (await exists(dst)) return;
    const snap = this.file(source, snapshot);
    if (!(await exists(snap))) throw snapshotMissing(source, snapshot, snap);
    await this.copyInto(snap, dst);
  }

  /**
   * Writes the snapshot back over the volume file in place (same inode), so the loop device
   * attached to it stays valid; its buffers are flushed before and dropped after.
   */
  async rollback(volume: string, snapshot: string): Promise<void> {
    const snap = this.file(volume, snapshot);
    if (!(await exists(snap))) throw snapshotMissing(volume, snapshot, snap);
    const vol = this.file(volume);
    await this.flush(vol);
    const mode = (await this.reflinkSupported()) ? '--reflink=always' : '--sparse=always';
    await this.runner.run(['cp', mode, snap, vol], { timeoutMs: this.timeoutMs });
    for (const d of await loopDevicesOf(this.runner, vol, this.timeoutMs)) {
      await this.runner.run(['losetup', '-c', d], { timeoutMs: this.timeoutMs });
      await this.runner.run(['blockdev', '--flushbufs', d], { timeoutMs: this.timeoutMs });
    }
  }

  private async copyInto(source: string, target: string): Promise<void> {
    const tmp = `${target}.tmp-${randomBytes(3).toString('hex')}`;
    const mode = (await this.reflinkSupported()) ? '--reflink=always' : '--sparse=always';
    try {
      await this.runner.run(['cp', mode, source, tmp], { timeoutMs: this.timeoutMs });
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  async existingFile(volume: string, snapshot: string): Promise<string> {
    const f = this.file(volume, snapshot);
    if (!(await exists(f))) throw snapshotMissing(volume, snapshot, f);
    return f;
  }

  /** `.backup-<tag>`: hidden, without the .img suffix, so no listing or sweep takes it for a snapshot. */
  stagingFile(tag: string): string {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(tag)) throw new Error(`bad staging tag '${tag}'`);
    return pathInPool(this.dir, `.backup-${tag}`);
  }

  /** A received snapshot appears whole or not at all (rename in the same folder). */
  async adopt(staged: string, volume: string, snapshot: string): Promise<void> {
    const target = this.file(volume, snapshot);
    if (await exists(target)) throw new ApiError('FAIL_EXISTS_SNAPSHOT', `Snapshot '${snapshot}' of volume '${volume}' already exists on this node.`, { correction: 'Restore into a new resource name.' });
    await rename(staged, target);
  }

  /** Writes what the loop device still buffers into the file, so the copy sees every write. */
  private async flush(file: string): Promise<void> {
    for (const d of await loopDevicesOf(this.runner, file, this.timeoutMs)) {
      await this.runner.run(['blockdev', '--flushbufs', d], { timeoutMs: this.timeoutMs });
    }
  }
}

function snapshotMissing(volume: string, snapshot: string, path: string): ApiError {
  return new ApiError('FAIL_NOT_FOUND_SNAPSHOT', `Snapshot '${snapshot}' of volume '${volume}' not found on this node (${path}).`, {
    correction: 'Restore from a node that holds the snapshot (see snapshot list).',
  });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
