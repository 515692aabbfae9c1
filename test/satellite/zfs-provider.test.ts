import test from 'ava';
import type { DesiredStoragePool } from '../../core/model/satellite-protocol.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LocalRunner, RecordedRunner } from '../../core/exec/index.js';
import { createProvider } from '../../core/satellite/providers/registry.js';

const noDeviceNode = async (): Promise<void> => { /* no ZFS module here: /dev/zvol never appears */ };
const pool = (kind: 'ZFS' | 'ZFS_THIN', extra: Record<string, string> = {}): DesiredStoragePool =>
  ({ name: 'zfspool', providerKind: kind, props: { 'StorDriver/StorPoolName': 'tank/linstor', ...extra } });

const LIST = ['zfs', 'list', '-H', '-p', '-o', 'name,used,volsize', '-t', 'volume', '-r', 'tank/linstor'];

test('ZFS: zfs create -V with StorDriver/ZfscreateOptions, grow with volsize, destroy (recorded output)', async (t) => {
  const runner = new RecordedRunner([
    { argv: LIST, once: true, stdout: '' },
    { argv: ['zfs', 'create', '-V', '102400K', '-o', 'volblocksize=16k', 'tank/linstor/res1_00000'] },
    { argv: LIST, once: true, stdout: 'tank/linstor/res1_00000\t106463232\t104857600\n' },
    { argv: LIST, once: true, stdout: 'tank/linstor/res1_00000\t106463232\t104857600\n' },
    { argv: ['zfs', 'set', 'volsize=204800K', 'tank/linstor/res1_00000'] },
    { argv: LIST, once: true, stdout: 'tank/linstor/res1_00000\t212860928\t209715200\n' },
    { argv: LIST, once: true, stdout: 'tank/linstor/res1_00000\t212860928\t209715200\ntank/linstor/res1_00000/child\t8192\t4096\n' },
    { argv: ['zfs', 'destroy', '-r', 'tank/linstor/res1_00000'] },
  ]);
  const p = createProvider({ runner, waitForDevice: noDeviceNode, pool: pool('ZFS', { 'StorDriver/ZfscreateOptions': '-o volblocksize=16k' }) });
  const v = await p.create('res1_00000', 100 * 1024);
  t.deepEqual(v, { name: 'res1_00000', devicePath: '/dev/zvol/tank/linstor/res1_00000', usableSizeKib: 102400, allocatedSizeKib: 103968 });
  t.is((await p.resize('res1_00000', 200 * 1024)).usableSizeKib, 204800);
  await p.delete('res1_00000');
  t.deepEqual(runner.commandLines().filter((c) => !c.startsWith('zfs list')), [
    'zfs create -V 102400K -o volblocksize=16k tank/linstor/res1_00000',
    'zfs set volsize=204800K tank/linstor/res1_00000',
    'zfs destroy -r tank/linstor/res1_00000',
  ]);
});

test('ZFS_THIN: sparse zvols (zfs create -s -V) rounded up to the volume block size (recorded output)', async (t) => {
  const runner = new RecordedRunner([
    { argv: LIST, once: true, stdout: '' },
    { argv: ['zfs', 'create', '-s', '-V', '1008K', 'tank/linstor/vm_00001'] },
    { argv: LIST, stdout: 'tank/linstor/vm_00001\t12288\t1032192\ntank/linstor/notours\t12288\t1032192\ntank/other/x_00000\t1\t1\n' },
  ]);
  const p = createProvider({ runner, waitForDevice: noDeviceNode, pool: pool('ZFS_THIN') });
  const v = await p.create('vm_00001', 1000);
  t.is(v.allocatedSizeKib, 12);
  t.is(v.usableSizeKib, 1008);
  t.deepEqual((await p.listVolumes()).map((x) => x.name), ['vm_00001'], 'only our names, only in this dataset');
});

test('ZFS: capacity is the dataset\'s available plus used space (recorded output)', async (t) => {
  const runner = new RecordedRunner([{ argv: ['zfs', 'get', '-H', '-p', '-o', 'property,value', 'available,used', 'tank/linstor'], stdout: 'available\t10737418240\nused\t1073741824\n' }]);
  t.deepEqual(await createProvider({ runner, pool: pool('ZFS') }).capacity(), { freeCapacityKib: 10485760, totalCapacityKib: 11534336 });
});

// The real probe on this machine: /sys/module/zfs and `zfs version` run for real.
(existsSync('/sys/module/zfs') ? test.skip : test)('ZFS is reported unsupported on this node, which has no ZFS module, with the reason (real probe; skipped where ZFS is loaded)', async (t) => {
  const s = await createProvider({ runner: new LocalRunner(), pool: pool('ZFS') }).supported();
  t.false(s.supported);
  t.true(s.reasons.includes('ZFS kernel module not loaded (/sys/module/zfs missing)'), s.reasons.join('; '));
  const hasZfsTool = spawnSync('zfs', ['version']).status === 0;
  t.is(s.reasons.some((r) => /'zfs' utility/.test(r)), !hasZfsTool, 'the utility is named exactly when it does not run here');
});
