/**
 * `backup restore`: a new resource definition receives the backup chain as a snapshot on the
 * target node (the satellite downloads, checks every object's SHA-256, applies the chain and
 * checks the image's SHA-256 before the snapshot appears), then — unless `download_only` — its
 * resource is restored from that snapshot like any snapshot restore. Any failure before the
 * snapshot is complete removes the definition again (receiving.ts).
 */
import { randomBytes } from 'node:crypto';
import type * as api from '../../api/index.js';
import type { ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { getS3Remote, s3Target } from '../remotes/service.js';
import { isOurs } from './bucket.js';
import { runningJobs, type RunningJob } from './jobs.js';
import { chainOf, readBucket, selectBackup } from './list.js';
import { createReceiving, dropReceiving, finishReceiving, getNode, targetPool } from './receiving.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };
const TRANSFER_TIMEOUT_MS = Number(process.env.LINSTOR_BACKUP_TIMEOUT_MS ?? 24 * 3600_000);

export async function restoreBackup(ctx: ControllerContext, remoteName: string, b: api.BackupRestore): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const remote = getS3Remote(ctx, remoteName);
  const targetName = checkName('resource', b.target_rsc_name);
  const node = getNode(ctx, b.node_name);
  const { all, bucket } = await readBucket(ctx, remote.name);
  bucket.close();
  const chosen = selectBackup(all, b);
  const chain = chainOf(all, chosen);
  for (const c of chain) {
    if (!isOurs(c.meta)) {
      throw new ApiError('FAIL_BACKUP_INCOMPATIBLE_VERSION', `Backup '${c.name.id}' was not written by this software (no linstor-ts metadata); it can be listed, not restored here.`, { ...BACKUP, correction: 'Restore it with the LINSTOR cluster that wrote it.' });
    }
  }
  const last = chain[chain.length - 1]!.meta!;
  const rename = b.stor_pool_map ?? {};
  const vols = Object.entries(last.volumes!).map(([nr, v]) => ({
    volumeNumber: Number(nr), storagePool: targetPool(ctx, node, rename[v.storagePool] ?? v.storagePool, v.providerKind), sizeKib: v.sizeKib, sizeBytes: v.sizeBytes, imageSha256: v.imageSha256,
    chain: chain.map((c) => { const cv = c.meta!.volumes![nr]; if (!cv) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Backup '${c.name.id}' has no volume ${nr}.`, BACKUP); return { key: cv.key, sha256: cv.sha256 }; }),
  }));
  const target = s3Target(ctx, remote);
  const rcv = await createReceiving(ctx, {
    rdName: targetName, group: b.dst_rsc_grp, node, snapName: last.snapName, layerStack: last.layerStack ?? ['STORAGE'], volumes: vols,
    props: { 'Backup/SourceRemote': remote.name, 'Backup/SourceId': chosen.name.id },
  });
  const job: RunningJob = { jobId: randomBytes(8).toString('hex'), kind: 'restore', remote: remote.name, rscName: targetName, snapName: last.snapName, nodeName: node.name, backupId: chosen.name.backupId, startTimestamp: ctx.clock(), done: Promise.resolve() };
  runningJobs(state).set(job.jobId, job);
  let settle!: () => void;
  job.done = new Promise((r) => { settle = r; });
  try {
    await ctx.links.request(nameKey(node.name), { type: 'backup-download', request: { jobId: job.jobId, s3: target, resource: targetName, snapshot: last.snapName, volumes: vols.map(({ volumeNumber, storagePool, sizeBytes, imageSha256, chain: c }) => ({ volumeNumber, storagePool, sizeBytes, imageSha256, chain: c })) } }, TRANSFER_TIMEOUT_MS);
  } catch (e) {
    await dropReceiving(ctx, rcv);
    throw e;
  } finally {
    runningJobs(state).delete(job.jobId);
    settle();
  }
  return finishReceiving(ctx, rcv, b.download_only === true, `Backup '${chosen.name.id}' (${chain.length} object chain)`);
}
