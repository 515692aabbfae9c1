/**
 * `StorDriver/FileDir`: the folder where a FILE or FILE_THIN pool keeps its backing files.
 * One rule, used wherever the value can be set (pool, pool definition, node, controller), by
 * the controller's overlap check and again by the satellite before it creates anything.
 */
import { ApiError } from '../model/errors.js';
import { printable } from '../model/names.js';

export const FILE_DIR_KEY = 'StorDriver/FileDir';

/** Trees that belong to the system: neither they nor anything below them may hold a pool. */
const SYSTEM_TREES = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr',
];
/** Folders shared by everything on a host: a pool may live below them, never in them. */
const SHARED_ROOTS = ['/', '/home', '/media', '/mnt', '/opt', '/root', '/srv', '/tmp', '/var', '/var/lib', '/var/tmp'];

const SAFE_CHARS = /^\/[A-Za-z0-9_.+@:/-]*$/;
const MAX_PATH = 4096;
const MAX_SEGMENT = 255;

/** Why `path` is not an absolute, normalised path without control characters, or undefined. */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'the path is empty';
  if (path.length > MAX_PATH) return `the path is longer than ${MAX_PATH} characters`;
  if (!path.startsWith('/')) return 'the path is not absolute';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path contains control characters';
  const segments = path.split('/').slice(1);
  if (path !== '/' && segments.some((s) => s === '')) return "the path is not normalised (a trailing or doubled '/')";
  if (segments.some((s) => s === '.' || s === '..')) return "the path is not normalised ('.' or '..')";
  if (segments.some((s) => s.length > MAX_SEGMENT)) return `a path segment is longer than ${MAX_SEGMENT} characters`;
  return undefined;
}

/** Why a normalised absolute path is the system's own (a system tree or a shared root), or undefined. */
export function systemPathProblem(path: string): string | undefined {
  if (SHARED_ROOTS.includes(path)) return `${path} is shared by the whole system; use a folder below it`;
  const tree = SYSTEM_TREES.find((t) => path === t || path.startsWith(`${t}/`));
  return tree ? `${tree} belongs to the operating system` : undefined;
}

/** Why `dir` may not be a pool folder, or undefined when it may. */
export function fileDirProblem(dir: unknown): string | undefined {
  if (typeof dir !== 'string' || dir === '') return 'the folder is empty';
  const problem = pathProblem(dir);
  if (problem) return problem.startsWith('the path contains control') ? "the path may only contain letters, digits and '_', '.', '+', '@', ':', '-', '/'" : problem;
  if (!SAFE_CHARS.test(dir)) return "the path may only contain letters, digits and '_', '.', '+', '@', ':', '-', '/'";
  return systemPathProblem(dir);
}

/** Throws FAIL_INVLD_PROP naming the broken rule; returns the folder when it is acceptable. */
export function checkFileDir(dir: unknown, key = FILE_DIR_KEY): string {
  const problem = fileDirProblem(dir);
  if (problem) {
    throw new ApiError('FAIL_INVLD_PROP', `The value '${printable(dir)}' of '${key}' is not a usable pool folder: ${problem}.`, {
      cause: 'FILE and FILE_THIN pools create, attach and delete files in this folder, so it must be an absolute, normalised path outside the system\'s own trees.',
      correction: `Give an absolute folder of its own, e.g. "${key}": "/var/lib/linstor-pools/pool1".`,
    });
  }
  return dir as string;
}

/** Whether two normalised folders are the same or one holds the other. */
export function foldersOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const within = (inner: string, outer: string): boolean => inner.startsWith(outer === '/' ? '/' : `${outer}/`);
  return within(a, b) || within(b, a);
}

/** The first pair of pools whose folders overlap, or undefined when every folder is its own. */
export function overlappingFolders(pools: ReadonlyArray<{ pool: string; dir: string }>): [{ pool: string; dir: string }, { pool: string; dir: string }] | undefined {
  for (let i = 0; i < pools.length; i++) {
    for (let j = i + 1; j < pools.length; j++) {
      if (foldersOverlap(pools[i]!.dir, pools[j]!.dir)) return [pools[i]!, pools[j]!];
    }
  }
  return undefined;
}
