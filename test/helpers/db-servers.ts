/**
 * Real database servers for tests: PostgreSQL 15, MariaDB and etcd 3.4 from the Debian
 * packages, each started on ephemeral loopback ports with a throw-away data directory and
 * stopped (directory removed) by `stop()`. Never the system's instances, ports or /var/lib.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { dbConfig, type DbConfig } from '../../core/store/config.js';

export type DbKind = 'postgresql' | 'mariadb' | 'etcd';

export interface ServerOptions { durable?: boolean }

/** PEM files for an etcd that speaks TLS (test/helpers/pki.ts issues them). */
export interface EtcdTls { ca: { certFile: string }; server: { certFile: string; keyFile: string }; client: { certFile: string; keyFile: string } }

export interface DbServer {
  kind: DbKind;
  /** A fresh, empty database (PostgreSQL/MariaDB) or key prefix (etcd) on this server. */
  fresh(extra?: Partial<DbConfig>): Promise<DbConfig>;
  /** The linstor.toml [db] section for a config. */
  toml(cfg: DbConfig): string;
  logs(): string;
  stop(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const USER = 'linstor';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const uniqueName = (): string => `t_${randomBytes(5).toString('hex')}`;

function tomlFor(cfg: DbConfig): string {
  const q = (s: string) => JSON.stringify(s);
  let out = `[db]\nconnection_url = ${q(cfg.connectionUrl)}\n`;
  if (cfg.user) out += `user = ${q(cfg.user)}\n`;
  if (cfg.password) out += `password = ${q(cfg.password)}\n`;
  if (cfg.caCertificate) out += `ca_certificate = ${q(cfg.caCertificate)}\n`;
  if (cfg.clientCertificate) out += `client_certificate = ${q(cfg.clientCertificate)}\n`;
  if (cfg.clientKeyPkcs8Pem) out += `client_key_pkcs8_pem = ${q(cfg.clientKeyPkcs8Pem)}\n`;
  out += `lease_seconds = ${cfg.leaseMs / 1000}\n`;
  if (cfg.connectionUrl.startsWith('etcd')) out += `[db.etcd]\nprefix = ${q(cfg.etcd.prefix)}\n`;
  return out;
}

async function waitFor(what: string, proc: ChildProcess, logs: () => string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}:\n${logs().slice(-3000)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} did not start:\n${logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function launch(cmd: string, args: string[], opts: { uid?: number; gid?: number; cwd?: string } = {}): { proc: ChildProcess; logs: () => string } {
  let out = '';
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); });
  return { proc, logs: () => out };
}

async function terminate(proc: ChildProcess, dir: string): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * PostgreSQL 15 run as the `postgres` user (initdb and postgres refuse root). Tests skip
 * fsync (throw-away data; a loaded machine's I/O stalls otherwise time out connections);
 * the benchmark asks for a `durable` server, as production runs.
 */
export async function startPostgres(opts: ServerOptions = {}): Promise<DbServer> {
  const pgUser = userInfo().uid === 0 ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined;
  const uid = pgUser ? Number(pgUser.stdout.trim()) : undefined;
  const gid = pgUser ? Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'linstor-pg-'));
  if (uid !== undefined) chownSync(dir, uid, gid!);
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (uid !== undefined) chownSync(pwfile, uid, gid!);
  const init = spawnSync(`${PG_BIN}/initdb`, ['-D', join(dir, 'data'), '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync'],
    { uid, gid, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) { rmSync(dir, { recursive: true, force: true }); throw new Error(`initdb failed: ${init.stderr}`); }
  const port = await freePort();
  const { proc, logs } = launch(`${PG_BIN}/postgres`, ['-D', join(dir, 'data'), '-p', String(port), '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=60', '-c', 'shared_buffers=32MB',
    ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])], { uid, gid, cwd: dir });
  const { default: pg } = await import('pg');
  const admin = () => new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  try {
    await waitFor('postgres', proc, logs, async () => { const c = admin(); await c.connect(); await c.end(); return true; });
  } catch (e) { await terminate(proc, dir); throw e; }
  return {
    kind: 'postgresql',
    async fresh(extra = {}) {
      const name = uniqueName();
      const c = admin();
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return dbConfig({ connectionUrl: `jdbc:postgresql://127.0.0.1:${port}/${name}`, user: USER, password: PASSWORD, ...extra });
    },
    toml: tomlFor,
    logs,
    stop: () => terminate(proc, dir),
  };
}

export async function startMariaDb(): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-mariadb-'));
  const init = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (init.status !== 0) { rmSync(dir, { recursive: true, force: true }); throw new Error(`mariadb-install-db failed: ${init.stderr}${init.stdout}`); }
  const port = await freePort();
  const { proc, logs } = launch('mariadbd', ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', `--port=${port}`, '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'sock')}`, `--pid-file=${join(dir, 'pid')}`, '--skip-log-bin', '--innodb-buffer-pool-size=32M', '--skip-name-resolve'], { cwd: dir });
  const { default: mysql } = await import('mysql2/promise');
  const root = () => mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  try {
    await waitFor('mariadbd', proc, logs, async () => { const c = await root(); await c.end(); return true; });
    const c = await root();
    await c.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await c.query(`GRANT ALL ON \`t\\_%\`.* TO '${USER}'@'%'`);
    await c.end();
  } catch (e) { await terminate(proc, dir); throw e; }
  return {
    kind: 'mariadb',
    async fresh(extra = {}) {
      const name = uniqueName();
      return dbConfig({ connectionUrl: `jdbc:mariadb://127.0.0.1:${port}/${name}?createDatabaseIfNotExist=true`, user: USER, password: PASSWORD, ...extra });
    },
    toml: tomlFor,
    logs,
    stop: () => terminate(proc, dir),
  };
}

/**
 * etcd 3.4. With `tls` it serves clients over HTTPS only and demands a client certificate
 * signed by `tls.ca` (`--client-cert-auth`), as a guarded production etcd does.
 */
export async function startEtcd(tls?: EtcdTls): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-etcd-'));
  const client = await freePort();
  const peer = await freePort();
  const c = `${tls ? 'https' : 'http'}://127.0.0.1:${client}`;
  const p = `http://127.0.0.1:${peer}`;
  const tlsArgs = tls ? ['--cert-file', tls.server.certFile, '--key-file', tls.server.keyFile, '--trusted-ca-file', tls.ca.certFile, '--client-cert-auth'] : [];
  const { proc, logs } = launch('etcd', ['--name', 'test', '--data-dir', join(dir, 'data'), '--listen-client-urls', c, '--advertise-client-urls', c,
    '--listen-peer-urls', p, '--initial-advertise-peer-urls', p, '--initial-cluster', `test=${p}`, '--log-level', 'warn', ...tlsArgs], { cwd: dir });
  const { Etcd3 } = await import('etcd3');
  const credentials = tls && { rootCertificate: readFileSync(tls.ca.certFile), certChain: readFileSync(tls.client.certFile), privateKey: readFileSync(tls.client.keyFile) };
  try {
    await waitFor('etcd', proc, logs, async () => {
      const e = new Etcd3({ hosts: c, dialTimeout: 1000, ...(credentials ? { credentials } : {}) });
      try { await e.put('/ready').value('1'); return true; } finally { e.close(); }
    });
  } catch (e) { await terminate(proc, dir); throw e; }
  return {
    kind: 'etcd',
    async fresh(extra = {}) {
      const certs = tls ? { caCertificate: tls.ca.certFile, clientCertificate: tls.client.certFile, clientKeyPkcs8Pem: tls.client.keyFile } : {};
      return dbConfig({ connectionUrl: `etcd://127.0.0.1:${client}`, ...certs, ...extra, etcd: { prefix: `/${uniqueName()}/`, opsPerTransaction: 128, ...extra.etcd } });
    },
    toml: tomlFor,
    logs,
    stop: () => terminate(proc, dir),
  };
}

export const DB_SERVERS: Record<DbKind, (opts?: ServerOptions) => Promise<DbServer>> = { postgresql: startPostgres, mariadb: () => startMariaDb(), etcd: () => startEtcd() };

/** True when the server binaries are installed (scripts/system-packages.txt lists them). */
export function dbServerInstalled(kind: DbKind): boolean {
  if (kind === 'postgresql') return existsSync(`${PG_BIN}/postgres`);
  return spawnSync('sh', ['-c', `command -v ${kind === 'mariadb' ? 'mariadbd' : 'etcd'}`]).status === 0;
}
