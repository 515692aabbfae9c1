/**
 * `backup list` and `backup info`: what the bucket holds, read from the metadata objects (LINSTOR's
 * naming), plus transfers still running (`shipping`). Objects that belong to no backup are
 * "other" (`backup list --others`).
 */
import type * as api from '../../api/index.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { getS3Remote, s3Target } from '../remotes/service.js';
import { Bucket, dataKeys, isOurs, type BackupMeta, type ListedBackup } from './bucket.js';
import { runningJobs } from './jobs.js';
import { META_SUFFIX } from './naming.js';

const iso = (ms: number | undefined): string | undefined => (ms ? new Date(ms).toISOString() : undefined);

function view(b: ListedBackup): api.Backup {
  const m: BackupMeta | undefined = b.meta;
  const vlms = m?.volumes
    ? Object.entries(m.volumes).map(([nr, v]) => ({ vlm_nr: Number(nr), finished_timestamp: m.finishTimestamp, s3: { key: v.key } }))
    : Object.entries(m?.backups ?? {}).map(([nr, l]) => ({ vlm_nr: Number(nr), finished_timestamp: l[0]?.finishedTimestamp, s3: { key: l[0]?.name } }));
  return {
    id: b.name.id, origin_rsc: m?.rscName ?? b.name.rscName, origin_snap: m?.snapName ?? b.name.snapName, ...(m?.nodeName ? { origin_node: m.nodeName } : {}),
    ...(m?.startTimestamp ? { start_time: iso(m.startTimestamp), start_timestamp: m.startTimestamp } : {}),
    ...(m?.finishTimestamp ? { finished_time: iso(m.finishTimestamp), finished_timestamp: m.finishTimestamp } : {}),
    vlms, success: !!m, shipping: false, restorable: isOurs(m), s3: { meta_name: b.name.key },
    ...(m?.basedOn ? { based_on_id: m.basedOn } : {}),
  };
}

export interface BucketContents { all: ListedBackup[]; keys: string[]; bucket: Bucket }

/** Reads the bucket (the caller closes `bucket`). */
export async function readBucket(ctx: ControllerContext, remoteName: string): Promise<BucketContents> {
  const bucket = new Bucket(s3Target(ctx, getS3Remote(ctx, remoteName)));
  try {
    const keys = await bucket.keys(`Listing remote '${remoteName}'`);
    return { all: await bucket.backups(keys), keys, bucket };
  } catch (e) { bucket.close(); throw e; }
}

export async function listBackups(ctx: ControllerContext, remoteName: string, rsc?: string, snap?: string): Promise<{ linstor: api.Backup[]; other: { files: string[] } }> {
  const remote = getS3Remote(ctx, remoteName);
  const { all, keys, bucket } = await readBucket(ctx, remote.name);
  bucket.close();
  const owned = new Set(all.flatMap((b) => [b.name.key, ...dataKeys(b.meta)]));
  const linstor = all.map(view);
  for (const j of runningJobs(ctx.state).values()) {
    if (j.kind !== 'create' || nameKey(j.remote) !== nameKey(remote.name)) continue;
    linstor.push({ id: `${j.rscName}_${j.backupId}`, origin_rsc: j.rscName, origin_snap: j.snapName, origin_node: j.nodeName, start_timestamp: j.startTimestamp, start_time: iso(j.startTimestamp),
      vlms: [], success: false, shipping: true, restorable: false, ...(j.basedOn ? { based_on_id: j.basedOn } : {}) });
  }
  const shown = linstor
    .filter((b) => (!rsc || nameKey(b.origin_rsc) === nameKey(rsc)) && (!snap || nameKey(b.origin_snap ?? '') === nameKey(snap)))
    .sort((a, b) => (a.start_timestamp ?? 0) - (b.start_timestamp ?? 0) || a.id.localeCompare(b.id));
  // Running uploads are "other" only until their metadata is written: hide their data keys too.
  const inFlight = [...runningJobs(ctx.state).values()].map((j) => `${j.rscName}_`);
  return { linstor: shown, other: { files: keys.filter((k) => !owned.has(k) && !inFlight.some((p) => k.startsWith(p))) } };
}

/** The chain to restore `target`: full first, each next one based on the one before. */
export function chainOf(all: ListedBackup[], target: ListedBackup): ListedBackup[] {
  const byKey = new Map(all.map((b) => [b.name.key, b]));
  const chain: ListedBackup[] = [];
  for (let cur: ListedBackup | undefined = target; cur; cur = cur.meta?.basedOn ? byKey.get(cur.meta.basedOn) : undefined) {
    if (chain.includes(cur)) break;
    chain.unshift(cur);
    if (cur.meta?.basedOn && !byKey.has(cur.meta.basedOn)) {
      throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Backup '${cur.name.id}' is incremental on '${cur.meta.basedOn.slice(0, -META_SUFFIX.length)}', which is not in the bucket.`, { obj: 'BACKUP', correction: 'Restore a backup whose chain is complete.' });
    }
  }
  return chain;
}

/** Picks the backup a restore or info means: `last_backup` (an id), or the newest of a resource (and snapshot). */
export function selectBackup(all: ListedBackup[], b: { last_backup?: string; src_rsc_name?: string; src_snap_name?: string }): ListedBackup {
  if (b.last_backup) {
    const id = b.last_backup.endsWith(META_SUFFIX) ? b.last_backup.slice(0, -META_SUFFIX.length) : b.last_backup;
    const hit = all.find((x) => x.name.id === id);
    if (!hit) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Backup '${id}' not found on the remote.`, { obj: 'BACKUP', correction: 'See linstor backup list --show-id.' });
    return hit;
  }
  if (!b.src_rsc_name) throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', 'Name the backup (--id) or its resource (--resource).', { obj: 'BACKUP', correction: 'Give --id or --resource.' });
  const mine = all.filter((x) => x.meta && nameKey(x.meta.rscName ?? x.name.rscName) === nameKey(b.src_rsc_name!) && (!b.src_snap_name || nameKey(x.meta.snapName) === nameKey(b.src_snap_name)))
    .sort((x, y) => (y.meta!.finishTimestamp ?? 0) - (x.meta!.finishTimestamp ?? 0));
  if (!mine.length) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `No backup of resource '${b.src_rsc_name}'${b.src_snap_name ? ` with snapshot '${b.src_snap_name}'` : ''} on the remote.`, { obj: 'BACKUP', correction: 'See linstor backup list.' });
  return mine[0]!;
}

export async function backupInfo(ctx: ControllerContext, remoteName: string, b: api.BackupInfoRequest): Promise<api.BackupInfo> {
  const { all, bucket } = await readBucket(ctx, remoteName);
  bucket.close();
  const target = selectBackup(all, b);
  const chain = chainOf(all, target);
  const rename = b.stor_pool_map ?? {};
  const pools = new Map<string, api.BackupInfoStorPool>();
  let dl = 0; let alloc = 0;
  for (const [nr, v] of Object.entries(target.meta?.volumes ?? {})) {
    const volDl = chain.reduce((s, c) => s + (c.meta?.volumes?.[nr]?.objectBytes ?? 0), 0);
    dl += volDl; alloc += v.sizeBytes;
    const p = pools.get(v.storagePool) ?? { name: v.storagePool, provider_kind: v.providerKind as api.ProviderKind, target_name: rename[v.storagePool] ?? v.storagePool, vlms: [] };
    p.vlms.push({ name: `${target.meta!.rscName}_${nr.padStart(5, '0')}`, layer_type: 'STORAGE', dl_size_kib: Math.ceil(volDl / 1024), alloc_size_kib: Math.ceil(v.sizeBytes / 1024), usable_size_kib: v.sizeKib });
    pools.set(v.storagePool, p);
  }
  return {
    rsc: target.meta?.rscName ?? target.name.rscName, snap: target.meta?.snapName ?? target.name.snapName, full: chain[0]!.name.id, latest: target.name.id, count: chain.length,
    dl_size_kib: Math.ceil(dl / 1024), alloc_size_kib: Math.ceil(alloc / 1024), storpools: [...pools.values()],
  };
}
