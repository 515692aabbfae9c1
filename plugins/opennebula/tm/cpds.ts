/**
 * tm cpds `host:dir/disk.i fe:SOURCE snap_id vmid dsid` (disk-saveas): copies the VM disk's
 * resource into the new image SOURCE. With snap_id ≥ 0 the disk snapshot is copied: it is
 * restored into a temporary resource first.
 */
import { diskIdOf, hostPath, intArg, requireArg, vmHostPath } from '../lib/args.js';
import { cloneResource } from '../lib/clone.js';
import { tmContext } from '../lib/context.js';
import { DriverError, logInfo } from '../lib/log.js';
import { snapshotName } from '../lib/linstor.js';
import { diskResource } from '../lib/tm.js';
import { runAction } from '../run.js';

export async function cpds(argv: string[]): Promise<void> {
  const src = vmHostPath(argv[0], '$1 (host:path)', requireArg(argv, 3, 'vm id'));
  const target = hostPath(argv[1], '$2 (fe:SOURCE)').path;
  const snapId = intArg(argv, 2, 'snapshot id');
  const vmId = requireArg(argv, 3, 'vm id');
  const diskId = diskIdOf(src.path);
  if (diskId === undefined) throw new DriverError(`$1 '${argv[0]}' does not end in /disk.<id>`);
  const ctx = await tmContext(requireArg(argv, 4, 'datastore id'));
  const d = await diskResource(vmId, diskId);
  try {
    if (await ctx.linstor.exists(target)) throw new DriverError(`the target image resource ${target} exists already`, `delete it (linstor rd d ${target}) or save under a new image`);
    let from = d.name;
    let tmp: string | undefined;
    if (snapId >= 0) {
      tmp = `${d.name}-saveas-${snapId}`;
      logInfo(`restoring snapshot ${snapshotName(snapId)} of ${d.name} into ${tmp}`);
      await ctx.linstor.client.resourceDefinitions.create({ resource_definition: { name: tmp, resource_group_name: ctx.cfg.resourceGroup } });
      await ctx.linstor.client.snapshots.restoreVolumeDefinition(d.name, snapshotName(snapId), { to_resource: tmp });
      await ctx.linstor.client.snapshots.restoreResource(d.name, snapshotName(snapId), { to_resource: tmp });
      from = tmp;
    }
    try {
      await cloneResource(ctx, from, target);
    } finally {
      if (tmp) await ctx.linstor.remove(tmp).catch(() => {});
    }
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, cpds);
