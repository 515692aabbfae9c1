/**
 * Snapshot shipping inside one cluster, as LINSTOR's (deprecated) snapshot shipping does it:
 * `POST /v1/resource-definitions/{rsc}/snapshot-shipping` (from/to node), or every
 * `SnapshotShipping/RunEvery` minutes with `SourceNode`/`TargetNode` (definition, group or
 * controller). A snapshot `<SnapshotShipping/Prefix or "ship"><n>` is taken on the source node
 * and its satellite streams it straight to the target node's satellite, which checks it and
 * adopts it as its own snapshot of the same definition, in the pool its resource uses. The
 * snapshot is then held by both nodes (restore it on the target with `snapshot resource
 * restore --node`). The next shipment between the same two nodes is incremental on the newest
 * shipped snapshot both hold; `SnapshotShipping/Keep` (> 0) keeps only the newest N shipped.
 * The target node must hold a diskful resource of the definition (LINSTOR receives into it; we
 * only add a snapshot beside it, so it need not be inactive). FILE_THIN only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isError, rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { DFLT_SNAPSHOT_SHIPPING_PREFIX } from '../../model/apiconsts.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { BackupUploadResult } from '../../model/satellite-protocol.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Node, Resource, ResourceDefinition } from '../../model/types.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { getNode, getResourceDefinition, resourcesOf, storagePoolKey } from '../lookup.js';
import { volumeStoragePool } from '../state/volume-pool.js';
import { findSnapshot, isOnline, snapshotsOf, snapshotTable, touchNodes } from '../snapshots/common.js';
import { createSnapshots, put } from '../snapshots/create.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';
import { definitionLevels } from '../snapshots/interval.js';

const SHIP = { obj: 'SNAPSHOT' as const, op: 'CRT' as const };
const TRANSFER_TIMEOUT_MS = Number(process.env.LINSTOR_BACKUP_TIMEOUT_MS ?? 24 * 3600_000);
/** LINSTOR's snapshot definition props naming the two ends, and its per-definition counter. */
export const SHIP_SOURCE = 'Shipping/Source';
export const SHIP_TARGET = 'Shipping/Target';
const NEXT_ID = 'SnapshotShippingNextId';
export const DEPRECATED = 'Snapshot-shipping is deprecated and will be deleted in a future LINSTOR release. Use Backup-shipping instead';

/** Shipments running now, per controller: `RD/FROM/TO`. */
const running = new WeakMap<object, Set<string>>();
const runningOf = (ctx: ControllerContext): Set<string> => { let s = running.get(ctx.state); if (!s) { s = new Set(); running.set(ctx.state, s); } return s; };

export interface InClusterRequest { resource: string; from?: string; to?: string; toNic?: string; via: 'request' | 'properties' }

interface Plan {
  rd: ResourceDefinition; src: Node; dst: Node; address: string; ports?: { from: number; to: number };
  volumes: Array<{ volumeNumber: number; srcPool: string; dstPool: string; sizeKib: number }>;
}

/** `SnapshotShipping/TcpPortRange` (controller): the ports the target may listen on; unset: any free one. */
function portRange(ctx: ControllerContext): { from: number; to: number } | undefined {
  const v = ctx.state.ctrlProps['SnapshotShipping/TcpPortRange'];
  if (v === undefined || v === '') return undefined;
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(from >= 1 && to <= 65535 && from <= to)) {
    throw new ApiError('FAIL_INVLD_PROP', `SnapshotShipping/TcpPortRange '${v}' is not a port range.`, { ...SHIP, correction: "Set it to 'from-to' with 1 <= from <= to <= 65535, or delete it." });
  }
  return { from, to };
}

const isActiveReplica = (r: Resource): boolean => !isDisklessResource(r.flags) && !r.flags.includes('DELETE') && !r.flags.includes('INACTIVE');
const refuse = (code: 'FAIL_INVLD_SNAPSHOT_SHIPPING_TARGET' | 'FAIL_INVLD_SNAPSHOT_SHIPPING_SOURCE' | 'FAIL_NOT_FOUND_RSC' | 'FAIL_SNAPSHOT_SHIPPING_NOT_SUPPORTED' | 'FAIL_NOT_CONNECTED' | 'FAIL_NOT_FOUND_NET_IF' | 'FAIL_EXISTS_SNAPSHOT_SHIPPING' | 'FAIL_NOT_FOUND_VLM_DFN', msg: string, correction?: string) =>
  new ApiError(code, msg, { ...SHIP, ...(correction ? { correction } : {}) });

/** Every check before anything is created: names, both ends, their pools, links, and no shipment already running. */
function planShipment(ctx: ControllerContext, req: InClusterRequest): Plan {
  const { state } = ctx;
  const rd = getResourceDefinition(state, req.resource);
  const targetWhat = req.via === 'properties' ? 'Property SnapshotShipping/TargetNode' : "'to_node'";
  if (!req.to) throw refuse('FAIL_INVLD_SNAPSHOT_SHIPPING_TARGET', `${targetWhat} must be set to ship snapshots of '${rd.name}'.`, 'Name the node to ship to.');
  const dst = getNode(state, req.to);
  let src: Node;
  if (req.from) src = getNode(state, req.from);
  else {
    const first = resourcesOf(state, rd.name).find((r) => isActiveReplica(r) && nameKey(r.nodeName) !== nameKey(dst.name));
    if (!first) throw refuse('FAIL_NOT_FOUND_RSC', `Failed to find an active resource as snapshot-shipping source node of '${rd.name}'.`, 'Deploy the resource, or set the source node.');
    src = getNode(state, first.nodeName);
  }
  if (nameKey(src.name) === nameKey(dst.name)) throw refuse('FAIL_INVLD_SNAPSHOT_SHIPPING_TARGET', `The snapshot shipping source and target of '${rd.name}' are the same node '${src.name}'.`, 'Ship to another node.');
  const srcRsc = resourcesOf(state, rd.name).find((r) => nameKey(r.nodeName) === nameKey(src.name) && isActiveReplica(r));
  if (!srcRsc) throw refuse('FAIL_NOT_FOUND_RSC', `Node '${src.name}' holds no active diskful resource '${rd.name}' to ship from.`, 'Ship from a node that holds the resource.');
  const dstRsc = resourcesOf(state, rd.name).find((r) => nameKey(r.nodeName) === nameKey(dst.name) && !isDisklessResource(r.flags) && !r.flags.includes('DELETE'));
  if (!dstRsc) {
    throw refuse('FAIL_NOT_FOUND_RSC', `Node '${dst.name}' holds no diskful resource '${rd.name}': snapshot shipping ships into the target node's resource.`,
      `Create the resource on '${dst.name}' first (linstor resource create ${dst.name} ${rd.name}), or ship to a node that has it.`);
  }
  if (!rd.volumeDefinitions.length) throw refuse('FAIL_NOT_FOUND_VLM_DFN', `'${rd.name}' has no volumes to ship.`);
  const volumes = rd.volumeDefinitions.map((vd) => {
    const pools = [srcRsc, dstRsc].map((r) => {
      const name = volumeStoragePool(state, r, rd, vd);
      const kind = state.storagePools.get(storagePoolKey(r.nodeName, name))?.providerKind ?? 'unknown';
      if (kind !== 'FILE_THIN') {
        throw refuse('FAIL_SNAPSHOT_SHIPPING_NOT_SUPPORTED', `The storage pool kind ${kind} does not support snapshot shipping here (volume ${vd.volumeNumber} of '${rd.name}' on '${r.nodeName}' is in pool '${name}').`,
          'Snapshot shipping inside the cluster is implemented for FILE_THIN pools only.');
      }
      return name;
    });
    return { volumeNumber: vd.volumeNumber, srcPool: pools[0]!, dstPool: pools[1]!, sizeKib: vd.sizeKib };
  });
  for (const n of [src, dst]) {
    if (!isOnline(ctx, n.name)) throw refuse('FAIL_NOT_CONNECTED', `Node '${n.name}' is not connected; '${rd.name}' cannot be shipped now.`, 'Ship again once the node is back.');
  }
  const nif = req.toNic ? dst.netInterfaces.find((n) => nameKey(n.name) === nameKey(req.toNic!)) : dst.netInterfaces.find((n) => n.name === dst.activeNetInterface) ?? dst.netInterfaces[0];
  if (!nif) throw refuse('FAIL_NOT_FOUND_NET_IF', `Node '${dst.name}' has no network interface${req.toNic ? ` '${req.toNic}'` : ''} to receive on.`);
  if (runningOf(ctx).has(`${nameKey(rd.name)}/${nameKey(src.name)}/${nameKey(dst.name)}`)) {
    throw refuse('FAIL_EXISTS_SNAPSHOT_SHIPPING', `Snapshot shipping of resource '${rd.name}' from node '${src.name}' to node '${dst.name}' already in progress.`, 'Wait until it is done.');
  }
  const ports = portRange(ctx);
  return { rd, src, dst, address: nif.address, volumes, ...(ports ? { ports } : {}) };
}

/** Shipped (or shipping) between these two nodes, oldest first. */
export function shipmentsBetween(ctx: ControllerContext, rdName: string, src: string, dst: string): Snapshot[] {
  return snapshotsOf(ctx.state, rdName).filter((s) => nameKey(s.props[SHIP_SOURCE] ?? '') === nameKey(src) && nameKey(s.props[SHIP_TARGET] ?? '') === nameKey(dst));
}

function nextName(ctx: ControllerContext, rd: ResourceDefinition, rc: ApiCallRc[]): { name: string; id: number } {
  let prefix = propValue('SnapshotShipping/Prefix', definitionLevels(ctx, rd)) ?? DFLT_SNAPSHOT_SHIPPING_PREFIX;
  const valid = (() => { try { checkName('snapshot', prefix); return true; } catch { return false; } })();
  if (!valid) {
    rc.push(rcEntry('WARN_INVLD_SNAPSHOT_SHIPPING_PREFIX', `'${prefix}' is not a valid prefix for snapshot shipping. Defaulting to '${DFLT_SNAPSHOT_SHIPPING_PREFIX}'`, SHIP));
    prefix = DFLT_SNAPSHOT_SHIPPING_PREFIX;
  }
  let id = Number(rd.props[NEXT_ID] ?? 0);
  if (!Number.isSafeInteger(id) || id < 0) id = 0;
  while (findSnapshot(ctx.state, rd.name, `${prefix}${id}`)) id++;
  return { name: `${prefix}${id}`, id };
}

/**
 * A shipped snapshot the next shipment can build on: both nodes still hold it, with the same
 * volumes, in the pools they use now (else the next one is a full one). A volume that grew
 * since is fine: the stream carries the new size and the changed chunks.
 */
function fitsAsBase(s: Snapshot, src: string, dst: string, volumes: Plan['volumes']): boolean {
  const on = (node: string) => s.nodes.find((x) => nameKey(x.nodeName) === nameKey(node));
  const [a, b] = [on(src), on(dst)];
  if (!a || !b || s.volumeDefinitions.length !== volumes.length) return false;
  return volumes.every((v) => a.storagePools[String(v.volumeNumber)] === v.srcPool && b.storagePools[String(v.volumeNumber)] === v.dstPool
    && s.volumeDefinitions.some((x) => x.volumeNumber === v.volumeNumber));
}

/** Checks, takes the snapshot on the source, ships it to the target; answers once both hold it. */
export async function shipInCluster(ctx: ControllerContext, req: InClusterRequest): Promise<ApiCallRc[]> {
  const plan = planShipment(ctx, req);
  const { rd, src, dst } = plan;
  const key = `${nameKey(rd.name)}/${nameKey(src.name)}/${nameKey(dst.name)}`;
  runningOf(ctx).add(key);
  try {
    return await ship(ctx, plan);
  } finally {
    runningOf(ctx).delete(key);
  }
}

async function ship(ctx: ControllerContext, { rd, src, dst, address, volumes, ports }: Plan): Promise<ApiCallRc[]> {
  const rc: ApiCallRc[] = [];
  const { name: snapName, id } = nextName(ctx, rd, rc);
  const base = shipmentsBetween(ctx, rd.name, src.name, dst.name).filter((s) => s.flags.includes('SHIPPED') && fitsAsBase(s, src.name, dst.name, volumes)).pop();
  const taken = await createSnapshots(ctx, [{
    resourceName: rd.name, name: snapName, nodes: [src.name], flags: ['SHIPPING'],
    props: { [SHIP_SOURCE]: src.name, [SHIP_TARGET]: dst.name }, rdProps: { [NEXT_ID]: String(id + 1) },
  }]);
  const snap = findSnapshot(ctx.state, rd.name, snapName);
  if (!snap?.flags.includes('SUCCESSFUL')) {
    if (snap) await deleteSnapshot(ctx, rd.name, snapName).catch(() => undefined);
    const why = taken.filter((e) => isError(e.ret_code)).map((e) => e.message).join(' ');
    throw new ApiError('FAIL_UNKNOWN_ERROR', `Snapshot '${snapName}' of '${rd.name}' could not be taken on '${src.name}'; nothing was shipped.${why ? ` ${why}` : ''}`, SHIP);
  }
  let sentBytes = 0;
  try {
    const here = snap.nodes[0]!;
    const dstPools = Object.fromEntries(volumes.map((v) => [String(v.volumeNumber), v.dstPool]));
    // The target is listed before the data arrives, so its satellite keeps the file it receives.
    await ctx.state.mutate((tx) => {
      put(ctx, tx, { ...snap, nodes: [{ ...here, flags: ['SHIPPING_SOURCE'] }, { nodeName: dst.name, storagePools: dstPools, layerStack: [...here.layerStack], createTimestamp: ctx.clock(), flags: ['SHIPPING_TARGET'], props: {}, uuid: randomUUID() }] });
      touchNodes(ctx, tx, [dst.name]);
    });
    const jobId = randomBytes(8).toString('hex');
    const token = randomBytes(24).toString('hex');
    const baseSnapshot = base ? { baseSnapshot: base.name } : {};
    const { port } = await ctx.links.request<{ port: number }>(nameKey(dst.name), { type: 'backup-receive', request: {
      jobId, token, bindAddress: address, resource: rd.name, snapshot: snapName, ...baseSnapshot, ...(ports ? { ports } : {}),
      volumes: volumes.map((v) => ({ volumeNumber: v.volumeNumber, storagePool: v.dstPool, sizeBytes: v.sizeKib * 1024 })),
    } });
    let sent: BackupUploadResult;
    try {
      sent = await ctx.links.request<BackupUploadResult>(nameKey(src.name), { type: 'backup-send', request: {
        jobId: randomBytes(8).toString('hex'), resource: rd.name, snapshot: snapName, ...baseSnapshot, target: { address, port, token },
        volumes: volumes.map((v) => ({ volumeNumber: v.volumeNumber, storagePool: v.srcPool })),
      } }, TRANSFER_TIMEOUT_MS);
    } catch (e) {
      await ctx.links.request(nameKey(dst.name), { type: 'backup-abort', jobId }).catch(() => undefined);
      throw e;
    }
    sentBytes = sent.volumes.reduce((n, v) => n + v.objectBytes, 0);
    await ctx.links.request(nameKey(dst.name), { type: 'backup-receive-commit', request: { jobId, volumes: sent.volumes.map((v) => ({ volumeNumber: v.volumeNumber, sha256: v.sha256, imageSha256: v.imageSha256 })) } }, TRANSFER_TIMEOUT_MS);
    await ctx.state.mutate((tx) => {
      const cur = findSnapshot(ctx.state, rd.name, snapName);
      if (cur) put(ctx, tx, { ...cur, flags: [...cur.flags.filter((f) => f !== 'SHIPPING'), 'SHIPPED'] });
    });
  } catch (e) {
    // Nothing half-shipped stays: the snapshot goes on both nodes.
    await deleteSnapshot(ctx, rd.name, snapName).catch(() => undefined);
    throw e;
  }
  ctx.log.info({ resource: rd.name, snapshot: snapName, from: src.name, to: dst.name, base: base?.name, bytes: sentBytes }, 'snapshot shipped inside the cluster');
  rc.push(rcEntry('CREATED', `${base ? `Incremental (on '${base.name}')` : 'Full'}: snapshot '${snapName}' of '${rd.name}' shipped from node '${src.name}' to node '${dst.name}'.`,
    { ...SHIP, objRefs: { RscDfn: rd.name, Snapshot: snapName, Node: dst.name } }));
  rc.push(...await dropBeyondKeep(ctx, rd, src.name, dst.name));
  rc.push(rcEntry('WARN_DEPRECATED', DEPRECATED, SHIP));
  return rc;
}

/** `SnapshotShipping/Keep` > 0: only the newest N snapshots shipped between these nodes stay (on both). */
async function dropBeyondKeep(ctx: ControllerContext, rd: ResourceDefinition, src: string, dst: string): Promise<ApiCallRc[]> {
  const keep = Number(propValue('SnapshotShipping/Keep', definitionLevels(ctx, rd)) ?? 0);
  if (!(keep > 0)) return [];
  const shipped = shipmentsBetween(ctx, rd.name, src, dst).filter((s) => s.flags.includes('SHIPPED'));
  const rc: ApiCallRc[] = [];
  for (const old of shipped.slice(0, Math.max(0, shipped.length - keep))) {
    rc.push(...await deleteSnapshot(ctx, rd.name, old.name).catch((e: unknown) => {
      ctx.log.warn({ err: e, resource: rd.name, snapshot: old.name }, 'dropping an old shipped snapshot failed');
      return [];
    }));
  }
  return rc;
}

/**
 * Shipments are coordinated in the controller's memory: one that becomes active finds none
 * running, so a snapshot still `SHIPPING` was cut off by a controller stop (the satellites drop
 * their halves when the link goes). It is deleted on both nodes; the next shipment starts over.
 */
export async function dropInterruptedShipments(ctx: ControllerContext): Promise<void> {
  for (const s of [...snapshotTable(ctx.state).values()]) {
    const src = s.props[SHIP_SOURCE];
    const dst = s.props[SHIP_TARGET];
    if (!s.flags.includes('SHIPPING') || !src || !dst || runningOf(ctx).has(`${nameKey(s.resourceName)}/${nameKey(src)}/${nameKey(dst)}`)) continue;
    ctx.log.warn({ resource: s.resourceName, snapshot: s.name, from: src, to: dst }, 'snapshot shipping interrupted by a controller stop: its snapshot is removed');
    await deleteSnapshot(ctx, s.resourceName, s.name).catch((e: unknown) => ctx.log.warn({ err: e, snapshot: s.name }, 'could not drop the snapshot of an interrupted shipment'));
  }
}
