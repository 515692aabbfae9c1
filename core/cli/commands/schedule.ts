/** `linstor schedule ...`: backup schedules (cron expressions, retention, failure handling). */
import { ExitCode, fmtTime, newTable, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { obool, ostr, str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { seg } from '../../client/http.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;

const CRON_HELP = `

Cron-Syntax:
  */5 3 2-4 4,5 SAT
   ^  ^  ^   ^   ^
   |  |  |   |   +- Day of Week (Numbers 0-6 (0 == Sunday) or 3 letter abbreviation)
   |  |  |   +----- Month (Numbers 1-12 or 3 letter abbreviation)
   |  |  +--------- Day of Month (1-31)
   |  +------------ Hour (0-23)
   +--------------- Minute (0-59)

The example above reads:
Every 5 minutes past hour 3 on every day between 2 and 4 and on every Saturday in April and May.`;

/** keep counts: a number >= 0 or "all" (-1); retries: a number >= 0 or "forever" (-1). */
function count(p: Parsed, name: string, word: string): number | undefined {
  const v = ostr(p, name);
  if (v === undefined) return undefined;
  if (v === word) return -1;
  if (!/^\d+$/.test(v)) throw new UsageError(`argument --${name}: Only numbers >= 0 allowed or "${word}"`);
  return Number(v);
}

const scheduleOpts = (modify: boolean): OptSpec[] => [
  ...(modify ? [{ name: 'full-cron', short: 'f', kind: 'str' as const, help: 'Cron expression to be used for full backups' }] : []),
  { name: 'incremental-cron', short: 'i', kind: 'str', help: 'Cron expression to be used for incremental backups' },
  { name: 'keep-local', short: 'l', kind: 'str', help: 'Number(or "all") of snapshots for a full backup to keep local' },
  { name: 'keep-remote', short: 'r', kind: 'str', help: 'Number(or "all") of full backups to keep at the remote' },
  { name: 'on-failure', kind: 'str', choices: ['RETRY', 'SKIP'], help: 'On failure action' },
  { name: 'max-retries', kind: 'str', help: 'How many retries if on-failure is retry, use "forever" for infinity' },
];

function body(p: Parsed, full: string | undefined): Obj {
  const b: Obj = {};
  if (full !== undefined) b.full_cron = full;
  if (ostr(p, 'incremental-cron') !== undefined) b.inc_cron = ostr(p, 'incremental-cron');
  if (count(p, 'keep-local', 'all') !== undefined) b.keep_local = count(p, 'keep-local', 'all');
  if (count(p, 'keep-remote', 'all') !== undefined) b.keep_remote = count(p, 'keep-remote', 'all');
  if (ostr(p, 'on-failure') !== undefined) b.on_failure = ostr(p, 'on-failure')!.toUpperCase();
  if (count(p, 'max-retries', 'forever') !== undefined) b.max_retries = count(p, 'max-retries', 'forever');
  return b;
}

const raw = (ctx: Ctx, r: unknown, human: () => string): number => { ctx.out(ctx.machine ? `${pyJson(r)}\n` : human()); return ExitCode.OK; };
const time = (ms: number | undefined, inc: boolean | undefined): string => (ms ? `${fmtTime(ms)} (${inc ? 'Inc' : 'Full'})` : '');
const enabled = (v: boolean | undefined, win: boolean): CellValue => (v === undefined || v === null ? '' : win ? { text: v ? 'Enabled' : 'Disabled', color: v ? Color.GREEN : Color.RED } : v ? 'Enabled' : 'Disabled');

export const scheduleCommand: CmdSpec = {
  ...SUB.schedule, help: 'Commands to manage schedules', title: 'Schedule subcommands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of schedules.', opts: [pastableOpt],
      run: async (ctx, p) => {
        const r = await ctx.client.transport.get<Obj>('/v1/schedules');
        return raw(ctx, r, () => {
          const t = newTable(ctx, p);
          for (const h of ['Name', 'Full', 'Incremental', 'KeepLocal', 'KeepRemote', 'OnFailure']) t.addColumn(h);
          for (const s of (Array.isArray(r) ? r : r?.data) ?? []) {
            const onFailure = s.on_failure === 'RETRY' ? `RETRY(${s.max_retries ?? 'forever'})` : s.on_failure ?? '';
            t.addRow([s.schedule_name, s.full_cron, s.inc_cron ?? '', s.keep_local ?? 'all', s.keep_remote ?? 'all', onFailure]);
          }
          return t.show();
        });
      },
    },
    {
      ...SUB.create, help: `Create a schedule.${CRON_HELP}`,
      args: [{ name: 'schedule_name', help: 'Name of the schedule' }, { name: 'full_cron', help: 'Cron expression to be used for full backups' }], opts: scheduleOpts(false),
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/schedules', { schedule_name: str(p, 'schedule_name'), ...body(p, str(p, 'full_cron')) })),
    },
    {
      ...SUB.delete, help: 'Delete a schedule.', args: [{ name: 'schedule_name', help: 'Name of the schedule', complete: 'schedule' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(`/v1/schedules/${seg(str(p, 'schedule_name'))}`)),
    },
    {
      ...SUB.modify, help: `Modify a schedule.${CRON_HELP}`, args: [{ name: 'schedule_name', help: 'Name of the schedule', complete: 'schedule' }], opts: scheduleOpts(true),
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/schedules/${seg(str(p, 'schedule_name'))}`, body(p, ostr(p, 'full-cron')))),
    },
    {
      name: 'list-by-resource', aliases: ['lbr'], help: 'Prints a list of schedules for resources.',
      opts: [pastableOpt, { name: 'resource', short: 'r', kind: 'str', complete: 'resource', help: 'Filter by list of resource' },
        { name: 'remote', short: 'o', kind: 'str', complete: 'remote', help: 'Filter by list of remote' }, { name: 'schedule', short: 's', kind: 'str', complete: 'schedule', help: 'Filter by list of schedule' },
        { name: 'active-only', short: 'a', kind: 'bool', help: 'Filter by list of active only' }],
      run: async (ctx, p) => {
        const r = await ctx.client.transport.get<Obj>('/v1/view/schedules-by-resource', {
          rsc: ostr(p, 'resource'), remote: ostr(p, 'remote'), schedule: ostr(p, 'schedule'), ...(obool(p, 'active-only') ? { 'active-only': true } : {}),
        });
        return raw(ctx, r, () => {
          const t = newTable(ctx, p);
          for (const h of ['Resource', 'Remote', 'Schedule', 'Last', 'Next', 'Planned Inc', 'Planned Full', 'Reason']) t.addColumn(h);
          for (const s of r?.data ?? []) t.addRow([s.rsc_name, s.remote_name ?? '', s.schedule_name ?? '', time(s.last_snap_time, s.last_snap_inc), time(s.next_exec_time, s.next_exec_inc),
            s.next_planned_inc ? fmtTime(s.next_planned_inc) : '', s.next_planned_full ? fmtTime(s.next_planned_full) : '', s.reason ?? '']);
          return t.show();
        });
      },
    },
    {
      name: 'list-by-resource-details', aliases: ['lbd'], help: 'Prints details of schedules for a resource.',
      args: [{ name: 'resource_name', help: 'Resource name', complete: 'resource-definition' }], opts: [pastableOpt],
      run: async (ctx, p) => {
        const r = await ctx.client.transport.get<Obj>(`/v1/view/schedules-by-resource/${seg(str(p, 'resource_name'))}`);
        return raw(ctx, r, () => {
          const t = newTable(ctx, p);
          for (const h of ['Remote', 'Schedule', 'Resource-Definition', 'Resource-Group', 'Controller']) t.addColumn(h);
          for (const s of r?.data ?? []) {
            const rd = s.rsc_dfn !== undefined && s.rsc_dfn !== null;
            const rg = !rd && s.rsc_grp !== undefined && s.rsc_grp !== null;
            t.addRow([s.remote_name, s.schedule_name, enabled(s.rsc_dfn, rd), enabled(s.rsc_grp, rg), enabled(s.ctrl, !rd && !rg && s.ctrl !== undefined && s.ctrl !== null)]);
          }
          return t.show();
        });
      },
    },
  ],
};
