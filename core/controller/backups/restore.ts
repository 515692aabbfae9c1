/**
 * `backup restore`: a new resource definition receives the backup chain as a snapshot on the
 * target node (the satellite downloads, checks every object's SHA-256, applies the chain and
 * checks the image's SHA-256 before the snapshot appears), then — unless `download_only` — its
 * resource is restored from that snapshot like any snapshot restore. Any failure before the
 * snapshot is complete removes the definition again: nothing half-restored remains.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { DFLT_RSC_GRP } from '../../model/defaults.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import { snapshotKey, type Snapshot } from '../../model/snapshot.js';
import type { ResourceDefinition } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getS3Remote, s3Target } from '../remotes/service.js';
import { touchNodes, snapshotTable } from '../snapshots/common.js';
import { restoreResources } from '../snapshots/restore.js';
import { storagePoolKey } from '../lookup.js';
import { isOurs } from './bucket.js';
import { runningJobs, type RunningJob } from './jobs.js';
import { chainOf, readBucket, selectBackup } from './list.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };
const TRANSFER_TIMEOUT_MS = Number(process.env.LINSTOR_BACKUP_TIMEOUT_MS ?? 24 * 3600_000);

export async function restoreBackup(ctx: ControllerContext, remoteName: string, b: api.BackupRestore): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const remote = getS3Remote(ctx, remoteName);
  const targetName = checkName('resource', b.target_rsc_name);
  const node = state.nodes.get(nameKey(String(b.node_name)));
  if (!node) throw Errors.notFound('FAIL_NOT_FOUND_NODE', 'Node', String(b.node_name), { ...BACKUP, objRefs: { Node: String(b.node_name) } });
  if (state.resourceDefinitions.get(nameKey(targetName))) {
    throw Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', targetName, { ...BACKUP, correction: 'Restore into a new resource name.' });
  }
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
  const vols = Object.entries(last.volumes!).map(([nr, v]) => {
    const pool = rename[v.storagePool] ?? v.storagePool;
    const sp = state.storagePools.get(storagePoolKey(node.name, pool));
    if (!sp) throw Errors.notFound('FAIL_NOT_FOUND_STOR_POOL', 'Storage pool', `${pool}' on node '${node.name}`, { ...BACKUP, correction: 'Create the pool on the target node or map it with --storpool-rename old=new.' });
    if (sp.providerKind !== 'FILE_THIN') throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage pool '${pool}' on node '${node.name}' is ${sp.providerKind}; backups restore into FILE_THIN pools.`, { ...BACKUP, correction: 'Map the volume to a FILE_THIN pool with --storpool-rename.' });
    return { volumeNumber: Number(nr), storagePool: sp.name, sizeKib: v.sizeKib, sizeBytes: v.sizeBytes, imageSha256: v.imageSha256,
      chain: chain.map((c) => { const cv = c.meta!.volumes![nr]; if (!cv) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Backup '${c.name.id}' has no volume ${nr}.`, BACKUP); return { key: cv.key, sha256: cv.sha256 }; }) };
  });
  const group = b.dst_rsc_grp ?? DFLT_RSC_GRP;
  if (!state.resourceGroups.get(nameKey(group))) throw Errors.notFound('FAIL_NOT_FOUND_RSC_GRP', 'Resource group', group, BACKUP);
  const snapName = last.snapName;
  const target = s3Target(ctx, remote);

  // The definition and its (not yet present) snapshot first, so the node keeps the file it receives.
  const now = ctx.clock();
  const rd: ResourceDefinition = {
    name: targetName, resourceGroup: state.resourceGroups.get(nameKey(group))!.name, props: {}, flags: [], layerStack: ['STORAGE'],
    volumeDefinitions: vols.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: {}, flags: [], uuid: randomUUID() })), uuid: randomUUID(),
  };
  const snap: Snapshot = {
    name: snapName, resourceName: targetName, flags: [], props: { 'Backup/SourceRemote': remote.name, 'Backup/SourceId': chosen.name.id }, sequence: 1,
    volumeDefinitions: vols.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: {} })),
    nodes: [{ nodeName: node.name, storagePools: Object.fromEntries(vols.map((v) => [String(v.volumeNumber), v.storagePool])), layerStack: [...(last.layerStack ?? ['STORAGE'])], createTimestamp: now, flags: [], props: {}, uuid: randomUUID() }],
    take: false, uuid: randomUUID(),
  };
  const sKey = snapshotKey(nameKey(targetName), nameKey(snapName));
  await state.mutate((tx) => {
    if (state.resourceDefinitions.get(nameKey(targetName))) throw Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', targetName, BACKUP);
    tx.put(state.resourceDefinitions, nameKey(targetName), rd);
    tx.put(snapshotTable(state), sKey, snap);
    touchNodes(ctx, tx, [node.name]);
  });
  const job: RunningJob = { jobId: randomBytes(8).toString('hex'), kind: 'restore', remote: remote.name, rscName: targetName, snapName, nodeName: node.name, backupId: chosen.name.backupId, startTimestamp: now, done: Promise.resolve() };
  runningJobs(state).set(job.jobId, job);
  let settle!: () => void;
  job.done = new Promise((r) => { settle = r; });
  try {
    await ctx.links.request(nameKey(node.name), { type: 'backup-download', request: { jobId: job.jobId, s3: target, resource: targetName, snapshot: snapName, volumes: vols.map(({ volumeNumber, storagePool, sizeBytes, imageSha256, chain: c }) => ({ volumeNumber, storagePool, sizeBytes, imageSha256, chain: c })) } }, TRANSFER_TIMEOUT_MS);
  } catch (e) {
    await state.mutate((tx) => { tx.delete(snapshotTable(state), sKey); tx.delete(state.resourceDefinitions, nameKey(targetName)); touchNodes(ctx, tx, [node.name]); }).catch(() => undefined);
    throw e;
  } finally {
    runningJobs(state).delete(job.jobId);
    settle();
  }
  await state.mutate((tx) => { const cur = snapshotTable(state).get(sKey); if (cur) tx.put(snapshotTable(state), sKey, { ...cur, flags: ['SUCCESSFUL'] }); touchNodes(ctx, tx, [node.name]); });
  const rc = [rcEntry('CREATED', `Backup '${chosen.name.id}' (${chain.length} object chain) downloaded into snapshot '${snapName}' of '${targetName}' on node '${node.name}'.`, { ...BACKUP, objRefs: { RscDfn: targetName, Snapshot: snapName, Node: node.name } })];
  if (b.download_only) return [...rc, rcEntry('WARN_BACKUP_DL_ONLY', `Only downloaded: restore the resource with 'linstor snapshot resource restore --from-resource ${targetName} --from-snapshot ${snapName} --to-resource <name>'.`, BACKUP)];
  return [...rc, ...await restoreResources(ctx, targetName, snapName, { to_resource: targetName, nodes: [node.name] })];
}
