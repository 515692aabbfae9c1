/** Argument helpers for TM actions: `host:path` is one argument, split on the first ':'. */
import { pathProblem, systemPathProblem } from '../../../core/props/file-dir.js';
import { DriverError } from './log.js';

export interface HostPath { host: string; path: string }

export function hostPath(arg: string | undefined, what: string): HostPath {
  if (!arg) throw new DriverError(`missing argument ${what}`, 'oned passes host:path; run the action as the transfer manager does');
  const i = arg.indexOf(':');
  if (i < 0) return { host: '', path: arg };
  return { host: arg.slice(0, i), path: arg.slice(i + 1) };
}

/**
 * A `host:path` that names a VM's folder or one of its disks in a system datastore, as oned
 * writes them: `<DATASTORE_LOCATION>/<ds id>/<vm id>` or `.../<vm id>/disk.<n>` (oned's doubled
 * '/' is tolerated). Actions remove and replace these paths on the hosts, so anything else
 * (another VM's folder, `/`, a path with `..`) is refused before a command runs.
 */
export function vmHostPath(arg: string | undefined, what: string, vmId: string): HostPath {
  const hp = hostPath(arg, what);
  const path = hp.path.replace(/\/{2,}/g, '/');
  const problem = pathProblem(path) ?? systemPathProblem(path);
  const m = /\/\d+\/(\d+)(\/disk\.\d+)?$/.exec(path);
  if (problem || !m || m[1] !== vmId || !/^[A-Za-z0-9_.-]*$/.test(hp.host)) {
    throw new DriverError(`${what} '${shown(arg!)}' is not a folder or disk of VM ${shown(vmId)} in a system datastore${problem ? ` (${problem})` : ''}`,
      'oned passes host:<datastore location>/<ds id>/<vm id>[/disk.<n>]; run the action as the transfer manager does');
  }
  return { host: hp.host, path };
}

function shown(v: string): string {
  const clean = v.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
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
