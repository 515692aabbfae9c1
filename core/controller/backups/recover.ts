/**
 * A backup's snapshot carries `Backup/UploadingTo` and `Backup/UploadId` from the moment it is
 * taken until its metadata object is written. Transfers are coordinated in the controller's
 * memory, so a controller that stops (crash, restart, fail-over) mid-upload leaves such marks
 * behind with nobody to finish them: the satellites abort those uploads when the link drops,
 * and the controller that starts next drops the snapshots and any data object that got through,
 * so the next backup starts over cleanly (a full one: an interrupted backup is no base).
 */
import { nameKey } from '../../model/names.js';
import type { Props } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getS3Remote, s3Target } from '../remotes/service.js';
import { snapshotKey } from '../../model/snapshot.js';
import { snapshotTable } from '../snapshots/common.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import { Bucket } from './bucket.js';
import { runningJobs } from './jobs.js';
import { dataKey } from './naming.js';

export const UPLOADING_TO = 'Backup/UploadingTo';
export const UPLOAD_ID = 'Backup/UploadId';

export const uploadingProps = (remote: string, id: string): Props => ({ [UPLOADING_TO]: remote, [UPLOAD_ID]: id });

/** The metadata is written: the snapshot is a complete backup's (a base for incrementals). */
export async function markUploaded(ctx: ControllerContext, rdName: string, snapName: string): Promise<void> {
  const table = snapshotTable(ctx.state);
  const key = snapshotKey(nameKey(rdName), nameKey(snapName));
  await ctx.state.mutate((tx) => {
    const s = table.get(key);
    if (!s) return;
    const { [UPLOADING_TO]: _r, [UPLOAD_ID]: _i, ...props } = s.props;
    tx.put(table, key, { ...s, props });
  });
}

/** Drops what uploads no running job owns left behind. Called when this controller becomes active. */
export async function recoverInterruptedBackups(ctx: ControllerContext): Promise<number> {
  const running = new Set([...runningJobs(ctx.state).values()].map((j) => `${nameKey(j.rscName)}/${nameKey(j.snapName)}`));
  let dropped = 0;
  for (const s of [...snapshotTable(ctx.state).values()]) {
    const remote = s.props[UPLOADING_TO];
    if (remote === undefined || running.has(`${nameKey(s.resourceName)}/${nameKey(s.name)}`)) continue;
    ctx.log.warn({ resource: s.resourceName, snapshot: s.name, remote }, 'backup interrupted by a controller stop: its snapshot and partial data are removed');
    const id = s.props[UPLOAD_ID];
    if (id && ctx.state.remotes.get(nameKey(remote))) {
      // Best effort: a data object that got through before the stop belongs to no backup.
      let bucket: Bucket | undefined;
      try {
        bucket = new Bucket(s3Target(ctx, getS3Remote(ctx, remote)));
        await bucket.delete(s.volumeDefinitions.map((v) => dataKey(s.resourceName, v.volumeNumber, id, s.name)));
      } catch (e) {
        ctx.log.warn({ err: (e as Error).message, remote }, 'could not remove the data of an interrupted backup; see backup list --others');
      } finally { bucket?.close(); }
    }
    await deleteSnapshot(ctx, s.resourceName, s.name).then(() => { dropped++; }, (e: Error) => ctx.log.warn({ err: e.message, snapshot: s.name }, 'could not drop the snapshot of an interrupted backup'));
  }
  return dropped;
}
