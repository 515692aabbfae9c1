/**
 * Folders and files the plugin makes for a mount point, remembered so that exactly those (and
 * only while empty) are removed again. Nothing the plugin did not make is ever removed.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates `path` and any missing parents; returns the folders it made, deepest first. */
export function makeDirs(path: string): string[] {
  const missing: string[] = [];
  for (let p = path; !existsSync(p); p = dirname(p)) missing.push(p);
  if (missing.length) mkdirSync(path, { recursive: true });
  return missing;
}

/** Creates an empty file at `path` (parents as needed); returns the folders made above it. */
export function makeFile(path: string): { createdFile: boolean; createdParents: string[] } {
  const createdParents = makeDirs(dirname(path));
  if (existsSync(path)) return { createdFile: false, createdParents };
  closeSync(openSync(path, 'wx', 0o600));
  return { createdFile: true, createdParents };
}

/** Removes the folders (deepest first) that are still empty; others stay. */
export function removeDirsIfEmpty(dirs: readonly string[]): void {
  for (const d of dirs) {
    try { rmdirSync(d); } catch { /* not empty, gone, or a mount: leave it */ }
  }
}

/** Removes the empty regular file the plugin made; anything else at that path stays. */
export function removeFileIfEmpty(path: string): void {
  try {
    const s = statSync(path);
    if (s.isFile() && s.size === 0) unlinkSync(path);
  } catch { /* gone */ }
}
