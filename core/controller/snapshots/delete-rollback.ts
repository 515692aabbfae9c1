/** Deleting snapshots (all nodes or some) and rolling a resource back to its newest snapshot. */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import { snapshotKey } from '../../model/snapshot.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, resourcesOf } from '../lookup.js';
import { put } from './create.js';
import { getSnapshot, isOnline, reportedSnapshot, snapshotsOf, snapshotTable, touchNodes, waitNodes } from './common.js';

/** Removes the snapshot from the named nodes (all when none are named); the satellites delete the data. */
export async function deleteSnapshot(ctx: ControllerContext, rdName: string, snapName: string, nodes: string[] = []): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const rd = getResourceDefinition(state, rdName);
  const refs = { RscDfn: rd.name, Snapshot: snapName };
  const { before, remaining } = await state.mutate((tx) => {
    const s = getSnapshot(state, rd.name, snapName);
    const drop = new Set(nodes.map(nameKey));
    const remaining = drop.size ? s.nodes.filter((n) => !drop.has(nameKey(n.nodeName))) : [];
    if (remaining.length) put(ctx, tx, { ...s, nodes: remaining });
    else tx.delete(snapshotTable(state), snapshotKey(nameKey(rd.name), nameKey(s.name)));
    touchNodes(ctx, tx, s.nodes.map((n) => n.nodeName));
    return { before: s, remaining };
  });
  const gone = before.nodes.filter((n) => !remaining.some((r) => nameKey(r.nodeName) === nameKey(n.nodeName))).map((n) => n.nodeName);
  await waitNodes(ctx, gone);
  const rc = [rcEntry('DELETED', remaining.length
    ? `Snapshot '${before.name}' of resource '${rd.name}' deleted on node(s) ${gone.map((n) => `'${n}'`).join(', ')}.`
    : `Snapshot '${before.name}' of resource '${rd.name}' deleted.`, {
    obj: 'SNAPSHOT', op: 'DEL', details: `Snapshot '${before.name}' of resource '${rd.name}' UUID was: ${before.uuid}`, objRefs: refs,
  })];
  for (const n of gone) {
    if (!isOnline(ctx, n)) {
      rc.push(rcEntry('WARN_NOT_CONNECTED', `No active connection to satellite '${n}'`, { obj: 'SNAPSHOT', op: 'DEL', objRefs: { ...refs, Node: n }, details: 'The snapshot data is removed when the satellite connects again.' }));
    }
  }
  return rc;
}

/**
 * Rolls every diskful resource of the definition back to the snapshot. LINSTOR allows this only
 * for the most recent snapshot (what a thin LV merge or `zfs rollback` without -r can do) and
 * only while no node has the resource in use (open, mounted, DRBD Primary).
 */
export async function rollbackSnapshot(ctx: ControllerContext, rdName: string, snapName: string): Promise<ApiCallRc[]> {
  const { state, runtime } = ctx;
  const rd = getResourceDefinition(state, rdName);
  const snap = getSnapshot(state, rd.name, snapName);
  const refs = { RscDfn: rd.name, Snapshot: snap.name };
  const newer = snapshotsOf(state, rd.name).filter((s) => s.sequence > snap.sequence);
  if (newer.length) {
    throw new ApiError('FAIL_EXISTS_SNAPSHOT_DFN', `Cannot roll back resource '${rd.name}' to snapshot '${snap.name}' because it is not the most recent snapshot.`, {
      obj: 'SNAPSHOT', op: 'MOD', objRefs: refs,
      cause: `Newer snapshots exist: ${newer.map((s) => `'${s.name}'`).join(', ')}. Only the most recent snapshot can be rolled back to.`,
      correction: `Delete the newer snapshots first (snapshot delete ${rd.name} ${newer.map((s) => s.name).join(' / ')}), or restore '${snap.name}' into a new resource (snapshot resource restore).`,
    });
  }
  if (!snap.flags.includes('SUCCESSFUL')) {
    throw new ApiError('FAIL_SNAPSHOT_NOT_UPTODATE', `Snapshot '${snap.name}' of resource '${rd.name}' was not taken successfully; it cannot be rolled back to.`, { obj: 'SNAPSHOT', op: 'MOD', objRefs: refs });
  }
  const rscs = resourcesOf(state, rd.name);
  for (const r of rscs) {
    if (runtime.resources.get(`${nameKey(rd.name)}/${nameKey(r.nodeName)}`)?.inUse) {
      throw new ApiError('FAIL_IN_USE', `Resource '${rd.name}' is in use on node '${r.nodeName}'; it cannot be rolled back to snapshot '${snap.name}'.`, {
        obj: 'SNAPSHOT', op: 'MOD', objRefs: { ...refs, Node: r.nodeName },
        cause: 'Rolling back replaces the data under a device that is open (mounted or DRBD Primary).',
        correction: `Stop using the resource on '${r.nodeName}' (unmount it, shut the VM down), then roll back again.`,
      });
    }
  }
  const missing = rscs.filter((r) => !isDisklessResource(r.flags) && !snap.nodes.some((n) => nameKey(n.nodeName) === nameKey(r.nodeName)));
  if (missing.length) {
    throw new ApiError('FAIL_NOT_FOUND_SNAPSHOT', `Snapshot '${snap.name}' does not exist on node(s) ${missing.map((r) => `'${r.nodeName}'`).join(', ')} where resource '${rd.name}' is deployed.`, {
      obj: 'SNAPSHOT', op: 'MOD', objRefs: refs, correction: 'Delete the resource on those nodes or take a new snapshot on all nodes.',
    });
  }
  const offline = snap.nodes.filter((n) => rscs.some((r) => nameKey(r.nodeName) === nameKey(n.nodeName)) && !isOnline(ctx, n.nodeName));
  if (offline.length) {
    throw new ApiError('FAIL_NOT_CONNECTED', `Cannot roll back resource '${rd.name}': node(s) ${offline.map((n) => `'${n.nodeName}'`).join(', ')} not connected.`, { obj: 'SNAPSHOT', op: 'MOD', objRefs: refs });
  }
  const nodes = snap.nodes.filter((n) => rscs.some((r) => nameKey(r.nodeName) === nameKey(n.nodeName))).map((n) => n.nodeName);
  await state.mutate((tx) => { put(ctx, tx, { ...getSnapshot(state, rd.name, snap.name), rollback: true }); touchNodes(ctx, tx, nodes); });
  let late = new Set<string>();
  try {
    late = await waitNodes(ctx, nodes);
  } finally {
    // Cleared whatever happened: a satellite that re-applies later must not roll back again.
    await state.mutate((tx) => {
      const cur = snapshotTable(state).get(snapshotKey(nameKey(rd.name), nameKey(snap.name)));
      if (cur) { put(ctx, tx, { ...cur, rollback: false }); touchNodes(ctx, tx, nodes); }
    });
  }
  const rc: ApiCallRc[] = [];
  for (const n of nodes) {
    const rep = reportedSnapshot(ctx, rd.name, n, snap.name);
    if (late.has(nameKey(n)) || !rep || rep.error) {
      rc.push(rcEntry('FAIL_UNKNOWN_ERROR', `Rollback of resource '${rd.name}' to snapshot '${snap.name}' failed on node '${n}'.`, {
        obj: 'SNAPSHOT', op: 'MOD', cause: rep?.error ?? 'The satellite did not confirm the rollback.', objRefs: { ...refs, Node: n },
      }));
    } else {
      rc.push(rcEntry('MODIFIED', `Rolled back resource '${rd.name}' to snapshot '${snap.name}' on node '${n}'.`, { obj: 'SNAPSHOT', op: 'MOD', objRefs: { ...refs, Node: n } }));
    }
  }
  return rc;
}
