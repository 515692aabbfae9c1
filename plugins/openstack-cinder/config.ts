/**
 * Service configuration: command-line options over a TOML file (`--config`). Example:
 *
 *   listen_addr = "0.0.0.0"
 *   port = 8776
 *   controllers = "linstor://ctrl1,linstor://ctrl2"
 *   [auth]
 *   strategy = "token"             # the default: only the tokens below; "noauth" trusts the token's user:project
 *   [auth.tokens.s3cr3t]
 *   user = "alice"
 *   project = "p1"
 *   roles = ["member"]
 *   [linstor]
 *   linstor_trusted_ca = "/etc/linstor/ssl/ca.pem"      # as LINBIT's Cinder driver: TLS to the controller
 *   linstor_client_cert = "/etc/linstor/ssl/client.pem"
 *   linstor_client_key = "/etc/linstor/ssl/client.key"
 *   default_layer_list = "drbd,storage"
 *   default_redundancy = 2
 *   default_storage_pool = "pool1"
 *   [backup]
 *   remote = "s3-backups"          # the LINSTOR S3 remote that Cinder's /backups use
 *   [quotas]
 *   volumes = -1
 *   osapi_max_request_body_size = 114688   # bytes; larger bodies get 413 (Cinder's default)
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import type { ClientTlsFiles } from '../../core/client/index.js';

export interface TokenEntry { user: string; project: string; roles: string[] }

export interface CinderConfig {
  listenAddr: string;
  port: number;
  controllers?: string;
  auth: { strategy: 'noauth' | 'token'; tokens: Record<string, TokenEntry>; noauthAdmin: boolean };
  linstor: {
    defaultLayerList: string[];
    defaultRedundancy: number;
    defaultStoragePool?: string;
    /** How long a create waits for the controller before the volume goes to error. */
    timeoutMs: number;
    /** TLS towards the controller: linstor_trusted_ca, linstor_client_cert, linstor_client_key. */
    tls: ClientTlsFiles;
  };
  availabilityZone: string;
  /** `[backup] remote`: the LINSTOR S3 remote behind /backups (unset: backups are refused). */
  backupRemote?: string;
  /** Default quota limits per project; -1 is unlimited. */
  quotas: Record<string, number>;
  /** Largest request body in bytes (oslo.middleware sizelimit; Cinder's default is 112 KiB). */
  maxRequestBodySize: number;
}

export const DEFAULT_QUOTAS: Record<string, number> = {
  volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1,
};

export function defaultConfig(): CinderConfig {
  return {
    listenAddr: '0.0.0.0', port: 8776,
    // Safe by default: only configured tokens; noauth (and admin rights with it) only when asked for.
    auth: { strategy: 'token', tokens: {}, noauthAdmin: false },
    linstor: { defaultLayerList: ['drbd', 'storage'], defaultRedundancy: 2, timeoutMs: 120_000, tls: {} },
    availabilityZone: 'nova',
    quotas: { ...DEFAULT_QUOTAS },
    maxRequestBodySize: 114_688,
  };
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((s) => s.trim()).filter(Boolean);

/** Reads a TOML file into a config (unknown keys are ignored, wrong types fail loudly). */
export function loadConfig(path: string | undefined, base: CinderConfig = defaultConfig()): CinderConfig {
  if (!path) return base;
  const t = parseToml(readFileSync(path, 'utf8')) as Record<string, any>;
  const c: CinderConfig = structuredClone(base);
  if (t.listen_addr !== undefined) c.listenAddr = String(t.listen_addr);
  if (t.port !== undefined) c.port = Number(t.port);
  if (t.controllers !== undefined) c.controllers = String(t.controllers);
  if (t.linstor?.linstor_uris !== undefined) c.controllers = list(t.linstor.linstor_uris).join(',');
  if (t.availability_zone !== undefined) c.availabilityZone = String(t.availability_zone);
  if (t.osapi_max_request_body_size !== undefined) c.maxRequestBodySize = Number(t.osapi_max_request_body_size);
  const a = t.auth ?? {};
  if (a.strategy !== undefined) {
    if (a.strategy !== 'noauth' && a.strategy !== 'token') throw new Error(`auth.strategy must be "noauth" or "token", not ${a.strategy}`);
    c.auth.strategy = a.strategy;
  }
  if (a.noauth_admin !== undefined) c.auth.noauthAdmin = Boolean(a.noauth_admin);
  for (const [token, e] of Object.entries((a.tokens ?? {}) as Record<string, any>)) {
    if (!e?.project) throw new Error(`auth.tokens.${token} needs a project`);
    c.auth.tokens[token] = { user: String(e.user ?? e.project), project: String(e.project), roles: list(e.roles ?? ['member']) };
  }
  const l = t.linstor ?? {};
  if (l.default_layer_list !== undefined) c.linstor.defaultLayerList = list(l.default_layer_list);
  if (t.backup?.remote !== undefined) c.backupRemote = String(t.backup.remote);
  if (l.default_redundancy !== undefined) c.linstor.defaultRedundancy = Number(l.default_redundancy);
  if (l.default_storage_pool !== undefined) c.linstor.defaultStoragePool = String(l.default_storage_pool);
  if (l.timeout_ms !== undefined) c.linstor.timeoutMs = Number(l.timeout_ms);
  // LINBIT's driver names (cinder.conf), with or without the linstor_ prefix.
  const tlsKey = (k: string): string | undefined => (l[`linstor_${k}`] ?? l[k]) !== undefined ? String(l[`linstor_${k}`] ?? l[k]) : undefined;
  const tls: ClientTlsFiles = { cafile: tlsKey('trusted_ca'), certfile: tlsKey('client_cert'), keyfile: tlsKey('client_key') };
  for (const k of Object.keys(tls) as Array<keyof ClientTlsFiles>) if (tls[k] === undefined) delete tls[k];
  c.linstor.tls = tls;
  for (const [k, v] of Object.entries((t.quotas ?? {}) as Record<string, unknown>)) c.quotas[k] = Number(v);
  return c;
}
