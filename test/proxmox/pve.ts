/**
 * Calls the Perl shim the way PVE does (through perl-doubles/pve-call.pl with the real `perl`)
 * as a given PVE node. The hook executable is the compiled dist/plugins/proxmox/hook/main.js.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/controller.js';

const run = promisify(execFile);
export const SHIM_DIR = join(REPO_ROOT, 'plugins/proxmox/perl');
export const DOUBLES_DIR = join(REPO_ROOT, 'test/proxmox/perl-doubles');
export const HOOK_CMD = `${process.execPath} ${join(REPO_ROOT, 'dist/plugins/proxmox/hook/main.js')}`;

export interface PveCall<T = unknown[]> { ok: boolean; result: T; error?: string; notices: string }

export async function pveCall<T = unknown[]>(node: string, cacheDir: string, method: string, args: unknown[], env: Record<string, string> = {}): Promise<PveCall<T>> {
  let stdout = '';
  try {
    ({ stdout } = await run('perl', ['-I', DOUBLES_DIR, '-I', SHIM_DIR, join(DOUBLES_DIR, 'pve-call.pl'), method, JSON.stringify(args)], {
      // LINSTOR_PVE_SOCKET '' : one hook process per call unless a test passes a daemon socket.
      // The error-report outbox beside the cache, in the test's own folder.
      env: { ...process.env, LINSTOR_PVE_HOOK: HOOK_CMD, LINSTOR_PVE_SOCKET: '', LINSTOR_PVE_NODE: node, LINSTOR_PVE_CACHE_DIR: cacheDir, LINSTOR_PVE_OUTBOX_DIR: `${cacheDir}-outbox`, ...env },
      maxBuffer: 16 << 20,
    }));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? '';
    if (!stdout.includes('@@PVE-CALL@@')) throw new Error(`perl ${method} failed: ${(e as Error).message}`);
  }
  const at = stdout.lastIndexOf('@@PVE-CALL@@');
  const reply = JSON.parse(stdout.slice(at + '@@PVE-CALL@@'.length)) as { result?: T; error?: string };
  return { ok: reply.error === undefined, result: reply.result as T, error: reply.error, notices: stdout.slice(0, at) };
}

/** Like pveCall but throws PVE's die message. */
export async function pve<T = unknown[]>(node: string, cacheDir: string, method: string, args: unknown[], env: Record<string, string> = {}): Promise<T> {
  const r = await pveCall<T>(node, cacheDir, method, args, env);
  if (!r.ok) throw new Error(`${method} died: ${r.error}`);
  return r.result;
}
