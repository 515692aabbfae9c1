/**
 * The satellite's error reports, as LINSTOR's satellites write them: a failed apply or a
 * failing command becomes a report with the node, module, command, exit code and output. They
 * wait in an outbox until a controller acknowledges them (see SatelliteErrorReport).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ExecError } from '../../exec/exec-error.js';
import { formatArgv } from '../../exec/runner.js';
import type { SatelliteErrorReport } from '../../model/satellite-protocol.js';
import { LINSTOR_VERSION } from '../../model/version.js';
import { maskSecrets } from './redact.js';

/** Reports kept while no controller takes them; the oldest go first beyond this. */
const OUTBOX_LIMIT = 200;
const MAX_OUTPUT = 16 * 1024;

export interface ReportContext {
  /** What was being done: "apply resource", "remove resource", ... */
  action: string;
  resource?: string;
  /** Values to mask wherever they appear (the resource's passphrases and shared secrets). */
  secrets?: readonly string[];
  /**
   * Same key and same message as the last report under that key: not written again (a failing
   * apply retried on every consistency check would otherwise write one report per retry).
   */
  dedupeKey?: string;
}

function clip(s: string): string {
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n... (${s.length - MAX_OUTPUT} more characters)` : s;
}

export class SatelliteErrorReporter {
  private readonly instance = randomBytes(4).toString('hex').toUpperCase();
  private seq = 0;
  private readonly outbox = new Map<string, SatelliteErrorReport>();
  private readonly lastByKey = new Map<string, string>();
  private listener: (r: SatelliteErrorReport) => void = () => {};

  constructor(private readonly nodeName: () => string, private readonly log: Logger) {}

  /** Called for every new report (the server sends it to the connected controllers). */
  onReport(listener: (r: SatelliteErrorReport) => void): void { this.listener = listener; }

  /** The reports no controller has acknowledged yet, oldest first. */
  pending(): SatelliteErrorReport[] { return [...this.outbox.values()]; }

  acknowledge(ids: readonly string[]): void { for (const id of ids) this.outbox.delete(id); }

  /** The thing under `key` works again: its next failure is reported even if it looks the same. */
  clear(key: string): void { this.lastByKey.delete(key); }

  report(err: unknown, ctx: ReportContext): SatelliteErrorReport | undefined {
    const e = err instanceof Error ? err : new Error(String(err));
    if (ctx.dedupeKey !== undefined) {
      if (this.lastByKey.get(ctx.dedupeKey) === e.message) return undefined;
      this.lastByKey.set(ctx.dedupeKey, e.message);
    }
    const node = this.nodeName();
    const nodePart = createHash('sha256').update(node).digest('hex').slice(0, 5).toUpperCase();
    const id = `${this.instance}-${nodePart}-${String(++this.seq).padStart(6, '0')}`;
    const mask = (s: string) => maskSecrets(s, ctx.secrets);
    const origin = /at (?:(\S+) )?\(?([^():]+):(\d+):\d+\)?/.exec(e.stack?.split('\n')[1] ?? '');
    const exec = e instanceof ExecError ? e : undefined;
    const command = exec ? mask(formatArgv(exec.argv)) : undefined;
    const exitCode = exec?.exitCode;
    const now = Date.now();
    const text = [
      `ERROR REPORT ${id}`, '',
      `Application:        linstor-ts satellite ${LINSTOR_VERSION}`,
      'Module:             SATELLITE',
      `Node:               ${node}`,
      `Error time:         ${new Date(now).toISOString()}`, '',
      'Reported error:', '===============', '',
      `Category:           ${e.name}`,
      `Error message:      ${mask(e.message)}`,
      `Action:             ${ctx.action}`,
      ...(ctx.resource ? [`Resource:           ${ctx.resource}`] : []),
      ...(exec ? [
        `Command:            ${command}`,
        `Exit code:          ${exitCode ?? (exec.timedOut ? 'none (timed out)' : 'none (not started)')}`,
        'Standard output:', mask(clip(exec.result?.stdout ?? '')),
        'Error output:', mask(clip(exec.result?.stderr ?? '')),
      ] : []),
      '', 'Call backtrace:', mask(e.stack ?? ''), '',
    ].join('\n');
    const report: SatelliteErrorReport = {
      id, time: now, module: 'SATELLITE', version: LINSTOR_VERSION, exception: e.name, exceptionMessage: mask(e.message),
      ...(origin ? { originMethod: origin[1], originFile: origin[2], originLine: Number(origin[3]) } : {}),
      text,
    };
    this.outbox.set(id, report);
    while (this.outbox.size > OUTBOX_LIMIT) this.outbox.delete(this.outbox.keys().next().value!);
    this.log.error({ errorReport: id, resource: ctx.resource, command }, `error report written: ${report.exceptionMessage}`);
    this.listener(report);
    return report;
  }
}
