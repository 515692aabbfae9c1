/** Shared lookups and steps of the snapshot services. */
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ReportedSnapshot } from '../../model/satellite-protocol.js';
import { snapshotKey, type Snapshot } from '../../model/snapshot.js';
import type { ControllerContext } from '../context.js';
import type { ClusterState, Transaction } from '../state/cluster-state.js';
import type { Table } from '../state/table.js';

export function snapshotTable(state: ClusterState): Table<Snapshot> {
  return state.snapshots as unknown as Table<Snapshot>;
}

export function snapshotsOf(state: ClusterState, rdName: string): Snapshot[] {
  return [...snapshotTable(state).withPrefix(`${nameKey(rdName)}/`)].sort((a, b) => a.sequence - b.sequence);
}

export function findSnapshot(state: ClusterState, rdName: string, snapName: string): Snapshot | undefined {
  return snapshotTable(state).get(snapshotKey(nameKey(rdName), nameKey(snapName)));
}

export function getSnapshot(state: ClusterState, rdName: string, snapName: string): Snapshot {
  const s = findSnapshot(state, rdName, snapName);
  if (!s) {
    throw Errors.notFound('FAIL_NOT_FOUND_SNAPSHOT_DFN', 'Snapshot definition', snapName, {
      obj: 'SNAPSHOT', objRefs: { RscDfn: rdName, Snapshot: snapName },
      cause: `Resource definition '${rdName}' has no snapshot '${snapName}'.`,
      correction: `List the snapshots with 'snapshot list -r ${rdName}'.`,
    });
  }
  return s;
}

/**
 * Makes the satellites of the snapshot's nodes receive their desired state again: the
 * satellite link re-pushes nodes whose row changed, and a snapshot may live on a node where
 * the resource was deleted. Rewriting the node rows unchanged is what triggers that push.
 */
export function touchNodes(ctx: ControllerContext, tx: Transaction, nodeNames: Iterable<string>): void {
  for (const n of new Set([...nodeNames].map(nameKey))) {
    const node = ctx.state.nodes.get(n);
    if (node) tx.put(ctx.state.nodes, n, node);
  }
}

export function isOnline(ctx: ControllerContext, nodeName: string): boolean {
  return ctx.runtime.nodes.get(nameKey(nodeName))?.status === 'ONLINE';
}

/** Waits for the online nodes to apply the current desired state; returns the nodes that did not. */
export async function waitNodes(ctx: ControllerContext, nodeNames: string[], timeoutMs = APPLY_TIMEOUT_MS): Promise<Set<string>> {
  const failed = new Set<string>();
  const online = nodeNames.filter((n) => isOnline(ctx, n));
  for (const n of nodeNames) if (!isOnline(ctx, n)) failed.add(nameKey(n));
  if (online.length) {
    const res = await ctx.links.waitApplied(online.map(nameKey), timeoutMs);
    for (const k of [...res.offline, ...res.timedOut]) failed.add(k);
  }
  return failed;
}

export const APPLY_TIMEOUT_MS = Number(process.env.LINSTOR_APPLY_TIMEOUT_MS ?? 60_000);

/** What a node reported about one snapshot of a resource (after the last apply). */
export function reportedSnapshot(ctx: ControllerContext, rdName: string, nodeName: string, snapName: string): ReportedSnapshot | undefined {
  const rep = ctx.runtime.resources.get(`${nameKey(rdName)}/${nameKey(nodeName)}`);
  return rep?.snapshots?.find((s) => nameKey(s.name) === nameKey(snapName));
}

export function notSupported(kind: string, pool: string, node: string): ApiError {
  return new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage driver '${kind}' does not support snapshots.`, {
    obj: 'SNAPSHOT', details: `Used for storage pool '${pool}' on '${node}'.`,
    correction: 'Use a thin storage pool (FILE_THIN, LVM_THIN, ZFS, ZFS_THIN) for resources that need snapshots.',
  });
}
