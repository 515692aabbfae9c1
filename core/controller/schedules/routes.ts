/**
 * `/v1/schedules` (create/modify/delete/list), `backup schedule enable/disable/delete`, and the
 * `schedule list-by-resource` views. Starts the one BackupScheduler of this controller.
 */
import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { retainScheduled, scheduleHistory, shipScheduled } from './actions.js';
import { details, setSchedule } from './enable.js';
import { BackupScheduler } from './scheduler.js';
import { createSchedule, deleteSchedule, modifySchedule, scheduleView } from './service.js';

const SCHEDULE = { obj: 'SCHEDULE' as const };
const TICK_MS = Number(process.env.LINSTOR_SCHEDULE_TICK_MS ?? 30_000);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function registerScheduleRoutes(r: Router, ctx: ControllerContext): BackupScheduler {
  const { reporter, state } = ctx;
  // One per controller, stopped with it (several controllers may share a process).
  const scheduler = new BackupScheduler(ctx, { clock: ctx.clock, ship: (t, full) => shipScheduled(ctx, t, full), retain: (t, s) => retainScheduled(ctx, t, s), history: (remote) => scheduleHistory(ctx, remote) });
  scheduler.start(TICK_MS);
  ctx.onStop?.(() => scheduler.stop());

  r.get('/v1/schedules', route(reporter, SCHEDULE, 200, () => ({ json: { data: [...state.schedules.values()].sort((a, b) => a.name.localeCompare(b.name)).map(scheduleView) } })));
  r.post('/v1/schedules', route(reporter, { ...SCHEDULE, op: 'CRT', body: 'POST /v1/schedules' }, 201, async (_q, _s, b) => {
    const s = await createSchedule(ctx, b);
    return { rc: [rcEntry('CREATED', `Schedule '${s.name}' created.`, { ...SCHEDULE, op: 'CRT', objRefs: { Schedule: s.name } })] };
  }));
  r.put('/v1/schedules/:name', route(reporter, { ...SCHEDULE, op: 'MOD', body: 'PUT /v1/schedules/{scheduleName}' }, 200, async (q, _s, b) => {
    const s = await modifySchedule(ctx, String(q.params.name), b);
    return { rc: [rcEntry('MODIFIED', `Schedule '${s.name}' modified.`, { ...SCHEDULE, op: 'MOD', objRefs: { Schedule: s.name } })] };
  }));
  r.delete('/v1/schedules/:name', route(reporter, { ...SCHEDULE, op: 'DEL' }, 200, async (q) => {
    const s = await deleteSchedule(ctx, String(q.params.name));
    return { rc: [rcEntry('DELETED', `Schedule '${s.name}' deleted.`, { ...SCHEDULE, op: 'DEL', objRefs: { Schedule: s.name } })] };
  }));

  const base = '/v1/remotes/:remote/backups/schedule/:schedule';
  for (const action of ['enable', 'disable'] as const) {
    r.put(`${base}/${action}`, route(reporter, { ...SCHEDULE, op: 'MOD', body: `PUT /v1/remotes/{remote_name}/backups/schedule/{schedule_name}/${action}`, bodyOptional: true }, 200,
      async (q, _s, b) => ({ rc: await setSchedule(ctx, String(q.params.remote), String(q.params.schedule), action, b) })));
  }
  // The spec says DELETE with query parameters; linstor-client sends PUT with a body: both work.
  r.delete(`${base}/delete`, route(reporter, { ...SCHEDULE, op: 'MOD' }, 200, async (q) => ({
    rc: await setSchedule(ctx, String(q.params.remote), String(q.params.schedule), 'delete', { rsc_name: str(q.query.rsc_dfn_name), grp_name: str(q.query.rsc_grp_name) }),
  })));
  r.put(`${base}/delete`, route(reporter, { ...SCHEDULE, op: 'MOD', body: 'PUT /v1/remotes/{remote_name}/backups/schedule/{schedule_name}/disable', bodyOptional: true }, 200,
    async (q, _s, b) => ({ rc: await setSchedule(ctx, String(q.params.remote), String(q.params.schedule), 'delete', b) })));

  r.get('/v1/view/schedules-by-resource', route(reporter, SCHEDULE, 200, (q) => ({
    json: { data: scheduler.view({ rsc: str(q.query.rsc), remote: str(q.query.remote), schedule: str(q.query.schedule), activeOnly: q.query['active-only'] === 'true' }) },
  })));
  r.get('/v1/view/schedules-by-resource/:rsc', route(reporter, SCHEDULE, 200, (q) => ({ json: { data: details(state, String(q.params.rsc)) } })));
  return scheduler;
}
