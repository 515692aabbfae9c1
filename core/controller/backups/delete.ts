/**
 * `backup delete` (id, id prefix, filter by time/resource/node, all, s3key): deletes the
 * metadata object first (the backup stops being listed), then its data. A backup others are
 * incremental on is deleted only with `cascading`, together with them. `dryrun` deletes nothing.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import { findSnapshot } from '../snapshots/common.js';
import { dataKeys, type ListedBackup } from './bucket.js';
import { readBucket } from './list.js';
import { backupTime, parseMetaKey } from './naming.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'DEL' as const };
export type DeleteQuery = Record<string, unknown>;
const q = (req: DeleteQuery, k: string): string | undefined => (typeof req[k] === 'string' && req[k] !== '' ? req[k] as string : typeof req[k] === 'boolean' ? String(req[k]) : undefined);
const flag = (req: DeleteQuery, k: string): boolean => q(req, k) === 'true' || q(req, k) === '1';

function selected(ctx: ControllerContext, all: ListedBackup[], req: DeleteQuery): ListedBackup[] {
  const id = q(req, 'id'); const prefix = q(req, 'id_prefix'); const time = q(req, 'timestamp');
  const rsc = q(req, 'resource_name'); const node = q(req, 'node_name');
  const cluster = ctx.state.secrets.get('cluster/id');
  if (id) return all.filter((b) => b.name.id === id);
  if (prefix) return all.filter((b) => b.name.id.startsWith(prefix));
  if (flag(req, 'all')) return all;
  if (flag(req, 'all_local_cluster')) return all.filter((b) => b.meta?.clusterId === cluster);
  if (!time && !rsc && !node) {
    throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', 'Say which backups to delete: id, id_prefix, timestamp, resource_name, node_name, all, all_local_cluster or s3key.', { ...BACKUP, correction: 'See linstor backup delete --help.' });
  }
  let before = NaN;
  if (time) {
    before = backupTime(`back_${time}`);
    if (Number.isNaN(before)) throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `Time '${time}' is not in the format YYYYMMDD_HHMMSS.`, { ...BACKUP, correction: 'Give e.g. 20261205_143000.' });
  }
  return all.filter((b) => (!time || backupTime(b.name.backupId) < before) && (!rsc || nameKey(b.name.rscName) === nameKey(rsc))
    && (!node || nameKey(b.meta?.nodeName ?? '') === nameKey(node)));
}

export async function deleteBackups(ctx: ControllerContext, remoteName: string, req: DeleteQuery): Promise<ApiCallRc[]> {
  const { all, keys, bucket } = await readBucket(ctx, remoteName);
  try {
    const dry = flag(req, 'dryrun');
    const s3key = q(req, 's3key'); const s3keyForce = q(req, 's3key_force');
    if (s3keyForce || s3key) {
      const key = (s3keyForce ?? s3key)!;
      if (!keys.includes(key)) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Object '${key}' is not in the bucket.`, { ...BACKUP, correction: 'See linstor backup list --others.' });
      const owner = all.find((b) => b.name.key === key || dataKeys(b.meta).includes(key));
      if (s3key && owner && !parseMetaKey(key)) {
        throw new ApiError('FAIL_DEPENDEND_BACKUP', `Object '${key}' is data of backup '${owner.name.id}'.`, { ...BACKUP, correction: `Delete the backup (linstor backup delete id ${owner.name.id}), or use s3key_force.` });
      }
      if (!dry) await bucket.delete([key]);
      return [rcEntry(dry ? 'INFO_NOOP' : 'DELETED', `${dry ? 'Would delete' : 'Deleted'} object '${key}'.`, BACKUP)];
    }
    let chosen = selected(ctx, all, req);
    if (!chosen.length) return [rcEntry('WARN_NOT_FOUND', 'No backup matches; nothing deleted.', BACKUP)];
    // Backups incremental on a chosen one: deleted with it (cascading) or the request is refused.
    const dependents = (set: ListedBackup[]) => all.filter((b) => !set.includes(b) && b.meta?.basedOn && set.some((s) => s.name.key === b.meta!.basedOn));
    if (flag(req, 'cascading')) {
      for (let more = dependents(chosen); more.length; more = dependents(chosen)) chosen = [...chosen, ...more];
    } else {
      const dep = dependents(chosen);
      if (dep.length) {
        throw new ApiError('FAIL_DEPENDEND_BACKUP', `Backup(s) ${dep.map((d) => `'${d.name.id}'`).join(', ')} are incremental on the selected one(s).`, { ...BACKUP, correction: 'Add --cascade to delete them too, or delete those first.' });
      }
    }
    const rc: ApiCallRc[] = [];
    for (const b of chosen) rc.push(rcEntry(dry ? 'INFO_NOOP' : 'DELETED', `${dry ? 'Would delete' : 'Deleted'} backup '${b.name.id}' (${[b.name.key, ...dataKeys(b.meta)].join(', ')}).`, { ...BACKUP, objRefs: { Backup: b.name.id } }));
    if (dry) return rc;
    // Metadata first: a half-deleted backup is then "other" objects, never a broken listed backup.
    await bucket.delete(chosen.map((b) => b.name.key));
    await bucket.delete(chosen.flatMap((b) => dataKeys(b.meta)).filter((k) => keys.includes(k)));
    if (!flag(req, 'keep_snaps')) {
      for (const b of chosen) {
        const rsc = b.meta?.rscName ?? b.name.rscName; const snap = b.meta?.snapName ?? b.name.snapName;
        if (b.meta?.clusterId === ctx.state.secrets.get('cluster/id') && findSnapshot(ctx.state, rsc, snap)) rc.push(...await deleteSnapshot(ctx, rsc, snap));
      }
    }
    return rc;
  } finally { bucket.close(); }
}
