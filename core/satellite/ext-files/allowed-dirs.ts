import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, posix } from 'node:path';

/**
 * The directories an administrator allowed external files in (`[files] allowExtFiles`). As in
 * LINSTOR, a file's own directory must be one of them: not a subdirectory, so a symlinked
 * folder inside an allowed one leads nowhere. Each directory's real path is taken at start; a
 * directory replaced by a symlink afterwards no longer counts as allowed.
 */
export class AllowedDirs {
  private readonly real = new Map<string, string | undefined>();

  constructor(dirs: readonly string[]) {
    for (const d of dirs) this.real.set(d, realOf(d));
  }

  /** Checks a configured list: absolute, normalised paths (a trailing '/' is dropped). */
  static parse(dirs: unknown, where: string): string[] {
    if (dirs === undefined) return [];
    if (!Array.isArray(dirs)) throw new Error(`${where} must be a list of directories`);
    return dirs.map((d) => {
      if (typeof d !== 'string' || !isAbsolute(d) || d.includes('\u0000')) throw new Error(`${where}: '${String(d)}' is not an absolute path`);
      const n = posix.normalize(d);
      return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
    });
  }

  list(): string[] { return [...this.real.keys()]; }

  /** Undefined when `path` (absolute, normalised) may be written; else why not. */
  why(path: string): string | undefined {
    const dir = dirname(path);
    if (!this.real.has(dir)) return `its directory ${dir} is not an allowed directory`;
    const atStart = this.real.get(dir) ?? realOf(dir);
    if (atStart === undefined) return `its directory ${dir} does not exist`;
    if (!this.real.get(dir)) this.real.set(dir, atStart);
    if (realOf(dir) !== atStart) return `its directory ${dir} now resolves elsewhere (${realOf(dir) ?? 'gone'})`;
    return undefined;
  }
}

function realOf(p: string): string | undefined {
  try { return realpathSync(p); } catch { return undefined; }
}
