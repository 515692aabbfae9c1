import test from 'ava';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner, RecordedRunner } from '../../core/exec/index.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import type { StorageProvider } from '../../core/satellite/providers/provider.js';
import { parseSnapshotVolumeName } from '../../core/satellite/providers/provider.js';
import { makeTempDir, removeTempDir } from '../helpers/satellite.js';
import { checksum, makeFsPool, writePattern } from './fs-pool.js';

const runner = new LocalRunner();
const MIB = 8;

function fileThin(dir: string): StorageProvider {
  return createProvider({ runner, pool: { name: 'pool1', providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } } });
}

for (const fs of ['xfs', 'ext4'] as const) {
  test(`FILE_THIN on ${fs}: snapshot, overwrite, restore into a new volume and roll back keep the data exactly`, async (t) => {
    const pool = makeFsPool(fs);
    t.teardown(() => pool.cleanup());
    const p = fileThin(pool.dir);
    t.is(await p.reflinkSupported!(), fs === 'xfs', 'xfs with reflink=1 shares blocks, ext4 falls back to a sparse copy');

    const vol = await p.create('data_00000', 16 * 1024);
    writePattern(vol.devicePath!, 'original', MIB);
    const original = checksum(vol.devicePath!, MIB);

    await p.createSnapshot!('data_00000', 'snap1');
    await p.createSnapshot!('data_00000', 'snap1'); // idempotent: an existing snapshot is kept
    t.true(existsSync(join(pool.dir, 'data_00000_snap1.img')));
    t.deepEqual(await p.listSnapshots!(), [{ volume: 'data_00000', snapshot: 'snap1' }]);
    // The snapshot file is not a volume: orphan cleanup must never see it.
    t.deepEqual((await p.listVolumes()).map((v) => v.name), ['data_00000']);

    writePattern(vol.devicePath!, 'overwritten', MIB);
    t.not(checksum(vol.devicePath!, MIB), original);

    const restored = await p.create('copy_00000', 16 * 1024, { RestoreFromResource: 'data', RestoreFromSnapshot: 'snap1' });
    t.is(checksum(restored.devicePath!, MIB), original, 'restored volume holds the snapshot content');
    t.is(statSync(join(pool.dir, 'copy_00000.img')).size, 16 * 1024 * 1024);

    await p.rollbackSnapshot!('data_00000', 'snap1');
    t.is(checksum(vol.devicePath!, MIB), original, 'rolled back in place: the same loop device reads the old data');
    t.true(existsSync(join(pool.dir, 'data_00000_snap1.img')), 'the snapshot survives a rollback');

    await p.delete('data_00000');
    t.deepEqual(await p.listSnapshots!(), [{ volume: 'data_00000', snapshot: 'snap1' }], 'deleting the volume keeps its snapshots');
    await p.deleteSnapshot!('data_00000', 'snap1');
    await p.deleteSnapshot!('data_00000', 'snap1');
    t.deepEqual(await p.listSnapshots!(), []);
  });
}

test('thick FILE and LVM pools have no snapshot operations and say so', (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const file = createProvider({ runner, pool: { name: 'p', providerKind: 'FILE', props: { 'StorDriver/FileDir': dir } } });
  const lvm = createProvider({ runner, pool: { name: 'p', providerKind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } } });
  for (const p of [file, lvm]) {
    t.false(p.supportsSnapshots);
    t.is(p.createSnapshot, undefined);
  }
});

test('snapshot file names split into volume and snapshot, even when the resource name has digits', (t) => {
  t.deepEqual(parseSnapshotVolumeName('res1_00000_snap1'), { volume: 'res1_00000', snapshot: 'snap1' });
  t.deepEqual(parseSnapshotVolumeName('a_00001_b_00000_s'), { volume: 'a_00001', snapshot: 'b_00000_s' });
  t.is(parseSnapshotVolumeName('res1_00000'), undefined);
});

test('LVM_THIN snapshots are thin lvcreate --snapshot, restored with -K activation (recorded output)', async (t) => {
  const lvs = (rows: string[]) => rows.map((r) => r.replace(/\|/g, ';')).join('\n');
  const rec = new RecordedRunner([
    { argv: (a) => a[0] === 'lvs', stdout: lvs(['  vm1_00000|/dev/vg0/vm1_00000|10240.00|vg0|thin|5.00|Vwi-a-tz--', '  thin||102400.00|vg0||10.00|twi-aotz--']), once: true },
    { argv: ['lvcreate', '--snapshot', '--name', 'vm1_00000_s1', 'vg0/vm1_00000'] },
    { argv: (a) => a[0] === 'lvs', stdout: lvs(['  vm1_00000_s1||10240.00|vg0|thin|5.00|Vri---tz-k']) },
    { argv: ['lvcreate', '--snapshot', '--name', 'vm2_00000', 'vg0/vm1_00000_s1'] },
    { argv: ['lvchange', '-ay', '-K', 'vg0/vm2_00000'] },
    { argv: ['lvconvert', '--merge', 'vg0/vm1_00000_s1'] },
    { argv: ['lvremove', '-f', 'vg0/vm1_00000_s1'] },
  ]);
  const p = createProvider({ runner: rec, pool: { name: 'thin', providerKind: 'LVM_THIN', props: { 'StorDriver/StorPoolName': 'vg0/thin' } } });
  t.true(p.supportsSnapshots);
  await p.createSnapshot!('vm1_00000', 's1');
  t.deepEqual(await p.listSnapshots!(), [{ volume: 'vm1_00000', snapshot: 's1' }]);
  await p.restoreSnapshot!('vm1_00000', 's1', 'vm2_00000');
  await p.deleteSnapshot!('vm1_00000', 's1');
  const cmds = rec.calls.filter((c) => c[0] !== 'lvs').map((c) => c.join(' '));
  t.deepEqual(cmds, [
    'lvcreate --snapshot --name vm1_00000_s1 vg0/vm1_00000',
    'lvcreate --snapshot --name vm2_00000 vg0/vm1_00000_s1',
    'lvchange -ay -K vg0/vm2_00000',
    'lvremove -f vg0/vm1_00000_s1',
  ]);
});

test('ZFS_THIN snapshots use zfs snapshot, clone and rollback (recorded output)', async (t) => {
  const rec = new RecordedRunner([
    { argv: ['zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', 'tank/ls'], stdout: '', once: true },
    { argv: ['zfs', 'snapshot', 'tank/ls/vm1_00000@s1'] },
    { argv: ['zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', 'tank/ls'], stdout: 'tank/ls/vm1_00000@s1\n' },
    { argv: (a) => a[0] === 'zfs' && a[1] === 'list' && a.includes('volume'), stdout: 'tank/ls/vm1_00000\t1024\t10485760\n' },
    { argv: ['zfs', 'clone', 'tank/ls/vm1_00000@s1', 'tank/ls/vm2_00000'] },
    { argv: ['zfs', 'rollback', 'tank/ls/vm1_00000@s1'] },
    { argv: ['zfs', 'destroy', 'tank/ls/vm1_00000@s1'] },
  ]);
  const p = createProvider({ runner: rec, pool: { name: 'z', providerKind: 'ZFS_THIN', props: { 'StorDriver/StorPoolName': 'tank/ls' } } });
  await p.createSnapshot!('vm1_00000', 's1');
  await p.restoreSnapshot!('vm1_00000', 's1', 'vm2_00000');
  await p.rollbackSnapshot!('vm1_00000', 's1');
  await p.deleteSnapshot!('vm1_00000', 's1');
  t.deepEqual(rec.calls.filter((c) => c[1] !== 'list').map((c) => c.join(' ')), [
    'zfs snapshot tank/ls/vm1_00000@s1',
    'zfs clone tank/ls/vm1_00000@s1 tank/ls/vm2_00000',
    'zfs rollback tank/ls/vm1_00000@s1',
    'zfs destroy tank/ls/vm1_00000@s1',
  ]);
});
