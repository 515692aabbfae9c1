import test from 'ava';
import pino from 'pino';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import { RuntimeState } from '../../core/controller/state/runtime.js';
import type { ControllerContext } from '../../core/controller/context.js';
import { desiredSnapshots } from '../../core/controller/snapshots/desired.js';
import { rollbackSnapshot } from '../../core/controller/snapshots/delete-rollback.js';
import { snapshotTable } from '../../core/controller/snapshots/common.js';
import { ApiError } from '../../core/model/errors.js';
import type { Snapshot } from '../../core/model/snapshot.js';
import type { ResourceDefinition, Resource } from '../../core/model/types.js';
import { RecordedRunner } from '../../core/exec/index.js';
import { SatelliteErrorReporter } from '../../core/satellite/errors/error-reporter.js';
import { applySnapshots } from '../../core/satellite/snapshots/apply-snapshots.js';
import type { StorageProvider } from '../../core/satellite/providers/provider.js';
import { SqliteStore } from '../../core/store/sqlite.js';

// Persistence is not under test here: an in-memory SQLite database.
const memoryStore = new SqliteStore(':memory:');
const log = pino({ level: 'silent' });

function cluster(stack: Array<'DRBD' | 'STORAGE'>, inUse: boolean) {
  const state = new ClusterState(memoryStore);
  const runtime = new RuntimeState();
  const rd: ResourceDefinition = { name: 'vm1', resourceGroup: 'DfltRscGrp', props: {}, flags: [], layerStack: stack, volumeDefinitions: [{ volumeNumber: 0, sizeKib: 1024, props: {}, flags: [], uuid: 'u' }], uuid: 'u' };
  const rsc: Resource = { name: 'vm1', nodeName: 'n1', props: {}, flags: [], layerStack: stack, volumes: { 0: { props: {}, flags: [], storagePool: 'thin' } }, createTimestamp: 1, uuid: 'u' };
  state.resourceDefinitions.setRaw('VM1', rd);
  state.resources.setRaw('VM1/N1', rsc);
  const snap: Snapshot = {
    name: 'last', resourceName: 'vm1', flags: ['SUCCESSFUL'], props: {}, sequence: 1, uuid: 's',
    volumeDefinitions: [{ volumeNumber: 0, sizeKib: 1024, props: {} }],
    nodes: [{ nodeName: 'n1', storagePools: { 0: 'thin' }, layerStack: stack, createTimestamp: 1, flags: [], props: {}, uuid: 'x' }],
  };
  snapshotTable(state).setRaw('VM1/LAST', snap);
  runtime.node('N1').status = 'ONLINE';
  runtime.resources.set('VM1/N1', { name: 'vm1', ready: true, inUse, volumes: [] });
  const ctx = { state, runtime, log, links: { waitApplied: async () => ({ offline: [], timedOut: [] }) }, clock: () => 1 } as unknown as ControllerContext;
  return { ctx, state };
}

test('rollback is refused while the resource is in use on a node, as its satellite reports', async (t) => {
  const { ctx } = cluster(['STORAGE'], true);
  const e = await t.throwsAsync(rollbackSnapshot(ctx, 'vm1', 'last'), { instanceOf: ApiError });
  t.is(e!.rc, 'FAIL_IN_USE');
  t.is(e!.message, "Resource 'vm1' is in use on node 'n1'; it cannot be rolled back to snapshot 'last'.");
});

test('a snapshot of a DRBD resource asks the node to suspend I/O around taking it; a STORAGE one does not', (t) => {
  const drbd = cluster(['DRBD', 'STORAGE'], false);
  t.deepEqual(desiredSnapshots(drbd.state, 'N1'), [{ resource: 'vm1', name: 'last', volumes: [{ volumeNumber: 0, storagePool: 'thin', sizeKib: 1024 }], take: false, suspendIo: true }]);
  const plain = cluster(['STORAGE'], false);
  t.false('suspendIo' in desiredSnapshots(plain.state, 'N1')[0]!);
  t.deepEqual(desiredSnapshots(plain.state, 'N2'), []);
});

test('taking a snapshot of a DRBD resource suspends and resumes I/O around it (dry run: no DRBD kernel module)', async (t) => {
  const taken: string[] = [];
  const provider = {
    kind: 'FILE_THIN', supportsSnapshots: true,
    listSnapshots: async () => taken.map((s) => ({ volume: 'vm1_00000', snapshot: s })),
    createSnapshot: async (_v: string, s: string) => { taken.push(s); },
    rollbackSnapshot: async () => {}, deleteSnapshot: async () => {},
  } as unknown as StorageProvider;
  const report = { name: 'vm1', ready: true, volumes: [], dryRun: true };
  const runner = new RecordedRunner();
  await applySnapshots({
    nodeName: 'n1', props: {}, storagePools: [], resources: [],
    snapshots: [{ resource: 'vm1', name: 's1', take: true, suspendIo: true, volumes: [{ volumeNumber: 0, storagePool: 'thin', sizeKib: 1024 }] }],
  }, new Map([['thin', provider]]), [report], { runner, log });
  t.deepEqual(taken, ['s1']);
  t.deepEqual((report as { snapshots?: unknown }).snapshots, [{ name: 's1', present: true, plan: ['drbdadm suspend-io vm1', 'drbdadm resume-io vm1'] }]);
  t.deepEqual(runner.calls, [], 'nothing reached drbdadm in the dry run');
});

test('a failing snapshot step writes one error report, not one per retry, and again after it worked (failing provider in memory)', async (t) => {
  let fail = true;
  const provider = {
    kind: 'FILE_THIN', supportsSnapshots: true,
    listSnapshots: async () => [],
    createSnapshot: async () => { if (fail) throw new Error('no space left for the snapshot'); },
    rollbackSnapshot: async () => {}, deleteSnapshot: async () => {},
  } as unknown as StorageProvider;
  const errors = new SatelliteErrorReporter(() => 'n1', log);
  const state = {
    nodeName: 'n1', props: {}, storagePools: [], resources: [],
    snapshots: [{ resource: 'vm1', name: 's1', take: true, volumes: [{ volumeNumber: 0, storagePool: 'thin', sizeKib: 1024 }] }],
  };
  const run = () => applySnapshots(state, new Map([['thin', provider]]), [{ name: 'vm1', ready: true, volumes: [] }], { runner: new RecordedRunner(), log, errors });
  await run();
  await run();
  t.is(errors.pending().length, 1);
  t.regex(errors.pending()[0]!.text, /Action: +take snapshot s1\n.*Resource: +vm1/s);
  t.regex(errors.pending()[0]!.exceptionMessage, /no space left/);
  fail = false;
  await run();
  fail = true;
  await run();
  t.is(errors.pending().length, 2, 'the same failure after a success is a new report');
});
