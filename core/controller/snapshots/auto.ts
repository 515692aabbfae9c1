/**
 * Automatic snapshots (guide §3.11.1): `AutoSnapshot/RunEvery` (minutes) on a resource
 * definition, its group or the controller makes the controller snapshot it at that interval,
 * named `<AutoSnapshot/Prefix, default autoSnap><5-digit counter>` like LINSTOR, the counter
 * kept in the definition's `AutoSnapshot/NextAutoId`. Only snapshots it created (flag
 * AUTO_SNAPSHOT) beyond `AutoSnapshot/Keep` (default 10) are deleted: manual ones never.
 */
import { isError } from '../../model/apicallrc.js';
import { DFLT_AUTO_SNAPSHOT_KEEP } from '../../model/apiconsts.js';
import { nameKey } from '../../model/names.js';
import type { ResourceDefinition } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { propValue, type PropLevel } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { snapshotsOf } from './common.js';
import { createSnapshots } from './create.js';
import { deleteSnapshot } from './delete-rollback.js';

export const DEFAULT_AUTO_SNAPSHOT_PREFIX = 'autoSnap';
/** Test hook: count AutoSnapshot/RunEvery in seconds instead of minutes. */
export const UNIT_SECONDS_ENV = 'LINSTOR_AUTO_SNAPSHOT_RUN_EVERY_IN_SECONDS';

function levels(ctx: ControllerContext, rd: ResourceDefinition): PropLevel[] {
  const rg = ctx.state.resourceGroups.get(nameKey(rd.resourceGroup));
  return propChain({ controller: ctx.state.ctrlProps, resourceGroup: rg, resourceDefinition: rd });
}

export function autoSnapshotName(prefix: string, id: number): string {
  return `${prefix}${String(id).padStart(5, '0')}`;
}

export class AutoSnapshotScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** When each definition was last snapshotted (or first seen with RunEvery set). */
  private readonly lastRun = new Map<string, number>();
  private readonly unitMs: number;

  constructor(private readonly ctx: ControllerContext, opts: { unitMs?: number } = {}) {
    this.unitMs = opts.unitMs ?? (process.env[UNIT_SECONDS_ENV] === '1' ? 1000 : 60_000);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.tick(); }, Math.min(this.unitMs, 30_000) / 2);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over all definitions; a pass still running makes the next one skip. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.ctx.clock();
      for (const rd of [...this.ctx.state.resourceDefinitions.values()]) {
        const every = Number(propValue('AutoSnapshot/RunEvery', levels(this.ctx, rd)) ?? 0);
        const key = nameKey(rd.name);
        if (!(every > 0) || rd.flags.includes('DELETE')) { this.lastRun.delete(key); continue; }
        const last = this.lastRun.get(key);
        if (last === undefined) { this.lastRun.set(key, now); continue; }
        if (now - last < every * this.unitMs) continue;
        this.lastRun.set(key, now);
        await this.snapshot(rd).catch((e: unknown) => this.ctx.log.warn({ err: e, resource: rd.name }, 'automatic snapshot failed'));
      }
    } finally {
      this.running = false;
    }
  }

  private async snapshot(rd: ResourceDefinition): Promise<void> {
    if (![...this.ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)].length) return;
    const lv = levels(this.ctx, rd);
    const prefix = propValue('AutoSnapshot/Prefix', lv) ?? DEFAULT_AUTO_SNAPSHOT_PREFIX;
    let id = Number(rd.props['AutoSnapshot/NextAutoId'] ?? 0) + 1;
    while (snapshotsOf(this.ctx.state, rd.name).some((s) => nameKey(s.name) === nameKey(autoSnapshotName(prefix, id)))) id++;
    const rc = await createSnapshots(this.ctx, [{
      resourceName: rd.name, name: autoSnapshotName(prefix, id), flags: ['AUTO_SNAPSHOT'], rdProps: { 'AutoSnapshot/NextAutoId': String(id) },
    }]);
    if (rc.some((e) => isError(e.ret_code))) this.ctx.log.warn({ resource: rd.name, rc: rc.map((e) => e.message) }, 'automatic snapshot failed');
    const keep = Number(propValue('AutoSnapshot/Keep', lv) ?? DFLT_AUTO_SNAPSHOT_KEEP);
    if (!(keep > 0)) return;
    const autos = snapshotsOf(this.ctx.state, rd.name).filter((s) => s.flags.includes('AUTO_SNAPSHOT'));
    for (const old of autos.slice(0, Math.max(0, autos.length - keep))) await deleteSnapshot(this.ctx, rd.name, old.name);
  }
}
