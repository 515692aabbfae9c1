import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { DesiredNodeState, DesiredResource, DesiredVolume } from '../../core/model/satellite-protocol.js';
import { LocalRunner } from '../../core/exec/index.js';
import type { Layer, LayerApplyInput, LayerResult } from '../../core/satellite/layers/layer.js';
import { LayerRegistry } from '../../core/satellite/layers/registry.js';
import { ApplyQueue } from '../../core/satellite/reconciler/apply-queue.js';
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

test('applies run one at a time, and of several that arrive meanwhile only the latest runs', async (t) => {
  const ran: number[] = [];
  const queue = new ApplyQueue<number, number>(async (n) => { ran.push(n); await new Promise((r) => setTimeout(r, 50)); return n; });
  const results = await Promise.all([1, 2, 3, 4].map((n) => queue.submit(n)));
  t.deepEqual(ran, [1, 4]);
  t.deepEqual(results, [1, 4, 4, 4]);
});
