/**
 * The target side of a restore or a shipment: a new resource definition with a snapshot on one
 * node that is not there yet (so the node keeps the file it receives), then either marked
 * SUCCESSFUL and restored into a resource, or removed again — nothing half-received remains.
 */
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { DFLT_RSC_GRP } from '../../model/defaults.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { snapshotKey, type Snapshot } from '../../model/snapshot.js';
import type { Node, Props, ResourceDefinition } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { storagePoolKey } from '../lookup.js';
import { snapshotTable, touchNodes } from '../snapshots/common.js';
import { restoreResources } from '../snapshots/restore.js';
import { finishIncremental } from '../shipping/incremental.js';
import { streamFamily } from '../../model/backup.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };

export interface ReceivedVolume { volumeNumber: number; storagePool: string; sizeKib: number }
export interface Receiving {
  rdName: string; snapName: string; nodeName: string; sKey: string;
  /** Received into an existing definition on top of this snapshot (an incremental shipment). */
  base?: string;
}

/**
 * The target node's pool for a volume (renamed). It must take the backup's stream: FILE_THIN
 * our block stream, ZFS/ZFS_THIN a `zfs send` stream, LVM_THIN a `thin_send` one.
 */
export function targetPool(ctx: ControllerContext, node: Node, pool: string, sourceKind = 'FILE_THIN'): string {
  const sp = ctx.state.storagePools.get(storagePoolKey(node.name, pool));
  if (!sp) throw Errors.notFound('FAIL_NOT_FOUND_STOR_POOL', 'Storage pool', `${pool}' on node '${node.name}`, { ...BACKUP, correction: 'Create the pool on the target node or map it with --storpool-rename old=new.' });
  const want = streamFamily(sourceKind);
  if (!want || streamFamily(sp.providerKind) !== want) {
    const fits = want === 'zfs' ? 'a ZFS or ZFS_THIN pool' : want === 'thin' ? 'an LVM_THIN pool' : 'a FILE_THIN pool';
    throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage pool '${pool}' on node '${node.name}' is ${sp.providerKind}; this backup (from ${sourceKind}) is received into ${fits}.`, { ...BACKUP, correction: `Map the volume to ${fits} with --storpool-rename.` });
  }
  return sp.name;
}

export function getNode(ctx: ControllerContext, name: unknown): Node {
  const node = ctx.state.nodes.get(nameKey(String(name)));
  if (!node) throw Errors.notFound('FAIL_NOT_FOUND_NODE', 'Node', String(name), { ...BACKUP, objRefs: { Node: String(name) } });
  return node;
}

export async function createReceiving(ctx: ControllerContext, o: { rdName: string; group?: string; node: Node; snapName: string; layerStack: string[]; volumes: ReceivedVolume[]; props: Props }): Promise<Receiving> {
  const { state } = ctx;
  const group = state.resourceGroups.get(nameKey(o.group ?? DFLT_RSC_GRP));
  if (!group) throw Errors.notFound('FAIL_NOT_FOUND_RSC_GRP', 'Resource group', o.group ?? DFLT_RSC_GRP, BACKUP);
  const exists = () => Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', o.rdName, { ...BACKUP, correction: 'Restore into a new resource name.' });
  if (state.resourceDefinitions.get(nameKey(o.rdName))) throw exists();
  const now = ctx.clock();
  const rd: ResourceDefinition = {
    name: o.rdName, resourceGroup: group.name, props: {}, flags: [], layerStack: ['STORAGE'],
    volumeDefinitions: o.volumes.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: {}, flags: [], uuid: randomUUID() })), uuid: randomUUID(),
  };
  const snap: Snapshot = {
    name: o.snapName, resourceName: o.rdName, flags: [], props: o.props, sequence: 1,
    volumeDefinitions: o.volumes.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: {} })),
    nodes: [{ nodeName: o.node.name, storagePools: Object.fromEntries(o.volumes.map((v) => [String(v.volumeNumber), v.storagePool])), layerStack: [...o.layerStack], createTimestamp: now, flags: [], props: {}, uuid: randomUUID() }],
    take: false, uuid: randomUUID(),
  };
  const sKey = snapshotKey(nameKey(o.rdName), nameKey(o.snapName));
  await state.mutate((tx) => {
    if (state.resourceDefinitions.get(nameKey(o.rdName))) throw exists();
    tx.put(state.resourceDefinitions, nameKey(o.rdName), rd);
    tx.put(snapshotTable(state), sKey, snap);
    touchNodes(ctx, tx, [o.node.name]);
  });
  return { rdName: o.rdName, snapName: o.snapName, nodeName: o.node.name, sKey };
}

export async function dropReceiving(ctx: ControllerContext, r: Receiving): Promise<void> {
  const { state } = ctx;
  await state.mutate((tx) => {
    tx.delete(snapshotTable(state), r.sKey);
    // An incremental shipment leaves the definition it was received into as it was.
    if (r.base === undefined) tx.delete(state.resourceDefinitions, nameKey(r.rdName));
    touchNodes(ctx, tx, [r.nodeName]);
  }).catch(() => undefined);
}

/** The snapshot arrived whole: mark it, and restore the resource from it unless only downloading. */
export async function finishReceiving(ctx: ControllerContext, r: Receiving, downloadOnly: boolean, what: string): Promise<ApiCallRc[]> {
  const { state } = ctx;
  await state.mutate((tx) => { const cur = snapshotTable(state).get(r.sKey); if (cur) tx.put(snapshotTable(state), r.sKey, { ...cur, flags: ['SUCCESSFUL'] }); touchNodes(ctx, tx, [r.nodeName]); });
  const rc = [rcEntry('CREATED', `${what} received into snapshot '${r.snapName}' of '${r.rdName}' on node '${r.nodeName}'.`, { ...BACKUP, objRefs: { RscDfn: r.rdName, Snapshot: r.snapName, Node: r.nodeName } })];
  if (r.base !== undefined) return [...rc, ...await finishIncremental(ctx, r, downloadOnly)];
  if (downloadOnly) return [...rc, rcEntry('WARN_BACKUP_DL_ONLY', `Only downloaded: restore the resource with 'linstor snapshot resource restore --from-resource ${r.rdName} --from-snapshot ${r.snapName} --to-resource <name>'.`, BACKUP)];
  return [...rc, ...await restoreResources(ctx, r.rdName, r.snapName, { to_resource: r.rdName, nodes: [r.nodeName] })];
}
