import { lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import { sha256Of, type DesiredExtFile } from '../../model/ext-files.js';
import type { ExtFileStatus } from '../../model/satellite-protocol.js';
import type { SatelliteErrorReporter } from '../errors/error-reporter.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { AllowedDirs } from './allowed-dirs.js';

/** New files are readable by root only, as LINSTOR's (a replaced file keeps its mode). */
const NEW_FILE_MODE = 0o600;
const MANIFEST = 'ext-files.json';

/**
 * The satellite's external files. It writes a file only in a directory the administrator
 * allowed (linstor_satellite.toml `[files] allowExtFiles`, as LINSTOR), atomically (a temporary
 * file in the same directory, fsync, rename over the old one: a reader sees the old or the new
 * content, never half), and removes only files it wrote itself (listed in `ext-files.json` in
 * the state directory) once no resource here deploys them any more.
 */
export class ExtFiles {
  private written: Set<string>;

  constructor(private readonly dirs: AllowedDirs, private readonly stateDirectory: string, private readonly log: Logger,
    private readonly errors?: SatelliteErrorReporter) {
    this.written = new Set(this.readManifest());
  }

  /** Whether this node may write `path` (the `check` endpoint). */
  allowed(path: string): boolean { return this.dirs.why(path) === undefined; }

  /**
   * Brings the files to the desired list: writes what differs, removes what is no longer
   * wanted. Returns the files it could not write, with the reason.
   */
  sync(desired: readonly DesiredExtFile[]): Record<string, string> {
    const failed: Record<string, string> = {};
    const keep = new Set<string>();
    for (const f of desired) {
      try {
        const target = this.write(f);
        keep.add(target);
        this.written.add(target);
        this.errors?.clear(`ext-file:${f.path}`);
      } catch (e) {
        failed[f.path] = (e as Error).message;
        this.log.error({ err: e, path: f.path }, 'external file not written');
        this.errors?.report(e, { action: `write external file ${f.path}`, dedupeKey: `ext-file:${f.path}` });
      }
    }
    for (const path of [...this.written]) {
      if (keep.has(path)) continue;
      if (this.remove(path)) this.written.delete(path);
    }
    this.saveManifest();
    return failed;
  }

  /** Where `path` (or an alternative of it) is on disk, and whether its content is `sha256`'s. */
  status(path: string, sha256: string, altSuffixes: readonly string[] = []): ExtFileStatus {
    const actual = this.actualPath(path, altSuffixes);
    if (!actual) return { contentMatch: false };
    let match = false;
    try { match = sha256Of(readFileSync(actual)) === sha256; } catch { match = false; }
    return { actualPath: actual, contentMatch: match };
  }

  /** The file that stands for `path`: itself, else the first alternative that exists (regular files only). */
  private actualPath(path: string, altSuffixes: readonly string[]): string | undefined {
    for (const p of [path, ...altSuffixes.map((s) => path + s)]) {
      try { if (lstatSync(p).isFile()) return p; } catch { /* not there */ }
    }
    return undefined;
  }

  private write(f: DesiredExtFile): string {
    const why = this.dirs.why(f.path);
    if (why) {
      throw new ApiError('FAIL_ACC_DENIED_EXT_FILE', `The path ${f.path} is not allowed on this node: ${why}.`, {
        correction: `Add its directory to [files] allowExtFiles in linstor_satellite.toml (allowed now: ${this.dirs.list().join(', ') || 'none'}).`,
      });
    }
    const target = this.actualPath(f.path, f.altSuffixes ?? []) ?? f.path;
    const content = Buffer.from(f.content, 'base64');
    let mode = NEW_FILE_MODE;
    try {
      const st = lstatSync(target);
      if (st.isDirectory()) throw new ApiError('FAIL_INVLD_EXT_FILE', `${target} is a directory.`);
      if (st.isFile()) {
        if (sha256Of(readFileSync(target)) === f.sha256) return target;
        mode = st.mode & 0o7777;
      }
      // A symlink at the target is replaced by the file (rename does not follow it).
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    writeFileAtomic(target, content, mode);
    this.log.info({ path: target, bytes: content.length }, 'external file written');
    return target;
  }

  /** Removes a file this satellite wrote; false when it must stay listed (to try again later). */
  private remove(path: string): boolean {
    const why = this.dirs.why(path);
    if (why) {
      this.log.warn({ path }, `external file no longer deployed but not removed: ${why}`);
      return true;
    }
    try {
      const st = lstatSync(path);
      if (!st.isFile() && !st.isSymbolicLink()) return true;
      unlinkSync(path);
      this.log.info({ path }, 'external file removed');
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      this.log.error({ err: e, path }, 'removing an external file failed');
      return false;
    }
  }


  private readManifest(): string[] {
    try {
      const v = JSON.parse(readFileSync(join(this.stateDirectory, MANIFEST), 'utf8')) as unknown;
      return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.startsWith('/')) : [];
    } catch {
      return [];
    }
  }

  private saveManifest(): void {
    try {
      mkdirSync(this.stateDirectory, { recursive: true, mode: 0o700 });
      writeFileAtomic(join(this.stateDirectory, MANIFEST), JSON.stringify([...this.written].sort()));
    } catch (e) {
      this.log.error({ err: e }, 'cannot record the external files written');
    }
  }
}

