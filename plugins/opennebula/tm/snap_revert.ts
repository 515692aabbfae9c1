/** tm snap_revert `host:dir/disk.i snap_id vmid dsid`: rolls the disk back to OpenNebula-Snap-<snap_id> of the disk's resource. */
import { tmSnapshotTarget } from '../lib/snapshot-args.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const { resource, snap, ctx } = await tmSnapshotTarget(argv);
  await ctx.linstor.snapshotRollback(resource, snap);
});
