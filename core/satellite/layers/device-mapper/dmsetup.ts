import type { Logger } from 'pino';
import type { CommandRunner } from '../../../exec/index.js';

/** argv builders for device-mapper; tables go as one argv word, never through a shell. */
export const dmsetup = {
  create: (name: string, table: string): string[] => ['dmsetup', 'create', name, '--table', table],
  remove: (name: string): string[] => ['dmsetup', 'remove', '--retry', name],
  /** Exit code 0 when the device exists, 1 when not. */
  status: (name: string): string[] => ['dmsetup', 'status', name],
  table: (name: string): string[] => ['dmsetup', 'table', name],
  version: (): string[] => ['dmsetup', 'version'],
  targets: (): string[] => ['dmsetup', 'targets'],
};

export const vlm5 = (n: number): string => String(n).padStart(5, '0');

/** Size property: "10%" of the origin, or a KiB number / size with unit (K, M, G). */
export function sizeFromProp(value: string | undefined, originKib: number, dfltPercent: number): number {
  const v = (value ?? `${dfltPercent}%`).trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (pct) return Math.max(4096, Math.ceil((originKib * Number(pct[1])) / 100 / 4) * 4);
  const m = /^(\d+)\s*([kKmMgGtT]?)i?[bB]?$/.exec(v);
  if (!m) throw new Error(`invalid size '${v}'`);
  const mult: Record<string, number> = { '': 1, k: 1, m: 1024, g: 1024 ** 2, t: 1024 ** 3 };
  return Number(m[1]) * mult[m[2]!.toLowerCase()]!;
}

/** Runs device-mapper commands, or records them when there is no device-mapper (dry run). */
export class DmRunner {
  readonly plans = new Map<string, string[][]>();
  constructor(private readonly runner: CommandRunner, private readonly dryRun: boolean, private readonly log?: Logger) {}

  async exists(rsc: string, name: string): Promise<boolean> {
    if (this.dryRun) { this.plan(rsc).push(dmsetup.status(name)); return false; }
    return (await this.runner.run(dmsetup.status(name), { okExitCodes: [0, 1], quiet: true })).exitCode === 0;
  }

  async run(rsc: string, argv: string[]): Promise<void> {
    if (this.dryRun) {
      this.plan(rsc).push(argv);
      this.log?.info({ cmd: argv.join(' ') }, 'device-mapper dry run: command recorded');
      return;
    }
    await this.runner.run(argv);
  }

  plan(rsc: string): string[][] {
    let p = this.plans.get(rsc);
    if (!p) this.plans.set(rsc, (p = []));
    return p;
  }
}

/** Extra devices a caching layer needs from other storage pools (cache data, metadata). */
export type AllocateDevice = (pool: string, volumeName: string, sizeKib: number) => Promise<string>;
export type ReleaseDevice = (pool: string, volumeName: string) => Promise<void>;

/** Whether the kernel offers device-mapper target `target` (e.g. cache, writecache), and why not. */
export async function dmTargetSupport(runner: CommandRunner, target: string, module: string): Promise<{ supported: boolean; reasons: string[] }> {
  try {
    const t = await runner.run(dmsetup.targets(), { quiet: true, timeoutMs: 10_000 });
    return new RegExp(`^${target}\\s`, 'm').test(t.stdout)
      ? { supported: true, reasons: [] }
      : { supported: false, reasons: [`device-mapper target "${target}" not loaded (modprobe ${module})`] };
  } catch {
    return { supported: false, reasons: ["'dmsetup' not usable (no device-mapper)"] };
  }
}
