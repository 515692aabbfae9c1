/** tm snap_revert `host:dir/disk.i snap_id vmid dsid`: rolls the disk back to OpenNebula-Snap-<snap_id> of the disk's resource. */
import { diskIdOf, hostPath, intArg, requireArg } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { snapshotName } from '../lib/linstor.js';
import { DriverError } from '../lib/log.js';
import { diskResource } from '../lib/tm.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const disk = hostPath(argv[0], '$1 (host:path)');
  const snapId = intArg(argv, 1, 'snapshot id');
  const diskId = diskIdOf(disk.path);
  if (diskId === undefined) throw new DriverError(`$1 '${argv[0]}' does not end in /disk.<id>`);
  const d = await diskResource(requireArg(argv, 2, 'vm id'), diskId);
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  await ctx.linstor.snapshotRollback(d.name, snapshotName(snapId));
});
