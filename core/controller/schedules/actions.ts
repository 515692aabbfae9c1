/** What a schedule does when due: ship a backup, then apply keep_remote / keep_local. */
import type { Schedule } from '../../model/backup.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { startBackup } from '../backups/create.js';
import { deleteBackups } from '../backups/delete.js';
import { isOurs, type BackupMeta } from '../backups/bucket.js';
import { readBucket } from '../backups/list.js';
import { snapshotsOf } from '../snapshots/common.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import type { Triple } from './enable.js';
import type { History } from './scheduler.js';

export async function shipScheduled(ctx: ControllerContext, t: Triple, full: boolean): Promise<boolean> {
  const { job } = await startBackup(ctx, t.remote, { rsc_name: t.rsc, ...(t.prefNode ? { node_name: t.prefNode } : {}), incremental: !full });
  if (!job) return false;
  await job.done;
  return job.succeeded === true;
}

export async function retainScheduled(ctx: ControllerContext, t: Triple, s: Schedule): Promise<void> {
  if (s.keepRemote !== undefined && s.keepRemote >= 1) {
    const { all, bucket } = await readBucket(ctx, t.remote);
    bucket.close();
    const cluster = ctx.state.secrets.get('cluster/id');
    const fulls = all.filter((b) => isOurs(b.meta) && b.meta.clusterId === cluster && !b.meta.basedOn && nameKey(b.meta.rscName) === nameKey(t.rsc))
      .sort((a, b) => (b.meta!.finishTimestamp ?? 0) - (a.meta!.finishTimestamp ?? 0));
    for (const old of fulls.slice(s.keepRemote)) await deleteBackups(ctx, t.remote, { id: old.name.id, cascading: 'true', keep_snaps: 'true' });
  }
  if (s.keepLocal !== undefined && s.keepLocal >= 1) {
    const local = snapshotsOf(ctx.state, t.rsc).filter((x) => x.name.startsWith('back_')).sort((a, b) => b.sequence - a.sequence);
    for (const old of local.slice(s.keepLocal)) await deleteSnapshot(ctx, t.rsc, old.name);
  }
}

/**
 * The last full and last backup of each definition this cluster backed up to `remote`, from the
 * bucket's complete backups (a `.meta` exists only once a backup is complete).
 */
export async function scheduleHistory(ctx: ControllerContext, remote: string): Promise<Map<string, History>> {
  const { all, bucket } = await readBucket(ctx, remote);
  bucket.close();
  return historyOf(all.map((b) => b.meta), ctx.state.secrets.get('cluster/id') as string | undefined);
}

export function historyOf(metas: Array<BackupMeta | undefined>, clusterId: string | undefined): Map<string, History> {
  const out = new Map<string, History>();
  for (const m of metas) {
    if (!isOurs(m) || m.clusterId !== clusterId) continue;
    const at = m.startTimestamp ?? m.finishTimestamp;
    if (at === undefined) continue;
    const h = out.get(nameKey(m.rscName)) ?? {};
    const inc = !!m.basedOn;
    if (h.lastRun === undefined || at > h.lastRun) { h.lastRun = at; h.lastInc = inc; }
    if (!inc && (h.lastFull === undefined || at > h.lastFull)) h.lastFull = at;
    out.set(nameKey(m.rscName), h);
  }
  return out;
}
