/**
 * The satellite's in-use probe on real loop devices: mounted, stacked under another device,
 * merely opened, and after release. The probe must not open the device itself (an O_EXCL
 * probe makes a concurrent mount fail), which the last test checks by holding it O_EXCL.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceNumber, inUseProbe } from '../../core/satellite/reconciler/device-in-use.js';
import { makeTempDir, removeTempDir } from '../helpers/satellite.js';

const dir = makeTempDir('in-use-');
test.after.always(() => { spawnSync('umount', ['-l', join(dir, 'mnt')]); removeTempDir(dir); });

function loop(name: string, mib = 32): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  spawnSync('truncate', ['-s', `${mib}M`, file]);
  const r = spawnSync('losetup', ['--find', '--show', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`losetup failed: ${r.stderr}`);
  return r.stdout.trim();
}

test.serial('a mounted device is in use, and not after it is unmounted', (t) => {
  const dev = loop('fs.img');
  t.regex(deviceNumber(dev) ?? '', /^7:\d+$/);
  t.false(inUseProbe()(dev));
  t.is(spawnSync('mkfs.ext4', ['-q', dev]).status, 0);
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt, { recursive: true });
  t.is(spawnSync('mount', [dev, mnt]).status, 0);
  t.true(inUseProbe()(dev));
  t.is(spawnSync('umount', [mnt]).status, 0);
  t.false(inUseProbe()(dev));
});

// A loop device on a loop device registers no sysfs holder, and there is no device-mapper here,
// so the holders check reads a folder shaped like /sys/dev/block/MAJ:MIN/holders.
test.serial('a device with a holder in sysfs (device-mapper, md) is in use (sysfs tree in a folder: no device-mapper here)', (t) => {
  const dev = loop('held.img');
  const sys = join(dir, 'sys');
  const holders = join(sys, 'dev', 'block', deviceNumber(dev)!, 'holders');
  mkdirSync(holders, { recursive: true });
  t.false(inUseProbe('/proc', sys)(dev));
  mkdirSync(join(holders, 'dm-0'));
  t.true(inUseProbe('/proc', sys)(dev));
});

test.serial('an open that is not a mount (a reader) does not count; a missing path reads as not in use', (t) => {
  const dev = loop('reader.img');
  const fd = openSync(dev, 'r');
  try { t.false(inUseProbe()(dev)); } finally { closeSync(fd); }
  t.false(inUseProbe()(join(dir, 'no-such-device')));
  t.false(inUseProbe()(join(dir, 'reader.img')), 'a regular file is no block device');
});

test.serial('the probe never opens the device: it answers while another holder has it O_EXCL', (t) => {
  const dev = loop('excl.img');
  const fd = openSync(dev, constants.O_RDONLY | constants.O_EXCL);
  try {
    // An O_EXCL probe would see EBUSY here and say "in use"; the mount table says it is not mounted.
    t.false(inUseProbe()(dev));
  } finally { closeSync(fd); }
});
