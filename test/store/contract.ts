/**
 * The store contract: what every backend (SQLite, PostgreSQL, MariaDB, etcd) guarantees to
 * ClusterState and to import/export. Each `<kind>.test.ts` runs it against a real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { dbConfig, type DbConfig } from '../../core/store/config.js';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations.js';
import { openStore } from '../../core/store/open.js';
import { FencedError, TABLES, emptySnapshot, type LeaderInfo, type RowChange, type Store, type StoreSnapshot } from '../../core/store/store.js';
import { DB_SERVERS, type DbKind, type DbServer } from '../helpers/db-servers.js';

export type ContractKind = DbKind | 'sqlite';

const leader = (id: string): LeaderInfo => ({ id, url: `http://127.0.0.1:1/${id}`, host: 'test', pid: process.pid, since: new Date().toISOString() });
const sorted = (s: StoreSnapshot): StoreSnapshot => {
  const out = emptySnapshot();
  for (const t of TABLES) out[t] = [...s[t]].sort((a, b) => a.key.localeCompare(b.key));
  return out;
};
const rows = (s: StoreSnapshot, table: keyof StoreSnapshot) => Object.fromEntries(s[table].map((r) => [r.key, r.value]));

export function storeContract(kind: ContractKind, opts: { breakLease?: (server: DbServer | undefined, cfg: DbConfig, holder: Store) => Promise<void> } = {}): void {
  let server: DbServer | undefined;
  const dirs: string[] = [];
  const opened: Store[] = [];

  test.before(async () => {
    if (kind !== 'sqlite') server = await DB_SERVERS[kind]();
  });
  test.after.always(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function freshConfig(extra: Partial<DbConfig> = {}): Promise<DbConfig> {
    if (server) return server.fresh(extra);
    const dir = mkdtempSync(join(tmpdir(), 'linstor-store-'));
    dirs.push(dir);
    return dbConfig({ connectionUrl: `sqlite:${join(dir, 'linstor.db')}`, ...extra });
  }
  async function open(cfg: DbConfig): Promise<Store> {
    const s = await openStore(cfg);
    opened.push(s);
    return s;
  }
  async function reopen(cfg: DbConfig, store: Store): Promise<Store> {
    await store.close();
    return open(cfg);
  }

  test(`${kind}: a new store is empty and at the latest schema version`, async (t) => {
    const store = await open(await freshConfig());
    t.is(store.kind, kind);
    t.is(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
    t.true(await store.isEmpty());
    t.deepEqual(sorted(await store.loadAll()), emptySnapshot());
  });

  test(`${kind}: committed rows load back after reopening, values exactly as written`, async (t) => {
    const cfg = await freshConfig();
    let store = await open(cfg);
    const odd = { s: 'ünïcødé ✓ "quotes" \\ back\nslash', n: 1.5, big: 9007199254740991, neg: -3, b: false, nul: null, arr: [1, 'two', { three: [] }], empty: {} };
    await store.commit([
      { table: 'nodes', key: 'NODE-A', value: { name: 'node-a', props: { 'Aux/x': 'y' } } },
      { table: 'resources', key: 'RD1/NODE-A', value: odd },
      { table: 'key_value_stores', key: 'with space/and:colon', value: { long: 'x'.repeat(100_000) } },
      { table: 'secrets', key: 'master', value: 'a plain string' },
    ]);
    t.false(await store.isEmpty());
    await store.commit([{ table: 'nodes', key: 'NODE-A', value: { name: 'node-a', props: {} } }, { table: 'secrets', key: 'master', value: null }]);
    store = await reopen(cfg, store);
    const snap = await store.loadAll();
    t.deepEqual(rows(snap, 'nodes'), { 'NODE-A': { name: 'node-a', props: {} } });
    t.deepEqual(rows(snap, 'resources'), { 'RD1/NODE-A': odd });
    t.is((rows(snap, 'key_value_stores')['with space/and:colon'] as { long: string }).long.length, 100_000);
    t.deepEqual(snap.secrets, []);
  });

  test(`${kind}: a row changed twice in one commit keeps the last change`, async (t) => {
    const store = await open(await freshConfig());
    await store.commit([{ table: 'nodes', key: 'GONE', value: { v: 0 } }]);
    await store.commit([
      { table: 'nodes', key: 'A', value: { v: 1 } }, { table: 'nodes', key: 'A', value: { v: 2 } },
      { table: 'nodes', key: 'B', value: { v: 1 } }, { table: 'nodes', key: 'B', value: null },
      { table: 'nodes', key: 'GONE', value: null }, { table: 'nodes', key: 'GONE', value: { v: 3 } },
    ]);
    t.deepEqual(rows(await store.loadAll(), 'nodes'), { A: { v: 2 }, GONE: { v: 3 } });
  });

  test(`${kind}: a commit that fails part-way stores nothing of it`, async (t) => {
    const store = await open(await freshConfig());
    await store.commit([{ table: 'nodes', key: 'KEEP', value: { v: 1 } }]);
    const bad: RowChange[] = [
      { table: 'nodes', key: 'KEEP', value: { v: 2 } },
      { table: 'nodes', key: 'NEW', value: { v: 1 } },
      { table: 'no_such_table' as never, key: 'X', value: { v: 1 } },
    ];
    await t.throwsAsync(store.commit(bad));
    t.deepEqual(rows(await store.loadAll(), 'nodes'), { KEEP: { v: 1 } });
    // The store still works afterwards.
    await store.commit([{ table: 'nodes', key: 'NEW', value: { v: 5 } }]);
    t.deepEqual(rows(await store.loadAll(), 'nodes'), { KEEP: { v: 1 }, NEW: { v: 5 } });
  });

  test(`${kind}: a commit larger than etcd's 128-operation transactions is stored whole`, async (t) => {
    const cfg = await freshConfig();
    let store = await open(cfg);
    const big: RowChange[] = [];
    for (let i = 0; i < 700; i++) big.push({ table: 'resources', key: `RD${i}/NODE`, value: { i, pad: 'p'.repeat(2000) } });
    await store.commit(big);
    await store.commit(big.slice(0, 300).map((c) => ({ ...c, value: null })));
    store = await reopen(cfg, store);
    const got = rows(await store.loadAll(), 'resources');
    t.is(Object.keys(got).length, 400);
    t.deepEqual(got['RD699/NODE'], { i: 699, pad: 'p'.repeat(2000) });
    t.false('RD0/NODE' in got);
  });

  test(`${kind}: replaceAll swaps the whole contents`, async (t) => {
    const store = await open(await freshConfig());
    await store.commit([{ table: 'nodes', key: 'OLD', value: 1 }, { table: 'error_reports', key: 'E1', value: { id: 'E1' } }]);
    const next = emptySnapshot();
    next.nodes = [{ key: 'NEW', value: { n: 1 } }];
    next.resource_groups = [{ key: 'DFLTRSCGRP', value: { name: 'DfltRscGrp' } }];
    await store.replaceAll(next);
    t.deepEqual(sorted(await store.loadAll()), sorted(next));
  });

  test(`${kind}: two controllers opening one new database at once both migrate it safely`, async (t) => {
    const cfg = await freshConfig();
    const [a, b] = await Promise.all([open(cfg), open(cfg)]);
    t.is(await a.schemaVersion(), LATEST_SCHEMA_VERSION);
    t.is(await b.schemaVersion(), LATEST_SCHEMA_VERSION);
    await a.commit([{ table: 'nodes', key: 'A', value: 1 }]);
    t.deepEqual(rows(await b.loadAll(), 'nodes'), { A: 1 });
  });

  if (kind === 'sqlite') return;

  test(`${kind}: one controller holds the lease; the other sees it as leader and cannot take it`, async (t) => {
    const cfg = await freshConfig();
    const a = await open(cfg);
    const b = await open(cfg);
    t.is(await b.election!.leader(), null);
    t.true(await a.election!.tryAcquire(leader('a')));
    t.true(a.election!.held);
    t.false(await b.election!.tryAcquire(leader('b')));
    t.is((await b.election!.leader())?.id, 'a');
    await a.commit([{ table: 'nodes', key: 'BY-A', value: 1 }]);
    // A clean shutdown gives the lease up: b takes over.
    await a.close();
    const end = Date.now() + cfg.leaseMs * 3;
    while (!(await b.election!.tryAcquire(leader('b')))) {
      if (Date.now() > end) return t.fail('b never became leader after a closed');
      await new Promise((r) => setTimeout(r, 200));
    }
    t.is((await b.election!.leader())?.id, 'b');
    await b.commit([{ table: 'nodes', key: 'BY-B', value: 2 }]);
    t.deepEqual(rows(await b.loadAll(), 'nodes'), { 'BY-A': 1, 'BY-B': 2 });
  });

  test(`${kind}: a leader whose lease was taken away cannot commit any more (fencing)`, async (t) => {
    const cfg = await freshConfig({ leaseMs: 2000 });
    const a = await open(cfg);
    const b = await open(cfg);
    t.true(await a.election!.tryAcquire(leader('a')));
    let lost: string | undefined;
    a.election!.onLost((reason) => { lost = reason; });
    await a.commit([{ table: 'nodes', key: 'BEFORE', value: 1 }]);
    await opts.breakLease!(server, cfg, a);
    const end = Date.now() + 15_000;
    while (!(await b.election!.tryAcquire(leader('b')))) {
      if (Date.now() > end) return t.fail('b never became leader');
      await new Promise((r) => setTimeout(r, 200));
    }
    const err = await t.throwsAsync(a.commit([{ table: 'nodes', key: 'AFTER', value: 1 }]));
    t.true(err instanceof FencedError || /not the active|lost|terminat|closed|connection/i.test(err!.message), err!.message);
    t.false(a.election!.held);
    t.truthy(lost);
    t.deepEqual(rows(await b.loadAll(), 'nodes'), { BEFORE: 1 });
  });
}
