/** Backup schedules: create, modify, delete, list (`/v1/schedules`). */
import type * as api from '../../api/index.js';
import type { OnFailure, Schedule } from '../../model/backup.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { checkCron } from './cron.js';
import { enabledAnywhere } from './enable.js';

const SCHEDULE = { obj: 'SCHEDULE' as const };

export function getSchedule(ctx: ControllerContext, name: string): Schedule {
  const s = ctx.state.schedules.get(nameKey(String(name)));
  if (!s) throw Errors.notFound('FAIL_NOT_FOUND_SCHEDULE', 'Schedule', String(name), { ...SCHEDULE, objRefs: { Schedule: String(name) } });
  return s;
}

/** -1 means "all" (keep) / "forever" (retries), as linstor-client sends. */
function count(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < -1) throw new ApiError('FAIL_INVLD_PROP', `The ${field} must be a whole number >= 0, or -1 for unlimited; got '${String(v)}'.`, { ...SCHEDULE, correction: `Give a valid ${field}.` });
  return n;
}

function onFailure(v: unknown): OnFailure | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).toUpperCase();
  if (s !== 'SKIP' && s !== 'RETRY') throw new ApiError('FAIL_INVLD_PROP', `on_failure must be SKIP or RETRY, not '${String(v)}'.`, { ...SCHEDULE, correction: 'Give SKIP or RETRY.' });
  return s;
}

export async function createSchedule(ctx: ControllerContext, b: api.Schedule): Promise<Schedule> {
  const name = checkName('schedule', b.schedule_name);
  const s: Schedule = {
    name, fullCron: checkCron(b.full_cron, 'full cron'), onFailure: onFailure(b.on_failure) ?? 'SKIP',
    ...(b.inc_cron ? { incCron: checkCron(b.inc_cron, 'incremental cron') } : {}),
    ...(count(b.keep_local, 'keep_local') !== undefined ? { keepLocal: count(b.keep_local, 'keep_local') } : {}),
    ...(count(b.keep_remote, 'keep_remote') !== undefined ? { keepRemote: count(b.keep_remote, 'keep_remote') } : {}),
    ...(count(b.max_retries, 'max_retries') !== undefined ? { maxRetries: count(b.max_retries, 'max_retries') } : {}),
  };
  await ctx.state.mutate((tx) => {
    const old = ctx.state.schedules.get(nameKey(name));
    if (old) throw Errors.exists('FAIL_EXISTS_SCHEDULE', 'Schedule', old.name, { ...SCHEDULE, op: 'CRT' });
    tx.put(ctx.state.schedules, nameKey(name), s);
  });
  return s;
}

export async function modifySchedule(ctx: ControllerContext, name: string, b: api.ScheduleModify): Promise<Schedule> {
  const old = getSchedule(ctx, name);
  const next: Schedule = { ...old };
  if (b.full_cron !== undefined) next.fullCron = checkCron(b.full_cron, 'full cron');
  if (b.inc_cron !== undefined) { if (b.inc_cron === '') delete next.incCron; else next.incCron = checkCron(b.inc_cron, 'incremental cron'); }
  const kl = count(b.keep_local, 'keep_local'); if (kl !== undefined) next.keepLocal = kl;
  const kr = count(b.keep_remote, 'keep_remote'); if (kr !== undefined) next.keepRemote = kr;
  const mr = count(b.max_retries, 'max_retries'); if (mr !== undefined) next.maxRetries = mr;
  const of = onFailure(b.on_failure); if (of) next.onFailure = of;
  await ctx.state.mutate((tx) => tx.put(ctx.state.schedules, nameKey(old.name), next));
  return next;
}

/** Refused while enabled anywhere (the cluster would keep a reference to nothing). */
export async function deleteSchedule(ctx: ControllerContext, name: string): Promise<Schedule> {
  const s = getSchedule(ctx, name);
  const where = enabledAnywhere(ctx.state, undefined, s.name);
  if (where) throw Errors.inUse(`Schedule '${s.name}' is still set on ${where}.`, 'Backup schedules refer to it.', `Remove it there first (linstor backup schedule delete <remote> ${s.name} ...).`, { ...SCHEDULE, op: 'DEL' });
  await ctx.state.mutate((tx) => tx.delete(ctx.state.schedules, nameKey(s.name)));
  return s;
}

export function scheduleView(s: Schedule): api.Schedule {
  return {
    schedule_name: s.name, full_cron: s.fullCron, ...(s.incCron ? { inc_cron: s.incCron } : {}),
    ...(s.keepLocal !== undefined ? { keep_local: s.keepLocal } : {}), ...(s.keepRemote !== undefined ? { keep_remote: s.keepRemote } : {}),
    on_failure: s.onFailure, ...(s.maxRetries !== undefined ? { max_retries: s.maxRetries } : {}),
  };
}
