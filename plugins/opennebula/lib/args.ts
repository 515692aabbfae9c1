/** Argument helpers for TM actions: `host:path` is one argument, split on the first ':'. */
import { DriverError } from './log.js';

export interface HostPath { host: string; path: string }

export function hostPath(arg: string | undefined, what: string): HostPath {
  if (!arg) throw new DriverError(`missing argument ${what}`, 'oned passes host:path; run the action as the transfer manager does');
  const i = arg.indexOf(':');
  if (i < 0) return { host: '', path: arg };
  return { host: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** `.../disk.3` → 3; undefined for the VM folder itself. */
export function diskIdOf(path: string): number | undefined {
  const m = /\/disk\.(\d+)$/.exec(path);
  return m ? Number(m[1]) : undefined;
}

export function requireArg(argv: string[], i: number, what: string): string {
  const v = argv[i];
  if (v === undefined || v === '') throw new DriverError(`missing argument $${i + 1} (${what})`, 'check the transfer script line oned generated for this action');
  return v;
}

export function intArg(argv: string[], i: number, what: string): number {
  const v = requireArg(argv, i, what);
  if (!/^-?\d+$/.test(v)) throw new DriverError(`argument $${i + 1} (${what}) must be an integer, got '${v}'`);
  return Number(v);
}
