import { access } from 'node:fs/promises';
import type { CommandRunner } from '../../../exec/index.js';

export interface DrbdSupport {
  supported: boolean;
  /** Why not, in the words `node info` shows (LINSTOR: "DRBD kernel module not loaded"). */
  reasons: string[];
  kernelVersion?: string;
  utilsVersion?: string;
}

/** Parses `drbdadm --version` (KEY=value lines). DRBD_KERNEL_VERSION_CODE=0x000000 means no module. */
export function parseDrbdadmVersion(stdout: string): { kernelVersion?: string; utilsVersion?: string } {
  const kv: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) kv[m[1]!] = m[2]!;
  }
  const code = kv['DRBD_KERNEL_VERSION_CODE'];
  const hasKernel = code !== undefined && parseInt(code, 16) > 0;
  return {
    ...(hasKernel && kv['DRBD_KERNEL_VERSION'] ? { kernelVersion: kv['DRBD_KERNEL_VERSION'] } : {}),
    ...(kv['DRBDADM_VERSION'] ? { utilsVersion: kv['DRBDADM_VERSION'] } : {}),
  };
}

/**
 * DRBD is usable when the kernel module is loaded (/proc/drbd exists, or drbdadm reports a
 * kernel version) and drbd-utils is installed. `procDrbd` is a parameter so tests can point it elsewhere.
 */
export async function detectDrbd(runner: CommandRunner, procDrbd = '/proc/drbd'): Promise<DrbdSupport> {
  let version: ReturnType<typeof parseDrbdadmVersion> = {};
  let utilsMissing = false;
  try {
    const r = await runner.run(['drbdadm', '--version'], { quiet: true, timeoutMs: 10_000 });
    version = parseDrbdadmVersion(r.stdout);
  } catch {
    utilsMissing = true;
  }
  const procExists = await access(procDrbd).then(() => true, () => false);
  const reasons: string[] = [];
  if (utilsMissing) reasons.push("'drbdadm' not found (install drbd-utils)");
  if (!procExists && !version.kernelVersion) reasons.push('DRBD kernel module not loaded');
  return { supported: reasons.length === 0, reasons, ...version };
}
