import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileDirProblem } from '../props/file-dir.js';
import { MIGRATIONS } from './migrations.js';
import { TABLES, type RowChange, type Store, type StoreSnapshot, type TableName } from './store.js';

const createTable = (t: TableName): string => `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`;

/**
 * The embedded default store: one SQLite file, WAL journal, synchronous writes.
 *
 * The database holds sealed keys and every object's settings, so only its owner may read it:
 * the folder is 0700 (when it is a folder of its own) and the database, WAL and shared-memory
 * files are 0600 (SQLite creates the -wal and -shm files with the database file's mode).
 * `synchronous = FULL`: in WAL mode NORMAL may lose the last acknowledged commits on power
 * loss (the WAL is not synced at each commit), and the controller answers a request only
 * after its commit, so every acknowledged change must survive; FULL syncs the WAL on every
 * commit (cost in the README's benchmarks).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly upserts = new Map<TableName, Database.Statement>();
  private readonly deletes = new Map<TableName, Database.Statement>();

  constructor(readonly path: string) {
    if (path !== ':memory:') restrictFiles(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    if (path !== ':memory:') restrictFiles(path);
    this.migrate();
    for (const t of TABLES) {
      this.upserts.set(t, this.db.prepare(`INSERT INTO ${t} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`));
      this.deletes.set(t, this.db.prepare(`DELETE FROM ${t} WHERE key = ?`));
    }
  }

  /** How commits reach the disk (the journal mode and the synchronous level in force). */
  durability(): { journalMode: string; synchronous: string } {
    const levels = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: levels[Number(this.db.pragma('synchronous', { simple: true }))] ?? 'unknown',
    };
  }

  async schemaVersion(): Promise<number> {
    return this.version();
  }

  private version(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    return row.v ?? 0;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = this.version();
    const apply = this.db.transaction(() => {
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const t of m.tables) this.db.exec(createTable(t));
        this.db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, new Date().toISOString());
      }
    });
    apply();
  }

  async loadAll(): Promise<StoreSnapshot> {
    const out = {} as StoreSnapshot;
    for (const t of TABLES) {
      const rows = this.db.prepare(`SELECT key, value FROM ${t}`).all() as Array<{ key: string; value: string }>;
      out[t] = rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
    }
    return out;
  }

  async commit(changes: readonly RowChange[]): Promise<void> {
    this.commitSync(changes);
  }

  /** Synchronous commit: with SQLite a whole API mutation is atomic without locks. */
  commitSync(changes: readonly RowChange[]): void {
    if (changes.length === 0) return;
    const tx = this.db.transaction(() => {
      for (const c of changes) {
        if (c.value === null) this.deletes.get(c.table)!.run(c.key);
        else this.upserts.get(c.table)!.run(c.key, JSON.stringify(c.value));
      }
    });
    tx();
  }

  async isEmpty(): Promise<boolean> {
    return TABLES.every((t) => !this.db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get());
  }

  async replaceAll(snapshot: StoreSnapshot): Promise<void> {
    this.db.transaction(() => {
      for (const t of TABLES) {
        this.db.exec(`DELETE FROM ${t}`);
        for (const r of snapshot[t] ?? []) this.upserts.get(t)!.run(r.key, JSON.stringify(r.value));
      }
    })();
  }

  /** A consistent copy of the database file (`controller backup db`). */
  async exportTo(path: string): Promise<void> {
    await this.db.backup(path);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Owner-only folder and files; the folder only when it is not a shared one such as /tmp or /var/lib. */
function restrictFiles(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  else if (fileDirProblem(dir) === undefined && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}
