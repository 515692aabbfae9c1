import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { DesiredStoragePool } from '../../core/model/satellite-protocol.js';
import { LocalRunner, RecordedRunner } from '../../core/exec/index.js';
import { createDevicePool, planDevicePool } from '../../core/satellite/physical/physical-storage.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import { makeTempDir, randomSuffix, removeTempDir } from '../helpers/satellite.js';

const noDeviceNode = async (): Promise<void> => { /* no device-mapper here: the LV's device node never appears */ };

function lvmPool(kind: 'LVM' | 'LVM_THIN', storPoolName: string, extra: Record<string, string> = {}): DesiredStoragePool {
  return { name: 'lvmpool', providerKind: kind, props: { 'StorDriver/StorPoolName': storPoolName, ...extra } };
}

test('LVM: a volume group made by create-device-pool on a real loop device reports its real capacity (real pvcreate, vgcreate, vgs)', async (t) => {
  const dir = makeTempDir();
  const vg = `vg_sat_${randomSuffix()}`;
  const img = join(dir, 'pv.img');
  spawnSync('truncate', ['-s', '256M', img]);
  const loop = spawnSync('losetup', ['--find', '--show', img], { encoding: 'utf8' }).stdout.trim();
  t.teardown(() => {
    spawnSync('vgremove', ['-f', vg]);
    spawnSync('pvremove', ['-ff', '-y', loop]);
    spawnSync('losetup', ['-d', loop]);
    removeTempDir(dir);
  });
  const runner = new LocalRunner();
  const plan = await createDevicePool(runner, { providerKind: 'LVM', poolName: vg, devicePaths: [loop] });
  t.is(plan.storPoolName, vg);

  const cap = await createProvider({ runner, pool: lvmPool('LVM', vg) }).capacity();
  const real = spawnSync('vgs', ['--noheadings', '--units', 'k', '--nosuffix', '-o', 'vg_size,vg_free', vg], { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } });
  const [size, free] = real.stdout.trim().split(/\s+/).map((x) => Math.floor(Number(x)));
  t.is(cap.totalCapacityKib, size!);
  t.is(cap.freeCapacityKib, free!);
  t.true(cap.totalCapacityKib > 240 * 1024 && cap.totalCapacityKib <= 256 * 1024);
  t.deepEqual(await createProvider({ runner, pool: lvmPool('LVM', vg) }).listVolumes(), [], 'real lvs on the empty VG lists nothing');
});

test('LVM: lvcreate with StorDriver/LvcreateOptions, then grow and delete (command construction, recorded lvs output)', async (t) => {
  const runner = new RecordedRunner([
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '' },
    { argv: ['lvcreate', '--size', '102400k', '-n', 'res1_00000', '-y', '--wipesignatures', 'y', '--stripes', '2', 'vg_test'], stdout: '  Logical volume "res1_00000" created.\n' },
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '  res1_00000;/dev/vg_test/res1_00000;102400.00;vg_test;;;-wi-a-----\n  other;/dev/vg_test/other;4096.00;vg_test;;;-wi-a-----\n' },
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '  res1_00000;/dev/vg_test/res1_00000;102400.00;vg_test;;;-wi-a-----\n' },
    { argv: ['lvresize', '--size', '204800k', 'vg_test/res1_00000'], stdout: '  Logical volume vg_test/res1_00000 successfully resized.\n' },
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '  res1_00000;/dev/vg_test/res1_00000;204800.00;vg_test;;;-wi-a-----\n' },
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '  res1_00000;/dev/vg_test/res1_00000;204800.00;vg_test;;;-wi-a-----\n' },
    { argv: ['lvremove', '-f', 'vg_test/res1_00000'], stdout: '  Logical volume "res1_00000" successfully removed.\n' },
  ]);
  const p = createProvider({ runner, waitForDevice: noDeviceNode, pool: lvmPool('LVM', 'vg_test', { 'StorDriver/LvcreateOptions': '--stripes 2' }) });
  const v = await p.create('res1_00000', 100 * 1024);
  t.deepEqual(v, { name: 'res1_00000', devicePath: '/dev/vg_test/res1_00000', allocatedSizeKib: 102400, usableSizeKib: 102400 });
  t.is((await p.resize('res1_00000', 200 * 1024)).usableSizeKib, 204800);
  await p.delete('res1_00000');
  t.deepEqual(runner.commandLines().filter((c) => !c.startsWith('lvs')), [
    'lvcreate --size 102400k -n res1_00000 -y --wipesignatures y --stripes 2 vg_test',
    'lvresize --size 204800k vg_test/res1_00000',
    'lvremove -f vg_test/res1_00000',
  ]);
  t.true(runner.calls.filter((c) => c[0] === 'lvs').every((c) => c.join(' ') === 'lvs -o lv_name,lv_path,lv_size,vg_name,pool_lv,data_percent,lv_attr --separator ; --noheadings --units k --nosuffix vg_test'));
});

test('LVM_THIN: thin volumes in vg/thinpool, capacity from the thin pool\'s data usage (command construction, recorded lvs output)', async (t) => {
  const lvsOut = '  res1_00000;/dev/vg_test/res1_00000;102400.00;vg_test;thinpool;25.00;Vwi-a-tz--\n'
    + '  thick_00000;/dev/vg_test/thick_00000;4096.00;vg_test;;;-wi-a-----\n'
    + '  thinpool;;1048576.00;vg_test;;12.50;twi-aotz--\n';
  const runner = new RecordedRunner([
    { argv: (a) => a[0] === 'lvs', once: true, stdout: '  thinpool;;1048576.00;vg_test;;12.50;twi-aotz--\n' },
    { argv: ['lvcreate', '--virtualsize', '102400k', '--thinpool', 'thinpool', '-n', 'res1_00000', '-y', 'vg_test'], stdout: '  Logical volume "res1_00000" created.\n' },
    { argv: (a) => a[0] === 'lvs', stdout: lvsOut },
  ]);
  const p = createProvider({ runner, waitForDevice: noDeviceNode, pool: lvmPool('LVM_THIN', 'vg_test/thinpool') });
  const v = await p.create('res1_00000', 100 * 1024);
  t.is(v.devicePath, '/dev/vg_test/res1_00000');
  t.is(v.usableSizeKib, 102400);
  t.is(v.allocatedSizeKib, 25600, 'allocated is data_percent of the virtual size');
  t.deepEqual(await p.capacity(), { totalCapacityKib: 1048576, freeCapacityKib: 917504 });
  t.deepEqual((await p.listVolumes()).map((x) => x.name), ['res1_00000'], 'only thin volumes of this thin pool, not the thick LV or the pool itself');
  t.true(p.supportsSnapshots);
});

test('LVM_THIN: a StorPoolName without a thin pool is a configuration error that says how to fix it', async (t) => {
  const p = createProvider({ runner: new RecordedRunner(), pool: lvmPool('LVM_THIN', 'vg_test') });
  const e = await t.throwsAsync(p.capacity());
  t.is((e as { rc?: string }).rc, 'FAIL_STOR_POOL_CONFIGURATION_ERROR');
  t.regex(e!.message, /volumegroup\/thinpool/);
});

test('create-device-pool builds the commands LINSTOR runs for LVM, LVM_THIN and ZFS (command construction)', (t) => {
  t.deepEqual(planDevicePool({ providerKind: 'LVM', poolName: 'data', devicePaths: ['/dev/sdb', '/dev/sdc'] }), {
    storPoolName: 'data', commands: [['pvcreate', '/dev/sdb', '/dev/sdc'], ['vgcreate', 'data', '/dev/sdb', '/dev/sdc']],
  });
  t.deepEqual(planDevicePool({ providerKind: 'LVM_THIN', poolName: 'thin', devicePaths: ['/dev/sdb'] }), {
    storPoolName: 'linstor_thin/thin',
    commands: [['pvcreate', '/dev/sdb'], ['vgcreate', 'linstor_thin', '/dev/sdb'], ['lvcreate', '-l', '100%FREE', '-T', 'linstor_thin/thin']],
  });
  t.deepEqual(planDevicePool({ providerKind: 'ZFS_THIN', poolName: 'tank', devicePaths: ['/dev/sdb'] }).commands, [['zpool', 'create', '-f', 'tank', '/dev/sdb']]);
  t.throws(() => planDevicePool({ providerKind: 'LVM', poolName: 'bad name;rm', devicePaths: ['/dev/sdb'] }), { message: /not valid/ });
  t.throws(() => planDevicePool({ providerKind: 'LVM', poolName: 'ok', devicePaths: ['sdb'] }), { message: /not valid/ });
});
