/**
 * The folder of a FILE / FILE_THIN pool, guarded so the satellite only ever touches what it
 * can prove is its own:
 * - the folder obeys the FileDir rule (core/props/file-dir.ts), checked again here;
 * - no two pools of this node resolve (symlinks, bind paths) to the same or nested folders;
 * - an ownership marker `.linstor-pool` names the pool and node; it is written when the pool
 *   first uses an empty folder or creates a volume, and nothing is ever deleted from a folder
 *   whose marker is missing or names another pool or node (another node on shared storage);
 * - every file path built for a volume or snapshot stays directly inside the folder.
 */
import { realpathSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';
import type { DesiredStoragePool } from '../../model/satellite-protocol.js';
import type { Props } from '../../model/types.js';
import { FILE_DIR_KEY, fileDirProblem, foldersOverlap } from '../../props/file-dir.js';

export const POOL_MARKER = '.linstor-pool';

export interface PoolOwner { pool: string; node: string }

function folderError(pool: string, message: string, correction: string): ApiError {
  return new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR', `Storage pool '${pool}': ${message}`, {
    cause: 'The satellite only creates and deletes files in a folder it can prove belongs to this pool on this node.',
    correction,
  });
}

/** The pool's folder after the FileDir rule; throws when it breaks the rule. */
export function checkedPoolFolder(pool: string, dir: string): string {
  const problem = fileDirProblem(dir);
  if (problem) throw folderError(pool, `its folder '${printable(dir)}' is refused: ${problem}.`, `Fix ${FILE_DIR_KEY} of the storage pool.`);
  return dir;
}

/** `<dir>/<file>`, refusing any name that would leave the folder. */
export function pathInPool(dir: string, file: string): string {
  const path = join(dir, file);
  if (file.includes('/') || file.includes('\u0000') || file === '.' || file === '..' || dirname(path) !== dir || basename(path) !== file) {
    throw new ApiError('FAIL_INVLD_REQUEST', `The file name '${printable(file)}' would leave the pool folder ${dir}.`, {
      correction: 'Resource, volume and snapshot names are checked by the model; report this as a bug.',
    });
  }
  return path;
}

async function readOwner(dir: string): Promise<PoolOwner | 'absent' | 'unreadable'> {
  let text: string;
  try { text = await readFile(join(dir, POOL_MARKER), 'utf8'); } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const o = JSON.parse(text) as Partial<PoolOwner>;
    return typeof o.pool === 'string' && typeof o.node === 'string' ? { pool: o.pool, node: o.node } : 'unreadable';
  } catch { return 'unreadable'; }
}

const same = (a: PoolOwner, b: PoolOwner): boolean => a.pool.toUpperCase() === b.pool.toUpperCase() && a.node.toUpperCase() === b.node.toUpperCase();

function foreignError(dir: string, me: PoolOwner, found: PoolOwner | 'unreadable'): ApiError {
  const whose = found === 'unreadable' ? 'an unreadable owner' : `pool '${found.pool}' on node '${found.node}'`;
  return folderError(me.pool, `its folder ${dir} belongs to ${whose} (${POOL_MARKER}).`,
    'Give this pool a folder of its own; two pools must never share one.');
}

/** Marks the folder as this pool's unless it is already; refuses a folder owned by anyone else. */
export async function claimPoolFolder(dir: string, me: PoolOwner): Promise<void> {
  const found = await readOwner(dir);
  if (found === 'absent') {
    const body = `${JSON.stringify({ pool: me.pool, node: me.node, created: new Date().toISOString() })}\n`;
    try {
      const fh = await open(join(dir, POOL_MARKER), 'wx', 0o644);
      try { await fh.writeFile(body); await fh.sync(); } finally { await fh.close(); }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return claimPoolFolder(dir, me); // another claim won the race: check whose it is
    }
  }
  if (found === 'unreadable' || !same(found, me)) throw foreignError(dir, me, found);
}

/**
 * Claims the folder while it holds no volume files (a fresh pool); a folder with files and no
 * marker is left as it is (nothing will be deleted there); a folder owned by another pool or
 * node is refused.
 */
export async function claimIfEmpty(dir: string, me: PoolOwner, isVolumeFile: (entry: string) => boolean): Promise<void> {
  const found = await readOwner(dir);
  if (found === 'absent') {
    if (!(await readdir(dir)).some(isVolumeFile)) await claimPoolFolder(dir, me);
    return;
  }
  if (found === 'unreadable' || !same(found, me)) throw foreignError(dir, me, found);
}

/** Throws unless the marker names this pool and node: the proof required before deleting anything. */
export async function requirePoolOwnership(dir: string, me: PoolOwner): Promise<void> {
  const found = await readOwner(dir);
  if (found === 'absent') {
    throw folderError(me.pool, `its folder ${dir} has no ${POOL_MARKER} marker, so the satellite cannot prove it created the files there and deletes nothing.`,
      `If the folder belongs to this pool alone, create ${join(dir, POOL_MARKER)} with {"pool":"${me.pool}","node":"${me.node}"}.`);
  }
  if (found === 'unreadable' || !same(found, me)) throw foreignError(dir, me, found);
}

/**
 * FILE pools of one node whose folders resolve (after symlinks) to the same or nested places:
 * pool name → why it is refused. Folders that do not exist yet cannot clash. Synchronous (a
 * few realpath calls) so the reconciler decides it in the same step that swaps providers.
 */
export function clashingPoolFolders(pools: Iterable<DesiredStoragePool>, nodeProps: Props = {}): Map<string, string> {
  const real: Array<{ pool: string; dir: string }> = [];
  for (const p of pools) {
    if (p.providerKind !== 'FILE' && p.providerKind !== 'FILE_THIN') continue;
    const dir = p.props[FILE_DIR_KEY] ?? nodeProps[FILE_DIR_KEY];
    if (!dir || fileDirProblem(dir)) continue; // refused on its own by checkedPoolFolder
    let resolved: string | undefined;
    try { resolved = realpathSync(dir); } catch { resolved = undefined; }
    if (resolved) real.push({ pool: p.name, dir: resolved });
  }
  const out = new Map<string, string>();
  for (const a of real) {
    for (const b of real) {
      if (a !== b && foldersOverlap(a.dir, b.dir)) {
        out.set(a.pool, `its folder resolves to ${a.dir}, which overlaps pool '${b.pool}' (${b.dir}); both are left untouched until each has a folder of its own.`);
      }
    }
  }
  return out;
}

export function refusedPool(pool: string, reason: string): ApiError {
  return folderError(pool, reason, `Give each FILE pool a folder of its own (${FILE_DIR_KEY}).`);
}
