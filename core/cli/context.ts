/**
 * What every command gets: the REST client, output style and a writer. Commands return
 * through the helpers here so -m JSON, tables and ApiCallRc printing look the same everywhere.
 */
import { isError, isInfo, isWarning } from '../model/apicallrc.js';
import { toJson } from '../model/json.js';
import type { LinstorClient } from '../client/index.js';
import type { ApiCallRc } from '../client/types.js';
import { renderTable, type CellValue, type TableStyle } from './table.js';

/** linstor-client's ExitCode values. */
export const ExitCode = { OK: 0, UNKNOWN_ERROR: 1, ARGPARSE_ERROR: 2, OBJECT_NOT_FOUND: 3, API_ERROR: 10, CONNECTION_ERROR: 20, CONNECTION_TIMEOUT: 21, UNEXPECTED_REPLY: 22 } as const;

export interface Ctx {
  client: LinstorClient;
  machine: boolean;
  outputVersion: 'v0' | 'v1';
  style: TableStyle;
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Prints one REST response: `-m` gets the raw arrays (`[[...]]`), people get a table. */
export function showList(ctx: Ctx, raw: unknown, headers: string[], rows: CellValue[][]): number {
  if (ctx.machine) { ctx.out(toJson([raw], 2) + '\n'); return ExitCode.OK; }
  ctx.out(renderTable(headers, rows, ctx.style));
  return ExitCode.OK;
}

function indent(s: string): string { return s.split('\n').map((l) => `    ${l}`).join('\n'); }

export function formatRc(rc: ApiCallRc): string {
  const kind = isError(rc.ret_code) ? 'ERROR' : isWarning(rc.ret_code) ? 'WARNING' : isInfo(rc.ret_code) ? 'INFO' : 'SUCCESS';
  const parts = [`${kind}:`, 'Description:', indent(rc.message)];
  if (rc.cause) parts.push('Cause:', indent(rc.cause));
  if (rc.correction) parts.push('Correction:', indent(rc.correction));
  if (rc.details) parts.push('Details:', indent(rc.details));
  if (rc.error_report_ids?.length) parts.push('Show reports:', indent(rc.error_report_ids.map((id) => `linstor error-reports show ${id}`).join('\n')));
  return parts.join('\n');
}

/** Prints an ApiCallRc list and returns API_ERROR if any entry is an error. */
export function showReplies(ctx: Ctx, rcs: ApiCallRc[] | unknown): number {
  const list = Array.isArray(rcs) ? (rcs as ApiCallRc[]) : [];
  if (ctx.machine) ctx.out(toJson(list, 2) + '\n');
  else for (const rc of list) ctx.out(formatRc(rc) + '\n');
  return list.some((r) => isError(r.ret_code)) ? ExitCode.API_ERROR : ExitCode.OK;
}

/** Property tables (`list-properties`): Key, Value sorted by key. */
export function showProps(ctx: Ctx, props: Record<string, string> | undefined, raw?: unknown): number {
  const p = props ?? {};
  return showList(ctx, raw ?? [p], ['Key', 'Value'], Object.keys(p).sort().map((k) => [k, p[k]!]));
}

/** `set-property OBJ KEY [VALUE]`: no value deletes, as in linstor-client; `--aux` prefixes `Aux/`. */
export function propsModify(key: string, value: string | undefined, aux: boolean): { override_props?: Record<string, string>; delete_props?: string[] } {
  const k = aux ? `Aux/${key}` : key;
  return value === undefined ? { delete_props: [k] } : { override_props: { [k]: value } };
}

export function fmtTime(ms: number | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const layers = (s: string | undefined): string[] | undefined =>
  s ? s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean) : undefined;
