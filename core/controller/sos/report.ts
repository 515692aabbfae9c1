/**
 * Builds an SOS report archive: `sos_<cluster time>/controller/...` and
 * `sos_<cluster time>/nodes/<node>/...`, packed as .tar.gz in a private temporary folder.
 * `GET /v1/sos-report` keeps it in the controller's SOS folder; `/download` streams it and
 * removes it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, constants, copyFile, link, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../model/errors.js';
import { packTarGz, writeTree, type ReportFile } from '../../sos/archive.js';
import type { ControllerContext } from '../context.js';
import { controllerPart, satellitePart, selectNodes, type SosFilter } from './collect.js';

export interface BuiltReport {
  /** The archive's file name (`sos_2026-12-05_08-40-00.tar.gz`). */
  name: string;
  /** Where it is now (inside `workDir`). */
  file: string;
  /** Private folder holding it; removed by `discard`. */
  workDir: string;
  nodes: string[];
  discard(): Promise<void>;
}

/** Runs `fn` over `items` with at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, '').replace('T', '_').replace(/:/g, '-');
}

export async function buildReport(ctx: ControllerContext, f: SosFilter): Promise<BuiltReport> {
  const nodes = selectNodes(ctx, f);
  const top = `sos_${stamp(ctx.clock())}`;
  const workDir = await mkdtemp(join(tmpdir(), 'linstor-sos-'));
  const discard = (): Promise<void> => rm(workDir, { recursive: true, force: true });
  try {
    const files: ReportFile[] = [];
    if (f.includeCtrl) files.push(...(await controllerPart(ctx, f)).map((x) => ({ ...x, path: `controller/${x.path}` })));
    // A few nodes at a time: each runs a dozen commands; a large cluster must not stall every satellite at once.
    const parts = await mapLimited(nodes, 8, (n) => satellitePart(ctx, n, f));
    nodes.forEach((n, i) => files.push(...parts[i]!.map((x) => ({ ...x, path: `nodes/${n}/${x.path}` }))));
    files.push({ path: 'README.txt', content: readme(f, nodes, ctx.clock()) });
    await writeTree(workDir, top, files);
    const name = `${top}.tar.gz`;
    const file = join(workDir, name);
    await packTarGz(workDir, top, file);
    await rm(join(workDir, top), { recursive: true, force: true });
    return { name, file, workDir, nodes, discard };
  } catch (e) {
    await discard();
    throw e;
  }
}

function readme(f: SosFilter, nodes: string[], now: number): string {
  return [
    `LINSTOR SOS report, made ${new Date(now).toISOString()}.`,
    `Controller included: ${f.includeCtrl ? 'yes' : 'no'}. Nodes: ${nodes.length ? nodes.join(', ') : '(none)'}.`,
    `Logs and error reports since: ${f.since === undefined ? 'everything kept' : new Date(f.since).toISOString()}.`,
    'Secrets (passphrases, passwords, keys, DRBD shared secrets) are replaced by ***.',
    '',
  ].join('\n');
}

/** Moves the archive into the controller's SOS folder (0700; never overwriting) and returns its path. */
export async function keepReport(ctx: ControllerContext, r: BuiltReport): Promise<string> {
  const dir = ctx.config.logging.sosDirectory;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    let target = join(dir, r.name);
    if (await stat(target).then(() => true, () => false)) target = join(dir, r.name.replace(/\.tar\.gz$/, `_${randomBytes(3).toString('hex')}.tar.gz`));
    await link(r.file, target).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EXDEV') throw e; // another file system: copy instead
      await copyFile(r.file, target, constants.COPYFILE_EXCL);
      await chmod(target, 0o600);
    });
    return target;
  } catch (e) {
    throw new ApiError('FAIL_UNKNOWN_ERROR', `The SOS report could not be stored in '${dir}': ${(e as Error).message}`, {
      obj: 'CTRL_CONF', op: 'CRT', correction: 'Check [logging] sos_directory in linstor.toml, or download the report instead (linstor sos-report download).',
    });
  } finally {
    await r.discard();
  }
}
