import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';

/**
 * Whether a block device is in use: mounted (in this satellite's mount namespace), stacked
 * under another device (a holder in sysfs: device-mapper, md, a loop on top), or used as swap.
 * Read from /proc and /sys only: opening the device with O_EXCL to probe it would make a
 * concurrent `mount` or `mkfs` fail with EBUSY. A path that is gone reads as not in use.
 *
 * One probe reads the mount table once; make a new one for each round of checks.
 */
export function inUseProbe(procRoot = '/proc', sysRoot = '/sys'): (devicePath: string) => boolean {
  let mounted: Set<string> | undefined;
  let swaps: Set<string> | undefined;
  return (devicePath) => {
    const id = deviceNumber(devicePath);
    if (!id) return false;
    mounted ??= mountedDevices(procRoot);
    if (mounted.has(id)) return true;
    if (hasHolders(sysRoot, id)) return true;
    swaps ??= swapDevices(procRoot);
    return swaps.has(realpathOr(devicePath));
  };
}

/** `MAJ:MIN` of a block device, as /proc and /sys spell it. */
export function deviceNumber(devicePath: string): string | undefined {
  try {
    const st = statSync(devicePath, { bigint: true });
    if (!st.isBlockDevice()) return undefined;
    // glibc's major()/minor() on the kernel's dev_t encoding.
    const dev = st.rdev;
    const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
    const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
    return `${major}:${minor}`;
  } catch {
    return undefined;
  }
}

function mountedDevices(procRoot: string): Set<string> {
  // mountinfo: "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw" (field 3).
  const text = readOr(`${procRoot}/self/mountinfo`);
  return new Set(text.split('\n').map((line) => line.split(' ')[2]).filter((f): f is string => !!f));
}

function hasHolders(sysRoot: string, id: string): boolean {
  try {
    return readdirSync(`${sysRoot}/dev/block/${id}/holders`).length > 0;
  } catch {
    return false;
  }
}

function swapDevices(procRoot: string): Set<string> {
  const lines = readOr(`${procRoot}/swaps`).split('\n').slice(1);
  return new Set(lines.map((l) => l.split(/\s+/)[0]).filter((f): f is string => !!f).map(realpathOr));
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
