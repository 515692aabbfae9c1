/**
 * Writes a report's files under a private folder and packs them as .tar.gz with node-tar (no
 * shell, no external tar). Paths come from this code, never from a request, but are still
 * checked: a relative path of plain segments only.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { create } from 'tar';

export interface ReportFile { path: string; content: string }

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+@-]*$/;

export function checkReportPath(path: string): void {
  if (!path.split('/').every((s) => SEGMENT.test(s) && s !== '..')) throw new Error(`not a report path: '${path}'`);
}

/** Writes every file under `root/top/` (0600 files, 0700 folders). */
export async function writeTree(root: string, top: string, files: readonly ReportFile[]): Promise<void> {
  checkReportPath(top);
  for (const f of files) {
    checkReportPath(f.path);
    const target = join(root, top, f.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, f.content, { mode: 0o600, flag: 'wx' });
  }
}

/** Packs `root/top` into `outFile` (gzip), entries named `top/...`. */
export async function packTarGz(root: string, top: string, outFile: string): Promise<void> {
  await create({ gzip: true, cwd: root, file: outFile, portable: true }, [top]);
  await chmod(outFile, 0o600);
}
