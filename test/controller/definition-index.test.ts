/**
 * The indexes kept up to date on commit (placement: replicas, reserved space and resource
 * count per pool; preferred DRBD ports and minors) must always equal a full recomputation
 * over every row, as the walks they replaced computed it — after creates, deletes, definition
 * changes (sizes, flags, numbers), resource and node flag changes, pool changes, and inside a
 * mutate callback while other transactions are still committing (staged rows).
 *
 * Real ClusterState over a real SQLite file; the store can hold a commit in flight, as a
 * network database does, so staged rows are seen deterministically.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ControllerContext } from '../../core/controller/context.js';
import { placementSnapshot, resourceKind } from '../../core/controller/placement/snapshot.js';
import { allocateMinor, allocateTcpPort } from '../../core/controller/services/numbers.js';
import { preferredNumbers } from '../../core/controller/services/preferred-numbers.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import { RuntimeState } from '../../core/controller/state/runtime.js';
import { nameKey } from '../../core/model/names.js';
import type { Node, Resource, ResourceDefinition, StoragePool } from '../../core/model/types.js';
import { indexCluster } from '../../core/placement/index.js';
import { SqliteStore } from '../../core/store/sqlite.js';
import type { RowChange, Store, StoreSnapshot } from '../../core/store/store.js';

class GatedStore implements Store {
  readonly kind = 'sqlite';
  private gate?: { promise: Promise<void>; open: () => void };
  constructor(readonly inner: SqliteStore) {}
  hold(): void {
    let open!: () => void;
    const promise = new Promise<void>((r) => { open = r; });
    this.gate = { promise, open };
  }
  release(): void { const g = this.gate; this.gate = undefined; g?.open(); }
  async commit(changes: readonly RowChange[]): Promise<void> {
    if (this.gate) await this.gate.promise;
    await this.inner.commit(changes);
  }
  schemaVersion(): Promise<number> { return this.inner.schemaVersion(); }
  loadAll(): Promise<StoreSnapshot> { return this.inner.loadAll(); }
  isEmpty(): Promise<boolean> { return this.inner.isEmpty(); }
  replaceAll(s: StoreSnapshot): Promise<void> { return this.inner.replaceAll(s); }
  close(): Promise<void> { return this.inner.close(); }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

const NODES = ['n1', 'N2', 'n3', 'n4'];
const POOLS = ['p1', 'P2'];
const node = (name: string, flags: string[] = []): Node => ({ name, type: 'SATELLITE', props: {}, flags, netInterfaces: [], uuid: name } as unknown as Node);
const pool = (nodeName: string, name: string): StoragePool => ({ name, nodeName, providerKind: 'FILE_THIN', props: {}, uuid: `${nodeName}-${name}` } as unknown as StoragePool);
const rd = (name: string, sizes: number[], port: number | undefined, minors: Array<number | undefined>, flags: string[] = []): ResourceDefinition => ({
  name, resourceGroup: 'DfltRscGrp', props: {}, flags, layerStack: ['DRBD', 'STORAGE'], uuid: name,
  ...(port !== undefined ? { drbd: { port } } : {}),
  volumeDefinitions: sizes.map((sizeKib, i) => ({ volumeNumber: i, sizeKib, props: {}, flags: [], uuid: `${name}-${i}`, ...(minors[i] !== undefined ? { minorNumber: minors[i] } : {}) })),
});
const rsc = (name: string, nodeName: string, pools: Array<string | undefined>, flags: string[] = []): Resource => ({
  name, nodeName, props: {}, flags, layerStack: ['DRBD', 'STORAGE'], createTimestamp: 0, uuid: `${name}-${nodeName}`,
  volumes: Object.fromEntries(pools.map((p, i) => [String(i), { props: {}, flags: [], ...(p ? { storagePool: p } : {}) }])),
});

/** The full walks the indexes replaced, over the tables as the caller sees them. */
function recompute(state: ClusterState) {
  const reserved = new Map<string, number>();
  const live = new Map<string, number>();
  const replicas = new Map<string, string[]>();
  const away = new Set([...state.nodes.values()].filter((n) => n.flags.includes('EVACUATE') || n.flags.includes('EVICTED')).map((n) => nameKey(n.name)));
  for (const r of state.resources.values()) {
    const d = state.resourceDefinitions.get(nameKey(r.name));
    if (!d) continue;
    let first: string | undefined;
    for (const vd of d.volumeDefinitions) {
      const p = r.volumes[String(vd.volumeNumber)]?.storagePool;
      if (!p) continue;
      first ??= p;
      const k = `${nameKey(r.nodeName)}/${nameKey(p)}`;
      reserved.set(k, (reserved.get(k) ?? 0) + vd.sizeKib);
    }
    const deleting = r.flags.includes('DELETE') || d.flags.includes('DELETE');
    if (!deleting && first) live.set(`${nameKey(r.nodeName)}/${nameKey(first)}`, (live.get(`${nameKey(r.nodeName)}/${nameKey(first)}`) ?? 0) + 1);
    const evac = r.flags.includes('EVACUATE') || r.flags.includes('EVICTED') || away.has(nameKey(r.nodeName));
    const list = replicas.get(nameKey(r.name)) ?? [];
    list.push(`${r.nodeName}:${first ?? '-'}:${resourceKind(r)}:${deleting}:${evac}`);
    replicas.set(nameKey(r.name), list);
  }
  const ports = new Map<number, number>();
  const minors = new Map<number, number>();
  for (const d of state.resourceDefinitions.values()) {
    if (d.drbd?.port !== undefined) ports.set(d.drbd.port, (ports.get(d.drbd.port) ?? 0) + 1);
    for (const vd of d.volumeDefinitions) if (vd.minorNumber !== undefined) minors.set(vd.minorNumber, (minors.get(vd.minorNumber) ?? 0) + 1);
  }
  // The autoplacer sees pools that exist (a deleted pool's resources may stay behind).
  for (const m of [reserved, live]) for (const k of [...m.keys()]) if (!state.storagePools.get(k)) m.delete(k);
  return { reserved, live, replicas, ports, minors };
}

/** What the indexes answer, in the same shape. */
function fromIndexes(ctx: ControllerContext) {
  const { state } = ctx;
  const snap = placementSnapshot(ctx);
  const idx = indexCluster(snap);
  const reserved = new Map<string, number>();
  const live = new Map<string, number>();
  for (const p of snap.storagePools) {
    const k = `${nameKey(p.nodeName)}/${nameKey(p.name)}`;
    if (p.reservedKib) reserved.set(k, p.reservedKib);
    if (p.rscCount) live.set(k, p.rscCount);
  }
  const replicas = new Map<string, string[]>();
  for (const d of state.resourceDefinitions.values()) {
    const list = idx.replicasOf(nameKey(d.name)).map((r) => `${r.nodeName}:${r.storagePool ?? '-'}:${r.kind}:${r.deleting}:${r.evacuating}`);
    if (list.length) replicas.set(nameKey(d.name), list);
  }
  const counts = preferredNumbers(state);
  const { ports, minors } = counts.view(() => ({ ports: new Map(counts.ports), minors: new Map(counts.minors) }));
  return { reserved, live, replicas, ports, minors };
}

const sorted = <K, V>(m: Map<K, V>) => [...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const same = (a: ReturnType<typeof recompute>) => ({
  reserved: sorted(a.reserved), live: sorted(a.live), replicas: sorted(a.replicas), ports: sorted(a.ports), minors: sorted(a.minors),
});

function setup(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-defidx-'));
  const store = new GatedStore(new SqliteStore(join(dir, 'linstor.db')));
  const state = new ClusterState(store);
  const runtime = new RuntimeState();
  const ctx = { state, runtime } as unknown as ControllerContext;
  t.teardown(() => { void store.close(); rmSync(dir, { recursive: true, force: true }); });
  return { store, state, ctx };
}

test('the placement and preferred-number indexes equal a full recomputation after every kind of change, committed or staged', async (t) => {
  const { store, state, ctx } = setup(t);
  await state.mutate((tx) => {
    for (const n of NODES) tx.put(state.nodes, nameKey(n), node(n));
    for (const n of NODES) for (const p of POOLS) tx.put(state.storagePools, `${nameKey(n)}/${nameKey(p)}`, pool(n, p));
    // Rows present before the indexes exist: the first use builds from them.
    tx.put(state.resourceDefinitions, 'PRE', rd('pre', [100], 7000, [1000]));
    tx.put(state.resources, 'PRE/N1', rsc('pre', 'n1', ['p1']));
  });
  t.deepEqual(same(fromIndexes(ctx)), same(recompute(state)));

  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = Array.from({ length: 12 }, (_, i) => `Rd${i}`);
  const ops: Array<(tx: Parameters<Parameters<ClusterState['mutate']>[0]>[0]) => string> = [
    (tx) => { const n = pick(names); tx.put(state.resourceDefinitions, nameKey(n), rd(n, [64 + Math.floor(rand() * 64), 32], pick([7000, 7001, 7002, undefined]), [pick([1000, 1001, undefined]), 1002])); return `create/replace definition ${n}`; },
    (tx) => { const n = pick(names); tx.delete(state.resourceDefinitions, nameKey(n)); return `delete definition ${n}`; },
    (tx) => { const n = pick(names); const d = state.resourceDefinitions.get(nameKey(n)); if (d) tx.put(state.resourceDefinitions, nameKey(n), { ...d, flags: d.flags.includes('DELETE') ? [] : ['DELETE'] }); return `toggle DELETE on definition ${n}`; },
    (tx) => { const n = pick(names); const d = state.resourceDefinitions.get(nameKey(n)); if (d) tx.put(state.resourceDefinitions, nameKey(n), { ...d, volumeDefinitions: d.volumeDefinitions.map((v) => ({ ...v, sizeKib: v.sizeKib * 2 })) }); return `resize definition ${n}`; },
    (tx) => { const n = pick(names); const on = pick(NODES); tx.put(state.resources, `${nameKey(n)}/${nameKey(on)}`, rsc(n, on, [pick([...POOLS, undefined]), pick(POOLS)], pick([[], ['DISKLESS'], ['TIE_BREAKER', 'DISKLESS'], ['DELETE'], ['EVACUATE']]))); return `create/replace resource ${n} on ${on}`; },
    (tx) => { const n = pick(names); const on = pick(NODES); tx.delete(state.resources, `${nameKey(n)}/${nameKey(on)}`); return `delete resource ${n} on ${on}`; },
    (tx) => { const on = pick(NODES); const cur = state.nodes.get(nameKey(on))!; tx.put(state.nodes, nameKey(on), { ...cur, flags: cur.flags.length ? [] : ['EVACUATE'] }); return `toggle EVACUATE on node ${on}`; },
    (tx) => { const on = pick(NODES); const p = pick(POOLS); const k = `${nameKey(on)}/${nameKey(p)}`; if (state.storagePools.get(k)) tx.delete(state.storagePools, k); else tx.put(state.storagePools, k, pool(on, p)); return `delete/recreate pool ${p} on ${on}`; },
  ];

  for (let round = 0; round < 60; round++) {
    // Some changes stay uncommitted (the store holds them) while the next callback reads.
    const held = rand() < 0.5;
    if (held) store.hold();
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
      let what = '';
      pending.push(state.mutate((tx) => {
        what = pick(ops)(tx);
        // Inside the callback: committed rows + every staged write, including this one's.
        t.deepEqual(same(fromIndexes(ctx)), same(recompute(state)), `inside the callback after ${what} (round ${round})`);
      }));
    }
    // Outside a callback only committed rows count.
    t.deepEqual(same(fromIndexes(ctx)), same(recompute(state)), `while commits are held (round ${round})`);
    store.release();
    await Promise.all(pending);
    t.deepEqual(same(fromIndexes(ctx)), same(recompute(state)), `after the commits (round ${round})`);
  }
});

test('ports and minors come from the counts as before: lowest nobody prefers, then the least shared; an explicit one stays exclusive', async (t) => {
  const { state } = setup(t);
  await state.mutate((tx) => tx.put(state.controllerProps, 'props', { TcpPortAutoRange: '7000-7002', MinorNrAutoRange: '1000-1001' }));
  const port = () => state.mutate(() => allocateTcpPort(state));
  const define = (n: string, p: number, m: number) => state.mutate((tx) => tx.put(state.resourceDefinitions, nameKey(n), rd(n, [1], p, [m])));
  t.is(await port(), 7000);
  await define('a', 7000, 1000);
  await define('b', 7001, 1001);
  t.is(await port(), 7002);
  await define('c', 7002, 1000);
  await define('d', 7000, 1001);
  // All preferred: the least shared (7001 and 7002 once each, 7000 twice) -> 7001.
  t.is(await port(), 7001);
  t.is(await state.mutate(() => allocateMinor(state)), 1000);
  // Minors picked earlier in the same transaction count too.
  t.is(await state.mutate(() => allocateMinor(state, undefined, [1000])), 1001);
  await t.throwsAsync(state.mutate(() => allocateTcpPort(state, 7002)), { message: /7002' is already in use/ });
  // A definition keeping its own port does not compete with itself.
  t.is(await state.mutate(() => allocateTcpPort(state, 7002, 'C')), 7002);
  // A deleted definition frees its numbers, also for a callback that sees the delete staged.
  await state.mutate((tx) => {
    tx.delete(state.resourceDefinitions, 'C');
    t.is(allocateTcpPort(state, 7002), 7002);
  });
  t.is(await port(), 7002);
});
