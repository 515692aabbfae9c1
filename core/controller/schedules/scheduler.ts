/**
 * Runs enabled backup schedules. For every (resource definition, remote, schedule) that is
 * enabled, a full backup is due at the full cron's next time after the last full one, an
 * incremental one at the incremental cron's next time after the last backup. One backup per
 * triple at a time; on failure RETRY tries again at the next tick (up to max_retries, -1 =
 * forever), SKIP waits for the next cron time. After a successful full backup the oldest full
 * backups (with what is based on them) beyond keep_remote are deleted from the remote, and local
 * `back_*` snapshots beyond keep_local. The clock and the shipping are injectable (tests).
 * When a triple is first seen (enabled, or after a controller restart) its last full and last
 * backup are read from the remote, so a restart neither forgets a backup nor skips one that
 * fell due while the controller was down (it catches up once). Retry counts are in memory.
 */
import type * as api from '../../api/index.js';
import type { Schedule } from '../../model/backup.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { nextRun } from './cron.js';
import { effectiveTriples, type Triple } from './enable.js';

export interface ShipFn { (t: Triple, full: boolean): Promise<boolean> }
export interface RetainFn { (t: Triple, s: Schedule): Promise<void> }
/** The last backups of each resource definition on one remote (what the remote holds). */
export interface History { lastFull?: number; lastRun?: number; lastInc?: boolean }
export interface HistoryFn { (remote: string): Promise<Map<string, History>> }

interface TripleState { since: number; lastFull?: number; lastRun?: number; lastInc?: boolean; running: boolean; failures: number; retry?: boolean; retryFull?: boolean }

export class BackupScheduler {
  private readonly states = new Map<string, TripleState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly deps: { clock: () => number; ship: ShipFn; retain?: RetainFn; history?: HistoryFn }) {}

  start(everyMs: number): void { this.timer = setInterval(() => { void this.tick(); }, everyMs); this.timer.unref(); }
  stop(): void { if (this.timer) clearInterval(this.timer); }

  private key(t: Triple): string { return `${nameKey(t.rsc)}/${nameKey(t.remote)}/${nameKey(t.schedule)}`; }

  private plan(t: Triple, s: Schedule, st: TripleState): { nextFull: number; nextInc?: number } {
    const nextFull = nextRun(s.fullCron, st.lastFull ?? st.since);
    const nextInc = s.incCron ? nextRun(s.incCron, st.lastRun ?? st.since) : undefined;
    return { nextFull, ...(nextInc !== undefined ? { nextInc } : {}) };
  }

  /** Starts every backup that is due; resolves when those started in this tick are done. */
  async tick(): Promise<void> {
    if (this.ctx.isActive && !this.ctx.isActive()) return; // a standby controller ships nothing
    const now = this.deps.clock();
    const live = new Set<string>();
    const started: Promise<void>[] = [];
    const triples = effectiveTriples(this.ctx.state).filter((t) => this.ctx.state.schedules.get(nameKey(t.schedule)) && this.ctx.state.remotes.get(nameKey(t.remote)));
    const histories = await this.historiesFor(triples.filter((t) => !this.states.has(this.key(t))));
    for (const t of triples) {
      const s = this.ctx.state.schedules.get(nameKey(t.schedule))!;
      const k = this.key(t);
      live.add(k);
      let st = this.states.get(k);
      if (!st) {
        const h = histories.get(nameKey(t.remote))?.get(nameKey(t.rsc));
        st = { since: now, running: false, failures: 0, ...h };
        this.states.set(k, st);
        // Never backed up to this remote: counting starts now. Backed up before: due times follow from then.
        if (h?.lastRun === undefined) continue;
      }
      if (st.running) continue;
      const { nextFull, nextInc } = this.plan(t, s, st);
      let full: boolean | undefined;
      if (st.retry) full = st.retryFull;
      else if (now >= nextFull) full = true;
      else if (nextInc !== undefined && now >= nextInc) full = st.lastFull === undefined;
      if (full === undefined) continue;
      started.push(this.run(t, s, st, full, now));
    }
    for (const k of this.states.keys()) if (!live.has(k)) this.states.delete(k);
    await Promise.all(started);
  }

  /** One read per remote; a remote that cannot be read counts as holding nothing (logged). */
  private async historiesFor(fresh: Triple[]): Promise<Map<string, Map<string, History>>> {
    const out = new Map<string, Map<string, History>>();
    if (!this.deps.history) return out;
    for (const remote of new Set(fresh.map((t) => t.remote))) {
      try { out.set(nameKey(remote), await this.deps.history(remote)); } catch (e) {
        this.ctx.log.warn({ err: (e as Error).message, remote }, 'cannot read the last backups of a scheduled remote; counting from now');
      }
    }
    return out;
  }

  private async run(t: Triple, s: Schedule, st: TripleState, full: boolean, now: number): Promise<void> {
    st.running = true;
    let ok = false;
    try { ok = await this.deps.ship(t, full); } catch (e) { this.ctx.log.warn({ err: (e as Error).message, resource: t.rsc, schedule: t.schedule }, 'scheduled backup failed'); }
    st.running = false;
    if (ok) {
      st.failures = 0; st.retry = false; st.lastRun = now; st.lastInc = !full;
      if (full) st.lastFull = now;
      if (full && this.deps.retain) await this.deps.retain(t, s).catch((e: Error) => this.ctx.log.warn({ err: e.message, resource: t.rsc }, 'schedule retention failed'));
      return;
    }
    const max = s.maxRetries ?? -1;
    if (s.onFailure === 'RETRY' && (max < 0 || st.failures < max)) {
      st.failures++; st.retry = true; st.retryFull = full;
      return;
    }
    // SKIP (or retries used up): wait for the next cron time.
    st.failures = 0; st.retry = false; st.lastRun = now;
    if (full) st.lastFull = now;
  }

  /** `schedule list-by-resource`: every definition with its enabled schedules, or why it has none. */
  view(filter: { rsc?: string; remote?: string; schedule?: string; activeOnly?: boolean }): api.ScheduledRscs[] {
    const triples = effectiveTriples(this.ctx.state);
    const out: api.ScheduledRscs[] = [];
    for (const rd of [...this.ctx.state.resourceDefinitions.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (filter.rsc && nameKey(rd.name) !== nameKey(filter.rsc)) continue;
      const mine = triples.filter((t) => nameKey(t.rsc) === nameKey(rd.name)
        && (!filter.remote || nameKey(t.remote) === nameKey(filter.remote)) && (!filter.schedule || nameKey(t.schedule) === nameKey(filter.schedule)));
      if (!mine.length) { if (!filter.activeOnly && !filter.remote && !filter.schedule) out.push({ rsc_name: rd.name, remote_name: '', schedule_name: '', reason: 'none set' }); continue; }
      for (const t of mine) {
        const s = this.ctx.state.schedules.get(nameKey(t.schedule));
        if (!s) { out.push({ rsc_name: rd.name, remote_name: t.remote, schedule_name: t.schedule, reason: 'schedule does not exist' }); continue; }
        const st = this.states.get(this.key(t)) ?? { since: this.deps.clock(), running: false, failures: 0 };
        const { nextFull, nextInc } = this.plan(t, s, st);
        const incNext = nextInc !== undefined && nextInc < nextFull;
        out.push({
          rsc_name: rd.name, remote_name: t.remote, schedule_name: t.schedule,
          last_snap_time: st.lastRun ?? -1, last_snap_inc: st.lastInc ?? false,
          next_exec_time: st.running ? -1 : incNext ? nextInc! : nextFull, next_exec_inc: incNext,
          next_planned_full: nextFull, next_planned_inc: nextInc ?? -1,
        });
      }
    }
    return out;
  }
}
