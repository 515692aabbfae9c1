import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../../exec/index.js';

/** One attached loop device as `losetup --json --list` shows it. */
export interface LoopDevice {
  device: string;
  backFile: string;
  /** The backing file was unlinked while attached (losetup appends " (deleted)"). */
  deleted: boolean;
}

export async function listLoopDevices(runner: CommandRunner, timeoutMs?: number): Promise<LoopDevice[]> {
  const { stdout } = await runner.run(['losetup', '--json', '--list'], { timeoutMs, quiet: true });
  if (stdout.trim() === '') return []; // losetup prints nothing when no loop device is attached
  const parsed = JSON.parse(stdout) as { loopdevices?: Array<{ name: string; 'back-file'?: string | null }> };
  return (parsed.loopdevices ?? []).map((l) => {
    const raw = l['back-file'] ?? '';
    const deleted = raw.endsWith(' (deleted)');
    return { device: l.name, backFile: deleted ? raw.slice(0, -' (deleted)'.length) : raw, deleted };
  });
}

/** Loop devices whose backing file is `file` (by inode, via `losetup -j`). */
export async function loopDevicesOf(runner: CommandRunner, file: string, timeoutMs?: number): Promise<string[]> {
  const { stdout } = await runner.run(['losetup', '-j', file], { timeoutMs, quiet: true });
  return stdout.split('\n').map((l) => /^(\/dev\/loop\d+):/.exec(l)?.[1]).filter((d): d is string => d !== undefined);
}

export async function attachLoop(runner: CommandRunner, file: string, timeoutMs?: number): Promise<string> {
  const { stdout } = await runner.run(['losetup', '--find', '--show', file], { timeoutMs });
  return stdout.trim();
}

export async function detachLoop(runner: CommandRunner, device: string, timeoutMs?: number): Promise<void> {
  try {
    await runner.run(['losetup', '-d', device], { timeoutMs });
  } catch (e) {
    // Already detached by someone else (or autoclear): the goal is reached.
    if (!/No such device|No such device or address|not a block device/i.test((e as { stderr?: string }).stderr ?? '')) throw e;
  }
}

/**
 * The node's loop devices, listed once and then kept up to date by the attaches and detaches
 * the satellite makes itself: with 1,000 devices attached, `losetup --list` or `losetup -j`
 * takes ~200 ms, too much to run for every volume. `refresh()` (the consistency check) lists
 * again, which is how devices detached behind the satellite's back are noticed.
 * Without `cached`, every question runs losetup, as a provider used on its own does.
 */
export class LoopInventory {
  private devices: Promise<Map<string, LoopDevice>> | undefined;
  constructor(private readonly runner: CommandRunner, private readonly cached = true) {}

  refresh(): void {
    this.devices = undefined;
  }

  async list(timeoutMs?: number): Promise<LoopDevice[]> {
    if (!this.cached) return listLoopDevices(this.runner, timeoutMs);
    return [...(await this.table(timeoutMs)).values()];
  }

  /** Devices attached to `file` (a file replaced meanwhile shows up as deleted, not here). */
  async devicesOf(file: string, timeoutMs?: number): Promise<string[]> {
    if (!this.cached) return loopDevicesOf(this.runner, file, timeoutMs);
    return [...(await this.table(timeoutMs)).values()].filter((l) => l.backFile === file && !l.deleted).map((l) => l.device);
  }

  async attach(file: string, timeoutMs?: number): Promise<string> {
    const device = await attachLoop(this.runner, file, timeoutMs);
    if (this.cached && this.devices) (await this.devices).set(device, { device, backFile: file, deleted: false });
    return device;
  }

  async detach(device: string, timeoutMs?: number): Promise<void> {
    await detachLoop(this.runner, device, timeoutMs);
    if (this.cached && this.devices) (await this.devices).delete(device);
  }

  private table(timeoutMs?: number): Promise<Map<string, LoopDevice>> {
    if (!this.devices) {
      const p = listLoopDevices(this.runner, timeoutMs).then((ls) => new Map(ls.map((l) => [l.device, l] as const)));
      // A failed listing is not cached: the next question tries again.
      p.catch(() => { if (this.devices === p) this.devices = undefined; });
      this.devices = p;
    }
    return this.devices;
  }
}

/**
 * After `losetup -d`, a device still opened by someone (udev's probe after an unmount) is only
 * marked to detach when the last opener closes. Wait a little for it to go, so a delete that
 * returned really freed the device; a device still held after that is left to the kernel.
 */
export async function waitDetached(device: string, file: string, waitMs = 3000): Promise<boolean> {
  const m = /^\/dev\/(loop\d+)$/.exec(device);
  if (!m) return true;
  const backing = `/sys/block/${m[1]}/loop/backing_file`;
  for (const end = Date.now() + waitMs; ;) {
    const now = (await readFile(backing, 'utf8').catch(() => '')).trim().replace(/ \(deleted\)$/, '');
    if (now !== file) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
