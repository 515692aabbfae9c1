import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DbConfig } from './config.js';
import { parseJdbcUrl } from './config.js';
import { MIGRATIONS } from './migrations.js';
import { SessionLease } from './session-lease.js';
import { TABLES, coalesce, type Election, type LeaderInfo, type RowChange, type Store, type StoreSnapshot, type TableName } from './store.js';

/** Advisory lock keys (two-int form): namespace "LINS", 1 = active controller, 2 = migrations. */
const LOCK_NS = 0x4c494e53;
const LEADER_LOCK = 1;
const MIGRATE_LOCK = 2;
const HELD_BY_ME = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_NS}::oid AND objid = ${LEADER_LOCK}::oid
  AND objsubid = 2 AND granted AND pid = pg_backend_pid()`;
const HELD_BY_ANYONE = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_NS}::oid AND objid = ${LEADER_LOCK}::oid
  AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * PostgreSQL: one table per object kind (key TEXT, value TEXT holding the JSON), like SQLite.
 * Everything runs on ONE session: it holds the advisory lock that makes this controller the
 * active one, so a commit is fenced by construction (a dropped session loses the lock and
 * fails the commit) and each commit also checks pg_locks inside its transaction.
 */
export class PostgresStore implements Store, Election {
  readonly kind = 'postgresql';
  private readonly lease: SessionLease;
  private fenced = false;

  private constructor(private readonly client: pg.Client, leaseMs: number) {
    this.lease = new SessionLease(leaseMs, async () => { await this.client.query('SELECT 1'); });
    client.on('error', (err) => this.lease.lose(`database session lost: ${err.message}`));
    client.on('end', () => this.lease.lose('database session closed'));
  }

  get election(): Election { return this; }
  get held(): boolean { return this.lease.held; }

  static async open(cfg: DbConfig): Promise<PostgresStore> {
    const u = parseJdbcUrl(cfg.connectionUrl);
    const ssl = cfg.caCertificate || u.params.get('ssl') === 'true' || /^(require|verify)/.test(u.params.get('sslmode') ?? '')
      ? {
        ca: cfg.caCertificate ? readFileSync(cfg.caCertificate, 'utf8') : undefined,
        cert: cfg.clientCertificate ? readFileSync(cfg.clientCertificate, 'utf8') : undefined,
        key: cfg.clientKeyPkcs8Pem ? readFileSync(cfg.clientKeyPkcs8Pem, 'utf8') : undefined,
        passphrase: cfg.clientKeyPassword,
      }
      : undefined;
    const errors: string[] = [];
    for (const h of u.hosts) {
      const client = new pg.Client({
        host: h.host, port: h.port ?? 5432, database: u.database ?? 'linstor',
        user: cfg.user ?? u.params.get('user') ?? undefined, password: cfg.password ?? u.params.get('password') ?? undefined,
        ssl, connectionTimeoutMillis: 10_000, application_name: 'linstor-controller',
      });
      try {
        await client.connect();
      } catch (err) {
        errors.push(`${h.host}:${h.port ?? 5432}: ${(err as Error).message}`);
        continue;
      }
      // An idle session (its controller stopped or hung) ends, and releases the lock, after the lease.
      await client.query(`SET idle_session_timeout = ${Math.max(1000, cfg.leaseMs)}`).catch(() => undefined);
      const store = new PostgresStore(client, cfg.leaseMs);
      await store.migrate();
      return store;
    }
    throw new Error(`Cannot connect to PostgreSQL (${errors.join('; ')})`);
  }

  private async migrate(): Promise<void> {
    await this.tx(async () => {
      await this.client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NS, MIGRATE_LOCK]);
      await this.client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      await this.client.query('CREATE TABLE IF NOT EXISTS controller_leader (id INTEGER PRIMARY KEY, info TEXT NOT NULL)');
      const current = await this.schemaVersion();
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const t of m.tables) await this.client.query(`CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
        await this.client.query('INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)', [m.version, m.description, new Date().toISOString()]);
      }
    });
  }

  private async tx<R>(fn: () => Promise<R>): Promise<R> {
    await this.client.query('BEGIN');
    try {
      const r = await fn();
      await this.client.query('COMMIT');
      return r;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async schemaVersion(): Promise<number> {
    const r = await this.client.query('SELECT MAX(version) AS v FROM schema_version');
    return Number(r.rows[0]?.v ?? 0);
  }

  async loadAll(): Promise<StoreSnapshot> {
    const out = {} as StoreSnapshot;
    for (const t of TABLES) {
      const r = await this.client.query(`SELECT key, value FROM ${t}`);
      out[t] = r.rows.map((row: { key: string; value: string }) => ({ key: row.key, value: JSON.parse(row.value) as unknown }));
    }
    return out;
  }

  async commit(changes: readonly RowChange[]): Promise<void> {
    if (this.fenced) this.lease.check();
    if (!changes.length) return;
    await this.tx(async () => {
      if (this.fenced && !(await this.client.query(HELD_BY_ME)).rowCount) {
        this.lease.lose('the advisory lock is no longer held by this session');
        this.lease.check();
      }
      await this.write(coalesce(changes));
    });
  }

  private async write(changes: readonly RowChange[]): Promise<void> {
    const byTable = new Map<TableName, { del: string[]; keys: string[]; values: string[] }>();
    for (const c of changes) {
      if (!TABLES.includes(c.table)) throw new Error(`Unknown table '${c.table}'`);
      let g = byTable.get(c.table);
      if (!g) { g = { del: [], keys: [], values: [] }; byTable.set(c.table, g); }
      if (c.value === null) g.del.push(c.key);
      else { g.keys.push(c.key); g.values.push(JSON.stringify(c.value)); }
    }
    for (const [t, g] of byTable) {
      if (g.del.length) await this.client.query(`DELETE FROM ${t} WHERE key = ANY($1::text[])`, [g.del]);
      if (g.keys.length) {
        await this.client.query(`INSERT INTO ${t} (key, value) SELECT k, v FROM unnest($1::text[], $2::text[]) AS u(k, v)
          ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [g.keys, g.values]);
      }
    }
  }

  async isEmpty(): Promise<boolean> {
    for (const t of TABLES) if ((await this.client.query(`SELECT 1 FROM ${t} LIMIT 1`)).rowCount) return false;
    return true;
  }

  async replaceAll(snapshot: StoreSnapshot): Promise<void> {
    await this.tx(async () => {
      for (const t of TABLES) await this.client.query(`DELETE FROM ${t}`);
      await this.write(TABLES.flatMap((t) => (snapshot[t] ?? []).map((r) => ({ table: t, key: r.key, value: r.value }))));
    });
  }

  async tryAcquire(me: LeaderInfo): Promise<boolean> {
    if (this.lease.held) return true;
    const r = await this.client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_NS, LEADER_LOCK]);
    if (!r.rows[0]?.ok) return false;
    await this.client.query('INSERT INTO controller_leader (id, info) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET info = EXCLUDED.info', [JSON.stringify(me)]);
    this.fenced = true;
    this.lease.start();
    return true;
  }

  async leader(): Promise<LeaderInfo | null> {
    if (!(await this.client.query(HELD_BY_ANYONE)).rowCount) return null;
    const r = await this.client.query('SELECT info FROM controller_leader WHERE id = 1');
    return r.rows[0] ? JSON.parse(r.rows[0].info as string) as LeaderInfo : null;
  }

  onLost(cb: (reason: string) => void): void { this.lease.onLost(cb); }

  async close(): Promise<void> {
    this.lease.stop();
    await this.client.end().catch(() => undefined);
  }
}
