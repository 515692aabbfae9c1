/**
 * ClusterState.mutate with asynchronous commits. The store is a real SQLite database behind a
 * gate the test opens (to hold a commit in flight) and a switch that fails the next commit:
 * the timing of a network database, made deterministic. The same properties are exercised
 * against PostgreSQL and etcd through the REST API in test/ha.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ClusterState, StaleWriteError } from '../../core/controller/state/cluster-state.js';
import { DependentCommitError } from '../../core/controller/state/commit-pipeline.js';
import type { KeyValueStore } from '../../core/model/types.js';
import { SqliteStore } from '../../core/store/sqlite.js';
import type { RowChange, Store, StoreSnapshot } from '../../core/store/store.js';

class GatedStore implements Store {
  readonly kind = 'sqlite';
  commits = 0;
  failNext?: Error;
  private gate?: { promise: Promise<void>; open: () => void };
  constructor(readonly inner: SqliteStore) {}
  hold(): void {
    let open!: () => void;
    const promise = new Promise<void>((r) => { open = r; });
    this.gate = { promise, open };
  }
  release(): void { const g = this.gate; this.gate = undefined; g?.open(); }
  async commit(changes: readonly RowChange[]): Promise<void> {
    this.commits++;
    if (this.gate) await this.gate.promise;
    const fail = this.failNext;
    this.failNext = undefined;
    if (fail) throw fail;
    await this.inner.commit(changes);
  }
  schemaVersion(): Promise<number> { return this.inner.schemaVersion(); }
  loadAll(): Promise<StoreSnapshot> { return this.inner.loadAll(); }
  isEmpty(): Promise<boolean> { return this.inner.isEmpty(); }
  replaceAll(s: StoreSnapshot): Promise<void> { return this.inner.replaceAll(s); }
  close(): Promise<void> { return this.inner.close(); }
}

function setup(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-state-'));
  const path = join(dir, 'linstor.db');
  const store = new GatedStore(new SqliteStore(path));
  const state = new ClusterState(store);
  t.teardown(() => { void store.close(); rmSync(dir, { recursive: true, force: true }); });
  const stored = async () => (await new SqliteStore(path).loadAll()).key_value_stores;
  return { store, state, stored };
}

const kvs = (name: string, props: Record<string, string> = {}): KeyValueStore => ({ name, props });
const tick = () => new Promise((r) => setImmediate(r));

test('a change is invisible to readers until its commit succeeds, and reads never wait for it', async (t) => {
  const { store, state } = setup(t);
  store.hold();
  const p = state.mutate((tx) => tx.put(state.keyValueStores, 'A', kvs('a')));
  await tick();
  t.is(state.keyValueStores.get('A'), undefined, 'readers see only committed rows');
  t.is(state.keyValueStores.size, 0);
  t.deepEqual([...state.keyValueStores.values()], []);
  t.is(state.version, 0);
  store.release();
  await p;
  t.deepEqual(state.keyValueStores.get('A'), kvs('a'));
  t.is(state.version, 1);
});

test('a failed commit leaves memory and store as they were', async (t) => {
  const { store, state, stored } = setup(t);
  await state.mutate((tx) => tx.put(state.keyValueStores, 'A', kvs('a', { v: '1' })));
  store.failNext = new Error('disk on fire');
  await t.throwsAsync(state.mutate((tx) => {
    tx.put(state.keyValueStores, 'A', kvs('a', { v: '2' }));
    tx.put(state.keyValueStores, 'B', kvs('b'));
    tx.delete(state.keyValueStores, 'A');
  }), { message: 'disk on fire' });
  t.deepEqual(state.keyValueStores.get('A'), kvs('a', { v: '1' }));
  t.false(state.keyValueStores.has('B'));
  t.deepEqual(await stored(), [{ key: 'A', value: kvs('a', { v: '1' }) }]);
  // Inside a new mutation nothing of the failed one is visible either.
  t.deepEqual(await state.mutate(() => [...state.keyValueStores.entries()].map(([k]) => k)), ['A']);
});

test('two concurrent creates of one name: exactly one wins while the first is still committing', async (t) => {
  const { store, state } = setup(t);
  store.hold();
  const create = () => state.mutate((tx) => {
    if (state.keyValueStores.has('X')) throw new Error('already exists');
    tx.put(state.keyValueStores, 'X', kvs('x'));
  });
  const first = create();
  const second = create();
  await t.throwsAsync(second, { message: 'already exists' });
  store.release();
  await first;
  t.is(state.keyValueStores.size, 1);
});

test('concurrent read-modify-writes of one object keep every change', async (t) => {
  const { store, state, stored } = setup(t);
  await state.mutate((tx) => tx.put(state.keyValueStores, 'K', kvs('k')));
  store.hold();
  const writes = Array.from({ length: 20 }, (_, i) => state.mutate((tx) => {
    const cur = state.keyValueStores.get('K')!;
    tx.put(state.keyValueStores, 'K', { ...cur, props: { ...cur.props, [`p${i}`]: String(i) } });
  }));
  await tick();
  store.release();
  await Promise.all(writes);
  const want = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, String(i)]));
  t.deepEqual(state.keyValueStores.get('K')!.props, want);
  t.deepEqual((await stored())[0]!.value, kvs('k', want));
  t.true(store.commits <= 3, `group commit: ${store.commits} store commits for 21 mutations`);
});

test('a write based on a value read before mutate, over an uncommitted change, is refused', async (t) => {
  const { store, state } = setup(t);
  await state.mutate((tx) => tx.put(state.keyValueStores, 'K', kvs('k', { a: '1' })));
  const staleRead = state.keyValueStores.get('K')!;
  store.hold();
  const other = state.mutate((tx) => {
    const cur = state.keyValueStores.get('K')!;
    tx.put(state.keyValueStores, 'K', { ...cur, props: { ...cur.props, b: '2' } });
  });
  await t.throwsAsync(state.mutate((tx) => tx.put(state.keyValueStores, 'K', { ...staleRead, props: { ...staleRead.props, c: '3' } })), { instanceOf: StaleWriteError });
  store.release();
  await other;
  t.deepEqual(state.keyValueStores.get('K')!.props, { a: '1', b: '2' });
});

test('a change built on a failed commit fails too, and nothing of either stays', async (t) => {
  const { store, state, stored } = setup(t);
  store.hold();
  store.failNext = new Error('connection lost');
  const first = state.mutate((tx) => tx.put(state.keyValueStores, 'P', kvs('parent')));
  const second = state.mutate((tx) => {
    if (!state.keyValueStores.has('P')) throw new Error('parent missing');
    tx.put(state.keyValueStores, 'C', kvs('child'));
  });
  const reader = state.mutate(() => state.keyValueStores.has('P'));
  store.release();
  await t.throwsAsync(first, { message: 'connection lost' });
  await t.throwsAsync(second, { instanceOf: DependentCommitError });
  await t.throwsAsync(reader, { instanceOf: DependentCommitError }, 'a read of an uncommitted row waits for its commit');
  t.is(state.keyValueStores.size, 0);
  t.deepEqual(await stored(), []);
  await state.mutate((tx) => tx.put(state.keyValueStores, 'P', kvs('again')));
  t.deepEqual(await stored(), [{ key: 'P', value: kvs('again') }]);
});

test('commit listeners run after the commit, once per transaction, seeing committed state', async (t) => {
  const { store, state } = setup(t);
  const seen: Array<{ keys: string[]; visible: boolean }> = [];
  state.onCommit((changes) => seen.push({ keys: changes.map((c) => c.key), visible: state.keyValueStores.has(changes[0]!.key) }));
  store.hold();
  const a = state.mutate((tx) => tx.put(state.keyValueStores, 'A', kvs('a')));
  const b = state.mutate((tx) => { tx.put(state.keyValueStores, 'B', kvs('b')); tx.put(state.keyValueStores, 'C', kvs('c')); });
  await tick();
  t.deepEqual(seen, []);
  store.release();
  await Promise.all([a, b]);
  t.deepEqual(seen, [{ keys: ['A'], visible: true }, { keys: ['B', 'C'], visible: true }]);
});

test('a callback that throws leaves no trace, even over another uncommitted change', async (t) => {
  const { store, state } = setup(t);
  store.hold();
  const ok = state.mutate((tx) => tx.put(state.keyValueStores, 'A', kvs('a', { v: '1' })));
  await t.throwsAsync(state.mutate((tx) => {
    const cur = state.keyValueStores.get('A')!;
    tx.put(state.keyValueStores, 'A', { ...cur, props: { v: '2' } });
    throw new Error('validation failed');
  }), { message: 'validation failed' });
  let seenInside: KeyValueStore | undefined;
  const read = state.mutate(() => { seenInside = state.keyValueStores.get('A'); });
  t.deepEqual(seenInside, kvs('a', { v: '1' }), 'the next callback sees the first change, not the thrown one');
  store.release();
  await Promise.all([ok, read]);
  t.deepEqual(state.keyValueStores.get('A'), kvs('a', { v: '1' }));
});

test('an asynchronous callback is refused', async (t) => {
  const { state } = setup(t);
  await t.throwsAsync(state.mutate(async (tx) => { tx.put(state.keyValueStores, 'A', kvs('a')); }), { message: /synchronous/ });
  t.false(state.keyValueStores.has('A'));
});
