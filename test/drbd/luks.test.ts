import test from 'ava';
import type { DesiredResource } from '../../core/model/satellite-protocol.js';
import type { CommandRunner } from '../../core/exec/index.js';
import { LuksLayer, cryptsetup } from '../../core/satellite/layers/luks/index.js';
import type { LayerVolume } from '../../core/satellite/layers/layer.js';
import { loopDevice, runner, suffix, tempDir } from './cluster.js';

/** Records each command and the stdin it got, then runs it for real. */
function recording(): CommandRunner & { calls: Array<{ argv: string[]; input?: string }> } {
  const calls: Array<{ argv: string[]; input?: string }> = [];
  return { calls, run: (argv, o) => { calls.push({ argv: [...argv], input: o?.input }); return runner.run(argv, o); } };
}

function encrypted(name: string, key?: string): DesiredResource {
  return {
    name, layerStack: ['LUKS', 'STORAGE'], flags: [], props: {},
    volumes: [{ volumeNumber: 0, sizeKib: 32768, storagePool: 'pool', props: {}, ...(key ? { luks: { key } } : {}) }],
  };
}

const FAST_KDF = ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'];

test('an encrypted volume is luksFormat-ed for real on a loop device, and open is recorded as a dry run (no device-mapper here)', async (t) => {
  const dir = await tempDir(t, 'luks');
  const dev = await loopDevice(t, dir, 64);
  const run = recording();
  const layer = new LuksLayer({ runner: run, dryRun: true, formatArgs: FAST_KDF });
  const name = `enc-${suffix()}`;
  const lower = new Map<number, LayerVolume>([[0, { volumeNumber: 0, devicePath: dev, diskState: 'UpToDate', usableSizeKib: 65536 }]]);
  const res = await layer.apply({ resource: encrypted(name, 'correct horse'), state: { nodeName: 'a', props: {}, storagePools: [], resources: [] }, lower, sizesKib: new Map() });

  t.is(res.volumes.get(0)!.devicePath, `/dev/mapper/${name}_00000`);
  t.is(res.volumes.get(0)!.usableSizeKib, 65536 - 16384);
  t.true(res.dryRun);
  // The real header is there and the key opens it (cryptsetup's own check, no device-mapper needed).
  await t.notThrowsAsync(runner.run(cryptsetup.isLuks(dev)));
  await t.notThrowsAsync(runner.run(cryptsetup.testPassphrase(dev), { input: 'correct horse' }));
  await t.throwsAsync(runner.run(cryptsetup.testPassphrase(dev), { input: 'wrong' }));
  // The key went over stdin only, never into an argv.
  const format = run.calls.find((c) => c.argv.includes('luksFormat'))!;
  t.is(format.input, 'correct horse');
  t.false(run.calls.some((c) => c.argv.some((a) => a.includes('correct horse'))));
  t.deepEqual(layer.plans.get(name)!.map((a) => a.join(' ')), [
    `cryptsetup status ${name}_00000`,
    `cryptsetup open --type luks --key-file - ${dev} ${name}_00000`,
  ]);

  // Applying again does not format again: the LUKS header is found.
  const before = run.calls.length;
  await layer.apply({ resource: encrypted(name, 'correct horse'), state: { nodeName: 'a', props: {}, storagePools: [], resources: [] }, lower, sizesKib: new Map() });
  t.false(run.calls.slice(before).some((c) => c.argv.includes('luksFormat')));
});

test('close and resize of an encrypted volume are recorded as dry runs (no device-mapper here)', async (t) => {
  const layer = new LuksLayer({ runner, dryRun: true });
  const name = `enc-${suffix()}`;
  const rsc = encrypted(name, 'k');
  await layer.resize(rsc, 0);
  await layer.remove(name, { resources: [rsc] });
  t.deepEqual(layer.plans.get(name)!.map((a) => a.join(' ')), [
    `cryptsetup resize --key-file - ${name}_00000`,
    `cryptsetup close ${name}_00000`,
  ]);
});

test('an encrypted volume without its key says to enter the master passphrase', async (t) => {
  const layer = new LuksLayer({ runner, dryRun: true });
  const lower = new Map<number, LayerVolume>([[0, { volumeNumber: 0, devicePath: '/dev/null', diskState: 'UpToDate' }]]);
  await t.throwsAsync(layer.apply({ resource: encrypted('nokey'), state: { nodeName: 'a', props: {}, storagePools: [], resources: [] }, lower, sizesKib: new Map() }),
    { message: /No encryption key/ });
});
