import { dirname, join } from 'node:path';

/**
 * The `[db]` section of linstor.toml, as LINSTOR's user's guide writes it:
 *   connection_url = "jdbc:postgresql://db1:5432/linstor"   (user / password)
 *   connection_url = "jdbc:mariadb://db1:3306/linstor"      (also jdbc:mysql://)
 *   connection_url = "etcd://etcd1:2379,etcd2:2379,etcd3:2379"
 *   connection_url = "sqlite:/var/lib/linstor/linstor.db"  (the embedded default)
 *   ca_certificate, client_certificate, client_key_pkcs8_pem, client_key_password (TLS)
 *   [db.etcd] prefix = "/LINSTOR/", ops_per_transaction = 128
 *   backup_directory = "/var/lib/linstor/backups"  (where backups and exports go)
 */
export interface DbConfig {
  connectionUrl: string;
  user?: string;
  password?: string;
  caCertificate?: string;
  clientCertificate?: string;
  clientKeyPkcs8Pem?: string;
  clientKeyPassword?: string;
  etcd: { prefix: string; opsPerTransaction: number };
  /** How long a controller's lease outlives its last renewal (standby takeover time). */
  leaseMs: number;
  /** Where database backups and exports are written (`[db] backup_directory`); names only, never paths. */
  backupDirectory: string;
}

export const DEFAULT_DB_URL = 'sqlite:/var/lib/linstor/linstor.db';
export const DEFAULT_LEASE_MS = 5000;

export function dbConfig(partial: Partial<DbConfig> & { connectionUrl: string }): DbConfig {
  return {
    ...partial,
    etcd: { prefix: '/LINSTOR/', opsPerTransaction: 128, ...partial.etcd },
    leaseMs: partial.leaseMs ?? DEFAULT_LEASE_MS,
    backupDirectory: partial.backupDirectory || defaultBackupDirectory(partial.connectionUrl),
  };
}

/** Backups default to a `backups` folder beside an SQLite database, else /var/lib/linstor/backups. */
export function defaultBackupDirectory(connectionUrl: string): string {
  const sqlite = /^sqlite:(?:\/\/(?=\/))?(\/.*)$/.exec(connectionUrl.trim())?.[1];
  return sqlite ? join(dirname(sqlite), 'backups') : '/var/lib/linstor/backups';
}

/** Reads `[db]` (and `[db.etcd]`) from a parsed linstor.toml. */
export function dbConfigFromToml(db: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = process.env): DbConfig {
  const d = db ?? {};
  const etcd = (d.etcd ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
  const leaseSeconds = Number(d.lease_seconds ?? env.LINSTOR_DB_LEASE_SECONDS ?? DEFAULT_LEASE_MS / 1000);
  return dbConfig({
    connectionUrl: str(d.connection_url) ?? DEFAULT_DB_URL,
    user: str(d.user),
    password: str(d.password),
    caCertificate: str(d.ca_certificate),
    clientCertificate: str(d.client_certificate),
    // LINSTOR 1.2.1 spelled it client_key_pcks8_pem; it still reads that.
    clientKeyPkcs8Pem: str(d.client_key_pkcs8_pem) ?? str(d.client_key_pcks8_pem),
    clientKeyPassword: str(d.client_key_password),
    etcd: {
      prefix: str(etcd.prefix) ?? '/LINSTOR/',
      opsPerTransaction: Number(etcd.ops_per_transaction ?? etcd.operations_per_transaction ?? 128),
    },
    backupDirectory: str(d.backup_directory),
    leaseMs: Number.isFinite(leaseSeconds) && leaseSeconds > 0 ? Math.round(leaseSeconds * 1000) : DEFAULT_LEASE_MS,
  });
}

/** `jdbc:postgresql://h1:5432,h2:5432/db?ssl=true` → hosts, database, query parameters. */
export function parseJdbcUrl(url: string): { scheme: string; hosts: Array<{ host: string; port?: number }>; database?: string; params: URLSearchParams } {
  const m = /^jdbc:([a-z]+):\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/i.exec(url.trim());
  if (!m) throw new Error(`'${url}' is not a JDBC URL such as jdbc:postgresql://host:5432/linstor`);
  const hosts = m[2]!.split(',').filter(Boolean).map((h) => {
    const hp = /^\[([^\]]+)\](?::(\d+))?$|^([^:]+)(?::(\d+))?$/.exec(h);
    if (!hp) throw new Error(`Bad host '${h}' in '${url}'`);
    const port = hp[2] ?? hp[4];
    return { host: hp[1] ?? hp[3]!, port: port ? Number(port) : undefined };
  });
  if (!hosts.length) throw new Error(`No host in '${url}'`);
  return { scheme: m[1]!.toLowerCase(), hosts, database: m[3] ? decodeURIComponent(m[3]) : undefined, params: new URLSearchParams(m[4] ?? '') };
}

/** `etcd://h1:2379,h2:2379` (or etcds:// for TLS) → client URLs. */
export function parseEtcdUrl(url: string, tls: boolean): string[] {
  const m = /^(etcds?):\/\/(.+?)\/*$/i.exec(url.trim());
  if (!m) throw new Error(`'${url}' is not an etcd URL such as etcd://etcd1:2379,etcd2:2379`);
  const secure = tls || m[1]!.toLowerCase() === 'etcds';
  return m[2]!.split(',').filter(Boolean).map((h) => `${secure ? 'https' : 'http'}://${/:\d+$/.test(h) ? h : `${h}:2379`}`);
}
