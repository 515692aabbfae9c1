/**
 * What every command gets: the REST client, output settings and writers. Commands print
 * through the helpers here and in output.ts so `-m` JSON, tables and ApiCallRc blocks look the
 * same everywhere.
 */
import type { LinstorClient } from '../client/index.js';
import type { ConfigSections } from './config.js';
import { ExitCode, machineList, pyJson, showReplies as printReplies, type OutputCtx } from './output.js';
import type { ReplyKind } from './output-v0.js';
import type { Progress } from './progress.js';
import type { Parsed } from './spec.js';
import { Color, Table, type TableStyle } from './table.js';

export { ExitCode } from './output.js';

export interface Ctx extends OutputCtx {
  client: LinstorClient;
  style: TableStyle;
  err: (s: string) => void;
  /** Spinner/progress line on stderr; silent unless both streams are terminals and not -m. */
  progress: Progress;
  config: ConfigSections;
  curl: boolean;
  env: NodeJS.ProcessEnv;
}

export const showReplies = (ctx: Ctx, rcs: unknown): number => printReplies(ctx, rcs);

/** A table in the command's style (`-p/--pastable` = ASCII, no colours). */
export function newTable(ctx: Ctx, p?: Parsed): Table {
  return new Table(ctx.style, { pastable: p?.opt.pastable === true });
}

/** Prints a list reply: `-m` gets the reply data, people get what `render` prints. */
export function showList<T>(ctx: Ctx, kind: ReplyKind, data: T, render: (data: T) => string | void): number {
  if (ctx.machine) return machineList(ctx, kind, data);
  const text = render(data);
  if (text) ctx.out(text);
  return ExitCode.OK;
}

/** `list-properties`: Key/Value sorted by key; `-m` prints [[{key, value}, ...]] in the server's order. */
export function showProps(ctx: Ctx, props: Record<string, string> | undefined, p?: Parsed): number {
  if (ctx.machine) {
    ctx.out(props ? `${pyJson([Object.entries(props).map(([key, value]) => ({ key, value }))])}\n` : '\n');
    return ExitCode.OK;
  }
  if (!props) {
    ctx.out(`${ctx.color ? `${Color.YELLOW}No property map found for this entry.${Color.NONE}` : 'No property map found for this entry.'}\n`);
    return ExitCode.OK;
  }
  const t = newTable(ctx, p).addColumn('Key').addColumn('Value');
  for (const k of Object.keys(props).sort()) t.addRow([k, props[k]!]);
  ctx.out(t.show());
  return ExitCode.OK;
}

/** `set-property OBJ KEY [VALUE]`: no (or empty) value deletes, as in linstor-client; `--aux` prefixes `Aux/`. */
export function propsModify(key: string, value: string | undefined, aux: boolean): { override_props?: Record<string, string>; delete_props?: string[] } {
  const k = aux ? `Aux/${key}` : key;
  return value ? { override_props: { [k]: value } } : { delete_props: [k] };
}

/** Python's str(datetime.fromtimestamp(ms / 1000))[:19], in the local time zone. */
export function fmtTime(ms: number | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Python's repr of a list of strings: ['a', 'b']. */
export const pyList = (l: unknown[]): string => `[${l.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}]`;
