import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';
import { TABLES, type RowChange, type Store, type StoreSnapshot, type TableName } from './store.js';

const createTable = (t: TableName): string => `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`;

/** The embedded default store: one SQLite file, WAL journal, synchronous writes. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly upserts = new Map<TableName, Database.Statement>();
  private readonly deletes = new Map<TableName, Database.Statement>();

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
    for (const t of TABLES) {
      this.upserts.set(t, this.db.prepare(`INSERT INTO ${t} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`));
      this.deletes.set(t, this.db.prepare(`DELETE FROM ${t} WHERE key = ?`));
    }
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
