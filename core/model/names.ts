import type { RcName } from './apiconsts.js';
import { ApiError } from './errors.js';

/**
 * LINSTOR's name rules (Checks.nameCheck / hostNameCheck). Names are compared
 * case-insensitively: the upper-cased form is the key, the original spelling is kept.
 */
export type NameKind =
  | 'node' | 'resource' | 'resource-group' | 'storage-pool' | 'snapshot'
  | 'key-value-store' | 'net-interface' | 'remote' | 'schedule';

interface Rule { min: number; max: number; rc: RcName; label: string }
const RULES: Record<NameKind, Rule> = {
  node: { min: 2, max: 255, rc: 'FAIL_INVLD_NODE_NAME', label: 'Node name' },
  resource: { min: 2, max: 48, rc: 'FAIL_INVLD_RSC_NAME', label: 'Resource name' },
  'resource-group': { min: 2, max: 48, rc: 'FAIL_INVLD_RSC_GRP_NAME', label: 'Resource group name' },
  'storage-pool': { min: 3, max: 48, rc: 'FAIL_INVLD_STOR_POOL_NAME', label: 'Storage pool name' },
  snapshot: { min: 2, max: 48, rc: 'FAIL_INVLD_SNAPSHOT_NAME', label: 'Snapshot name' },
  'key-value-store': { min: 2, max: 48, rc: 'FAIL_INVLD_KVS_NAME', label: 'Key value store name' },
  'net-interface': { min: 2, max: 20, rc: 'FAIL_INVLD_NET_NAME', label: 'Network interface name' },
  remote: { min: 2, max: 48, rc: 'FAIL_INVLD_REMOTE_NAME', label: 'Remote name' },
  schedule: { min: 2, max: 48, rc: 'FAIL_INVLD_SCHEDULE_NAME', label: 'Schedule name' },
};

const GENERIC = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Throws an ApiError naming what is wrong with `name`; returns the name unchanged when valid. */
export function checkName(kind: NameKind, name: unknown): string {
  const rule = RULES[kind];
  const fail = (cause: string): never => {
    throw new ApiError(rule.rc, `${rule.label} '${printable(name)}' is invalid.`, {
      cause,
      correction: kind === 'node'
        ? 'Use a valid host name: letters, digits and hyphens in dot-separated labels of at most 63 characters.'
        : `Use ${rule.min} to ${rule.max} characters: a letter or '_' first, then letters, digits, '_' or '-'.`,
    });
  };
  if (typeof name !== 'string' || name.length === 0) return fail('The name is empty.');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes < rule.min) fail(`The name is shorter than ${rule.min} characters.`);
  if (bytes > rule.max) fail(`The name is longer than ${rule.max} characters.`);
  if (kind === 'node') {
    for (const label of name.split('.')) {
      if (label.length === 0 || label.length > 63 || !HOST_LABEL.test(label)) {
        fail(`The host name label '${printable(label)}' is not valid.`);
      }
    }
    return name;
  }
  if (!GENERIC.test(name)) {
    fail(/^[A-Za-z_]/.test(name)
      ? 'The name contains characters other than letters, digits, \'_\' and \'-\'.'
      : 'The first character must be a letter or \'_\'.');
  }
  if (!/[A-Za-z]/.test(name)) fail('The name must contain at least one letter.');
  return name;
}

/** The key under which a name is stored and looked up (case-insensitive). */
export function nameKey(name: string): string {
  return name.toUpperCase();
}

/** Renders untrusted input safely inside a message. */
export function printable(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  const clean = s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
