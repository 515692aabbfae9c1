/**
 * A pool directory on a real filesystem of its own: an image file in a temp folder, attached
 * to a loop device, formatted (xfs with reflink=1, or ext4) and mounted. Teardown unmounts and
 * detaches everything, including the loop devices of volumes created inside.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLoopDevices, makeTempDir, removeTempDir } from '../helpers/satellite.js';

export interface FsPool { dir: string; fs: 'xfs' | 'ext4'; cleanup(): void }

export function makeFsPool(fs: 'xfs' | 'ext4', sizeMib = 512): FsPool {
  const base = makeTempDir(`snap-${fs}-`);
  const image = join(base, 'fs.img');
  const mnt = join(base, 'mnt');
  mkdirSync(mnt);
  must('truncate', ['-s', `${sizeMib}M`, image]);
  const dev = must('losetup', ['-f', '--show', image]).trim();
  const mkfs = fs === 'xfs' ? must('mkfs.xfs', ['-q', '-f', '-m', 'reflink=1', dev]) : must('mkfs.ext4', ['-q', '-F', dev]);
  void mkfs;
  must('mount', [dev, mnt]);
  const dir = join(mnt, 'pool');
  mkdirSync(dir);
  return {
    dir, fs,
    cleanup() {
      cleanupLoopDevices(mnt); // volumes of every pool directory on this filesystem
      // A plain umount first: a lazy one leaves the loop device busy, and it would outlive the test.
      if (spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
      spawnSync('losetup', ['-d', dev]);
      removeTempDir(base);
    },
  };
}

function must(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Writes `mib` MiB of a pattern derived from `seed` at offset 0 of a block device (O_DIRECT-free, fsync'd). */
export function writePattern(device: string, seed: string, mib: number, offsetMib = 0): void {
  const fd = openSync(device, 'r+');
  try {
    for (let i = 0; i < mib; i++) {
      const chunk = Buffer.alloc(1024 * 1024, `${seed}-${i}-`);
      writeSync(fd, chunk, 0, chunk.length, (offsetMib + i) * 1024 * 1024);
    }
  } finally { closeSync(fd); }
  spawnSync('blockdev', ['--flushbufs', device]);
}

/** sha256 of the first `mib` MiB of a block device, read after dropping its buffers. */
export function checksum(device: string, mib: number): string {
  spawnSync('blockdev', ['--flushbufs', device]);
  const fd = openSync(device, 'r');
  const h = createHash('sha256');
  const buf = Buffer.alloc(1024 * 1024);
  try {
    for (let i = 0; i < mib; i++) {
      const n = readSync(fd, buf, 0, buf.length, i * 1024 * 1024);
      h.update(buf.subarray(0, n));
    }
  } finally { closeSync(fd); }
  return h.digest('hex');
}
