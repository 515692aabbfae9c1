/**
 * Service configuration: command-line options over a TOML file (`--config`). Example:
 *
 *   listen_addr = "0.0.0.0"
 *   port = 8776
 *   controllers = "linstor://ctrl1,linstor://ctrl2"
 *   [auth]
 *   strategy = "token"             # the default: only the tokens below; "noauth" trusts the token's user:project;
 *                                  # "keystone" validates tokens with Keystone ([auth.keystone])
 *   [auth.keystone]
 *   auth_url = "http://keystone:5000"
 *   username = "cinder"            # the service user (needs the service or admin role), or service_token = "..."
 *   password = "..."
 *   project_name = "service"
 *   token_cache_time = 60          # seconds a validated token is trusted
 *   admin_roles = ["admin"]
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

/** `[auth.keystone]`: keystonemiddleware's [keystone_authtoken] names for the same settings. */
export interface KeystoneConfig {
  /** Identity endpoint (`auth_url`, or `www_authenticate_uri`), with or without `/v3`. */
  authUrl: string;
  /** The service's own user (keystonemiddleware's password plugin)... */
  username?: string;
  password?: string;
  userDomainName: string;
  projectName?: string;
  projectId?: string;
  projectDomainName: string;
  /** ...or a fixed token with the right to validate tokens (`service_token`). */
  serviceToken?: string;
  /** Seconds a validated token is trusted without asking Keystone again (never past its expiry). */
  tokenCacheTime: number;
  /** Keystone roles that make a caller a Cinder admin. */
  adminRoles: string[];
  cafile?: string;
  timeoutMs: number;
}

export interface CinderConfig {
  listenAddr: string;
  port: number;
  controllers?: string;
  auth: { strategy: 'noauth' | 'token' | 'keystone'; tokens: Record<string, TokenEntry>; noauthAdmin: boolean; keystone?: KeystoneConfig };
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
  /** `error_report_outbox`: folder for error reports no controller took yet (unset: log only). */
  errorReportOutbox?: string;
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

/** `[auth.keystone]`, checked here so a bad section stops the service at start, not per request. */
export function keystoneSection(k: Record<string, any>): KeystoneConfig {
  const opt = (name: string): string | undefined => (k[name] === undefined || k[name] === '' ? undefined : String(k[name]));
  const authUrl = opt('auth_url') ?? opt('www_authenticate_uri');
  if (!authUrl || !/^https?:\/\//.test(authUrl)) throw new Error('auth.keystone.auth_url must be the Keystone URL (http(s)://host:5000)');
  const cfg: KeystoneConfig = {
    authUrl, username: opt('username'), password: opt('password'),
    userDomainName: opt('user_domain_name') ?? 'Default', projectName: opt('project_name'), projectId: opt('project_id'),
    projectDomainName: opt('project_domain_name') ?? 'Default', serviceToken: opt('service_token'),
    tokenCacheTime: k.token_cache_time === undefined ? 60 : Number(k.token_cache_time),
    adminRoles: k.admin_roles === undefined ? ['admin'] : list(k.admin_roles), cafile: opt('cafile'),
    timeoutMs: k.http_connect_timeout === undefined ? 10_000 : Number(k.http_connect_timeout) * 1000,
  };
  if (!cfg.serviceToken && !(cfg.username && cfg.password)) throw new Error('auth.keystone needs username and password (the service user), or service_token');
  if (!Number.isFinite(cfg.tokenCacheTime) || cfg.tokenCacheTime < 0) throw new Error('auth.keystone.token_cache_time must be seconds >= 0');
  if (!Number.isFinite(cfg.timeoutMs) || cfg.timeoutMs <= 0) throw new Error('auth.keystone.http_connect_timeout must be seconds > 0');
  return cfg;
}

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
  if (t.error_report_outbox !== undefined) {
    const dir = String(t.error_report_outbox);
    if (!dir.startsWith('/')) throw new Error(`error_report_outbox must be an absolute path, not '${dir}'`);
    c.errorReportOutbox = dir;
  }
  const a = t.auth ?? {};
  if (a.strategy !== undefined) {
    if (!['noauth', 'token', 'keystone'].includes(a.strategy)) throw new Error(`auth.strategy must be "keystone", "token" or "noauth", not ${a.strategy}`);
    c.auth.strategy = a.strategy;
  }
  if (a.keystone !== undefined || c.auth.strategy === 'keystone') c.auth.keystone = keystoneSection(a.keystone ?? {});
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
