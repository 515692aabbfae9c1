/**
 * Data checks on the real block devices behind Cinder volumes: the satellites run on this
 * machine, so the device paths they report (loop devices over FILE_THIN files) are local.
 * Writes and reads go through `dd` with O_DIRECT, so nothing is served from a page cache.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIB = 1024 * 1024;

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { encoding: 'buffer', maxBuffer: 64 * MIB, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')}: ${stderr.toString().trim() || err.message}`));
      else res(stdout);
    });
  });
}

/** A random pattern of `mib` MiB and its sha256. */
export interface Pattern { file: string; sha256: string; mib: number; cleanup(): void }

export function makePattern(mib = 4): Pattern {
  const dir = mkdtempSync(join(tmpdir(), 'cinder-pattern-'));
  const data = randomBytes(mib * MIB);
  const file = join(dir, 'pattern.bin');
  writeFileSync(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex'), mib, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the pattern at `offsetMib` of the device and flushes it to the backing file. */
export async function writePattern(device: string, p: Pattern, offsetMib: number): Promise<void> {
  await run('dd', [`if=${p.file}`, `of=${device}`, 'bs=1M', `count=${p.mib}`, `seek=${offsetMib}`, 'oflag=direct', 'conv=fsync,notrunc', 'status=none']);
}

/** sha256 of `mib` MiB read from the device at `offsetMib`. */
export async function readSha256(device: string, offsetMib: number, mib: number): Promise<string> {
  const out = await run('dd', [`if=${device}`, 'bs=1M', `count=${mib}`, `skip=${offsetMib}`, 'iflag=direct', 'status=none']);
  return createHash('sha256').update(out).digest('hex');
}

export async function deviceBytes(device: string): Promise<number> {
  return Number((await run('blockdev', ['--getsize64', device])).toString().trim());
}
