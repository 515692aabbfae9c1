/**
 * Our storage types in storage.cfg: their keys, defaults and validation. `linstor` is ours;
 * `drbd` is the type LINBIT's linstor-proxmox registers, served by the same code so existing
 * `drbd:` sections keep working unchanged. The keys and defaults are linstor-proxmox's. PVE
 * treats `drbd` as shared storage by itself (a hard-coded list); `linstor` must say `shared 1`.
 */
import type { Section } from './storage-cfg.js';

export const STORAGE_TYPE = 'linstor';
/** linstor-proxmox's type name; PVE::Storage::Plugin lists it in @SHARED_STORAGE. */
export const LINBIT_STORAGE_TYPE = 'drbd';
export const STORAGE_TYPES: readonly string[] = [STORAGE_TYPE, LINBIT_STORAGE_TYPE];

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
  /** Seconds PVE waits for the cluster-wide storage lock (used by the Perl shim only). */
  clusterLockTimeoutSec?: number;
  /** Appended to a short PVE node name to get the LINSTOR node name. */
  searchDomain?: string;
  disabled: boolean;
  nodes?: string[];
}

/** Keys PVE accepts for this type (PVE-wide ones plus the plugin's own). */
export const KNOWN_KEYS = new Set([
  'controller', 'resourcegroup', 'preferlocal', 'exactsize', 'allowtwoprimaries', 'statuscache',
  'apica', 'apicrt', 'apikey', 'clusterlocktimeout', 'searchdomain', 'content', 'shared', 'disable', 'nodes',
]);
// PVE adds these to the parsed hash it hands to a plugin; they are not storage.cfg keys.
const PVE_INTERNAL_KEYS = new Set(['type', 'digest', 'storage']);
const CONTENT_TYPES = new Set(['images', 'rootdir']);
// A DNS domain: dot-separated labels of letters, digits and inner hyphens.
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export class StorageConfigError extends Error {
  constructor(readonly storeid: string, readonly problems: string[], type = STORAGE_TYPE) {
    super(`storage '${storeid}' (type ${type}): ${problems.join('; ')}`);
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
  // PVE sets shared for `drbd` sections itself, whatever the file says.
  const implicitlyShared = raw.type === LINBIT_STORAGE_TYPE;
  const shared = implicitlyShared || (raw.shared !== undefined && ['1', 'yes', 'true'].includes(String(raw.shared).toLowerCase()));
  if (!shared) {
    const msg = `'shared 1' is missing: without it PVE treats the storage as node-local and will not live-migrate VMs on it`;
    if (opts.requireShared) problems.push(msg); else warnings.push(msg);
  }
  if ((raw.apicrt === undefined) !== (raw.apikey === undefined)) problems.push(`'apicrt' and 'apikey' must be given together`);
  const controllers = list(raw.controller ?? 'localhost');
  if (controllers.length === 0) problems.push(`'controller' is empty`);
  let clusterLockTimeoutSec: number | undefined;
  if (raw.clusterlocktimeout !== undefined && raw.clusterlocktimeout !== '') {
    const n = Number(raw.clusterlocktimeout);
    if (!Number.isInteger(n) || n < 1 || n > 3600) problems.push(`'clusterlocktimeout' must be an integer from 1 to 3600 seconds, got '${String(raw.clusterlocktimeout)}'`);
    else clusterLockTimeoutSec = n;
  }
  let searchDomain: string | undefined;
  if (raw.searchdomain !== undefined && raw.searchdomain !== '') {
    const d = String(raw.searchdomain).trim().replace(/^\.+|\.+$/g, '');
    if (!DOMAIN.test(d)) problems.push(`'searchdomain' must be a DNS domain such as example.com, got '${String(raw.searchdomain)}'`);
    else searchDomain = d;
  }
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
    ...(clusterLockTimeoutSec !== undefined ? { clusterLockTimeoutSec } : {}),
    ...(searchDomain !== undefined ? { searchDomain } : {}),
    disabled: raw.disable !== undefined && String(raw.disable) !== '0',
    ...(raw.nodes !== undefined ? { nodes: list(raw.nodes) } : {}),
  };
  if (problems.length) throw new StorageConfigError(storeid, problems, raw.type === LINBIT_STORAGE_TYPE ? LINBIT_STORAGE_TYPE : STORAGE_TYPE);
  return { storage, warnings };
}

/** A `linstor:` or (linstor-proxmox's) `drbd:` section; `type` is passed on as PVE does. */
export function linstorStorageFromSection(s: Section, opts: { requireShared?: boolean } = {}): LinstorStorage {
  if (!STORAGE_TYPES.includes(s.type)) throw new StorageConfigError(s.id, [`section type is '${s.type}', not one of ${STORAGE_TYPES.join(', ')}`]);
  return linstorStorage(s.id, { ...Object.fromEntries(s.props), type: s.type }, opts).storage;
}

/** The LINSTOR node name of a PVE node: its short name, qualified with `searchdomain` when set. */
export function linstorNodeName(pveNode: string, storage: Pick<LinstorStorage, 'searchDomain'>): string {
  if (!storage.searchDomain || pveNode.includes('.')) return pveNode;
  return `${pveNode}.${storage.searchDomain}`;
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
