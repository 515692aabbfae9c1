import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, pendingMigrations, type Migration } from './migrations.js';
import { TABLES, emptySnapshot, isTableName, type Store, type StoreSnapshot } from './store.js';

/**
 * The database export (`linstor-database export-db`, `linstor controller export-db`): one
 * JSON document, the same for every backend, so an export from one store imports into any
 * other. `format_version` versions the document; `schema_version` says which migrations
 * the rows follow, so an older export is migrated on import.
 */
export const EXPORT_FORMAT = 'linstor-ts-database-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  format_version: number;
  schema_version: number;
  exported_at: string;
  source: { kind: string; generator: string };
  tables: Record<string, Array<{ key: string; value: unknown }>>;
}

/** Rows sorted by key in every table: two exports of the same state are byte-identical. */
export function canonicalTables(snapshot: StoreSnapshot): StoreSnapshot {
  const out = emptySnapshot();
  for (const t of TABLES) out[t] = [...(snapshot[t] ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

export async function exportDocument(store: Store, generator: string): Promise<ExportDocument> {
  const snapshot = await store.loadAll();
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    schema_version: await store.schemaVersion(),
    exported_at: new Date().toISOString(),
    source: { kind: store.kind, generator },
    tables: canonicalTables(snapshot),
  };
}

/** Writes the document; a name ending in .gz is compressed (as LINSTOR does). */
export function writeExport(path: string, doc: ExportDocument): void {
  const text = `${JSON.stringify(doc, null, 1)}\n`;
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text, { flag: 'wx', mode: 0o600 });
}

export class ExportFormatError extends Error {
  constructor(message: string) { super(message); this.name = 'ExportFormatError'; }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * Reads an export: a JSON document (plain or gzip), or a SQLite file written by the older
 * `controller backup db` / `database export` (a copy of the SQLite database).
 */
export function readExport(path: string): ExportDocument {
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try { readSync(fd, head, 0, 16, 0); } finally { closeSync(fd); }
  if (head.toString('latin1') === SQLITE_MAGIC) return readSqliteCopy(path);
  let raw = readFileSync(path);
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  let doc: unknown;
  try { doc = JSON.parse(raw.toString('utf8')); } catch (e) { throw new ExportFormatError(`${path} is neither a database export (JSON) nor a SQLite database: ${(e as Error).message}`); }
  const d = doc as Partial<ExportDocument>;
  if (!d || typeof d !== 'object' || d.format !== EXPORT_FORMAT) throw new ExportFormatError(`${path} is not a linstor-ts database export (no "format": "${EXPORT_FORMAT}").`);
  if (typeof d.format_version !== 'number' || d.format_version > EXPORT_FORMAT_VERSION) {
    throw new ExportFormatError(`${path} has export format version ${String(d.format_version)}; this version reads up to ${EXPORT_FORMAT_VERSION}. Use a newer linstor-database.`);
  }
  if (typeof d.schema_version !== 'number' || !d.tables || typeof d.tables !== 'object') throw new ExportFormatError(`${path} lacks schema_version or tables.`);
  return d as ExportDocument;
}

function readSqliteCopy(path: string): ExportDocument {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const version = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
    const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const tables: ExportDocument['tables'] = {};
    for (const t of TABLES) {
      if (!present.has(t)) continue;
      tables[t] = (db.prepare(`SELECT key, value FROM ${t}`).all() as Array<{ key: string; value: string }>).map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
    }
    return { format: EXPORT_FORMAT, format_version: 0, schema_version: version, exported_at: '', source: { kind: 'sqlite', generator: 'sqlite copy' }, tables };
  } finally {
    db.close();
  }
}

/** Brings an export's rows to the current schema: unknown tables are refused, transforms applied. */
export function migrateExport(doc: ExportDocument, migrations: readonly Migration[] = MIGRATIONS): { snapshot: StoreSnapshot; applied: Migration[] } {
  const latest = migrations[migrations.length - 1]?.version ?? LATEST_SCHEMA_VERSION;
  if (doc.schema_version > latest) {
    throw new ExportFormatError(`The export has schema version ${doc.schema_version}, newer than this version's ${latest}. Use a newer linstor-database.`);
  }
  const snapshot = emptySnapshot();
  for (const [t, rows] of Object.entries(doc.tables)) {
    if (!isTableName(t)) throw new ExportFormatError(`The export has an unknown table '${t}'.`);
    if (!Array.isArray(rows) || rows.some((r) => !r || typeof r.key !== 'string' || !('value' in r))) throw new ExportFormatError(`Table '${t}' of the export is malformed.`);
    snapshot[t] = rows.map((r) => ({ key: r.key, value: r.value }));
  }
  const applied = pendingMigrations(doc.schema_version, migrations);
  for (const m of applied) m.transform?.(snapshot);
  return { snapshot, applied };
}

export class ImportRefusedError extends Error {
  constructor(message: string) { super(message); this.name = 'ImportRefusedError'; }
}

/**
 * Replaces the store's contents with the export. Refuses while a controller is active on
 * the store, and refuses a non-empty store unless `force`.
 */
export async function importDocument(store: Store, doc: ExportDocument, opts: { force?: boolean; migrations?: readonly Migration[] } = {}): Promise<{ rows: number; migrated: number[] }> {
  const { snapshot, applied } = migrateExport(doc, opts.migrations);
  const active = await store.election?.leader();
  if (active) throw new ImportRefusedError(`A controller is active on this database (${active.url}, pid ${active.pid} on ${active.host}); stop every controller first.`);
  if (!opts.force && !(await store.isEmpty())) {
    throw new ImportRefusedError('The target database is not empty; importing would replace its contents. Use --force to replace them.');
  }
  await store.replaceAll(snapshot);
  return { rows: TABLES.reduce((n, t) => n + snapshot[t].length, 0), migrated: applied.map((m) => m.version) };
}
