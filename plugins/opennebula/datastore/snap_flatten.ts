/**
 * datastore snap_flatten: the image becomes the content of TARGET_SNAPSHOT and loses its
 * snapshot history. LINSTOR rolls back only to the newest snapshot, so newer ones go first
 * (flatten drops them anyway), then the rollback, then the remaining snapshots.
 */
import { dsContext } from '../lib/context.js';
import { DriverError, logInfo } from '../lib/log.js';
import { snapshotTarget } from '../lib/snapshot-args.js';
import { runAction } from '../run.js';

export async function snapFlatten(argv: string[]): Promise<void> {
  const ctx = await dsContext(argv);
  const { source, snap } = snapshotTarget(ctx);
  const snaps = await ctx.linstor.client.snapshots.list(source);
  const target = snaps.find((s) => s.name === snap);
  if (!target) throw new DriverError(`${source} has no snapshot ${snap}`, 'pick an existing image snapshot (oneimage show)');
  const created = (s: (typeof snaps)[number]): number => Math.max(0, ...(s.snapshots ?? []).map((n) => n.create_timestamp ?? 0));
  for (const s of snaps) {
    if (s.name !== snap && created(s) > created(target)) await ctx.linstor.snapshotDelete(source, s.name!);
  }
  await ctx.linstor.snapshotRollback(source, snap);
  for (const s of snaps) if (s.name !== snap && created(s) <= created(target)) await ctx.linstor.snapshotDelete(source, s.name!);
  await ctx.linstor.snapshotDelete(source, snap);
  logInfo(`${source} flattened to ${snap}`);
}

await runAction('datastore', import.meta.url, snapFlatten);
