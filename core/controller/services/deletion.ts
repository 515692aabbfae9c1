/**
 * Deleting resources as LINSTOR does: mark them DELETE, push, wait for the satellites,
 * then remove them from the desired state. A node that is not connected cannot confirm; its
 * resource is removed at once with a WARN_NOT_CONNECTED entry, and the satellite drops the
 * device when it reconnects and receives its full desired state (it keeps nothing of its own).
 * A satellite that reports a failure keeps the resource marked DELETE so the user sees it.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { addTieBreakerInTx, pointlessTieBreakers } from '../placement/tie-breaker.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { resourceKey } from '../lookup.js';
import { applyAndReport, failedNodes } from './apply.js';

export async function deleteResources(ctx: ControllerContext, rdName: string, nodeNames: string[]): Promise<{ rc: ApiCallRc[]; remaining: string[] }> {
  const { state } = ctx;
  const keys = nodeNames.map((n) => resourceKey(rdName, n));
  await state.mutate((tx) => {
    for (const k of keys) {
      const r = state.resources.get(k);
      if (r && !r.flags.includes('DELETE')) tx.put(state.resources, k, { ...r, flags: [...r.flags, 'DELETE'] });
    }
  });
  const rc = await applyAndReport(ctx, nodeNames.map((n) => ({ rdName, nodeName: n })), 'delete');
  const failed = failedNodes(rc);
  await state.mutate((tx) => {
    for (const n of nodeNames) {
      if (failed.has(nameKey(n))) continue;
      tx.delete(state.resources, resourceKey(rdName, n));
    }
    // Resource connections that named a removed resource go with it.
    for (const [k, c] of state.resourceConnections.entries()) {
      if (nameKey(c.resource) !== nameKey(rdName)) continue;
      if (nodeNames.some((n) => !failed.has(nameKey(n)) && (nameKey(c.nodeA) === nameKey(n) || nameKey(c.nodeB) === nameKey(n)))) tx.delete(state.resourceConnections, k);
    }
  });
  for (const n of nodeNames) if (!failed.has(nameKey(n))) ctx.runtime.resources.delete(resourceKey(rdName, n));
  rc.push(...await adjustTieBreaker(ctx, rdName));
  return { rc, remaining: nodeNames.filter((n) => failed.has(nameKey(n))) };
}

/**
 * The quorum side of a delete: a tie-breaker that no longer breaks a tie goes, and a resource
 * left with two diskful replicas gets one (see placement/tie-breaker.ts).
 */
export async function adjustTieBreaker(ctx: ControllerContext, rdName: string): Promise<ApiCallRc[]> {
  const rc: ApiCallRc[] = [];
  const pointless = pointlessTieBreakers(ctx, rdName);
  if (pointless.length) {
    for (const n of pointless) {
      rc.push(rcEntry('INFO_TIE_BREAKER_DELETING', `Tie breaker resource '${rdName}' on node '${n}' is no longer needed and is being deleted.`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: rdName, Node: n } }));
    }
    rc.push(...(await deleteResources(ctx, rdName, pointless)).rc);
    return rc;
  }
  const tb = await ctx.state.mutate((tx) => addTieBreakerInTx(ctx, tx, rdName, false));
  if (tb.created.length) rc.push(...tb.rc, ...await applyAndReport(ctx, tb.created.map((r) => ({ rdName, nodeName: r.nodeName })), 'create'));
  return rc;
}
