/**
 * CSI names are up to 128 arbitrary characters; LINSTOR names are 2-48 characters of
 * [A-Za-z_][A-Za-z0-9_-]* compared case-insensitively. A CSI name that already is a valid
 * LINSTOR name is used as is (so `linstor r l` shows what `nomad volume status` shows);
 * any other name maps to a stable hash, and the original is kept in `Aux/csi/name`.
 */
import { createHash } from 'node:crypto';

const VALID = /^[A-Za-z_][A-Za-z0-9_-]{1,47}$/;

export function isValidLinstorName(name: string): boolean {
  return VALID.test(name) && /[A-Za-z]/.test(name);
}

function hashed(prefix: string, name: string): string {
  return `${prefix}${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 40)}`;
}

/** Candidates for a volume's resource definition, most readable first. */
export function resourceNameCandidates(csiName: string): string[] {
  const h = hashed('csi-', csiName);
  return isValidLinstorName(csiName) && csiName !== h ? [csiName, h] : [h];
}

export function snapshotNameCandidates(csiName: string): string[] {
  const h = hashed('snap-', csiName);
  return isValidLinstorName(csiName) && csiName !== h ? [csiName, h] : [h];
}

/** Prop keys on the resource definition that hold the CSI view of the volume. */
export const PROP = {
  name: 'Aux/csi/name',
  createdBy: 'Aux/csi/created-by',
  params: 'Aux/csi/parameters',
  deleted: 'Aux/csi/deleted',
  publishPrefix: 'Aux/csi/published/',
  disklessPrefix: 'Aux/csi/diskless-attach/',
  snapshotName: 'Aux/csi/snapshot-name',
} as const;
