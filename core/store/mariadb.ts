import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import type { DbConfig } from './config.js';
import { parseJdbcUrl } from './config.js';
import { MIGRATIONS } from './migrations.js';
import { SessionLease } from './session-lease.js';
import { TABLES, coalesce, type Election, type LeaderInfo, type RowChange, type Store, type StoreSnapshot, type TableName } from './store.js';

/** GET_LOCK names are server-wide: one pair per database, so clusters sharing a server stay apart. */
const lockName = (database: string, what: 'active' | 'migrate'): string => `linstor:${database.slice(0, 40)}:${what}`;
type Rows = Array<Record<string, unknown>>;

/**
 * MariaDB/MySQL through mysql2: the same tables as SQLite and PostgreSQL (`key` is a
 * reserved word there, hence the quoting; utf8mb4_bin keeps keys exact). One session holds
 * GET_LOCK for the active controller, does every commit, and checks IS_USED_LOCK inside
 * each commit's transaction. wait_timeout ends the session of a stopped controller.
 */
export class MariaDbStore implements Store, Election {
  readonly kind = 'mariadb';
  private readonly lease: SessionLease;
  private fenced = false;

  private readonly leaderLock: string;
  private readonly migrateLock: string;

  private constructor(private readonly conn: mysql.Connection, database: string, leaseMs: number) {
    this.leaderLock = lockName(database, 'active');
    this.migrateLock = lockName(database, 'migrate');
    this.lease = new SessionLease(leaseMs, async () => { await this.conn.query('SELECT 1'); });
    conn.on('error', (err: Error) => this.lease.lose(`database session lost: ${err.message}`));
    conn.on('end', () => this.lease.lose('database session closed'));
  }

  get election(): Election { return this; }
  get held(): boolean { return this.lease.held; }

  static async open(cfg: DbConfig): Promise<MariaDbStore> {
    const u = parseJdbcUrl(cfg.connectionUrl);
    const ssl = cfg.caCertificate || u.params.get('useSSL') === 'true' || u.params.get('sslMode') === 'verify-full'
      ? {
        ca: cfg.caCertificate ? readFileSync(cfg.caCertificate, 'utf8') : undefined,
        cert: cfg.clientCertificate ? readFileSync(cfg.clientCertificate, 'utf8') : undefined,
        key: cfg.clientKeyPkcs8Pem ? readFileSync(cfg.clientKeyPkcs8Pem, 'utf8') : undefined,
        passphrase: cfg.clientKeyPassword,
      }
      : undefined;
    const database = u.database || 'linstor';
    const errors: string[] = [];
    for (const h of u.hosts) {
      let conn: mysql.Connection;
      try {
        conn = await mysql.createConnection({
          host: h.host, port: h.port ?? 3306, user: cfg.user ?? u.params.get('user') ?? undefined,
          password: cfg.password ?? u.params.get('password') ?? undefined, ssl, connectTimeout: 10_000, charset: 'utf8mb4_bin',
        });
      } catch (err) {
        errors.push(`${h.host}:${h.port ?? 3306}: ${(err as Error).message}`);
        continue;
      }
      // The guide's URL carries createDatabaseIfNotExist=true; an existing database is used as is.
      if (u.params.get('createDatabaseIfNotExist') === 'true') await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '')}\``);
      await conn.query(`USE \`${database.replace(/`/g, '')}\``);
      await conn.query(`SET SESSION wait_timeout = ${Math.max(1, Math.ceil(cfg.leaseMs / 1000))}`);
      const store = new MariaDbStore(conn, database, cfg.leaseMs);
      await store.migrate();
      return store;
    }
    throw new Error(`Cannot connect to MariaDB (${errors.join('; ')})`);
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Rows> {
    const [r] = await this.conn.query(sql, params);
    return r as Rows;
  }

  private async migrate(): Promise<void> {
    await this.rows('SELECT GET_LOCK(?, 60)', [this.migrateLock]);
    try {
      const table = (name: string, cols: string) => `CREATE TABLE IF NOT EXISTS ${name} (${cols}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
      await this.conn.query(table('schema_version', 'version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at VARCHAR(40) NOT NULL'));
      await this.conn.query(table('controller_leader', 'id INTEGER PRIMARY KEY, info TEXT NOT NULL'));
      const current = await this.schemaVersion();
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const t of m.tables) await this.conn.query(table(t, '`key` VARCHAR(255) NOT NULL PRIMARY KEY, value LONGTEXT NOT NULL'));
        await this.conn.query('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)', [m.version, m.description, new Date().toISOString()]);
      }
    } finally {
      await this.rows('SELECT RELEASE_LOCK(?)', [this.migrateLock]);
    }
  }

  private async tx<R>(fn: () => Promise<R>): Promise<R> {
    await this.conn.query('START TRANSACTION');
    try {
      const r = await fn();
      await this.conn.query('COMMIT');
      return r;
    } catch (err) {
      await this.conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async schemaVersion(): Promise<number> {
    const r = await this.rows('SELECT MAX(version) AS v FROM schema_version');
    return Number(r[0]?.v ?? 0);
  }

  async loadAll(): Promise<StoreSnapshot> {
    const out = {} as StoreSnapshot;
    for (const t of TABLES) {
      const r = await this.rows(`SELECT \`key\`, value FROM ${t}`);
      out[t] = r.map((row) => ({ key: String(row.key), value: JSON.parse(String(row.value)) as unknown }));
    }
    return out;
  }

  async commit(changes: readonly RowChange[]): Promise<void> {
    if (this.fenced) this.lease.check();
    if (!changes.length) return;
    await this.tx(async () => {
      if (this.fenced) {
        const r = await this.rows('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.leaderLock]);
        if (Number(r[0]?.mine) !== 1) {
          this.lease.lose('GET_LOCK is no longer held by this session');
          this.lease.check();
        }
      }
      await this.write(coalesce(changes));
    });
  }

  private async write(changes: readonly RowChange[]): Promise<void> {
    const byTable = new Map<TableName, { del: string[]; put: Array<[string, string]> }>();
    for (const c of changes) {
      if (!TABLES.includes(c.table)) throw new Error(`Unknown table '${c.table}'`);
      let g = byTable.get(c.table);
      if (!g) { g = { del: [], put: [] }; byTable.set(c.table, g); }
      if (c.value === null) g.del.push(c.key);
      else g.put.push([c.key, JSON.stringify(c.value)]);
    }
    for (const [t, g] of byTable) {
      if (g.del.length) await this.conn.query(`DELETE FROM ${t} WHERE \`key\` IN (?)`, [g.del]);
      for (let i = 0; i < g.put.length; i += 500) {
        await this.conn.query(`INSERT INTO ${t} (\`key\`, value) VALUES ? ON DUPLICATE KEY UPDATE value = VALUES(value)`, [g.put.slice(i, i + 500)]);
      }
    }
  }

  async isEmpty(): Promise<boolean> {
    for (const t of TABLES) if ((await this.rows(`SELECT 1 FROM ${t} LIMIT 1`)).length) return false;
    return true;
  }

  async replaceAll(snapshot: StoreSnapshot): Promise<void> {
    await this.tx(async () => {
      for (const t of TABLES) await this.conn.query(`DELETE FROM ${t}`);
      await this.write(TABLES.flatMap((t) => (snapshot[t] ?? []).map((r) => ({ table: t, key: r.key, value: r.value }))));
    });
  }

  async tryAcquire(me: LeaderInfo): Promise<boolean> {
    if (this.lease.held) return true;
    const r = await this.rows('SELECT GET_LOCK(?, 0) AS ok', [this.leaderLock]);
    if (Number(r[0]?.ok) !== 1) return false;
    await this.conn.query('INSERT INTO controller_leader (id, info) VALUES (1, ?) ON DUPLICATE KEY UPDATE info = VALUES(info)', [JSON.stringify(me)]);
    this.fenced = true;
    this.lease.start();
    return true;
  }

  async leader(): Promise<LeaderInfo | null> {
    const held = await this.rows('SELECT IS_USED_LOCK(?) AS holder', [this.leaderLock]);
    if (held[0]?.holder === null || held[0]?.holder === undefined) return null;
    const r = await this.rows('SELECT info FROM controller_leader WHERE id = 1');
    return r[0] ? JSON.parse(String(r[0].info)) as LeaderInfo : null;
  }

  onLost(cb: (reason: string) => void): void { this.lease.onLost(cb); }

  async close(): Promise<void> {
    this.lease.stop();
    await this.conn.end().catch(() => undefined);
  }
}
