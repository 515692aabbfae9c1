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
