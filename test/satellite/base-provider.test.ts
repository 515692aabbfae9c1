/**
 * What the provider base decides once for every provider (create: restore or create empty,
 * grow what an earlier attempt left short, never create twice). LVM and ZFS run on recorded
 * tool outputs (no device-mapper, no ZFS module here); FILE runs on real files and loop devices.
 */
import test from 'ava';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../core/model/errors.js';
import type { DesiredStoragePool } from '../../core/model/satellite-protocol.js';
import { LocalRunner, RecordedRunner } from '../../core/exec/index.js';
import { restoreSource } from '../../core/satellite/providers/base-provider.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import { cleanupLoopDevices, makeTempDir, removeTempDir } from '../helpers/satellite.js';

const noDeviceNode = async (): Promise<void> => { /* recorded outputs: the device node never appears */ };
const zfsPool: DesiredStoragePool = { name: 'z', providerKind: 'ZFS_THIN', props: { 'StorDriver/StorPoolName': 'tank/ls' } };
const lvmPool: DesiredStoragePool = { name: 'l', providerKind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } };
const ZLIST = ['zfs', 'list', '-H', '-p', '-o', 'name,used,volsize', '-t', 'volume', '-r', 'tank/ls'];
const restoreProps = { RestoreFromResource: 'vm1', RestoreFromSnapshot: 's1' };
const notCreatingOrListing = (c: string) => !/^(zfs list|lvs)/.test(c);

test('the restore source is the same volume number of the resource named in the props, only when both props are set', (t) => {
  t.deepEqual(restoreSource('vm2_00001', restoreProps), { volume: 'vm1_00001', snapshot: 's1' });
  t.is(restoreSource('vm2_00001', { RestoreFromResource: 'vm1' }), undefined);
  t.is(restoreSource('not-a-volume', restoreProps), undefined);
});

test('a volume to be restored is cloned from the snapshot and never created empty (ZFS, recorded outputs)', async (t) => {
  const rec = new RecordedRunner([
    { argv: ZLIST, once: true, stdout: '' },
    { argv: ZLIST, once: true, stdout: '' }, // restoreSnapshot looks again: it is idempotent on its own
    { argv: ['zfs', 'clone', 'tank/ls/vm1_00000@s1', 'tank/ls/vm2_00000'] },
    { argv: ZLIST, stdout: 'tank/ls/vm2_00000\t8192\t10485760\n' },
  ]);
  const p = createProvider({ runner: rec, waitForDevice: noDeviceNode, pool: zfsPool });
  const v = await p.create('vm2_00000', 10240, restoreProps);
  t.is(v.devicePath, '/dev/zvol/tank/ls/vm2_00000');
  t.deepEqual(rec.commandLines().filter(notCreatingOrListing), ['zfs clone tank/ls/vm1_00000@s1 tank/ls/vm2_00000']);
});

test('a restored volume smaller than the definition asks is grown after the restore (ZFS, recorded outputs)', async (t) => {
  const rec = new RecordedRunner([
    { argv: ZLIST, once: true, stdout: '' },
    { argv: ZLIST, once: true, stdout: '' }, // restoreSnapshot looks again: it is idempotent on its own
    { argv: ['zfs', 'clone', 'tank/ls/vm1_00000@s1', 'tank/ls/vm2_00000'] },
    { argv: ZLIST, once: true, stdout: 'tank/ls/vm2_00000\t8192\t10485760\n' },
    { argv: ZLIST, once: true, stdout: 'tank/ls/vm2_00000\t8192\t10485760\n' },
    { argv: ['zfs', 'set', 'volsize=20480K', 'tank/ls/vm2_00000'] },
    { argv: ZLIST, stdout: 'tank/ls/vm2_00000\t8192\t20971520\n' },
  ]);
  const p = createProvider({ runner: rec, waitForDevice: noDeviceNode, pool: zfsPool });
  t.is((await p.create('vm2_00000', 20480, restoreProps)).usableSizeKib, 20480);
  t.deepEqual(rec.commandLines().filter(notCreatingOrListing), ['zfs clone tank/ls/vm1_00000@s1 tank/ls/vm2_00000', 'zfs set volsize=20480K tank/ls/vm2_00000']);
});

test('a restore into a pool without snapshots (thick LVM) is refused with the reason, and nothing is created (recorded outputs)', async (t) => {
  const rec = new RecordedRunner([{ argv: (a) => a[0] === 'lvs', stdout: '' }]);
  const p = createProvider({ runner: rec, waitForDevice: noDeviceNode, pool: lvmPool });
  const e = await t.throwsAsync(p.create('vm2_00000', 10240, restoreProps), { instanceOf: ApiError });
  t.is(e!.rc, 'FAIL_SNAPSHOTS_NOT_SUPPORTED');
  t.regex(e!.message, /snapshot 's1'.*'l' \(LVM\)/);
  t.deepEqual(rec.commandLines().filter(notCreatingOrListing), [], 'no lvcreate: an empty volume would pass for restored data');
});

test('a volume an interrupted attempt left smaller is grown, not created again; a complete one runs no command (LVM, recorded outputs)', async (t) => {
  const row = (kib: number) => `  vm_00000;/dev/vg0/vm_00000;${kib}.00;vg0;;;-wi-a-----\n`;
  const rec = new RecordedRunner([
    { argv: (a) => a[0] === 'lvs', once: true, stdout: row(4096) },
    { argv: (a) => a[0] === 'lvs', once: true, stdout: row(4096) },
    { argv: ['lvresize', '--size', '8192k', 'vg0/vm_00000'] },
    { argv: (a) => a[0] === 'lvs', stdout: row(8192) },
  ]);
  const p = createProvider({ runner: rec, waitForDevice: noDeviceNode, pool: lvmPool });
  t.is((await p.create('vm_00000', 8192)).usableSizeKib, 8192);
  t.is((await p.create('vm_00000', 8192)).usableSizeKib, 8192, 'the second call finds it complete');
  t.deepEqual(rec.commandLines().filter(notCreatingOrListing), ['lvresize --size 8192k vg0/vm_00000']);
});

test('a create the tool reports as done but that the pool does not list is an error, not a volume (LVM, recorded outputs)', async (t) => {
  const rec = new RecordedRunner([
    { argv: (a) => a[0] === 'lvs', stdout: '' },
    { argv: (a) => a[0] === 'lvcreate', stdout: '  Logical volume "vm_00000" created.\n' },
  ]);
  const p = createProvider({ runner: rec, waitForDevice: noDeviceNode, pool: lvmPool });
  await t.throwsAsync(p.create('vm_00000', 8192), { instanceOf: ApiError, message: /logical volume 'vg0\/vm_00000' reported success but it is not listed/ });
});

test('FILE: a restore into a thick file pool is refused and leaves no file; a short file from a crash is grown and attached (real files, loop devices)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => { cleanupLoopDevices(dir); removeTempDir(dir); });
  const p = createProvider({ runner: new LocalRunner(), pool: { name: 'f', providerKind: 'FILE', props: { 'StorDriver/FileDir': dir } } });
  await t.throwsAsync(p.create('vm2_00000', 1024, restoreProps), { message: /has no snapshots/ });
  t.deepEqual(readdirSync(dir), []);

  // The reconciler lists the (empty) pool first, which marks the folder as the pool's (.linstor-pool);
  // a crash after the first write then leaves a short file in a folder the pool owns.
  await p.listVolumes();
  writeFileSync(join(dir, 'vm_00000.img'), Buffer.alloc(512 * 1024)); // what a crash after the first write leaves
  const v = await p.create('vm_00000', 1024);
  t.is(v.usableSizeKib, 1024);
  t.regex(v.devicePath ?? '', /^\/dev\/loop\d+$/);
  t.true(existsSync(v.devicePath!));
  t.is((await p.create('vm_00000', 1024)).devicePath, v.devicePath, 'a second create keeps the same loop device');
  await p.delete('vm_00000');
});
