/**
 * Error reports from the adapters (Cinder API, CSI plugin): an unexpected failure — a bug, a
 * command that failed, not a refused request or an unreachable controller — becomes a report
 * on the controller (`POST /v1/error-reports`), listed by `linstor error-reports list` with
 * the adapter as module and this host as node. Secrets are masked before it leaves; sending
 * never throws (a controller without the call, e.g. LINSTOR's own, leaves the report in the
 * log only). The same failure repeated within a minute is filed once.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ExecError } from '../exec/exec-error.js';
import { formatArgv } from '../exec/runner.js';
import { LINSTOR_VERSION } from '../model/version.js';
import { maskSecrets } from '../satellite/errors/redact.js';
import type { LinstorClient } from './index.js';

const MAX_OUTPUT = 16 * 1024;
const REPEAT_WINDOW_MS = 60_000;

export interface AdapterReportContext {
  /** What was being done: "POST /v3/volumes", "NodeStageVolume", ... */
  action: string;
  /** Values to mask wherever they appear (request secrets the adapter knows). */
  secrets?: readonly string[];
}

const clip = (s: string): string => (s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n... (${s.length - MAX_OUTPUT} more characters)` : s);

export class AdapterErrorReporter {
  private readonly recent = new Map<string, number>();

  /** `module`: CINDER, CSI, ...; `node`: this host (the LINSTOR node name where there is one). */
  constructor(private readonly client: LinstorClient, readonly module: string, private readonly log: Logger, readonly node: string = hostname()) {}

  /** Files the report; resolves to its id, or undefined when not filed (repeat, no controller). */
  async report(err: unknown, ctx: AdapterReportContext): Promise<string | undefined> {
    const e = err instanceof Error ? err : new Error(String(err));
    const mask = (s: string): string => maskSecrets(s, ctx.secrets);
    const key = `${ctx.action}\n${e.message}`;
    const last = this.recent.get(key);
    if (last !== undefined && Date.now() - last < REPEAT_WINDOW_MS) return undefined;
    this.recent.set(key, Date.now());
    if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value!);
    const exec = e instanceof ExecError ? e : undefined;
    const origin = /at (?:(\S+) )?\(?([^():]+):(\d+):\d+\)?/.exec(e.stack?.split('\n')[1] ?? '');
    const text = [
      `Application:        linstor-ts ${this.module.toLowerCase()} ${LINSTOR_VERSION}`,
      `Module:             ${this.module}`,
      `Host:               ${this.node}`,
      `Error time:         ${new Date().toISOString()}`, '',
      'Reported error:', '===============', '',
      `Category:           ${e.name}`,
      `Error message:      ${mask(e.message)}`,
      `Action:             ${mask(ctx.action)}`,
      ...(exec ? [
        `Command:            ${mask(formatArgv(exec.argv))}`,
        `Exit code:          ${exec.exitCode ?? (exec.timedOut ? 'none (timed out)' : 'none (not started)')}`,
        'Standard output:', mask(clip(exec.result?.stdout ?? '')),
        'Error output:', mask(clip(exec.result?.stderr ?? '')),
      ] : []),
      '', 'Call backtrace:', mask(e.stack ?? ''), '',
    ].join('\n');
    try {
      const rc = await this.client.errorReports.create({
        module: this.module, node_name: this.node, version: LINSTOR_VERSION, exception: e.name, exception_message: mask(e.message),
        ...(origin ? { origin_method: origin[1], origin_file: origin[2], origin_line: Number(origin[3]) } : {}),
        text,
      });
      const id = rc[0]?.obj_refs?.ErrorReport;
      this.log.error({ errorReport: id, action: ctx.action }, `error report filed: ${mask(e.message)}`);
      return id;
    } catch (sendErr) {
      this.log.error({ err: e, action: ctx.action, reportNotFiled: (sendErr as Error).message }, 'unexpected error (no error report on the controller)');
      return undefined;
    }
  }
}
