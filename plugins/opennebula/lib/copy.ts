/**
 * Moving image data on a storage node over SSH: upload the file (SFTP), convert it into the
 * resource's block device with `qemu-img convert` (or `dd` when qemu-img is missing), with
 * progress forwarded as INFO lines; also device-to-device copies and mkfs/mkswap.
 */
import { randomBytes } from 'node:crypto';
import { ExecError } from '../../../core/exec/index.js';
import type { SshRunner } from '../remote/ssh-runner.js';
import { DriverError, logInfo } from './log.js';

/** Reports every 10 % step once. */
function progressReporter(what: string): (pct: number) => void {
  let last = -10;
  return (pct) => {
    const step = Math.floor(pct / 10) * 10;
    if (step > last) { last = step; logInfo(`${what}: ${step}%`); }
  };
}

async function hasCommand(r: SshRunner, cmd: string): Promise<boolean> {
  const res = await r.run(['sh', '-c', `command -v ${cmd}`], { okExitCodes: [0, 1, 127] });
  return res.exitCode === 0;
}

/** Writes device contents from `src` on the node (qcow2, raw, vmdk ... as qemu-img knows). Returns the source format. */
export async function convertIntoDevice(r: SshRunner, src: string, device: string): Promise<string> {
  if (await hasCommand(r, 'qemu-img')) {
    const info = await r.run(['qemu-img', 'info', '--output=json', src]);
    const fmt = String((JSON.parse(info.stdout) as { format?: string }).format ?? 'raw');
    const report = progressReporter(`qemu-img convert ${fmt} → ${device}`);
    await r.stream(['qemu-img', 'convert', '-p', '-n', '-f', fmt, '-O', 'raw', src, device], {
      timeoutMs: 6 * 3600_000,
      onLine: (l) => { const m = /\(([\d.]+)\/100%\)/.exec(l); if (m) report(Number(m[1])); },
    });
    return fmt;
  }
  const report = progressReporter(`dd → ${device}`);
  let total = 0;
  try { total = Number((await r.run(['stat', '-c', '%s', src])).stdout.trim()); } catch { /* progress without percentage */ }
  await r.stream(['dd', `if=${src}`, `of=${device}`, 'bs=4M', 'conv=fsync', 'status=progress'], {
    timeoutMs: 6 * 3600_000,
    onLine: (l) => { const m = /^(\d+) bytes/.exec(l); if (m && total) report((Number(m[1]) / total) * 100); },
  });
  return 'raw';
}

/** Uploads a frontend file to the node and writes it into `device`. */
export async function importFileToDevice(r: SshRunner, localPath: string, device: string): Promise<string> {
  const tmp = `/var/tmp/one-linstor-${randomBytes(6).toString('hex')}.img`;
  const report = progressReporter(`upload to ${r.target.label ?? r.target.host}`);
  try {
    await r.upload(localPath, tmp, (done, total) => total && report((done / total) * 100));
    return await convertIntoDevice(r, tmp, device);
  } finally {
    await r.run(['rm', '-f', tmp]).catch(() => {});
  }
}

export async function copyDevice(r: SshRunner, src: string, dst: string): Promise<void> {
  await convertIntoDevice(r, src, dst);
}

/** Creates a file system (or swap) on the device; `fs` is an mkfs type such as ext4 or xfs. */
export async function makeFilesystem(r: SshRunner, device: string, fs: string): Promise<void> {
  if (!/^[a-z0-9]+$/.test(fs)) throw new DriverError(`file system type '${fs}' is invalid`, 'use FS=ext4, xfs, ... or swap');
  try {
    if (fs === 'swap') await r.run(['mkswap', device]);
    else await r.run([`mkfs.${fs}`, ...(fs.startsWith('ext') ? ['-F', '-q'] : fs === 'xfs' ? ['-f', '-q'] : []), device], { timeoutMs: 600_000 });
  } catch (e) {
    if (e instanceof ExecError && e.exitCode === 127) throw new DriverError(`mkfs.${fs} is not installed on ${r.target.label ?? r.target.host}`, `install the tools for ${fs} on the storage nodes`);
    throw e;
  }
  logInfo(`created ${fs} on ${device}`);
}
