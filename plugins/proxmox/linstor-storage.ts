/**
 * Our storage type in storage.cfg: its keys, defaults and validation. The keys and defaults
 * are those of linstor-proxmox so an existing `drbd:` section carries over by changing its
 * type line to `linstor:` and adding `shared 1` (PVE only treats its own hard-coded types
 * as shared automatically, so a new type name must say so itself).
 */
import type { Section } from './storage-cfg.js';

export const STORAGE_TYPE = 'linstor';

export interface LinstorStorage {
  storeid: string;
  controllers: string[];
  resourceGroup: string;
  preferLocal: boolean;
  exactSize: boolean;
  allowTwoPrimaries: boolean;
  /** Seconds `status` answers from the cache file; 0 means ask the controller every time. */
  statusCacheSec: number;
  apiCa?: string;
  apiCrt?: string;
  apiKey?: string;
  content: string[];
  shared: boolean;
  disabled: boolean;
  nodes?: string[];
}

/** Keys PVE accepts for this type (PVE-wide ones plus the plugin's own). */
export const KNOWN_KEYS = new Set([
  'controller', 'resourcegroup', 'preferlocal', 'exactsize', 'allowtwoprimaries', 'statuscache',
  'apica', 'apicrt', 'apikey', 'content', 'shared', 'disable', 'nodes',
]);
// PVE adds these to the parsed hash it hands to a plugin; they are not storage.cfg keys.
const PVE_INTERNAL_KEYS = new Set(['type', 'digest', 'storage']);
const CONTENT_TYPES = new Set(['images', 'rootdir']);

export class StorageConfigError extends Error {
  constructor(readonly storeid: string, readonly problems: string[]) {
    super(`storage '${storeid}' (type ${STORAGE_TYPE}): ${problems.join('; ')}`);
    this.name = 'StorageConfigError';
  }
}

const yesNo = (key: string, v: unknown, dflt: boolean, problems: string[]): boolean => {
  if (v === undefined || v === null || v === '') return dflt;
  const s = String(v).toLowerCase();
  if (s === 'yes' || s === '1' || s === 'true') return true;
  if (s === 'no' || s === '0' || s === 'false') return false;
  problems.push(`'${key}' must be yes or no, got '${String(v)}'`);
  return dflt;
};

const list = (v: unknown): string[] => {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k]);
  if (Array.isArray(v)) return v.map(String);
  return String(v ?? '').split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
};

/**
 * Validates one section's keys (as strings from storage.cfg, or as PVE's parsed hash, where
 * `content` and `nodes` are hashes). `requireShared` is for files we write or lint; a hook
 * call only warns, since PVE already decided how to treat the storage.
 */
export function linstorStorage(storeid: string, raw: Record<string, unknown>, opts: { requireShared?: boolean } = {}): { storage: LinstorStorage; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const k of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(k) && !PVE_INTERNAL_KEYS.has(k)) {
      problems.push(`unknown key '${k}' (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const rg = raw.resourcegroup === undefined ? '' : String(raw.resourcegroup).trim();
  if (!rg) problems.push(`'resourcegroup' is required: name the LINSTOR resource group new disks are spawned from`);
  let statusCacheSec = 60;
  if (raw.statuscache !== undefined && raw.statuscache !== '') {
    const n = Number(raw.statuscache);
    if (!Number.isInteger(n) || n < 0 || n > 7200) problems.push(`'statuscache' must be an integer from 0 to 7200 seconds, got '${String(raw.statuscache)}'`);
    else statusCacheSec = n;
  }
  const content = raw.content === undefined ? ['images'] : list(raw.content);
  for (const c of content) if (!CONTENT_TYPES.has(c)) problems.push(`content type '${c}' is not supported (use images and/or rootdir)`);
  const shared = raw.shared !== undefined && ['1', 'yes', 'true'].includes(String(raw.shared).toLowerCase());
  if (!shared) {
    const msg = `'shared 1' is missing: without it PVE treats the storage as node-local and will not live-migrate VMs on it`;
    if (opts.requireShared) problems.push(msg); else warnings.push(msg);
  }
  if ((raw.apicrt === undefined) !== (raw.apikey === undefined)) problems.push(`'apicrt' and 'apikey' must be given together`);
  const controllers = list(raw.controller ?? 'localhost');
  if (controllers.length === 0) problems.push(`'controller' is empty`);
  const storage: LinstorStorage = {
    storeid,
    controllers,
    resourceGroup: rg,
    preferLocal: yesNo('preferlocal', raw.preferlocal, true, problems),
    exactSize: yesNo('exactsize', raw.exactsize, false, problems),
    allowTwoPrimaries: yesNo('allowtwoprimaries', raw.allowtwoprimaries, true, problems),
    statusCacheSec,
    ...(raw.apica !== undefined ? { apiCa: String(raw.apica) } : {}),
    ...(raw.apicrt !== undefined ? { apiCrt: String(raw.apicrt) } : {}),
    ...(raw.apikey !== undefined ? { apiKey: String(raw.apikey) } : {}),
    content,
    shared,
    disabled: raw.disable !== undefined && String(raw.disable) !== '0',
    ...(raw.nodes !== undefined ? { nodes: list(raw.nodes) } : {}),
  };
  if (problems.length) throw new StorageConfigError(storeid, problems);
  return { storage, warnings };
}

export function linstorStorageFromSection(s: Section, opts: { requireShared?: boolean } = {}): LinstorStorage {
  if (s.type !== STORAGE_TYPE) throw new StorageConfigError(s.id, [`section type is '${s.type}', not '${STORAGE_TYPE}'`]);
  return linstorStorage(s.id, Object.fromEntries(s.props), opts).storage;
}

/** A new section as an admin would write it (shared 1 always set). */
export function newLinstorSection(id: string, o: { resourceGroup: string; controllers: string[]; content?: string[]; extra?: Record<string, string> }): Section {
  const props = new Map<string, string>([
    ['resourcegroup', o.resourceGroup],
    ['content', (o.content ?? ['images', 'rootdir']).join(',')],
    ['controller', o.controllers.join(',')],
    ['shared', '1'],
    ...Object.entries(o.extra ?? {}),
  ]);
  const section: Section = { type: STORAGE_TYPE, id, props };
  linstorStorageFromSection(section, { requireShared: true });
  return section;
}
