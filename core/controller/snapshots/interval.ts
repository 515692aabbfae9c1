/**
 * What AutoSnapshot/RunEvery and SnapshotShipping/RunEvery share: every N minutes per resource
 * definition (the property resolved over controller, group, definition), counted from when the
 * definition was first seen with it set; one pass at a time.
 */
import { nameKey } from '../../model/names.js';
import type { ResourceDefinition } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { propValue, type PropLevel } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';

/** Test hook: count RunEvery in seconds instead of minutes. */
export const UNIT_SECONDS_ENV = 'LINSTOR_AUTO_SNAPSHOT_RUN_EVERY_IN_SECONDS';

export function definitionLevels(ctx: ControllerContext, rd: ResourceDefinition): PropLevel[] {
  const rg = ctx.state.resourceGroups.get(nameKey(rd.resourceGroup));
  return propChain({ controller: ctx.state.ctrlProps, resourceGroup: rg, resourceDefinition: rd });
}

export abstract class PerDefinitionInterval {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** When each definition last ran (or was first seen with RunEvery set). */
  private readonly lastRun = new Map<string, number>();
  protected readonly unitMs: number;

  constructor(protected readonly ctx: ControllerContext, private readonly runEveryKey: string, opts: { unitMs?: number } = {}) {
    this.unitMs = opts.unitMs ?? (process.env[UNIT_SECONDS_ENV] === '1' ? 1000 : 60_000);
  }

  /** The work for one definition that is due. */
  protected abstract runFor(rd: ResourceDefinition): Promise<void>;
  protected abstract readonly what: string;

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
    if (this.ctx.isActive && !this.ctx.isActive()) return;
    this.running = true;
    try {
      const now = this.ctx.clock();
      for (const rd of [...this.ctx.state.resourceDefinitions.values()]) {
        const every = Number(propValue(this.runEveryKey, definitionLevels(this.ctx, rd)) ?? 0);
        const key = nameKey(rd.name);
        if (!(every > 0) || rd.flags.includes('DELETE')) { this.lastRun.delete(key); continue; }
        const last = this.lastRun.get(key);
        if (last === undefined) { this.lastRun.set(key, now); continue; }
        if (now - last < every * this.unitMs) continue;
        this.lastRun.set(key, now);
        await this.runFor(rd).catch((e: unknown) => this.ctx.log.warn({ err: e, resource: rd.name }, `${this.what} failed`));
      }
    } finally {
      this.running = false;
    }
  }
}
