/** datastore snap_revert: rolls IMAGE/SOURCE back to OpenNebula-Snap-<TARGET_SNAPSHOT>. */
import { dsContext } from '../lib/context.js';
import { snapshotTarget } from '../lib/snapshot-args.js';
import { runAction } from '../run.js';

export async function snapRevert(argv: string[]): Promise<void> {
  const ctx = await dsContext(argv);
  const { source, snap } = snapshotTarget(ctx);
  await ctx.linstor.snapshotRollback(source, snap);
}

await runAction('datastore', import.meta.url, snapRevert);
