/**
 * `backup create`: takes a snapshot on one node and lets that node's satellite stream it to the
 * bucket (full, or incremental on the newest backup whose snapshot the node still holds). The
 * request answers once the snapshot is taken and the transfer started; the metadata object is
 * written last, so a backup is listed as complete only when all its data arrived.
 */
import { randomBytes } from 'node:crypto';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { BackupUploadResult } from '../../model/satellite-protocol.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, resourcesOf, storagePoolKey } from '../lookup.js';
import { getS3Remote, s3Target } from '../remotes/service.js';
import { createSnapshots } from '../snapshots/create.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import { findSnapshot } from '../snapshots/common.js';
import { Bucket, isOurs, type BackupMeta } from './bucket.js';
import { runningJobs, type RunningJob } from './jobs.js';
import { markUploaded, uploadingProps } from './recover.js';
import { backupId, dataKey, metaKey } from './naming.js';
import { acquire, dequeue, release } from './queue.js';

const BACKUP = { obj: 'BACKUP' as const };
/** A transfer may take long; the link's own loss ends it earlier. */
const TRANSFER_TIMEOUT_MS = Number(process.env.LINSTOR_BACKUP_TIMEOUT_MS ?? 24 * 3600_000);

function chooseNode(ctx: ControllerContext, rdName: string, wanted?: string): string {
  const diskful = resourcesOf(ctx.state, rdName).filter((r) => !r.flags.includes('DELETE') && !isDisklessResource(r.flags));
  if (wanted) {
    const r = diskful.find((x) => nameKey(x.nodeName) === nameKey(wanted));
    if (!r) throw new ApiError('FAIL_NOT_FOUND_RSC', `Resource '${rdName}' has no diskful replica on node '${wanted}'.`, { ...BACKUP, correction: 'Name a node that holds the resource with a disk.' });
    return r.nodeName;
  }
  const online = diskful.find((r) => ctx.runtime.node(nameKey(r.nodeName)).status === 'ONLINE');
  if (!online) throw new ApiError('FAIL_NOT_CONNECTED', `No online node holds a diskful replica of '${rdName}'.`, { ...BACKUP, correction: 'Start a satellite that holds the resource.' });
  return online.nodeName;
}

/** The newest complete backup of this resource whose snapshot `node` still holds: the base of an incremental one. */
async function findBase(ctx: ControllerContext, bucket: Bucket, rdName: string, node: string): Promise<{ key: string; meta: BackupMeta } | undefined> {
  const listed = await bucket.backups(await bucket.keys(`Listing backups of '${rdName}'`));
  const candidates = listed
    .filter((b) => nameKey(b.name.rscName) === nameKey(rdName) && isOurs(b.meta) && b.meta!.clusterId === ctx.state.secrets.get('cluster/id'))
    .sort((a, b) => (b.meta!.finishTimestamp ?? 0) - (a.meta!.finishTimestamp ?? 0));
  for (const c of candidates) {
    const snap = findSnapshot(ctx.state, rdName, c.meta!.snapName);
    if (snap?.flags.includes('SUCCESSFUL') && snap.nodes.some((n) => nameKey(n.nodeName) === nameKey(node))) return { key: c.name.key, meta: c.meta! };
  }
  return undefined;
}

export async function createBackup(ctx: ControllerContext, remoteName: string, b: api.BackupCreate): Promise<ApiCallRc[]> {
  return (await startBackup(ctx, remoteName, b)).rc;
}

/** Like createBackup, with the running job (undefined when the snapshot could not be taken). */
export async function startBackup(ctx: ControllerContext, remoteName: string, b: api.BackupCreate): Promise<{ rc: ApiCallRc[]; job?: RunningJob }> {
  const remote = getS3Remote(ctx, remoteName);
  const target = s3Target(ctx, remote);
  const rd = getResourceDefinition(ctx.state, String(b.rsc_name));
  const node = chooseNode(ctx, rd.name, b.node_name);
  const now = ctx.clock();
  const id = backupId(now);
  const snapName = b.snap_name ? checkName('snapshot', b.snap_name) : id;
  for (const j of runningJobs(ctx.state).values()) {
    if (j.kind === 'create' && nameKey(j.rscName) === nameKey(rd.name) && nameKey(j.remote) === nameKey(remote.name)) {
      throw new ApiError('FAIL_IN_USE', `A backup of '${rd.name}' to remote '${remote.name}' is already being shipped.`, { ...BACKUP, correction: 'Wait for it to finish, or abort it (linstor backup abort).' });
    }
  }
  const bucket = new Bucket(target);
  // Reaching the bucket first gives a clear error (credentials, missing bucket) before a snapshot is taken.
  const base = b.incremental === false ? undefined : await findBase(ctx, bucket, rd.name, node).catch((e) => { bucket.close(); throw e; });
  const rc = await createSnapshots(ctx, [{ resourceName: rd.name, name: snapName, nodes: [node], props: uploadingProps(remote.name, id) }]);
  const snap = findSnapshot(ctx.state, rd.name, snapName);
  if (!snap?.flags.includes('SUCCESSFUL')) { bucket.close(); return { rc }; }

  const here = snap.nodes.find((n) => nameKey(n.nodeName) === nameKey(node))!;
  const volumes = snap.volumeDefinitions.map((v) => {
    const pool = here.storagePools[String(v.volumeNumber)]!;
    const sp = ctx.state.storagePools.get(storagePoolKey(node, pool));
    return { volumeNumber: v.volumeNumber, storagePool: pool, key: dataKey(rd.name, v.volumeNumber, id, snapName), sizeKib: v.sizeKib, providerKind: sp?.providerKind ?? 'UNKNOWN' };
  });
  const job: RunningJob = {
    jobId: randomBytes(8).toString('hex'), kind: 'create', remote: remote.name, rscName: rd.name, snapName, nodeName: node, backupId: id,
    ...(base ? { basedOn: base.key } : {}), startTimestamp: now, done: Promise.resolve(),
  };
  const jobs = runningJobs(ctx.state);
  jobs.set(job.jobId, job);
  job.done = (async () => {
    let slot = false;
    try {
      await acquire(ctx, job);
      slot = true;
      const result = await ctx.links.request<BackupUploadResult>(nameKey(node), {
        type: 'backup-upload',
        request: { jobId: job.jobId, s3: target, resource: rd.name, snapshot: snapName, ...(base ? { baseSnapshot: base.meta.snapName } : {}), volumes: volumes.map(({ volumeNumber, storagePool, key }) => ({ volumeNumber, storagePool, key })) },
      }, TRANSFER_TIMEOUT_MS);
      const finished = ctx.clock();
      const meta: BackupMeta = {
        format: 'linstor-ts/1', rscName: rd.name, snapName, nodeName: node, clusterId: ctx.state.secrets.get('cluster/id') as string | undefined,
        startTimestamp: now, finishTimestamp: finished, basedOn: base?.key ?? null, layerStack: [...here.layerStack], compression: result.compression,
        volumes: Object.fromEntries(result.volumes.map((r) => {
          const v = volumes.find((x) => x.volumeNumber === r.volumeNumber)!;
          return [String(r.volumeNumber), { ...r, sizeKib: v.sizeKib, storagePool: v.storagePool, providerKind: v.providerKind }];
        })),
        backups: Object.fromEntries(result.volumes.map((r) => [String(r.volumeNumber), [{ name: r.key, finishedTimestamp: finished, node }]])),
      };
      await bucket.putMeta(metaKey(rd.name, id, snapName), meta);
      await markUploaded(ctx, rd.name, snapName);
      job.succeeded = true;
      ctx.log.info({ resource: rd.name, snapshot: snapName, remote: remote.name, basedOn: base?.key ?? null }, 'backup shipped');
    } catch (e) {
      job.succeeded = false;
      ctx.log.error({ resource: rd.name, snapshot: snapName, remote: remote.name, err: (e as Error).message }, 'backup failed; its snapshot is removed and no metadata was written');
      // The snapshot is no base for anything: an incremental needs a complete backup of it.
      await deleteSnapshot(ctx, rd.name, snapName).catch(() => undefined);
    } finally {
      if (slot) release(ctx, node);
      jobs.delete(job.jobId);
      bucket.close();
    }
  })();
  return { job, rc: [...rc, rcEntry('CREATED', `${base ? 'Incremental' : 'Full'} backup '${id}' of '${rd.name}' to remote '${remote.name}' started on node '${node}'${base ? ` (based on '${base.key.slice(0, -5)}')` : ''}.`, {
    ...BACKUP, op: 'CRT', objRefs: { RscDfn: rd.name, Snapshot: snapName, Remote: remote.name, Node: node },
  })] };
}

/** Stops running transfers of a resource (create and/or restore) on their satellites. */
export async function abortBackups(ctx: ControllerContext, remoteName: string, b: api.BackupAbort): Promise<ApiCallRc[]> {
  const remote = getS3Remote(ctx, remoteName);
  const both = !b.create && !b.restore;
  const hit = [...runningJobs(ctx.state).values()].filter((j) => nameKey(j.remote) === nameKey(remote.name) && nameKey(j.rscName) === nameKey(String(b.rsc_name))
    && (both || (j.kind === 'create' ? b.create : b.restore)) && (!b.snapshot || nameKey(j.snapName) === nameKey(b.snapshot)));
  const rc: ApiCallRc[] = [];
  for (const j of hit) {
    if (!dequeue(ctx, j)) await ctx.links.request(nameKey(j.nodeName), { type: 'backup-abort', jobId: j.jobId }).catch(() => undefined);
    await j.done.catch(() => undefined);
    rc.push(rcEntry('MODIFIED', `Backup ${j.kind} of '${j.rscName}' (${j.snapName}) aborted.`, { ...BACKUP, op: 'MOD', objRefs: { RscDfn: j.rscName, Snapshot: j.snapName, Remote: remote.name } }));
  }
  if (!rc.length) rc.push(rcEntry('INFO_NOOP', `No backup of '${b.rsc_name}' is being shipped to or from remote '${remote.name}'.`, { ...BACKUP, op: 'MOD' }));
  return rc;
}
