/**
 * Incremental `backup ship`: the source keeps the last snapshot it shipped to a target
 * (`Backup/ShippedTo` = `<remote>:<target resource>`), and the target keeps the snapshot it
 * received. The next shipment to the same target sends only the chunks that differ from that
 * snapshot; the target applies them onto a copy of its own, checks the image's SHA-256 as for a
 * full one, and rolls its resource forward to the new snapshot. Older shipped snapshots are
 * dropped on both sides once the new one is in place.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import { snapshotKey, type Snapshot } from '../../model/snapshot.js';
import type { Props, ResourceDefinition } from '../../model/types.js';
import type { ApiCallRc } from '../../model/apicallrc.js';
import type { ControllerContext } from '../context.js';
import { resourcesOf } from '../lookup.js';
import { findSnapshot, snapshotsOf, snapshotTable, touchNodes } from '../snapshots/common.js';
import { deleteSnapshot, rollbackSnapshot } from '../snapshots/delete-rollback.js';
import { restoreResources } from '../snapshots/restore.js';
import type { Receiving } from '../backups/receiving.js';

const BACKUP = { obj: 'BACKUP' as const, op: 'CRT' as const };
export const SHIPPED_TO = 'Backup/ShippedTo';
/** Set on snapshots `backup ship` took itself (the ones it may delete again). */
export const SHIP_CREATED = 'Backup/ShipCreated';
export const SOURCE_CLUSTER = 'Backup/SourceCluster';
export const SOURCE_RESOURCE = 'Backup/SourceResource';

export const shippedTo = (remote: string, target: string): string => `${nameKey(remote)}:${nameKey(target)}`;

// ---- source side ----

/** The newest snapshot of `rdName` on `node` that was shipped to that target whole. */
export function shippedBase(ctx: ControllerContext, rdName: string, node: string, mark: string): Snapshot | undefined {
  return snapshotsOf(ctx.state, rdName).filter((s) => s.props[SHIPPED_TO] === mark && s.flags.includes('SUCCESSFUL')
    && s.nodes.some((n) => nameKey(n.nodeName) === nameKey(node))).pop();
}

/** The shipment arrived: `snapName` is the base of the next one, older bases are dropped. */
export async function markShipped(ctx: ControllerContext, rdName: string, snapName: string, mark: string): Promise<void> {
  const table = snapshotTable(ctx.state);
  const older = snapshotsOf(ctx.state, rdName).filter((s) => s.props[SHIPPED_TO] === mark && nameKey(s.name) !== nameKey(snapName));
  await ctx.state.mutate((tx) => {
    const s = findSnapshot(ctx.state, rdName, snapName);
    if (s) tx.put(table, snapshotKey(nameKey(rdName), nameKey(s.name)), { ...s, props: { ...s.props, [SHIPPED_TO]: mark } });
    for (const o of older) {
      if (o.props[SHIP_CREATED] === 'true') continue; // deleted below
      const { [SHIPPED_TO]: _m, ...props } = o.props;
      tx.put(table, snapshotKey(nameKey(rdName), nameKey(o.name)), { ...o, props });
    }
  });
  for (const o of older) if (o.props[SHIP_CREATED] === 'true') await deleteSnapshot(ctx, rdName, o.name).catch(() => undefined);
}

// ---- target side ----

export interface IncomingVolume { volumeNumber: number; sizeKib: number }

/**
 * Checks that `rd` can take an incremental shipment on top of its snapshot `base`: the base was
 * received from the same source resource of the same cluster, the volumes are the same size,
 * and the resource is deployed (if at all) only on the base's node and not in use there.
 */
export function incrementalTarget(ctx: ControllerContext, rd: ResourceDefinition, base: string, src: { cluster: string; rsc: string }, volumes: IncomingVolume[]): Snapshot {
  const refuse = (why: string, correction = 'Ship into a new resource name (a full shipment).') => new ApiError('FAIL_EXISTS_RSC_DFN', `Cannot ship incrementally into '${rd.name}': ${why}.`, { ...BACKUP, correction });
  const snap = findSnapshot(ctx.state, rd.name, base);
  if (!snap?.flags.includes('SUCCESSFUL')) throw refuse(`it has no snapshot '${base}' to build on`);
  if (snap.props[SOURCE_CLUSTER] !== src.cluster || nameKey(snap.props[SOURCE_RESOURCE] ?? '') !== nameKey(src.rsc)) throw refuse(`its snapshot '${base}' was not shipped from '${src.rsc}' of this cluster`);
  for (const v of volumes) {
    const had = snap.volumeDefinitions.find((x) => x.volumeNumber === v.volumeNumber);
    if (!had || had.sizeKib !== v.sizeKib) throw refuse(`volume ${v.volumeNumber} changed size since '${base}'`);
  }
  if (snap.volumeDefinitions.length !== volumes.length) throw refuse(`the volumes changed since '${base}'`);
  const node = snap.nodes[0]!.nodeName;
  for (const r of resourcesOf(ctx.state, rd.name)) {
    if (isDisklessResource(r.flags) || r.flags.includes('DELETE')) continue;
    if (nameKey(r.nodeName) !== nameKey(node)) throw refuse(`it has a replica on node '${r.nodeName}' as well as on '${node}'`, 'Delete the other replicas of the shipped copy, or ship into a new resource name.');
    if (ctx.runtime.resources.get(`${nameKey(rd.name)}/${nameKey(r.nodeName)}`)?.inUse) {
      throw refuse(`it is in use on node '${r.nodeName}'`, `Stop using '${rd.name}' on '${r.nodeName}' (unmount it), then ship again.`);
    }
  }
  return snap;
}

/** A pending snapshot in the existing definition, on the base's node, to receive into. */
export async function createIncomingSnapshot(ctx: ControllerContext, rd: ResourceDefinition, base: Snapshot, snapName: string, props: Props): Promise<Receiving> {
  const { state } = ctx;
  const sKey = snapshotKey(nameKey(rd.name), nameKey(snapName));
  const from = base.nodes[0]!;
  await state.mutate((tx) => {
    if (findSnapshot(state, rd.name, snapName)) throw new ApiError('FAIL_EXISTS_SNAPSHOT_DFN', `Resource definition '${rd.name}' already has a snapshot '${snapName}'.`, { ...BACKUP, correction: 'Ship again (a new snapshot name is chosen).' });
    const sequence = Math.max(0, ...snapshotsOf(state, rd.name).map((s) => s.sequence)) + 1;
    tx.put(snapshotTable(state), sKey, {
      name: snapName, resourceName: rd.name, flags: [], props, sequence,
      volumeDefinitions: base.volumeDefinitions.map((v) => ({ ...v, props: { ...v.props } })),
      nodes: [{ ...from, createTimestamp: ctx.clock(), flags: [], props: {}, uuid: randomUUID() }], take: false, uuid: randomUUID(),
    });
    touchNodes(ctx, tx, [from.nodeName]);
  });
  return { rdName: rd.name, snapName, nodeName: from.nodeName, sKey, base: base.name };
}

/** The increment is in: roll the shipped copy forward to it (or restore it), drop the old base. */
export async function finishIncremental(ctx: ControllerContext, r: Receiving, downloadOnly: boolean): Promise<ApiCallRc[]> {
  const deployed = resourcesOf(ctx.state, r.rdName).some((x) => !isDisklessResource(x.flags) && !x.flags.includes('DELETE'));
  await deleteSnapshot(ctx, r.rdName, r.base!).catch(() => undefined);
  if (downloadOnly) return [];
  return deployed ? rollbackSnapshot(ctx, r.rdName, r.snapName) : restoreResources(ctx, r.rdName, r.snapName, { to_resource: r.rdName, nodes: [r.nodeName] });
}
