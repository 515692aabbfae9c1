/**
 * Deleting resources as LINSTOR does: mark them DELETE, push, wait for the satellites,
 * then remove them from the desired state. A node that is not connected cannot confirm; its
 * resource is removed at once with a WARN_NOT_CONNECTED entry, and the satellite drops the
 * device when it reconnects and receives its full desired state (it keeps nothing of its own).
 * A satellite that reports a failure keeps the resource marked DELETE so the user sees it.
 */
import type { ApiCallRc } from '../../model/apicallrc.js';
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
  return { rc, remaining: nodeNames.filter((n) => failed.has(nameKey(n))) };
}
