/**
 * tm context, as OpenNebula's ssh/shared transfer drivers do it: the files oned names
 * (context.sh, FILES and FILES_DS entries; `path:'name'` gives the name inside the ISO,
 * http(s) URLs are downloaded) are put into an ISO 9660 image labelled CONTEXT (Joliet and
 * Rock Ridge), built on the front-end and copied to the host as `<vm folder>/disk.<i>`.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { LocalRunner } from '../../../core/exec/index.js';
import { DriverError } from './log.js';

export interface ContextSource { from: string; name: string }

/** `path`, `path:'name'` or `path:name` (the name must be a plain file name) or an http(s) URL. */
export function contextSource(arg: string): ContextSource {
  if (/^https?:\/\//.test(arg)) return { from: arg, name: basename(new URL(arg).pathname) || 'index.html' };
  const m = /^([^:]+):'?([^'/]+)'?$/.exec(arg);
  if (!m && arg.includes(':')) throw new DriverError(`context file '${arg.slice(0, 120)}': the name after ':' must be a plain file name`);
  const from = m ? m[1]! : arg;
  const name = m ? m[2]! : basename(arg);
  if (!isAbsolute(from)) throw new DriverError(`context file '${arg.slice(0, 120)}' is not an absolute path`, 'oned passes absolute paths on the front-end');
  if (name === '.' || name === '..' || !name) throw new DriverError(`context file '${arg.slice(0, 120)}' gives no usable file name`);
  return { from, name };
}

/** The ISO program: ONE_LINSTOR_MKISOFS, else genisoimage, mkisofs or xorrisofs from PATH. */
function mkisofs(): string {
  if (process.env.ONE_LINSTOR_MKISOFS) return process.env.ONE_LINSTOR_MKISOFS;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const p of ['genisoimage', 'mkisofs', 'xorrisofs']) if (dir && existsSync(join(dir, p))) return join(dir, p);
  }
  throw new DriverError('no ISO 9660 tool found (genisoimage, mkisofs or xorrisofs)', 'install genisoimage on the front-end (apt install genisoimage) or set ONE_LINSTOR_MKISOFS');
}

/** Builds the ISO in a temporary folder; the caller removes `dir` when done. */
export async function buildContextIso(args: string[]): Promise<{ iso: string; dir: string }> {
  const sources = args.map(contextSource);
  const dir = mkdtempSync(join(tmpdir(), 'one-context-'));
  try {
    const files = join(dir, 'isofiles');
    mkdirSync(files);
    for (const s of sources) {
      const to = join(files, s.name);
      if (/^https?:\/\//.test(s.from)) {
        const res = await fetch(s.from);
        if (!res.ok) throw new DriverError(`downloading context file ${s.from} failed: HTTP ${res.status}`);
        writeFileSync(to, Buffer.from(await res.arrayBuffer()));
      } else if (!existsSync(s.from)) {
        throw new DriverError(`context file ${s.from} does not exist on the front-end`, 'check FILES / FILES_DS in the VM template');
      } else if (statSync(s.from).isDirectory()) {
        cpSync(s.from, to, { recursive: true });
      } else {
        copyFileSync(s.from, to);
      }
    }
    const iso = join(dir, 'context.iso');
    await new LocalRunner().run([mkisofs(), '-o', iso, '-V', 'CONTEXT', '-J', '-R', files], { timeoutMs: 300_000 });
    return { iso, dir };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
