/**
 * Cron expressions of backup schedules, parsed by cron-parser (npm). LINSTOR takes UNIX cron
 * (5 fields: minute hour day-of-month month day-of-week), evaluated here in UTC. Test hook:
 * LINSTOR_SCHEDULE_ALLOW_SECONDS=1 also accepts a leading seconds field, so a test need not
 * wait minutes.
 */
import { CronExpressionParser } from 'cron-parser';
import { ApiError } from '../../model/errors.js';

const secondsAllowed = (): boolean => process.env.LINSTOR_SCHEDULE_ALLOW_SECONDS === '1';

export function checkCron(expr: unknown, field: string): string {
  const s = typeof expr === 'string' ? expr.trim() : '';
  const fields = s.split(/\s+/).filter(Boolean).length;
  const bad = (why: string) => new ApiError('FAIL_INVLD_PROP', `The ${field} '${String(expr)}' is not a valid cron expression: ${why}.`, {
    obj: 'SCHEDULE', correction: "Give five fields: minute hour day-of-month month day-of-week, e.g. '0 2 * * *' (daily at 02:00 UTC).",
  });
  if (!s) throw bad('it is empty');
  if (fields !== 5 && !(fields === 6 && secondsAllowed())) throw bad(`it has ${fields} fields, not 5`);
  try { CronExpressionParser.parse(s, { tz: 'UTC', strict: false }); } catch (e) { throw bad((e as Error).message); }
  return s;
}

/** The first time strictly after `afterMs` that `expr` matches. */
export function nextRun(expr: string, afterMs: number): number {
  return CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(afterMs) }).next().getTime();
}
