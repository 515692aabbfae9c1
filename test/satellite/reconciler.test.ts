import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { DesiredNodeState, DesiredResource, DesiredVolume } from '../../core/model/satellite-protocol.js';
import { LocalRunner } from '../../core/exec/index.js';
import type { Layer, LayerApplyInput, LayerResult } from '../../core/satellite/layers/layer.js';
import { LayerRegistry } from '../../core/satellite/layers/registry.js';
import { AppliedVersions, ResourceQueue } from '../../core/satellite/reconciler/resource-queue.js';
import { Reconciler } from '../../core/satellite/reconciler/reconciler.js';
import { fileThinPool, loopDevicesUnder, makeTempDir, removeTempDir, storageResource } from '../helpers/satellite.js';

const log = pino({ level: 'silent' });

function reconciler(layers = new LayerRegistry()): Reconciler {
  return new Reconciler({ runner: new LocalRunner(log), log, layers });
}

const stateOf = (dir: string, resources: DesiredResource[]): DesiredNodeState =>
  ({ nodeName: 'n1', props: {}, storagePools: [fileThinPool('pool', dir)], resources });

test('volumes in a pool that nobody wants any more are removed, with their loop devices; foreign files stay', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  writeFileSync(join(dir, 'notes.txt'), 'not ours');
  // The folder is the pool's (its marker says so), so files named like its volumes are its own.
  writeFileSync(join(dir, '.linstor-pool'), JSON.stringify({ pool: 'pool', node: 'n1' }));
  spawnSync('truncate', ['-s', '4M', join(dir, 'ghost_00000.img')]);
  spawnSync('losetup', ['--find', '--show', join(dir, 'ghost_00000.img')]);
  spawnSync('truncate', ['-s', '4M', join(dir, 'stale_00003.img')]);
  spawnSync('losetup', ['--find', '--show', join(dir, 'stale_00003.img')]);
  unlinkSync(join(dir, 'stale_00003.img')); // a crash between rm and losetup -d

  const report = await reconciler().apply(stateOf(dir, [storageResource('keep', 'pool', [4096])]));
  t.true(report.resources[0]!.ready);
  t.false(existsSync(join(dir, 'ghost_00000.img')));
  t.true(existsSync(join(dir, 'notes.txt')));
  t.deepEqual(loopDevicesUnder(dir).map((l) => l.backFile), [join(dir, 'keep_00000.img')]);
});

test('a volume in a pool the satellite does not know fails that resource only, with a clear error', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const report = await reconciler().apply(stateOf(dir, [storageResource('lost', 'nopool', [4096]), storageResource('fine', 'pool', [4096])]));
  t.regex(report.resources.find((r) => r.name === 'lost')!.error!.message, /Storage pool 'nopool'/);
  t.true(report.resources.find((r) => r.name === 'fine')!.ready);
});

/** Stand-in for the DRBD layer (implemented elsewhere): records the walk the reconciler makes. */
class RecordingUpperLayer implements Layer {
  readonly kind = 'DRBD' as const;
  readonly calls: string[] = [];
  private readonly present = new Set<string>();
  async supported() { return { supported: true, reasons: [] }; }
  async prepare({ resource }: { resource: DesiredResource }) { this.calls.push(`prepare ${resource.name}`); }
  lowerSizeKib(_r: DesiredResource, _v: DesiredVolume, usableKib: number) { return usableKib + 1024; }
  async apply({ resource, lower, sizesKib }: LayerApplyInput): Promise<LayerResult> {
    this.calls.push(`apply ${resource.name} on ${[...lower.values()].map((l) => l.devicePath).join(',')}`);
    this.present.add(resource.name);
    return { volumes: new Map([...lower].map(([nr, l]) => [nr, { volumeNumber: nr, devicePath: `/dev/drbd${1000 + nr}`, backingDevice: l.devicePath, usableSizeKib: sizesKib.get(nr), diskState: 'UpToDate' }])) };
  }
  async remove(name: string) { this.calls.push(`remove ${name}`); this.present.delete(name); }
  async listResources() { return [...this.present]; }
}

test('a layer above STORAGE gets the lower device paths, asks for its overhead, and is removed first (stand-in DRBD layer)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const layers = new LayerRegistry();
  const upper = new RecordingUpperLayer();
  layers.register(upper);
  const rec = reconciler(layers);
  const rsc = storageResource('rep', 'pool', [4096], { layerStack: ['DRBD', 'STORAGE'] });
  const report = await rec.apply(stateOf(dir, [rsc]));
  const v = report.resources[0]!.volumes[0]!;
  t.is(v.devicePath, '/dev/drbd1000');
  t.is(v.usableSizeKib, 4096);
  t.deepEqual(v.layers?.map((l) => [l.type, l.usableSizeKib]), [['DRBD', 4096], ['STORAGE', 5120]], 'storage is bigger by the layer\'s overhead');
  t.regex(upper.calls[1]!, /^apply rep on \/dev\/loop\d+$/);
  t.is(upper.calls[0], 'prepare rep');

  await rec.apply(stateOf(dir, [])); // no longer desired: the upper layer is torn down, then storage
  t.is(upper.calls.at(-1), 'remove rep');
  t.deepEqual(loopDevicesUnder(dir), []);
});

test('resource runs: at most N at once, never twice at once for one resource, a slow one does not hold up the others', async (t) => {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  let release!: () => void;
  const slow = new Promise<void>((r) => { release = r; });
  const queue = new ResourceQueue(2, async (name) => {
    running++; peak = Math.max(peak, running);
    log.push(`start ${name}`);
    await (name === 'slow' ? slow : new Promise((r) => setTimeout(r, 10)));
    log.push(`end ${name}`);
    running--;
  });
  for (const n of ['slow', 'a', 'b', 'c', 'c', 'c']) queue.schedule(n);
  const deadline = Date.now() + 10_000;
  while (!log.includes('end c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  t.deepEqual(log.filter((l) => l.startsWith('end')), ['end a', 'end b', 'end c'], 'the others finished while the slow one runs');
  queue.schedule('slow'); // asked again while it runs: once more afterwards
  release();
  await queue.idle();
  t.is(peak, 2);
  t.is(log.filter((l) => l === 'start c').length, 1, 'asked three times while waiting, run once');
  t.is(log.filter((l) => l === 'start slow').length, 2);
  t.true(log.indexOf('start slow', 1) > log.indexOf('end slow'), 'never twice at once');
});

test('an exclusive run waits for the resources in progress and holds new ones back', async (t) => {
  const log: string[] = [];
  const queue = new ResourceQueue(4, async (name) => { log.push(`start ${name}`); await new Promise((r) => setTimeout(r, 30)); log.push(`end ${name}`); });
  queue.schedule('a');
  const ex = queue.exclusive(async () => { log.push('sweep'); });
  queue.schedule('b');
  await ex;
  await queue.idle();
  t.deepEqual(log, ['start a', 'end a', 'sweep', 'start b', 'end b']);
});

test('the watermark moves past a message only when every resource it changed is applied', (t) => {
  const v = new AppliedVersions();
  v.expect(10, ['a', 'b']);
  v.expect(11, ['c']);
  t.is(v.watermark, 0);
  t.false(v.finished('c', v.startVersion('c')), 'c is done but message 10 is not');
  t.false(v.finished('a', 10));
  v.expect(12, ['b']);
  t.true(v.finished('b', 10), 'message 10 and the message 11 after it are done');
  t.is(v.watermark, 11, 'b ran for 10, not yet for 12');
  t.true(v.finished('b', 12));
  t.is(v.watermark, 12);
  v.expect(13, []);
  t.is(v.watermark, 13, 'a message that changed nothing is applied at once');
});
