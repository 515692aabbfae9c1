/**
 * The backup scheduler's decisions with an injected clock: which level wins, when full and
 * incremental backups are due, RETRY and SKIP. The shipping is replaced by a recorder here (the
 * real shipping runs in s3-backups.test.ts); the cluster state is the real one on SQLite.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Schedule } from '../../core/model/backup.js';
import type { ControllerContext } from '../../core/controller/context.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import { effectiveTriples, type Triple } from '../../core/controller/schedules/enable.js';
import { BackupScheduler } from '../../core/controller/schedules/scheduler.js';
import { historyOf } from '../../core/controller/schedules/actions.js';
import { SqliteStore } from '../../core/store/sqlite.js';

const sealed = { cipher: 'AES-256-GCM' as const, iv: '', tag: '', data: '' };

async function cluster(t: import('ava').ExecutionContext, schedule: Partial<Schedule> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sched-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteStore(join(dir, 'db'));
  const state = new ClusterState(store);
  await state.load();
  await state.mutate((tx) => {
    for (const g of ['GA', 'GB']) tx.put(state.resourceGroups, g, { name: g, props: {}, selectFilter: {}, uuid: g });
    for (const [rd, g] of [['r1', 'GA'], ['r2', 'GB'], ['r3', 'GB']]) {
      tx.put(state.resourceDefinitions, rd!.toUpperCase(), { name: rd!, resourceGroup: g!, props: {}, flags: [], layerStack: ['STORAGE'], volumeDefinitions: [], uuid: rd! });
    }
    tx.put(state.remotes, 'S3', { kind: 'S3', name: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'b-b', region: 'r', usePathStyle: true, accessKey: sealed, secretKey: sealed });
    tx.put(state.schedules, 'NIGHTLY', { name: 'nightly', fullCron: '0 * * * *', incCron: '*/10 * * * *', onFailure: 'SKIP', ...schedule });
  });
  const ctx = { state, log: pino({ level: 'silent' }) } as unknown as ControllerContext;
  return { state, ctx };
}

async function setProps(state: ClusterState, where: { rd?: string; rg?: string }, props: Record<string, string>): Promise<void> {
  await state.mutate((tx) => {
    if (where.rd) { const rd = state.resourceDefinitions.get(where.rd.toUpperCase())!; tx.put(state.resourceDefinitions, where.rd.toUpperCase(), { ...rd, props: { ...rd.props, ...props } }); }
    else if (where.rg) { const rg = state.resourceGroups.get(where.rg)!; tx.put(state.resourceGroups, where.rg, { ...rg, props: { ...rg.props, ...props } }); }
    else tx.put(state.controllerProps, 'props', { ...(state.controllerProps.get('props') ?? {}), ...props });
  });
}

const KEY = 'Schedule/Enabled/s3/nightly';

test('the most specific level decides: definition over group over controller', async (t) => {
  const { state } = await cluster(t);
  await setProps(state, {}, { [KEY]: 'true' });
  await setProps(state, { rg: 'GB' }, { [KEY]: 'false' });
  await setProps(state, { rd: 'r3' }, { [KEY]: 'true', 'Schedule/PrefNode/s3/nightly': 'n7' });
  const got = effectiveTriples(state).map((x) => [x.rsc, x.level, x.prefNode ?? '']).sort();
  t.deepEqual(got, [['r1', 'ctrl', ''], ['r3', 'rsc_dfn', 'n7']], 'r2 is switched off by its group; r3 switched back on by itself');
});

function harness(ctx: ControllerContext, results: boolean[] = []) {
  let now = Date.UTC(2026, 0, 1, 10, 0, 30);
  const calls: Array<[string, boolean, string]> = [];
  const sched = new BackupScheduler(ctx, {
    clock: () => now,
    ship: async (x: Triple, full: boolean) => { calls.push([x.rsc, full, new Date(now).toISOString().slice(11, 16)]); return results.length ? results.shift()! : true; },
  });
  return { sched, calls, at: async (hhmm: string) => { const [h, m] = hhmm.split(':').map(Number); now = Date.UTC(2026, 0, 1, h!, m!, 0); await sched.tick(); } };
}

test('full at the full cron, incrementals between, the first backup always full', async (t) => {
  const { state, ctx } = await cluster(t);
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  const h = harness(ctx);
  await h.sched.tick(); // 10:00:30: the triple is seen for the first time; nothing is due yet
  for (const at of ['10:05', '10:10', '10:15', '10:20', '10:59', '11:00', '11:10']) await h.at(at);
  // 10:59: the 10:30–10:50 incrementals were missed (no tick); one catches up, not three.
  t.deepEqual(h.calls, [['r1', true, '10:10'], ['r1', false, '10:20'], ['r1', false, '10:59'], ['r1', true, '11:00'], ['r1', false, '11:10']]);
  const view = h.sched.view({ rsc: 'r1' })[0]!;
  t.like(view, { rsc_name: 'r1', remote_name: 's3', schedule_name: 'nightly', last_snap_inc: true, next_exec_inc: true, next_exec_time: Date.UTC(2026, 0, 1, 11, 20), next_planned_full: Date.UTC(2026, 0, 1, 12, 0) });
});

test('RETRY tries again at the next ticks up to max_retries, then waits for the cron', async (t) => {
  const { state, ctx } = await cluster(t, { onFailure: 'RETRY', maxRetries: 2, incCron: undefined });
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  const h = harness(ctx, [false, false, false]);
  await h.sched.tick();
  for (const at of ['11:00', '11:01', '11:02', '11:03', '11:30', '12:00']) await h.at(at);
  t.deepEqual(h.calls.map((c) => c[2]), ['11:00', '11:01', '11:02', '12:00'], 'two retries after the first failure, then the next full time');
});

test('SKIP does not retry: the next attempt is the next cron time', async (t) => {
  const { state, ctx } = await cluster(t, { incCron: undefined });
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  const h = harness(ctx, [false]);
  await h.sched.tick();
  for (const at of ['11:00', '11:01', '11:30', '12:00']) await h.at(at);
  t.deepEqual(h.calls.map((c) => c[2]), ['11:00', '12:00']);
});

test('a disabled or deleted setting stops the schedule', async (t) => {
  const { state, ctx } = await cluster(t, { incCron: undefined });
  await setProps(state, { rg: 'GA' }, { [KEY]: 'true' });
  const h = harness(ctx);
  await h.sched.tick();
  await h.at('11:00');
  await setProps(state, { rd: 'r1' }, { [KEY]: 'false' });
  await h.at('12:00');
  t.deepEqual(h.calls.map((c) => c[2]), ['11:00']);
});

function restartedHarness(ctx: ControllerContext, history: Map<string, { lastFull?: number; lastRun?: number; lastInc?: boolean }>) {
  let now = 0;
  const calls: Array<[string, boolean, string]> = [];
  const sched = new BackupScheduler(ctx, {
    clock: () => now,
    ship: async (x: Triple, full: boolean) => { calls.push([x.rsc, full, new Date(now).toISOString().slice(11, 16)]); return true; },
    history: async () => history,
  });
  return { sched, calls, at: async (hhmm: string) => { const [h, m] = hhmm.split(':').map(Number); now = Date.UTC(2026, 0, 1, h!, m!, 0); await sched.tick(); } };
}

test('after a restart the remote\'s last backups decide what is due: a full missed while down runs once, at the first tick', async (t) => {
  const { state, ctx } = await cluster(t, { incCron: undefined });
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  // The controller was down from 10:05 to 12:20: the 11:00 and 12:00 fulls were missed.
  const h = restartedHarness(ctx, new Map([['R1', { lastFull: Date.UTC(2026, 0, 1, 10, 0), lastRun: Date.UTC(2026, 0, 1, 10, 0), lastInc: false }]]));
  for (const at of ['12:20', '12:30', '13:00']) await h.at(at);
  t.deepEqual(h.calls, [['r1', true, '12:20'], ['r1', true, '13:00']]);
});

test('after a restart an incremental builds on the remote\'s last full instead of starting over with a full', async (t) => {
  const { state, ctx } = await cluster(t);
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  const h = restartedHarness(ctx, new Map([['R1', { lastFull: Date.UTC(2026, 0, 1, 10, 0), lastRun: Date.UTC(2026, 0, 1, 10, 20), lastInc: true }]]));
  for (const at of ['10:25', '10:30', '10:35']) await h.at(at);
  t.deepEqual(h.calls, [['r1', false, '10:30']], 'nothing at 10:25 (the 10:20 one was done), an incremental at 10:30');
  t.like(h.sched.view({ rsc: 'r1' })[0], { last_snap_time: Date.UTC(2026, 0, 1, 10, 30), last_snap_inc: true });
});

test('a definition never backed up to the remote starts counting when first seen', async (t) => {
  const { state, ctx } = await cluster(t, { incCron: undefined });
  await setProps(state, { rd: 'r1' }, { [KEY]: 'true' });
  const h = restartedHarness(ctx, new Map([['R2', { lastFull: Date.UTC(2026, 0, 1, 8, 0), lastRun: Date.UTC(2026, 0, 1, 8, 0) }]]));
  for (const at of ['10:20', '10:59', '11:00']) await h.at(at);
  t.deepEqual(h.calls, [['r1', true, '11:00']]);
});

test('the history is read from complete backups of this cluster only, newest full and newest of any kind', (t) => {
  const meta = (rscName: string, at: number, basedOn: string | null, clusterId = 'c1') => ({ format: 'linstor-ts/1' as const, rscName, snapName: 's', clusterId, startTimestamp: at, basedOn, volumes: {} });
  const h = historyOf([meta('r1', 100, null), meta('r1', 300, 'x'), meta('R1', 200, null), meta('r1', 900, null, 'other-cluster'), undefined, meta('r2', 50, null)], 'c1');
  t.deepEqual(h.get('R1'), { lastRun: 300, lastInc: true, lastFull: 200 });
  t.deepEqual(h.get('R2'), { lastRun: 50, lastInc: false, lastFull: 50 });
  t.is(h.size, 2);
});
