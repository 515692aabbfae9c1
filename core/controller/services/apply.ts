/**
 * After a change is committed: wait for the satellites of the touched nodes to apply it and
 * turn what they report into ApiCallRc entries, as LINSTOR's controller appends the
 * satellites' answers to a reply. The desired state stays as committed whatever the
 * satellites answer (LINSTOR keeps a resource whose deployment failed; the user deletes it).
 */
import { rcEntry, type ApiCallRc, type OpMask } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';

/** How long a request waits for online satellites (FILE_THIN creates take well under this). */
export const APPLY_TIMEOUT_MS = Number(process.env.LINSTOR_APPLY_TIMEOUT_MS ?? 60_000);

export interface ApplyTarget { rdName: string; nodeName: string }

export function isOnline(ctx: ControllerContext, nodeName: string): boolean {
  return ctx.runtime.nodes.get(nameKey(nodeName))?.status === 'ONLINE';
}

/** LINSTOR's ApiCallRcImpl "No active connection to satellite" warning. */
export function notConnectedWarning(nodeName: string, op: OpMask): ApiCallRc {
  return rcEntry('WARN_NOT_CONNECTED', `No active connection to satellite '${nodeName}'`, {
    obj: 'RSC', op,
    details: 'The controller is trying to (re-) establish a connection to the satellite. The controller stored the changes and as soon the satellite is connected, it will receive this update.',
    objRefs: { Node: nodeName },
  });
}

/**
 * Waits for the online nodes among `targets`; offline ones get a WARN_NOT_CONNECTED entry and
 * are not waited for. `kind` picks the success message LINSTOR's satellites send.
 */
export async function applyAndReport(ctx: ControllerContext, targets: ApplyTarget[], kind: 'create' | 'modify' | 'delete', timeoutMs = APPLY_TIMEOUT_MS): Promise<ApiCallRc[]> {
  const rc: ApiCallRc[] = [];
  const op: OpMask = kind === 'create' ? 'CRT' : kind === 'delete' ? 'DEL' : 'MOD';
  const nodes = new Map<string, string>();
  for (const t of targets) nodes.set(nameKey(t.nodeName), t.nodeName);
  const online = [...nodes.entries()].filter(([, n]) => isOnline(ctx, n));
  for (const [, n] of nodes) if (!isOnline(ctx, n)) rc.push(notConnectedWarning(n, op));
  const late = new Set<string>();
  if (online.length) {
    try {
      // Only these resources: a request does not wait for a slow device elsewhere on the node.
      const res = await ctx.links.waitApplied(online.map(([k]) => k), timeoutMs, [...new Set(targets.map((t) => t.rdName))]);
      for (const k of res?.offline ?? []) rc.push(notConnectedWarning(nodes.get(k) ?? k, op));
      for (const k of res?.timedOut ?? []) {
        late.add(k);
        rc.push(rcEntry('WARN_STLT_NOT_UPDATED', `Satellite '${nodes.get(k) ?? k}' did not confirm the update within ${Math.round(timeoutMs / 1000)} s.`, {
          obj: 'RSC', op, details: 'The change is stored; the satellite applies it when it can.', objRefs: { Node: nodes.get(k) ?? k },
        }));
      }
      for (const k of res?.offline ?? []) late.add(k);
    } catch (err) {
      ctx.log.warn({ err, nodes: online.map(([, n]) => n) }, 'waiting for satellites failed');
    }
  }
  for (const t of targets) {
    if (!isOnline(ctx, t.nodeName) || late.has(nameKey(t.nodeName))) continue;
    const rep = ctx.runtime.resources.get(`${nameKey(t.rdName)}/${nameKey(t.nodeName)}`);
    const refs = { RscDfn: t.rdName, Node: t.nodeName };
    if (rep?.error) {
      rc.push(rcEntry('FAIL_UNKNOWN_ERROR', `(${t.nodeName}) ${rep.error.message}`, {
        obj: 'RSC', op, cause: rep.error.cause, details: rep.error.details, objRefs: refs,
      }));
    } else if (kind === 'delete') {
      if (!rep) rc.push(rcEntry('DELETED', `Deleted '${t.rdName}' on '${t.nodeName}'`, { obj: 'RSC', op, objRefs: refs }));
    } else if (rep?.ready) {
      rc.push(rcEntry(kind === 'create' ? 'CREATED' : 'MODIFIED', kind === 'create' ? `Created resource '${t.rdName}' on '${t.nodeName}'` : `Updated resource '${t.rdName}' on '${t.nodeName}'`, { obj: 'RSC', op, objRefs: refs }));
    }
  }
  return rc;
}

/** True if some entry is an error (the satellite refused): callers keep objects marked, not removed. */
export function failedNodes(rc: ApiCallRc[]): Set<string> {
  const out = new Set<string>();
  for (const e of rc) {
    if ((BigInt.asUintN(64, e.ret_code) >> 62n) === 3n && e.obj_refs?.Node) out.add(nameKey(e.obj_refs.Node));
  }
  return out;
}
