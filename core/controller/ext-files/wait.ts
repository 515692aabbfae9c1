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

/** Errors for the nodes whose satellite said, at its last list of files, that it could not write `path`. */
export function writeFailures(ctx: ControllerContext, nodeKeys: string[], path: string): ApiCallRc[] {
  const rc: ApiCallRc[] = [];
  for (const k of nodeKeys) {
    const why = ctx.runtime.nodes.get(k)?.extFileFailures?.[path];
    if (why === undefined) continue;
    const node = ctx.state.nodes.get(k)?.name ?? k;
    rc.push(rcEntry('FAIL_ACC_DENIED_EXT_FILE', `(${node}) ${why}`, {
      obj: 'EXT_FILES', objRefs: { Node: node }, correction: 'Allow the directory in [files] allowExtFiles of that node\'s linstor_satellite.toml, or undeploy the file.',
    }));
  }
  return rc;
}
