/**
 * `linstor-database export-db / import-db` (the real bin) across SQLite and real PostgreSQL,
 * MariaDB and etcd servers: an export from each backend imports into each, giving the same
 * state; a non-empty database is refused unless --force; older exports are migrated.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { DbConfig } from '../../core/store/config.js';
import { dbConfig } from '../../core/store/config.js';
import { exportDocument, importDocument, migrateExport, type ExportDocument } from '../../core/store/export.js';
import { openStore } from '../../core/store/open.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../core/store/migrations.js';
import { call } from '../e2e/cluster.js';
import { REPO_ROOT, startController, type TestController } from '../helpers/controller.js';
import { DB_SERVERS, type DbKind, type DbServer } from '../helpers/db-servers.js';

const BIN = join(REPO_ROOT, 'dist/core/database/main.js');
type Kind = DbKind | 'sqlite';
const KINDS: Kind[] = ['sqlite', 'postgresql', 'mariadb', 'etcd'];

const servers = new Map<DbKind, DbServer>();
const work = mkdtempSync(join(tmpdir(), 'linstor-dbtool-'));
let n = 0;
let base: ExportDocument;
let baseFile: string;
let sqliteCopy: string;

/** A config directory with linstor.toml naming a fresh, empty database of `kind`. */
async function freshDir(kind: Kind): Promise<{ dir: string; cfg: DbConfig }> {
  const dir = join(work, `cfg-${kind}-${++n}`);
  mkdirSync(dir);
  const cfg = kind === 'sqlite' ? dbConfig({ connectionUrl: `sqlite:${join(dir, 'linstor.db')}` }) : await servers.get(kind)!.fresh();
  writeFileSync(join(dir, 'linstor.toml'), kind === 'sqlite' ? `[db]\nconnection_url = "${cfg.connectionUrl}"\n` : servers.get(kind)!.toml(cfg));
  return { dir, cfg };
}

function tool(dir: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, '--config-directory', dir, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const readDoc = (file: string): ExportDocument => JSON.parse(readFileSync(file, 'utf8')) as ExportDocument;

test.before(async () => {
  await Promise.all((['postgresql', 'mariadb', 'etcd'] as DbKind[]).map(async (k) => { servers.set(k, await DB_SERVERS[k]()); }));
  // The state to carry around: made through the REST API of a real controller on SQLite.
  const ctl: TestController = await startController();
  try {
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await call(ctl, method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(r.body)}`);
    };
    await ok('POST', '/v1/nodes', { name: 'alpha', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.9', satellite_port: 1 }] });
    await ok('POST', '/v1/nodes/alpha/storage-pools', { storage_pool_name: 'thin1', provider_kind: 'LVM_THIN', props: { 'StorDriver/StorPoolName': 'vg0/thin' } });
    await ok('POST', '/v1/resource-groups', { name: 'gold', description: 'ünïcødé', select_filter: { place_count: 2, storage_pool: 'thin1' }, props: { 'Aux/tier': 'gold' } });
    await ok('POST', '/v1/resource-groups/gold/volume-groups', {});
    for (let i = 0; i < 30; i++) {
      await ok('POST', '/v1/resource-definitions', { resource_definition: { name: `db${i}`, resource_group_name: 'gold', props: { 'Aux/i': String(i) } } });
      await ok('POST', `/v1/resource-definitions/db${i}/volume-definitions`, { volume_definition: { size_kib: 1024 * (i + 1) } });
    }
    await ok('PUT', '/v1/key-value-store/app', { override_props: { 'a/b': 'c', long: 'x'.repeat(5000) } });
    await ok('POST', '/v1/controller/properties', { override_props: { 'Aux/cluster': 'blue' } });
    // A plain name: the controller writes it into its backup folder ([db] backup_directory).
    await ok('POST', '/v1/controller/backup/db', { backup_name: 'backup-copy.db' });
    sqliteCopy = join(work, 'backup-copy.db');
    copyFileSync(join(ctl.dir, 'backups', 'backup-copy.db'), sqliteCopy);
    await ctl.kill();
    baseFile = join(work, 'base.json');
    const r = tool(ctl.dir, 'export-db', baseFile);
    if (r.status !== 0) throw new Error(r.out);
    base = readDoc(baseFile);
  } finally {
    await ctl.stop();
  }
});

test.after.always(async () => {
  for (const s of servers.values()) await s.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the export is a versioned JSON document with the state', (t) => {
  t.is(base.format, 'linstor-ts-database-export');
  t.is(base.format_version, 1);
  t.is(base.schema_version, LATEST_SCHEMA_VERSION);
  t.is(base.source.kind, 'sqlite');
  t.is(base.tables.resource_definitions!.length, 30);
  t.truthy(base.tables.resource_groups!.find((r) => r.key === 'GOLD'));
});

test('an export from every backend imports into every backend with identical state', async (t) => {
  // In-process (the same code the bin runs) to keep the 4 x 4 matrix quick; the bin is run below.
  const roundTrip = async (kind: Kind, doc: ExportDocument): Promise<ExportDocument> => {
    const store = await openStore((await freshDir(kind)).cfg);
    try {
      await importDocument(store, doc);
      return JSON.parse(JSON.stringify(await exportDocument(store, 'test'))) as ExportDocument;
    } finally {
      await store.close();
    }
  };
  for (const from of KINDS) {
    const fromDoc = await roundTrip(from, base);
    t.is(fromDoc.source.kind, from);
    t.deepEqual(fromDoc.tables, base.tables, `export from ${from}`);
    for (const to of KINDS) t.deepEqual((await roundTrip(to, fromDoc)).tables, base.tables, `${from} -> ${to}`);
  }
});

test('SQLite -> PostgreSQL -> etcd -> SQLite gives identical state, and a controller serves it', async (t) => {
  let file = baseFile;
  let last!: { dir: string };
  for (const kind of ['postgresql', 'etcd', 'sqlite'] as Kind[]) {
    last = await freshDir(kind);
    t.is(tool(last.dir, 'import-db', file).status, 0);
    file = join(work, `chain-${kind}.json.gz`);
    t.is(tool(last.dir, 'export-db', file).status, 0);
  }
  const { gunzipSync } = await import('node:zlib');
  t.deepEqual((JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ExportDocument).tables, base.tables);
  // The imported database is what a controller then serves.
  const pg = await freshDir('postgresql');
  t.is(tool(pg.dir, 'import-db', file).status, 0, 'a .gz export is read as well');
  const ctl = await startController({ dbToml: servers.get('postgresql')!.toml(pg.cfg) });
  t.teardown(() => ctl.stop());
  const rds = (await call<Array<{ name: string; props: Record<string, string> }>>(ctl, 'GET', '/v1/resource-definitions')).body;
  t.is(rds.length, 30);
  t.is(rds.find((d) => d.name === 'db7')!.props['Aux/i'], '7');
  t.is((await call<Array<{ props: Record<string, string> }>>(ctl, 'GET', '/v1/key-value-store/app')).body[0]!.props['a/b'], 'c');
});

test('import refuses a non-empty database unless --force, and never overwrites an export file', async (t) => {
  const dst = await freshDir('postgresql');
  t.is(tool(dst.dir, 'import-db', baseFile).status, 0);
  const again = tool(dst.dir, 'import-db', baseFile);
  t.is(again.status, 1);
  t.regex(again.out, /not empty.*--force/);
  const other: ExportDocument = { ...base, tables: { ...base.tables, resource_definitions: [] } };
  const otherFile = join(work, 'no-rds.json');
  writeFileSync(otherFile, JSON.stringify(other));
  t.is(tool(dst.dir, 'import-db', '--force', otherFile).status, 0);
  const out = join(work, 'forced.json');
  t.is(tool(dst.dir, 'export-db', out).status, 0);
  t.deepEqual(readDoc(out).tables.resource_definitions, []);
  const clash = tool(dst.dir, 'export-db', out);
  t.is(clash.status, 1);
  t.regex(clash.out, /already exists/);
});

test('import refuses while a controller is active on a shared database', async (t) => {
  const dst = await freshDir('etcd');
  const ctl = await startController({ dbToml: servers.get('etcd')!.toml(dst.cfg) });
  t.teardown(() => ctl.stop());
  const r = tool(dst.dir, 'import-db', '--force', baseFile);
  t.is(r.status, 1);
  t.regex(r.out, /controller is active/);
});

test('older exports are migrated: a SQLite copy from `controller backup db`, a schema-1 document', async (t) => {
  const dst = await freshDir('mariadb');
  const r = tool(dst.dir, 'import-db', sqliteCopy);
  t.is(r.status, 0, r.out);
  const out = join(work, 'from-copy.json');
  t.is(tool(dst.dir, 'export-db', out).status, 0);
  t.deepEqual(readDoc(out).tables, base.tables);

  const { secrets: _s, ...v1Tables } = base.tables;
  const v1 = { ...base, schema_version: 1, tables: v1Tables };
  const v1File = join(work, 'schema1.json');
  writeFileSync(v1File, JSON.stringify(v1));
  const dst2 = await freshDir('etcd');
  const m = tool(dst2.dir, 'import-db', v1File);
  t.is(m.status, 0, m.out);
  t.regex(m.out, /migrated from schema version 1 through 2/);
  const out2 = join(work, 'from-v1.json');
  t.is(tool(dst2.dir, 'export-db', out2).status, 0);
  t.is(readDoc(out2).schema_version, LATEST_SCHEMA_VERSION);
  t.deepEqual(readDoc(out2).tables, { ...base.tables, secrets: [] });
});

test('a migration that reshapes rows rewrites an export made before it', (t) => {
  const renamed = [...MIGRATIONS, {
    version: LATEST_SCHEMA_VERSION + 1, description: 'test: node names upper-cased', tables: [],
    transform: (s: Parameters<NonNullable<(typeof MIGRATIONS)[number]['transform']>>[0]) => {
      s.nodes = s.nodes.map((r) => ({ key: r.key, value: { ...(r.value as object), name: String((r.value as { name: string }).name).toUpperCase() } }));
    },
  }];
  const { snapshot, applied } = migrateExport(base, renamed);
  t.deepEqual(applied.map((m) => m.version), [LATEST_SCHEMA_VERSION + 1]);
  t.is((snapshot.nodes[0]!.value as { name: string }).name, 'ALPHA');
  t.throws(() => migrateExport({ ...base, schema_version: LATEST_SCHEMA_VERSION + 5 }), { message: /newer than this version/ });
  t.throws(() => migrateExport({ ...base, tables: { ...base.tables, bogus: [] } }), { message: /unknown table 'bogus'/ });
});
