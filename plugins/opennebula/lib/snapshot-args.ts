import { diskIdOf, intArg, requireArg, vmHostPath } from './args.js';
import { imageField, tmContext, type DsContext } from './context.js';
import { DriverError } from './log.js';
import { snapshotName } from './linstor.js';
import { diskResource } from './tm.js';

/** IMAGE/SOURCE and the LINSTOR name of IMAGE/TARGET_SNAPSHOT. */
export function snapshotTarget(ctx: DsContext): { source: string; snap: string } {
  const source = imageField(ctx.drv, 'SOURCE');
  const id = imageField(ctx.drv, 'TARGET_SNAPSHOT');
  if (!/^\d+$/.test(id)) throw new DriverError(`IMAGE/TARGET_SNAPSHOT '${id}' is not a snapshot id`, 'pick an existing image snapshot (oneimage show)');
  return { source, snap: snapshotName(id) };
}

/**
 * The TM snapshot actions' arguments `host:dir/disk.i snap_id vmid dsid`: the disk's resource,
 * the LINSTOR snapshot name and the datastore's context.
 */
export async function tmSnapshotTarget(argv: string[]) {
  const disk = vmHostPath(argv[0], '$1 (host:path)', requireArg(argv, 2, 'vm id'));
  const snapId = intArg(argv, 1, 'snapshot id');
  const diskId = diskIdOf(disk.path);
  if (diskId === undefined) throw new DriverError(`$1 '${argv[0]}' does not end in /disk.<id>`);
  const d = await diskResource(requireArg(argv, 2, 'vm id'), diskId);
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  return { resource: d.name, snap: snapshotName(snapId), ctx };
}
