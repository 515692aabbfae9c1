import { ApiError } from '../../model/errors.js';
import type { DevicePoolRequest, PhysicalDevice } from '../../model/satellite-protocol.js';
import type { CommandRunner } from '../../exec/index.js';

export type { PhysicalDevice, DevicePoolRequest };

const ONE_GIB = 1024 ** 3;
const LSBLK = ['lsblk', '-J', '-b', '-p', '-o', 'NAME,SIZE,ROTA,TYPE,FSTYPE,MODEL,SERIAL,WWN,MOUNTPOINT'];

interface LsblkDevice {
  name: string;
  size: number | string;
  rota: boolean | string;
  type: string;
  fstype?: string | null;
  model?: string | null;
  serial?: string | null;
  wwn?: string | null;
  mountpoint?: string | null;
  children?: LsblkDevice[];
}

/**
 * Devices that can become a pool, with the guide's filters: larger than 1 GiB, a whole device
 * (no partitions or holders on it), no filesystem or other signature (lsblk and `blkid -p`),
 * not mounted, not a DRBD device, and not a loop device that backs one of our FILE volumes.
 */
export async function listPhysicalDevices(runner: CommandRunner): Promise<PhysicalDevice[]> {
  const { stdout } = await runner.run(LSBLK, { quiet: true });
  const parsed = JSON.parse(stdout) as { blockdevices?: LsblkDevice[] };
  const backFiles = await loopBackFiles(runner);
  const out: PhysicalDevice[] = [];
  for (const d of parsed.blockdevices ?? []) {
    const size = Number(d.size);
    if (!(size > ONE_GIB)) continue;
    if (d.type !== 'disk' && d.type !== 'loop') continue;
    if (/^\/dev\/drbd\d+$/.test(d.name)) continue;
    if (d.fstype || d.mountpoint || (d.children?.length ?? 0) > 0) continue;
    if (d.type === 'loop' && /_\d{5}\.img$/.test(backFiles.get(d.name) ?? '')) continue;
    if (await hasSignature(runner, d.name)) continue;
    out.push({
      device: d.name, sizeBytes: size, rotational: d.rota === true || d.rota === '1',
      model: d.model?.trim() || undefined, serial: d.serial?.trim() || undefined, wwn: d.wwn?.trim() || undefined,
    });
  }
  return out;
}

/** `blkid -p` probes the device itself; exit code 2 means it found no signature at all. */
async function hasSignature(runner: CommandRunner, device: string): Promise<boolean> {
  const r = await runner.run(['blkid', '-p', '-o', 'export', device], { okExitCodes: [0, 2], quiet: true });
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

async function loopBackFiles(runner: CommandRunner): Promise<Map<string, string>> {
  const r = await runner.run(['losetup', '--json', '--list'], { quiet: true }).catch(() => undefined);
  if (!r || r.stdout.trim() === '') return new Map();
  const parsed = JSON.parse(r.stdout) as { loopdevices?: Array<{ name: string; 'back-file'?: string | null }> };
  return new Map((parsed.loopdevices ?? []).map((l) => [l.name, l['back-file'] ?? '']));
}

export interface DevicePoolPlan {
  commands: string[][];
  /** StorDriver/StorPoolName a storage pool on top of it must use. */
  storPoolName: string;
}

const POOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * The commands `physical-storage create-device-pool` runs, as LINSTOR does: LVM makes a VG
 * named after the pool; LVM_THIN a VG `linstor_<pool>` with a thin pool `<pool>` filling it;
 * ZFS a zpool named after the pool.
 */
export function planDevicePool(req: DevicePoolRequest): DevicePoolPlan {
  if (!POOL_NAME.test(req.poolName) || req.poolName.length > 64) {
    throw new ApiError('FAIL_INVLD_STOR_POOL_NAME', `Pool name '${req.poolName}' is not valid for ${req.providerKind}.`, {
      correction: 'Use letters, digits, _, ., + and - only.',
    });
  }
  if (req.devicePaths.length === 0 || req.devicePaths.some((d) => !/^\/dev\/[A-Za-z0-9/_.:-]+$/.test(d))) {
    throw new ApiError('FAIL_INVLD_REQUEST', `Device paths ${JSON.stringify(req.devicePaths)} are not valid.`, {
      correction: 'Give one or more device paths under /dev as listed by physical-storage list.',
    });
  }
  const devs = req.devicePaths;
  switch (req.providerKind) {
    case 'LVM':
      return {
        storPoolName: req.poolName,
        commands: [
          ['pvcreate', ...(req.pvCreateArguments ?? []), ...devs],
          ['vgcreate', ...(req.vgCreateArguments ?? []), req.poolName, ...devs],
        ],
      };
    case 'LVM_THIN': {
      const vg = `linstor_${req.poolName}`;
      return {
        storPoolName: `${vg}/${req.poolName}`,
        commands: [
          ['pvcreate', ...(req.pvCreateArguments ?? []), ...devs],
          ['vgcreate', ...(req.vgCreateArguments ?? []), vg, ...devs],
          ['lvcreate', '-l', '100%FREE', '-T', ...(req.lvCreateArguments ?? []), `${vg}/${req.poolName}`],
        ],
      };
    }
    case 'ZFS':
    case 'ZFS_THIN':
      return {
        storPoolName: req.poolName,
        commands: [['zpool', 'create', '-f', ...(req.zpoolCreateArguments ?? []), req.poolName, ...devs]],
      };
  }
}

/** Runs the plan; stops at the first failing command (its ExecError names it and its stderr). */
export async function createDevicePool(runner: CommandRunner, req: DevicePoolRequest): Promise<DevicePoolPlan> {
  const plan = planDevicePool(req);
  for (const argv of plan.commands) await runner.run(argv);
  return plan;
}
