import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LocalRunner } from '../../core/exec/index.js';
import { listPhysicalDevices } from '../../core/satellite/physical/physical-storage.js';
import { makeTempDir, removeTempDir } from '../helpers/satellite.js';

function loopOn(dir: string, name: string, size: string): string {
  const img = join(dir, name);
  spawnSync('truncate', ['-s', size, img]);
  return spawnSync('losetup', ['--find', '--show', img], { encoding: 'utf8' }).stdout.trim();
}

test('physical-storage list offers blank devices over 1 GiB and skips small ones and ones with a filesystem (real lsblk, blkid)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const blank = loopOn(dir, 'blank.img', '2G');
  const small = loopOn(dir, 'small.img', '512M');
  const withFs = loopOn(dir, 'fs.img', '2G');
  t.is(spawnSync('mkfs.ext4', ['-q', withFs]).status, 0);
  const devices = await listPhysicalDevices(new LocalRunner());
  const names = devices.map((d) => d.device);
  t.true(names.includes(blank), `${blank} is offered`);
  t.false(names.includes(small), 'a device of 1 GiB or less is not offered');
  t.false(names.includes(withFs), 'a device with a filesystem signature is not offered');
  const d = devices.find((x) => x.device === blank)!;
  t.is(d.sizeBytes, 2 * 1024 ** 3);
  t.is(typeof d.rotational, 'boolean');
});
