/**
 * Error reports of the Proxmox hook (module PROXMOX, node = this PVE node's LINSTOR name): a
 * hook that fails unexpectedly — a bug, a local file the hook cannot use — files a report on
 * the controller with the hook, its arguments, the exit code and the message PVE got. Refusals
 * (bad volume names, storage.cfg mistakes, PveRefusal), the controller's own answers and an
 * unreachable controller are not reported, as in the Cinder and CSI adapters. A report no
 * controller takes waits in the outbox (LINSTOR_PVE_OUTBOX_DIR, default
 * /var/lib/linstor-pve/error-reports) and goes with the next hook that reaches a controller.
 */
import { isApiError, isNoController, type HookContext } from '../context.js';

export const DEFAULT_OUTBOX_DIR = '/var/lib/linstor-pve/error-reports';
const MAX_ARGS_SHOWN = 500;
const REFUSALS = new Set(['PveRefusal', 'VolnameError', 'StorageConfigError', 'StorageCfgError']);

export function isUnexpected(e: unknown): boolean {
  return !(isApiError(e) || isNoController(e) || (e instanceof Error && REFUSALS.has(e.name)));
}

export const outboxDir = (env: NodeJS.ProcessEnv = process.env): string => env.LINSTOR_PVE_OUTBOX_DIR || DEFAULT_OUTBOX_DIR;

/** Loaded on demand: a hook that works never loads the reporter (and the HTTP client behind it). */
async function reporter(ctx: HookContext) {
  const { AdapterErrorReporter } = await import('../../../core/client/adapter-reports.js');
  return new AdapterErrorReporter(() => ctx.linstor(), 'PROXMOX', ctx.log, { node: ctx.node, outboxDir: outboxDir() });
}

/** `alloc_image {"vmid":100,...}`: what PVE asked, shortened. */
function shownCall(hook: string, args: Record<string, unknown>): string {
  const a = JSON.stringify(args);
  return `${hook} ${a.length > MAX_ARGS_SHOWN ? `${a.slice(0, MAX_ARGS_SHOWN)}...` : a}`;
}

export async function reportHookFailure(ctx: HookContext, e: unknown, hook: string, args: Record<string, unknown>, exitCode: number, output: string): Promise<void> {
  const volume = typeof args.volname === 'string' ? ` ${args.volname}` : '';
  await (await reporter(ctx)).report(e, { action: `${hook}${volume} (storage ${ctx.storeid})`, command: shownCall(hook, args), exitCode, output }).catch(() => undefined);
}

/** After a hook that reached the controller: reports kept while none answered go now. */
export async function flushReports(ctx: HookContext): Promise<void> {
  if (!ctx.usedController()) return;
  const { existsSync, readdirSync } = await import('node:fs');
  // The common case (nothing kept) costs one readdir.
  const dir = outboxDir();
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.startsWith('pending-'))) return;
  await (await reporter(ctx)).flush();
}
