/** datastore snap_delete: deletes snapshot OpenNebula-Snap-<TARGET_SNAPSHOT> of IMAGE/SOURCE. */
import { dsContext } from '../lib/context.js';
import { snapshotTarget } from '../lib/snapshot-args.js';
import { runAction } from '../run.js';

export async function snapDelete(argv: string[]): Promise<void> {
  const ctx = await dsContext(argv);
  const { source, snap } = snapshotTarget(ctx);
  await ctx.linstor.snapshotDelete(source, snap);
}

await runAction('datastore', import.meta.url, snapDelete);
