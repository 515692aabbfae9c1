/** tm snap_create `host:dir/disk.i snap_id vmid dsid`: creates snapshot OpenNebula-Snap-<snap_id> of the disk's resource. */
import { tmSnapshotTarget } from '../lib/snapshot-args.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const { resource, snap, ctx } = await tmSnapshotTarget(argv);
  await ctx.linstor.snapshotCreate(resource, snap);
});
