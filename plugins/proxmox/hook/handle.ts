/**
 * One hook request, the same whether it came on stdin (one process per call) or over the
 * local socket of `linstor-pve-hook --serve`.
 * Request:  {"hook": "alloc_image", "storeid": "...", "scfg": {...}, "node": "...", "args": {...}}
 * Answer:   {"result": ..., "notices": [...]}  or  {"error": "..."} with a non-zero code.
 */
import type { Logger } from 'pino';
import { makeContext, nodeName, type HookContext } from '../context.js';
import { linstorNodeName, linstorStorage } from '../linstor-storage.js';
import { HOOKS, errorText } from './dispatch.js';
import { flushReports, isUnexpected, reportHookFailure } from './report.js';

// parse_volname gets no storage config from PVE; it needs none.
const NO_STORAGE_HOOKS = new Set(['parse_volname']);

export interface HookAnswer { code: number; reply: { result?: unknown; notices?: string[]; error?: string } }

export async function handleRequest(text: string, log?: Logger): Promise<HookAnswer> {
  let req: { hook?: string; storeid?: string; scfg?: Record<string, unknown>; node?: string; args?: Record<string, unknown> };
  try { req = JSON.parse(text); } catch (e) { return { code: 2, reply: { error: `linstor-pve-hook: invalid request: ${(e as Error).message}` } }; }
  const hook = HOOKS[req.hook ?? ''];
  if (!hook) return { code: 2, reply: { error: `linstor-pve-hook: unknown hook '${req.hook}'` } };
  let ctx: HookContext | undefined;
  try {
    const scfg = req.scfg ?? (NO_STORAGE_HOOKS.has(req.hook!) ? { resourcegroup: '-', shared: 1 } : {});
    const { storage, warnings } = linstorStorage(req.storeid ?? '', scfg);
    ctx = makeContext(storage, { node: linstorNodeName(nodeName(req.node), storage), ...(log ? { log } : {}) });
    for (const w of warnings) ctx.log.warn({ storeid: storage.storeid }, w);
    const result = await hook(ctx, req.args ?? {});
    await flushReports(ctx);
    return { code: 0, reply: { result: result ?? null, notices: ctx.notices } };
  } catch (e) {
    const error = `${req.hook}: ${errorText(e)}`;
    // A bug or a failure of this node (not a refusal): an error report on the controller.
    if (ctx && isUnexpected(e)) await reportHookFailure(ctx, e, req.hook!, req.args ?? {}, 1, error);
    return { code: 1, reply: { error } };
  }
}
