import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderKind } from '../../core/model/types.js';
import { LocalRunner } from '../../core/exec/index.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import { loopDevicesUnder, makeTempDir, removeTempDir } from '../helpers/satellite.js';

const runner = new LocalRunner();

function provider(kind: ProviderKind, dir: string) {
  return createProvider({ runner, pool: { name: 'pool1', providerKind: kind, props: { 'StorDriver/FileDir': dir } } });
}

function blockdevBytes(dev: string): number {
  return Number(spawnSync('blockdev', ['--getsize64', dev], { encoding: 'utf8' }).stdout.trim());
}

for (const kind of ['FILE', 'FILE_THIN'] as const) {
  test(`${kind}: a volume is a writable loop device that grows while open and is freed on delete`, async (t) => {
    const dir = makeTempDir();
    t.teardown(() => removeTempDir(dir));
    const p = provider(kind, dir);

    const vol = await p.create('res1_00000', 20 * 1024);
    t.regex(vol.devicePath ?? '', /^\/dev\/loop\d+$/);
    t.is(vol.usableSizeKib, 20 * 1024);
    t.is(blockdevBytes(vol.devicePath!), 20 * 1024 * 1024);
    const file = join(dir, 'res1_00000.img');
    if (kind === 'FILE') t.true(statSync(file).blocks * 512 >= 20 * 1024 * 1024, 'thick file is fully allocated');
    else t.true(statSync(file).blocks * 512 < 1024 * 1024, 'thin file is sparse');

    const dd = spawnSync('dd', ['if=/dev/urandom', `of=${vol.devicePath}`, 'bs=1M', 'count=4', 'oflag=direct'], { encoding: 'utf8' });
    t.is(dd.status, 0, dd.stderr);
    if (kind === 'FILE_THIN') t.true((await p.listVolumes())[0]!.allocatedSizeKib >= 4 * 1024, 'written blocks are allocated');

    // Creating again is a no-op that returns the same device.
    t.is((await p.create('res1_00000', 20 * 1024)).devicePath, vol.devicePath);

    const fd = openSync(vol.devicePath!, 'r+'); // the device stays open while it grows
    try {
      const grown = await p.resize('res1_00000', 48 * 1024);
      t.is(grown.usableSizeKib, 48 * 1024);
      t.is(blockdevBytes(vol.devicePath!), 48 * 1024 * 1024);
    } finally {
      closeSync(fd);
    }

    t.deepEqual((await p.listVolumes()).map((v) => [v.name, v.devicePath]), [['res1_00000', vol.devicePath]]);
    await p.delete('res1_00000');
    t.false(existsSync(file));
    t.deepEqual(loopDevicesUnder(dir), [], 'no loop device is left');
    await p.delete('res1_00000'); // deleting twice is fine
    t.is(await p.devicePath('res1_00000'), undefined);
  });
}

test('FILE_THIN: a mounted xfs filesystem on a volume keeps its data and grows online with the volume', async (t) => {
  const dir = makeTempDir();
  const mnt = makeTempDir('sat-mnt-');
  t.teardown(() => { spawnSync('umount', [mnt]); removeTempDir(dir); removeTempDir(mnt); });
  const p = provider('FILE_THIN', dir);
  const dev = (await p.create('web_00000', 320 * 1024)).devicePath!;
  t.is(spawnSync('mkfs.xfs', ['-q', dev]).status, 0);
  t.is(spawnSync('mount', [dev, mnt]).status, 0);
  mkdirSync(join(mnt, 'data'));
  const before = statfsKib(mnt);
  await p.resize('web_00000', 640 * 1024);
  const r = spawnSync('xfs_growfs', [mnt], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.true(statfsKib(mnt) > before * 1.8, 'the mounted filesystem is about twice as big');
  t.true(existsSync(join(mnt, 'data')));
  t.is(spawnSync('umount', [mnt]).status, 0);
  await p.delete('web_00000');
  t.deepEqual(loopDevicesUnder(dir), []);
});

function statfsKib(path: string): number {
  const s = statfsSync(path);
  return (s.blocks * s.bsize) / 1024;
}

test('FILE_THIN: pool capacity is the free and total space of the directory\'s filesystem', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const cap = await provider('FILE_THIN', dir).capacity();
  const df = spawnSync('df', ['-k', '--output=size,avail', dir], { encoding: 'utf8' }).stdout.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
  t.is(cap.totalCapacityKib, df[0]!);
  t.true(Math.abs(cap.freeCapacityKib - df[1]!) < 64 * 1024, 'free space matches df (within what other tests write meanwhile)');
});

test('FILE: a volume larger than the free space fails with a clear error and leaves no device', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const p = provider('FILE', dir);
  const free = (await p.capacity()).freeCapacityKib;
  const e = await t.throwsAsync(p.create('huge_00000', free + 1024 * 1024));
  t.is((e as { rc?: string }).rc, 'FAIL_NOT_ENOUGH_FREE_SPACE');
  t.regex(e!.message, /Not enough free space in storage pool 'pool1'/);
  t.deepEqual(loopDevicesUnder(dir), []);
});

test('FILE: a pool whose directory is missing reports a configuration error naming the directory', async (t) => {
  const e = await t.throwsAsync(provider('FILE', '/nonexistent/pool-dir').capacity());
  t.is((e as { rc?: string }).rc, 'FAIL_STOR_POOL_CONFIGURATION_ERROR');
  t.regex(e!.message, /\/nonexistent\/pool-dir/);
});
