import { rcEntry, type ApiCallRc, type OpMask } from '../../model/apicallrc.js';
import type { ControllerContext } from '../context.js';
import { APPLY_TIMEOUT_MS, isOnline, notConnectedWarning } from '../services/apply.js';

/**
 * Waits until the online `nodeKeys` applied the desired state as it is now (their list of
 * external files); offline nodes get LINSTOR's not-connected warning, late ones a warning too.
 */
export async function waitNodesApplied(ctx: ControllerContext, nodeKeys: string[], op: OpMask): Promise<ApiCallRc[]> {
  const rc: ApiCallRc[] = [];
  const nameOf = (k: string) => ctx.state.nodes.get(k)?.name ?? k;
  const online = nodeKeys.filter((k) => isOnline(ctx, nameOf(k)));
  for (const k of nodeKeys) if (!online.includes(k)) rc.push(notConnectedWarning(nameOf(k), op));
  if (!online.length) return rc;
  const res = await ctx.links.waitApplied(online, APPLY_TIMEOUT_MS);
  for (const k of res.offline) rc.push(notConnectedWarning(nameOf(k), op));
  for (const k of res.timedOut) {
    rc.push(rcEntry('WARN_STLT_NOT_UPDATED', `Satellite '${nameOf(k)}' did not confirm the update within ${Math.round(APPLY_TIMEOUT_MS / 1000)} s.`, {
      obj: 'EXT_FILES', op, details: 'The change is stored; the satellite applies it when it can.', objRefs: { Node: nameOf(k) },
    }));
  }
  return rc;
}
