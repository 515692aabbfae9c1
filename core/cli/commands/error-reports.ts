/** `linstor error-reports list|show|delete` as linstor-client has them. */
import { ExitCode, fmtTime, newTable, showReplies, type Ctx } from '../context.js';
import { machineListFlat } from '../output.js';
import { list, obool, ostr, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import { SUB } from './common.js';

type Obj = Record<string, any>;

/** linstor-client's parse_time_str: "3d", "10h", "1d10h", "3days" → that long before now. */
export function parseSince(s: string, now = Date.now()): number {
  const m = /^(\d+\W*d)?(\d+\W*h)?/.exec(s);
  if (!m || (!m[1] && !m[2])) throw new UsageError(`Unable to parse since string: '${s}'. e.g.: 1d10h or 3h'`);
  const days = m[1] ? Number(m[1].replace(/\D/g, '')) : 0;
  const hours = m[2] ? Number(m[2].replace(/\D/g, '')) : 0;
  return now - days * 86400e3 - hours * 3600e3;
}

/** A date or a "5d"/"3d10h" age (delete takes both). */
function parseWhen(s: string, endOfDay: boolean): number {
  if (/^\d+\W*[dh]/.test(s) && !/^\d{4}-/.test(s)) return parseSince(s);
  const def = endOfDay ? '0000-00-00 23:59:59' : '0000-00-00 00:00:00';
  const full = s + def.slice(s.length);
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(full);
  if (!m) throw new UsageError(`time data '${s}' does not match format '%Y-%m-%d %H:%M:%S'`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
}

const reportId = (e: Obj): string => String(e.filename ?? '').replace(/^ErrorReport-/, '').replace(/\.log$/, '');

async function fetchReports(ctx: Ctx, opts: { ids?: string[]; nodes?: string[]; since?: number; to?: number; withContent: boolean }): Promise<Obj[]> {
  const q = { withContent: opts.withContent ? 'True' : 'False', since: opts.since, to: opts.to };
  if (opts.ids?.length) {
    const out: Obj[] = [];
    for (const id of opts.ids) out.push(...await ctx.client.transport.get<Obj[]>(`/v1/error-reports/${encodeURIComponent(id)}`, q));
    return out;
  }
  if (opts.nodes?.length) {
    const out: Obj[] = [];
    for (const node of opts.nodes) out.push(...await ctx.client.transport.get<Obj[]>('/v1/error-reports', { ...q, node }));
    return out;
  }
  return ctx.client.transport.get<Obj[]>('/v1/error-reports', q);
}

async function errList(ctx: Ctx, p: Parsed): Promise<number> {
  const since = ostr(p, 'since') ? parseSince(ostr(p, 'since')!) : undefined;
  const to = ostr(p, 'to') ? parseWhen(ostr(p, 'to')!, true) : undefined;
  let reports = await fetchReports(ctx, { nodes: list(p, 'nodes'), since: since === undefined ? undefined : Math.floor(since / 1000) * 1000, to, withContent: false });
  const prefixes = list(p, 'report-id');
  if (prefixes.length) reports = reports.filter((e) => prefixes.some((x) => reportId(e).startsWith(x)));
  if (ctx.machine) return machineListFlat(ctx, 'error-reports', reports);
  const full = obool(p, 'full');
  const t = newTable(ctx, p).addColumn('Id').addColumn('Datetime').addColumn('Node').addColumn('Exception');
  if (full) t.addColumn('Location').addColumn('Version');
  for (const e of reports) {
    const m = String(e.exception_message ?? '');
    const msg = m.length < 60 ? m : `${m.slice(0, 57)}...`;
    const row = [reportId(e), fmtTime(e.error_time), `${e.module ? `${String(e.module)[0]}|` : ''}${e.node_name ?? ''}`, `${e.exception ?? ''}${msg ? `: ${msg}` : ''}`];
    if (full) row.push(e.origin_file ? `${e.origin_file}:${e.origin_line}` : '', e.version ?? '');
    t.addRow(row);
  }
  ctx.out(t.show());
  return ExitCode.OK;
}

export const errorReportsCommand: CmdSpec = {
  name: 'error-reports', aliases: ['err'], help: 'Error report subcommands', title: 'Error report commands',
  sub: [
    {
      ...SUB.list, help: 'List error reports.',
      opts: [
        { name: 'since', short: 's', kind: 'str', help: 'Show errors since n days. e.g. "3days"' },
        { name: 'to', short: 't', kind: 'str', help: 'Show errors to specified date. Format YYYY-MM-DD.' },
        { name: 'nodes', short: 'n', kind: 'list', complete: 'node', help: 'Only show error reports from these nodes.' },
        { name: 'pastable', short: 'p', kind: 'bool', help: 'Generate pastable output' },
        { name: 'report-id', kind: 'list', complete: 'error-report', help: "Restrict to id's that begin with the given ones." },
        { name: 'full', short: 'f', kind: 'bool', help: 'Show all error info fields' },
      ],
      run: errList,
    },
    {
      ...SUB.show, help: 'Output content of an error report.', args: [{ name: 'report_id', variadic: '+', complete: 'error-report', help: 'Id of the error report' }],
      run: async (ctx, p) => {
        const reports = await fetchReports(ctx, { ids: list(p, 'report_id'), withContent: true });
        if (ctx.machine) return machineListFlat(ctx, 'error-reports', reports);
        for (const e of reports) ctx.out(`${e.text ?? ''}\n`);
        return ExitCode.OK;
      },
    },
    {
      ...SUB.delete, help: 'Delete one or more error reports.',
      args: [{ name: 'id', variadic: '*', complete: 'error-report', help: 'Delete error reports matching the given ids' }],
      opts: [
        { name: 'nodes', kind: 'list', complete: 'node', help: 'Only delete error reports from the given nodes' },
        { name: 'since', kind: 'str', help: 'Datetime since when to delete error reports. Date format: 2020-08-30 13:40:00' },
        { name: 'to', kind: 'str', help: 'Datetime until to delete error reports. Date format: 2020-08-30 13:40:00' },
        { name: 'exception', kind: 'str', help: 'Only delete error reports matching the exception' },
      ],
      run: async (ctx, p) => {
        const body: Obj = {};
        if (list(p, 'nodes').length) body.nodes = list(p, 'nodes');
        if (ostr(p, 'since')) body.since = parseWhen(ostr(p, 'since')!, false);
        if (ostr(p, 'to')) body.to = parseWhen(ostr(p, 'to')!, true);
        if (ostr(p, 'exception')) body.exception = ostr(p, 'exception');
        if (list(p, 'id').length) body.ids = list(p, 'id');
        return showReplies(ctx, await ctx.client.transport.patch('/v1/error-reports', body));
      },
    },
  ],
};
