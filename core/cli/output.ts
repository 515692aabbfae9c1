/**
 * How replies reach the user, as linstor-client prints them: ApiCallRc lists as
 * SUCCESS/INFO/WARNING/ERROR blocks on stdout (exit 10 on an error, or on a warning with
 * --warn-as-error); `-m` as json.dumps([reply.data(version) ...], indent=2) with exit 0.
 */
import { isError, isInfo, isWarning } from '../model/apicallrc.js';
import { toJson } from '../model/json.js';
import type { ApiCallRc } from '../client/types.js';
import { Color } from './table.js';
import { toV0, type ReplyKind } from './output-v0.js';

/** linstor-client's ExitCode values. */
export const ExitCode = {
  OK: 0, UNKNOWN_ERROR: 1, ARGPARSE_ERROR: 2, OBJECT_NOT_FOUND: 3, OPTION_NOT_SUPPORTED: 4, ILLEGAL_STATE: 5,
  API_ERROR: 10, NO_SATELLITE_CONNECTION: 11, CONNECTION_ERROR: 20, CONNECTION_TIMEOUT: 21, UNEXPECTED_REPLY: 22,
} as const;

export interface OutputCtx {
  machine: boolean;
  outputVersion: 'v0' | 'v1';
  warnAsError: boolean;
  color: boolean;
  out: (s: string) => void;
}

/** json.dumps(value, indent=2) with Python's default ensure_ascii, exact int64s kept. */
export function pyJson(value: unknown): string {
  return toJson(value, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.dumps(value) without indent: ", " and ": " separators, ensure_ascii. */
export function pyCompact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyCompact).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pyCompact(k)}: ${pyCompact(v)}`).join(', ')}}`;
  return pyJson(value);
}

const colored = (s: string, color: string, on: boolean): string => (on ? `${color}${s}${Color.NONE}` : s);

function indented(text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => `    ${l}\n`).join('');
}

/** One ApiCallRc the way linstor-client's Output.handle_ret writes it. */
export function formatRc(rc: ApiCallRc, color: boolean): string {
  const code = rc.ret_code;
  const category = isError(code) ? colored('ERROR:\n', Color.RED, color)
    : isWarning(code) ? colored('WARNING:\n', Color.YELLOW, color)
      : isInfo(code) ? colored('INFO:\n', Color.BLUE, color)
        : colored('SUCCESS:\n', Color.GREEN, color);
  let s = category;
  const has = (v: string | undefined): v is string => typeof v === 'string' && v.length > 0;
  if ((has(rc.cause) || has(rc.correction) || has(rc.details)) && has(rc.message)) s += 'Description:\n';
  if (has(rc.message)) s += indented(rc.message);
  if (has(rc.cause)) s += `Cause:\n${indented(rc.cause)}`;
  if (has(rc.correction)) s += `Correction:\n${indented(rc.correction)}`;
  if (has(rc.details)) s += `Details:\n${indented(rc.details)}`;
  if (rc.error_report_ids?.length) s += `Show reports:\n${indented(`linstor error-reports show ${rc.error_report_ids.join(' ')}`)}`;
  return s;
}

/** Exit code for a reply list: API_ERROR on any error (or warning with --warn-as-error). */
export function repliesExitCode(list: ApiCallRc[], warnAsError: boolean): number {
  return list.some((r) => isError(r.ret_code) || (warnAsError && isWarning(r.ret_code))) ? ExitCode.API_ERROR : ExitCode.OK;
}

export function showReplies(ctx: OutputCtx, rcs: unknown): number {
  const list = Array.isArray(rcs) ? (rcs as ApiCallRc[]).filter((x) => x && typeof x === 'object' && 'ret_code' in x) : [];
  if (ctx.machine) {
    ctx.out(pyJson(ctx.outputVersion === 'v0' ? list.map((r) => toV0('apicallrc', r)) : list) + '\n');
    return ExitCode.OK;
  }
  for (const rc of list) ctx.out(formatRc(rc, ctx.color));
  return repliesExitCode(list, ctx.warnAsError);
}

/** `-m` for a list reply: one element per reply, each in the requested output version. */
export function machineList(ctx: OutputCtx, kind: ReplyKind, data: unknown): number {
  ctx.out(pyJson([ctx.outputVersion === 'v0' ? toV0(kind, data) : data]) + '\n');
  return ExitCode.OK;
}

/** `-m` for replies that are themselves the list (error reports): one element per object. */
export function machineListFlat(ctx: OutputCtx, kind: ReplyKind, items: unknown[]): number {
  ctx.out(pyJson(ctx.outputVersion === 'v0' ? toV0(kind, items) : items) + '\n');
  return ExitCode.OK;
}
