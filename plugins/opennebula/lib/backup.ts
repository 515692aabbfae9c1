/**
 * VM backups on a LINSTOR system datastore (tm prebackup[_live] / postbackup[_live]), with
 * the arguments of OpenNebula's TM driver spec:
 *   host:<location>/<ds id>/<vm id>  disk ids ("0:1:")  deploy_id  [backupjob id]  vm_id  ds_id
 * (oned ≥ 6.6 passes the backup job id, '-' when there is none; 6.4 did not).
 * prebackup fills `<vm folder>/backup` with `disk.<id>.0` (full, qcow2) per listed disk and
 * the VM's `vm.xml`, which the backup datastore driver then uploads; postbackup removes it.
 * A running VM's LINSTOR disks are read from LINSTOR snapshots taken together, restored into
 * temporary resources for the copy, so the VM keeps writing to its own disks meanwhile.
 */
import type { HostPath } from './args.js';
import { requireArg, vmHostPath } from './args.js';
import { tmContext } from './context.js';
import type { Hosts } from './hosts.js';
import type { OneLinstor } from './linstor.js';
import { DriverError, logInfo } from './log.js';
import type { DatastoreConfig } from './datastore-config.js';
import { diskResourceName, findDisk, showVmWithXml, type VmInfo } from './one-cli.js';

export interface BackupArgs { vmDir: HostPath; diskIds: number[]; deployId: string; vmId: string; dsId: string }

export function backupArgs(argv: string[]): BackupArgs {
  if (argv.length !== 5 && argv.length !== 6) {
    throw new DriverError(`expected 5 or 6 arguments (host:vm_folder disk_ids deploy_id [backupjob_id] vm_id ds_id), got ${argv.length}`,
      'run the action as oned\'s transfer manager does');
  }
  const vmId = requireArg(argv, argv.length - 2, 'vm id');
  const dsId = requireArg(argv, argv.length - 1, 'datastore id');
  const vmDir = vmHostPath(argv[0], '$1 (host:vm folder)', vmId);
  if (/\/disk\.\d+$/.test(vmDir.path)) throw new DriverError(`$1 '${argv[0]}' names a disk, not the VM folder`);
  const list = requireArg(argv, 1, 'disk ids');
  const parts = list.split(':').filter((x) => x !== '');
  if (!parts.length || parts.some((x) => !/^\d{1,6}$/.test(x))) throw new DriverError(`$2 '${list.slice(0, 60)}' is not a ':'-separated list of disk ids`);
  return { vmDir, diskIds: [...new Set(parts.map(Number))], deployId: requireArg(argv, 2, 'deploy id'), vmId, dsId };
}

export const backupDir = (a: BackupArgs): string => `${a.vmDir.path}/backup`;
/** LINSTOR snapshot that freezes one disk of a running VM for its backup. */
export const BACKUP_SNAPSHOT = 'OpenNebula-Backup';
/** Temporary resource the snapshot is restored into for the copy. */
export const backupResourceName = (vmId: string, diskId: number): string => `OpenNebula-Backup-vm${vmId}-disk${diskId}`;

interface Ctx { cfg: DatastoreConfig; linstor: OneLinstor; hosts: Hosts }

interface PlannedDisk { diskId: number; resource?: string }

/** The listed disks with their LINSTOR resource (undefined for disks of other drivers). */
function plan(vm: VmInfo, ids: number[]): PlannedDisk[] {
  return ids.map((diskId) => {
    const d = findDisk(vm, diskId);
    return { diskId, resource: d.tmMad === 'linstor' ? diskResourceName(vm.id, d) : undefined };
  });
}

async function convert(ctx: Ctx, host: string, from: string, to: string): Promise<void> {
  const r = await ctx.hosts.runner(host);
  logInfo(`copying ${from} to ${to} on ${host}`);
  await r.run(['qemu-img', 'convert', '-O', 'qcow2', from, to], { timeoutMs: 12 * 3600_000 });
}

export async function prebackup(argv: string[], live: boolean): Promise<void> {
  const a = backupArgs(argv);
  const ctx = await tmContext(a.dsId);
  try {
    const { vm, text } = await showVmWithXml(a.vmId);
    const disks = plan(vm, a.diskIds);
    if (live) {
      const other = disks.find((d) => !d.resource);
      if (other) throw new DriverError(`disk ${other.diskId} of VM ${a.vmId} is not on LINSTOR, so it cannot be frozen for a live backup here`, 'power the VM off for the backup or keep its disks on LINSTOR datastores');
    }
    const host = await ctx.hosts.runner(a.vmDir.host);
    const dir = backupDir(a);
    await host.run(['rm', '-rf', dir]);
    await host.run(['mkdir', '-p', dir]);
    if (live) await liveCopies(ctx, a, disks as Array<Required<PlannedDisk>>);
    else for (const d of disks) await convert(ctx, a.vmDir.host, `${a.vmDir.path}/disk.${d.diskId}`, `${dir}/disk.${d.diskId}.0`);
    await host.run(['tee', `${dir}/vm.xml`], { input: text });
    logInfo(`backup of VM ${a.vmId} disks ${a.diskIds.join(',')} ready in ${dir} on ${a.vmDir.host}`);
  } finally { ctx.hosts.closeAll(); }
}

/** Snapshots every disk first (one point in time for all), then copies each from its snapshot. */
async function liveCopies(ctx: Ctx, a: BackupArgs, disks: Array<Required<PlannedDisk>>): Promise<void> {
  try {
    for (const d of disks) await dropLeftovers(ctx, a, d);
    for (const d of disks) await ctx.linstor.snapshotCreate(d.resource, BACKUP_SNAPSHOT);
    logInfo(`snapshot ${BACKUP_SNAPSHOT} taken of ${disks.map((d) => d.resource).join(', ')}`);
    for (const d of disks) {
      const tmp = backupResourceName(a.vmId, d.diskId);
      await ctx.linstor.client.resourceDefinitions.create({ resource_definition: { name: tmp, ...(ctx.cfg.resourceGroup ? { resource_group_name: ctx.cfg.resourceGroup } : {}) } });
      await ctx.linstor.client.snapshots.restoreVolumeDefinition(d.resource, BACKUP_SNAPSHOT, { to_resource: tmp });
      await ctx.linstor.client.snapshots.restoreResource(d.resource, BACKUP_SNAPSHOT, { to_resource: tmp });
      const device = await ctx.linstor.attach(tmp, a.vmDir.host);
      await convert(ctx, a.vmDir.host, device, `${backupDir(a)}/disk.${d.diskId}.0`);
      await ctx.linstor.remove(tmp);
    }
  } finally {
    for (const d of disks) await dropLeftovers(ctx, a, d).catch(() => {});
  }
}

/** Removes the temporary resource and snapshot of an earlier (failed) run; nothing there is fine. */
async function dropLeftovers(ctx: Ctx, a: BackupArgs, d: Required<PlannedDisk>): Promise<void> {
  await ctx.linstor.remove(backupResourceName(a.vmId, d.diskId));
  if (await ctx.linstor.exists(d.resource)) await ctx.linstor.snapshotDelete(d.resource, BACKUP_SNAPSHOT);
}

export async function postbackup(argv: string[]): Promise<void> {
  const a = backupArgs(argv);
  const ctx = await tmContext(a.dsId);
  try {
    const { vm } = await showVmWithXml(a.vmId);
    for (const d of plan(vm, a.diskIds)) if (d.resource) await dropLeftovers(ctx, a, d as Required<PlannedDisk>);
    await (await ctx.hosts.runner(a.vmDir.host)).run(['rm', '-rf', backupDir(a)]);
    logInfo(`removed ${backupDir(a)} on ${a.vmDir.host}`);
  } finally { ctx.hosts.closeAll(); }
}
