/** Helpers shared by the transfer actions: links in the VM folder and the resource of a VM disk. */
import { dirname } from 'node:path';
import type { Hosts } from './hosts.js';
import { diskResourceName, findDisk, showVm, type VmInfo } from './one-cli.js';
import { logInfo } from './log.js';

export async function linkOnHost(hosts: Hosts, host: string, device: string, path: string): Promise<void> {
  const r = await hosts.runner(host);
  await r.run(['mkdir', '-p', dirname(path)]);
  await r.run(['ln', '-sfn', device, path]);
  logInfo(`linked ${path} → ${device} on ${host}`);
}

/** Removes a disk link (or, for the VM folder itself, the folder). */
export async function unlinkOnHost(hosts: Hosts, host: string, path: string, folder = false): Promise<void> {
  const r = await hosts.runner(host);
  await r.run(folder ? ['rm', '-rf', path] : ['rm', '-f', path]);
}

export async function diskResource(vmId: string, diskId: number, vm?: VmInfo): Promise<{ name: string; persistent: boolean; vm: VmInfo; cdrom: boolean }> {
  const info = vm ?? await showVm(vmId);
  const disk = findDisk(info, diskId);
  return { name: diskResourceName(vmId, disk), persistent: disk.persistent || !disk.source, vm: info, cdrom: disk.type.toUpperCase() === 'CDROM' };
}

/** The disks of a VM that this driver owns (TM_MAD=linstor), with their resource names. */
export function linstorDisks(vm: VmInfo): Array<{ diskId: number; name: string }> {
  return vm.disks.filter((d) => d.tmMad === 'linstor').map((d) => ({ diskId: d.diskId, name: diskResourceName(vm.id, d) }));
}
