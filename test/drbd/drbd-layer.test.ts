import test from 'ava';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredNodeState } from '../../core/model/satellite-protocol.js';
import type { CommandRunner } from '../../core/exec/index.js';
import { RecordedRunner } from '../../core/exec/index.js';
import { DrbdLayer } from '../../core/satellite/layers/drbd/index.js';
import type { LayerVolume } from '../../core/satellite/layers/layer.js';
import { asHost, loopDevice, runner, suffix, tempDir, viewOf, type TestResource } from './cluster.js';

/** Every command the layer runs, run "as" node alpha (UTS namespace) so drbdadm finds `on alpha`. */
function runnerAs(host: string): CommandRunner & { lines: string[] } {
  const lines: string[] = [];
  return { lines, run: (argv, o) => { lines.push(argv.join(' ')); return runner.run(asHost(host, [...argv]), o); } };
}

function twoNodes(kind: 'LVM' | 'LVM_THIN'): { rsc: TestResource; state: (r: TestResource) => DesiredNodeState } {
  const rsc: TestResource = {
    name: `lay-${suffix()}`, port: 7100, secret: 'pw',
    nodes: [{ name: 'alpha', nodeId: 0, address: '127.0.0.1' }, { name: 'bravo', nodeId: 1, address: '127.0.0.2' }],
    volumes: [{ volumeNumber: 0, minor: 1100, sizeKib: 32768 }],
  };
  return { rsc, state: (r) => ({ nodeName: 'alpha', props: {}, storagePools: [{ name: 'pool', providerKind: kind, props: {} }], resources: [viewOf(r, 'alpha')] }) };
}

test('dry run: apply writes the .res file, really creates DRBD metadata on a loop device, and records the adjust plan (real drbdmeta, drbdadm -d)', async (t) => {
  const dir = await tempDir(t, 'drbd-layer');
  const dev = await loopDevice(t, dir, 64);
  const { rsc, state } = twoNodes('LVM');
  const run = runnerAs('alpha');
  const layer = new DrbdLayer({ runner: run, nodeName: 'alpha', dryRun: true, resourceDir: join(dir, 'linstor.d') });
  const lower = new Map<number, LayerVolume>([[0, { volumeNumber: 0, devicePath: dev, diskState: 'UpToDate' }]]);
  const res = await layer.apply({ resource: viewOf(rsc, 'alpha'), state: state(rsc), lower, sizesKib: new Map() });

  const text = await readFile(join(dir, 'linstor.d', `${rsc.name}.res`), 'utf8');
  t.regex(text, new RegExp(`disk ${dev};`));
  t.true(res.dryRun);
  t.true(res.plan!.some((l) => l.startsWith('# executed: drbdadm') && l.includes('--max-peers=7 create-md --force')));
  t.true(res.plan!.includes(`drbdsetup attach 1100 ${dev} ${dev} internal`));
  t.true(res.plan!.includes(`drbdsetup connect ${rsc.name} 1`));
  t.is(res.volumes.get(0)!.devicePath, '/dev/drbd1100');
  // A dry run connects nothing: the peer is shown unconnected with the spec's 'Unknown' state.
  t.deepEqual(res.drbdConnections!['bravo'], { connected: false, message: 'Unknown' });
  // The metadata is really on the device: drbdmeta reads it back.
  const dump = await runner.run(asHost('alpha', ['drbdadm', '-c', join(dir, 'linstor.d', `${rsc.name}.res`), 'dump-md', `${rsc.name}/0`]));
  t.regex(dump.stdout, /max-peers 7;/);

  // A second apply finds the metadata and only adjusts (idempotent).
  const before = run.lines.length;
  const again = await layer.apply({ resource: viewOf(rsc, 'alpha'), state: state(rsc), lower, sizesKib: new Map() });
  t.false(run.lines.slice(before).some((l) => l.includes('create-md')));
  t.false(again.plan!.some((l) => l.startsWith('# executed')));
});

test('dry run: a new thin volume skips the initial sync with new-current-uuid --clear-bitmap (real drbdmeta, drbdadm -d)', async (t) => {
  const dir = await tempDir(t, 'drbd-thin');
  const dev = await loopDevice(t, dir, 64);
  const { rsc, state } = twoNodes('LVM_THIN');
  const layer = new DrbdLayer({ runner: runnerAs('alpha'), nodeName: 'alpha', dryRun: true, resourceDir: dir });
  const lower = new Map<number, LayerVolume>([[0, { volumeNumber: 0, devicePath: dev, diskState: 'UpToDate' }]]);
  const res = await layer.apply({ resource: viewOf(rsc, 'alpha'), state: state(rsc), lower, sizesKib: new Map() });
  t.is(res.plan!.at(-1), 'drbdsetup new-current-uuid 1100 --clear-bitmap');
});

test('dry run: primary, secondary, resize and down print the drbdsetup calls; remove deletes the .res file (real drbdadm -d)', async (t) => {
  const dir = await tempDir(t, 'drbd-life');
  const { rsc, state } = twoNodes('LVM_THIN');
  const layer = new DrbdLayer({ runner: runnerAs('alpha'), nodeName: 'alpha', dryRun: true, resourceDir: dir });
  const view = viewOf(rsc, 'alpha');
  await layer.writeResFile(view, { 0: { backingDevice: '/dev/vg/x_00000' } });
  t.deepEqual(await layer.primary(rsc.name, true), [`drbdsetup primary ${rsc.name} --force`]);
  t.deepEqual(await layer.secondary(rsc.name), [`drbdsetup secondary ${rsc.name}`]);
  t.deepEqual(await layer.resize(view, state(rsc), 0), ['drbdsetup resize 1100 --assume-clean', 'drbdsetup check-resize 1100']);
  t.deepEqual(await layer.listResources(), [rsc.name]);
  await layer.remove(rsc.name);
  t.deepEqual(layer.plans.get(rsc.name), [`drbdsetup down ${rsc.name}`]);
  t.false(existsSync(join(dir, `${rsc.name}.res`)));
  await t.notThrowsAsync(layer.remove(rsc.name), 'removing twice is not an error');
});

test('dry run: an INACTIVE resource goes down and keeps its .res file for the reactivation (real drbdadm -d)', async (t) => {
  const dir = await tempDir(t, 'drbd-inactive');
  const { rsc, state } = twoNodes('LVM');
  const layer = new DrbdLayer({ runner: runnerAs('alpha'), nodeName: 'alpha', dryRun: true, resourceDir: dir });
  const view = { ...viewOf(rsc, 'alpha'), flags: ['INACTIVE'] };
  await layer.writeResFile(view, { 0: { backingDevice: '/dev/vg/x_00000' } });
  await layer.deactivate({ resource: view, state: state(rsc) });
  t.deepEqual(layer.plans.get(rsc.name), [`drbdsetup down ${rsc.name}`]);
  t.true(existsSync(join(dir, `${rsc.name}.res`)), 'configuration kept');
  t.deepEqual(await layer.listResources(), [rsc.name], 'not an orphan to sweep');
});

test('a .res file drbdadm rejects never replaces the current one (real drbdadm dump)', async (t) => {
  const dir = await tempDir(t, 'drbd-bad');
  const { rsc } = twoNodes('LVM');
  rsc.nodes[1]!.nodeId = 0; // two nodes with the same node-id
  const layer = new DrbdLayer({ runner: runnerAs('alpha'), nodeName: 'alpha', dryRun: true, resourceDir: dir });
  await t.throwsAsync(layer.writeResFile(viewOf(rsc, 'alpha'), { 0: { backingDevice: '/dev/vg/x' } }), { message: /drbdadm -c .* dump/ });
  t.false(existsSync(join(dir, `${rsc.name}.res`)));
  t.false(existsSync(join(dir, `${rsc.name}.res.tmp`)));
});

// Where the module is loaded this check has nothing to observe; the recorded-output test below covers that case.
(existsSync('/proc/drbd') ? test.skip : test)('DRBD is reported unsupported on this machine with the reason "DRBD kernel module not loaded" (real drbdadm --version; skipped where DRBD is loaded)', async (t) => {
  const layer = new DrbdLayer({ runner, nodeName: 'alpha', dryRun: false, procDrbd: '/proc/drbd' });
  const s = await layer.supported();
  t.false(s.supported);
  t.deepEqual(s.reasons, ['DRBD kernel module not loaded']);
});

test('a satellite in dry-run mode offers DRBD without the kernel module and says it is a dry run', async (t) => {
  const s = await new DrbdLayer({ runner, nodeName: 'alpha', dryRun: true, procDrbd: '/nonexistent' }).supported();
  t.true(s.supported);
  t.regex(s.reasons.join(' '), /dry run/);
});

test('with a loaded module (recorded drbdadm --version output) DRBD is supported', async (t) => {
  const rec = new RecordedRunner([{ argv: ['drbdadm', '--version'], stdout: 'DRBDADM_VERSION=9.22.0\nDRBD_KERNEL_VERSION_CODE=0x090208\nDRBD_KERNEL_VERSION=9.2.8\n' }]);
  const s = await new DrbdLayer({ runner: rec, nodeName: 'a', dryRun: false, procDrbd: '/nonexistent' }).supported();
  t.deepEqual(s, { supported: true, reasons: [] });
});

test('internal metadata needs a bigger backing device: the lower size leaves room for drbdmeta (real drbdmeta on a loop device)', async (t) => {
  const dir = await tempDir(t, 'drbd-size');
  const { rsc } = twoNodes('LVM');
  const layer = new DrbdLayer({ runner, nodeName: 'alpha', dryRun: true, resourceDir: dir });
  const view = viewOf(rsc, 'alpha');
  const gross = layer.lowerSizeKib(view, view.volumes[0]!, 65536);
  t.true(gross > 65536 && gross < 65536 + 512, String(gross));
  // drbdmeta's own answer: the data area left by internal metadata on a device of that size.
  const dev = await loopDevice(t, dir, Math.ceil(gross / 1024));
  await runner.run(['drbdmeta', '--force', '1100', 'v09', dev, 'internal', 'create-md', '7']);
  const md = (await runner.run(['drbdmeta', '--force', '1100', 'v09', dev, 'internal', 'dump-md'])).stdout;
  const bmOffset = Number(/# bm_offset (\d+)/.exec(md)![1]);
  t.true(bmOffset / 1024 >= 65536, `data area ${bmOffset / 1024} KiB must hold 65536 KiB`);
});
