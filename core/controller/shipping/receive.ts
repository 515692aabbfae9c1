/**
 * The receiving controller of `backup ship` (internal REST, called by the sending controller):
 * `receive` creates the target definition with its pending snapshot and has the target node's
 * satellite listen for the streams; `commit` has it check and apply them, then restores the
 * resource; `abort` drops it all. Pending receives live in memory.
 */
import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import type { ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { Node } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { storagePoolKey } from '../lookup.js';
import { createReceiving, dropReceiving, finishReceiving, getNode, targetPool, type Receiving } from '../backups/receiving.js';
import { createIncomingSnapshot, incrementalTarget, SOURCE_CLUSTER, SOURCE_RESOURCE } from './incremental.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };
const pending = new WeakMap<object, Map<string, { rcv: Receiving; nodeKey: string }>>();
const jobsOf = (ctx: ControllerContext) => { let m = pending.get(ctx.state); if (!m) { m = new Map(); pending.set(ctx.state, m); } return m; };

type Obj = Record<string, unknown>;
const bad = (what: string) => new ApiError('API_CALL_PARSE_ERROR', `Shipping request: ${what}.`, { correction: 'Both clusters must run a compatible linstor-ts controller.' });
function obj(v: unknown, what: string): Obj { if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} must be an object`); return v as Obj; }
function int(v: unknown, what: string): number { const n = Number(v); if (!Number.isSafeInteger(n) || n < 0) throw bad(`${what} must be a whole number`); return n; }
function opt(v: unknown): string | undefined { return typeof v === 'string' && v !== '' ? v : undefined; }
const SHA = /^[0-9a-f]{64}$/;

function pickNode(ctx: ControllerContext, wanted: string | undefined, pools: string[]): Node {
  if (wanted) return getNode(ctx, wanted);
  for (const n of [...ctx.state.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (ctx.runtime.node(nameKey(n.name)).status !== 'ONLINE') continue;
    if (pools.every((p) => ctx.state.storagePools.get(storagePoolKey(n.name, p))?.providerKind === 'FILE_THIN')) return n;
  }
  throw new ApiError('FAIL_NOT_FOUND_NODE', `No online node of the target cluster has FILE_THIN pool(s) ${pools.map((p) => `'${p}'`).join(', ')}.`, { ...BACKUP, correction: 'Name a target node (--target-node) and pool (--target-storage-pool).' });
}

export function registerShippingReceiveRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;
  r.post('/v1/internal/shipping/receive', route(reporter, BACKUP, 200, async (q) => {
    const b = obj(q.body, 'the body');
    // The sender names the cluster it means (its remote's --cluster-id): another one refuses before creating anything.
    const mine = ctx.state.secrets.get('cluster/id');
    if (opt(b.dst_cluster_id) && b.dst_cluster_id !== mine) {
      throw new ApiError('FAIL_BACKUP_UNKNOWN_CLUSTER', `This is cluster '${String(mine)}', not '${String(b.dst_cluster_id)}' as the sender's remote says.`, { ...BACKUP, correction: "Fix the sending cluster's remote (its URL or --cluster-id)." });
    }
    const rdName = checkName('resource', b.dst_rsc_name);
    const snapName = checkName('snapshot', b.snap_name);
    const rename = b.stor_pool_rename ? obj(b.stor_pool_rename, 'stor_pool_rename') as Record<string, string> : {};
    if (!Array.isArray(b.volumes) || !b.volumes.length) throw bad('volumes must be a non-empty list');
    const raw = b.volumes.map((x, i) => { const v = obj(x, `volumes[${i}]`); return { volumeNumber: int(v.vlm_nr, 'vlm_nr'), sizeKib: int(v.size_kib, 'size_kib'), sizeBytes: int(v.size_bytes, 'size_bytes'), pool: String(v.stor_pool ?? '') }; });
    const props = { [SOURCE_CLUSTER]: String(b.src_cluster_id ?? ''), [SOURCE_RESOURCE]: String(b.src_rsc_name ?? '') };
    const baseName = opt(b.base_snap_name) ? checkName('snapshot', b.base_snap_name) : undefined;
    const existing = ctx.state.resourceDefinitions.get(nameKey(rdName));
    let rcv: Receiving;
    let vols: Array<{ volumeNumber: number; storagePool: string; sizeBytes: number }>;
    if (baseName && existing) {
      // The sender has a base this target received before: only the changes come.
      const base = incrementalTarget(ctx, existing, baseName, { cluster: props[SOURCE_CLUSTER], rsc: props[SOURCE_RESOURCE] }, raw);
      vols = raw.map((v) => ({ volumeNumber: v.volumeNumber, sizeBytes: v.sizeBytes, storagePool: base.nodes[0]!.storagePools[String(v.volumeNumber)]! }));
      rcv = await createIncomingSnapshot(ctx, existing, base, snapName, props);
    } else {
      const poolFor = (p: string) => checkName('storage-pool', opt(b.dst_stor_pool) ?? rename[p] ?? p);
      const node = pickNode(ctx, opt(b.dst_node_name), raw.map((v) => poolFor(v.pool)));
      vols = raw.map((v) => ({ ...v, storagePool: targetPool(ctx, node, poolFor(v.pool)) }));
      const layers = Array.isArray(b.layer_stack) ? b.layer_stack.map(String) : ['STORAGE'];
      rcv = await createReceiving(ctx, { rdName, group: opt(b.dst_rsc_grp), node, snapName, layerStack: layers, volumes: vols.map((v, i) => ({ ...v, sizeKib: raw[i]!.sizeKib })), props });
    }
    const node = getNode(ctx, rcv.nodeName);
    const nif = node.netInterfaces.find((n) => n.name === (opt(b.dst_net_if_name) ?? node.activeNetInterface)) ?? node.netInterfaces[0];
    if (!nif) { await dropReceiving(ctx, rcv); throw new ApiError('FAIL_NOT_FOUND_NET_IF', `Node '${node.name}' has no network interface to receive on.`, BACKUP); }
    const jobId = randomBytes(8).toString('hex');
    const token = randomBytes(24).toString('hex');
    try {
      const { port } = await ctx.links.request<{ port: number }>(nameKey(node.name), { type: 'backup-receive', request: { jobId, token, bindAddress: nif.address, resource: rcv.rdName, snapshot: snapName, ...(rcv.base ? { baseSnapshot: rcv.base } : {}), volumes: vols.map((v) => ({ volumeNumber: v.volumeNumber, storagePool: v.storagePool, sizeBytes: v.sizeBytes })) } });
      jobsOf(ctx).set(jobId, { rcv, nodeKey: nameKey(node.name) });
      return { json: { job_id: jobId, address: nif.address, port, token, node_name: node.name, incremental: rcv.base !== undefined } };
    } catch (e) { await dropReceiving(ctx, rcv); throw e; }
  }));

  r.post('/v1/internal/shipping/receive/:job/commit', route(reporter, BACKUP, 201, async (q) => {
    const b = obj(q.body, 'the body');
    const job = jobsOf(ctx).get(String(q.params.job));
    if (!job) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `No pending shipment '${String(q.params.job)}' on this cluster.`, { ...BACKUP, correction: 'Ship again.' });
    jobsOf(ctx).delete(String(q.params.job));
    const volumes = (Array.isArray(b.volumes) ? b.volumes : []).map((x, i) => {
      const v = obj(x, `volumes[${i}]`);
      if (!SHA.test(String(v.sha256)) || !SHA.test(String(v.image_sha256))) throw bad('sha256 and image_sha256 must be SHA-256 hex');
      return { volumeNumber: int(v.vlm_nr, 'vlm_nr'), sha256: String(v.sha256), imageSha256: String(v.image_sha256) };
    });
    let rc: ApiCallRc[];
    try {
      await ctx.links.request(job.nodeKey, { type: 'backup-receive-commit', request: { jobId: String(q.params.job), volumes } }, 24 * 3600_000);
    } catch (e) { await dropReceiving(ctx, job.rcv); throw e; }
    rc = await finishReceiving(ctx, job.rcv, b.download_only === true, `Shipped snapshot of '${String(b.src_rsc_name ?? '')}'`);
    return { rc };
  }));

  r.post('/v1/internal/shipping/receive/:job/abort', route(reporter, BACKUP, 200, async (q) => {
    const job = jobsOf(ctx).get(String(q.params.job));
    if (!job) return { json: { aborted: false } };
    jobsOf(ctx).delete(String(q.params.job));
    await ctx.links.request(job.nodeKey, { type: 'backup-abort', jobId: String(q.params.job) }).catch(() => undefined);
    await dropReceiving(ctx, job.rcv);
    return { json: { aborted: true } };
  }));
}
