/**
 * `backup ship` to a LINSTOR remote (another cluster running this controller): a snapshot is
 * taken (or `src_snap_name` used), the remote controller prepares the target definition and a
 * listening satellite, this cluster's satellite streams each volume straight to it, and the
 * remote controller checks, applies and restores. The request answers when it is done. The
 * second and later shipments to the same target are incremental (shipping/incremental.ts).
 */
import { randomBytes } from 'node:crypto';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { BackupUploadResult } from '../../model/satellite-protocol.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, resourcesOf } from '../lookup.js';
import { getRemote } from '../remotes/service.js';
import { createSnapshots } from '../snapshots/create.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import { findSnapshot } from '../snapshots/common.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import { backupId } from '../backups/naming.js';
import { markShipped, SHIP_CREATED, shippedBase, shippedTo } from './incremental.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };

async function remoteCall<T>(url: string, path: string, body: unknown, method = 'POST'): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiError('FAIL_NOT_CONNECTED', `Cannot reach the remote LINSTOR controller at ${url}: ${(e as Error).message}.`, { ...BACKUP, correction: 'Check the URL of the remote (linstor remote list) and that its controller runs.' });
  }
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  if (!res.ok) {
    const msg = Array.isArray(json) ? json.map((e: { message?: string }) => e.message).join('; ') : text.slice(0, 300);
    throw new ApiError('FAIL_UNKNOWN_ERROR', `The remote controller at ${url} refused: ${msg}`, { ...BACKUP, correction: 'See the remote cluster\'s error reports.' });
  }
  return json as T;
}

/** The remote controller's `Cluster/LocalID` (LINSTOR's controller property) must be the id the remote was created with. */
async function checkRemoteCluster(name: string, url: string, expected: string): Promise<void> {
  const props = await remoteCall<Record<string, unknown> | undefined>(url, '/v1/controller/properties', undefined, 'GET');
  const actual = props && typeof props === 'object' ? props['Cluster/LocalID'] : undefined;
  if (actual !== expected) {
    throw new ApiError('FAIL_BACKUP_UNKNOWN_CLUSTER', `The controller at ${url} is not cluster '${expected}' (remote '${name}'): it answers ${typeof actual === 'string' ? `with cluster id '${actual}'` : 'without a cluster id (Cluster/LocalID)'}. Nothing was shipped.`,
      { ...BACKUP, correction: `Check the URL, or set the remote's cluster id to the target's Cluster/LocalID (linstor remote modify linstor ${name} --cluster-id ...).` });
  }
}

export async function shipBackup(ctx: ControllerContext, remoteName: string, b: api.BackupShip): Promise<ApiCallRc[]> {
  const remote = getRemote(ctx, remoteName);
  if (remote.kind !== 'LINSTOR') throw new ApiError('FAIL_INVLD_REMOTE_NAME', `Remote '${remote.name}' is an S3 remote; backup ship needs a LINSTOR remote.`, { ...BACKUP, correction: 'Use linstor backup create for S3 remotes.' });
  const rd = getResourceDefinition(ctx.state, String(b.src_rsc_name));
  checkName('resource', b.dst_rsc_name);
  const diskful = resourcesOf(ctx.state, rd.name).filter((r) => !r.flags.includes('DELETE') && !isDisklessResource(r.flags));
  const res = b.src_node_name ? diskful.find((r) => nameKey(r.nodeName) === nameKey(b.src_node_name!)) : diskful.find((r) => ctx.runtime.node(nameKey(r.nodeName)).status === 'ONLINE');
  if (!res) throw new ApiError('FAIL_NOT_FOUND_RSC', `No${b.src_node_name ? ` diskful replica of '${rd.name}' on node '${b.src_node_name}'` : ` online node holds a diskful replica of '${rd.name}'`}.`, { ...BACKUP, correction: 'Name a node that holds the resource (--source-node).' });
  const node = res.nodeName;
  // The remote must be the cluster named at `remote create linstor --cluster-id`, checked before anything is created.
  if (remote.clusterId) await checkRemoteCluster(remote.name, remote.url, remote.clusterId);

  let rc: ApiCallRc[] = [];
  let snapName: string;
  let ours = false;
  if (b.src_snap_name) {
    snapName = checkName('snapshot', b.src_snap_name);
    const s = findSnapshot(ctx.state, rd.name, snapName);
    if (!s?.flags.includes('SUCCESSFUL') || !s.nodes.some((n) => nameKey(n.nodeName) === nameKey(node))) {
      throw new ApiError('FAIL_NOT_FOUND_SNAPSHOT', `Snapshot '${snapName}' of '${rd.name}' is not on node '${node}'.`, { ...BACKUP, correction: 'Name a snapshot the source node holds.' });
    }
  } else {
    snapName = b.dst_snap_name ? checkName('snapshot', b.dst_snap_name) : backupId(ctx.clock());
    rc = await createSnapshots(ctx, [{ resourceName: rd.name, name: snapName, nodes: [node], props: { [SHIP_CREATED]: 'true' } }]);
    if (!findSnapshot(ctx.state, rd.name, snapName)?.flags.includes('SUCCESSFUL')) return rc;
    ours = true;
  }
  const snap = findSnapshot(ctx.state, rd.name, snapName)!;
  const here = snap.nodes.find((n) => nameKey(n.nodeName) === nameKey(node))!;
  const volumes = snap.volumeDefinitions.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, storagePool: here.storagePools[String(v.volumeNumber)]! }));
  const mark = shippedTo(remote.name, String(b.dst_rsc_name));
  const base = shippedBase(ctx, rd.name, node, mark);
  let shipped = false;
  try {
    const target = await remoteCall<{ job_id: string; address: string; port: number; token: string; node_name: string; incremental?: boolean }>(remote.url, '/v1/internal/shipping/receive', {
      src_cluster_id: ctx.state.secrets.get('cluster/id'), ...(remote.clusterId ? { dst_cluster_id: remote.clusterId } : {}), src_rsc_name: rd.name, dst_rsc_name: b.dst_rsc_name, dst_node_name: b.dst_node_name, dst_net_if_name: b.dst_net_if_name,
      dst_stor_pool: b.dst_stor_pool, stor_pool_rename: b.stor_pool_rename, dst_rsc_grp: b.dst_rsc_grp, snap_name: snapName, layer_stack: here.layerStack,
      volumes: volumes.map((v) => ({ vlm_nr: v.volumeNumber, size_kib: v.sizeKib, size_bytes: v.sizeKib * 1024, stor_pool: v.storagePool })),
      ...(base && nameKey(base.name) !== nameKey(snapName) ? { base_snap_name: base.name } : {}),
    });
    const incremental = target.incremental === true && base !== undefined;
    let sent: BackupUploadResult;
    try {
      sent = await ctx.links.request<BackupUploadResult>(nameKey(node), { type: 'backup-send', request: { jobId: randomBytes(8).toString('hex'), resource: rd.name, snapshot: snapName, ...(incremental ? { baseSnapshot: base.name } : {}), target: { address: target.address, port: target.port, token: target.token }, volumes: volumes.map(({ volumeNumber, storagePool }) => ({ volumeNumber, storagePool })) } }, 24 * 3600_000);
    } catch (e) {
      await remoteCall(remote.url, `/v1/internal/shipping/receive/${target.job_id}/abort`, {}).catch(() => undefined);
      throw e;
    }
    const remoteRc = await remoteCall<Array<{ message?: string }>>(remote.url, `/v1/internal/shipping/receive/${target.job_id}/commit`, {
      src_rsc_name: rd.name, download_only: b.download_only === true,
      volumes: sent.volumes.map((v) => ({ vlm_nr: v.volumeNumber, sha256: v.sha256, image_sha256: v.imageSha256 })),
    });
    shipped = true;
    await markShipped(ctx, rd.name, snapName, mark);
    return [...rc, rcEntry('CREATED', `${incremental ? `Incremental (on '${base.name}')` : 'Full'}: snapshot '${snapName}' of '${rd.name}' shipped from node '${node}' to '${b.dst_rsc_name}' on node '${target.node_name}' of remote '${remote.name}'.`, { ...BACKUP, objRefs: { RscDfn: rd.name, Snapshot: snapName, Remote: remote.name } }),
      // The remote's own return codes lose their 64-bit precision in JSON: their messages are kept.
      ...remoteRc.map((e) => rcEntry('CREATED', `${remote.name}: ${e.message ?? ''}`, { ...BACKUP, objRefs: { Remote: remote.name } }))];
  } finally {
    // A snapshot that did not arrive is no base for anything.
    if (ours && !shipped) await deleteSnapshot(ctx, rd.name, snapName).catch(() => undefined);
  }
}
