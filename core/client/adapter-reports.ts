/**
 * Error reports from the adapters (Cinder API, CSI plugin, Proxmox hook, OpenNebula driver): an
 * unexpected failure — a bug, a command that failed, not a refused request or an unreachable
 * controller — becomes a report on the controller (`POST /v1/error-reports`), listed by
 * `linstor error-reports list` with the adapter as module and this host as node. Secrets are
 * masked before it leaves; reporting never throws. A controller that answers but lacks the call
 * (LINSTOR's own) leaves the report in the log only; with an outbox folder, a report no
 * controller could take waits on disk and goes with the next report or `flush()`. The same
 * failure repeated within a minute is filed once (across processes, with an outbox).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ExecError } from '../exec/exec-error.js';
import { formatArgv } from '../exec/runner.js';
import { LINSTOR_VERSION } from '../model/version.js';
import { maskSecrets } from '../satellite/errors/redact.js';
import { AdapterOutbox } from './adapter-outbox.js';
import { LinstorApiError } from './errors.js';
import type { LinstorClient } from './index.js';
import type { NewErrorReport } from './error-reports.js';

const MAX_OUTPUT = 16 * 1024;
const REPEAT_WINDOW_MS = 60_000;

export interface AdapterReportContext {
  /** What was being done: "POST /v3/volumes", "NodeStageVolume", ... */
  action: string;
  /** Values to mask wherever they appear (request secrets the adapter knows). */
  secrets?: readonly string[];
  /** How the adapter was invoked, when it is a command (`tm/linstor/ln host:/path 5 100`). */
  command?: string;
  /** What the adapter answered its caller: exit code and message (PVE's die, oned's ERROR line). */
  exitCode?: number;
  output?: string;
}

export interface AdapterReporterOptions {
  /** This host (the LINSTOR node name where there is one). */
  node?: string;
  /** Folder for reports no controller took (the adapter's own state dir, never a request's path). */
  outboxDir?: string;
}

const clip = (s: string): string => (s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n... (${s.length - MAX_OUTPUT} more characters)` : s);

/** The controller cannot be reached (or is between leaders): keep the report for later. */
const controllerAway = (e: unknown): boolean => !(e instanceof LinstorApiError) || e.status >= 500;

export class AdapterErrorReporter {
  private readonly recent = new Map<string, number>();
  private readonly outbox?: AdapterOutbox<NewErrorReport>;
  readonly node: string;

  /**
   * `module`: CINDER, CSI, PROXMOX, OPENNEBULA; `client` may be a function for adapters that
   * connect lazily (it may throw when no controller answers: the report is then kept).
   */
  constructor(private readonly client: LinstorClient | (() => Promise<LinstorClient>), readonly module: string, private readonly log: Logger,
    opts: string | AdapterReporterOptions = {}) {
    const o = typeof opts === 'string' ? { node: opts } : opts;
    this.node = o.node ?? hostname();
    if (o.outboxDir) this.outbox = new AdapterOutbox<NewErrorReport>(o.outboxDir);
  }

  private async connect(): Promise<LinstorClient> { return typeof this.client === 'function' ? this.client() : this.client; }

  private repeated(key: string): boolean {
    const last = this.recent.get(key);
    if (last !== undefined && Date.now() - last < REPEAT_WINDOW_MS) return true;
    this.recent.set(key, Date.now());
    if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value!);
    return this.outbox?.seenWithin(`${this.module}\n${key}`, REPEAT_WINDOW_MS) ?? false;
  }

  /** The report as the controller takes it, secrets masked. */
  build(err: unknown, ctx: AdapterReportContext): NewErrorReport {
    const e = err instanceof Error ? err : new Error(String(err));
    const mask = (s: string): string => maskSecrets(s, ctx.secrets);
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
      ...(ctx.command !== undefined ? [`${exec ? 'Adapter command:    ' : 'Command:            '}${mask(ctx.command)}`] : []),
      ...(ctx.exitCode !== undefined ? [`${exec ? 'Adapter exit code:  ' : 'Exit code:          '}${ctx.exitCode}`] : []),
      ...(ctx.output !== undefined ? ['Adapter output:', mask(clip(ctx.output))] : []),
      '', 'Call backtrace:', mask(e.stack ?? ''), '',
    ].join('\n');
    return {
      module: this.module, node_name: this.node, version: LINSTOR_VERSION, exception: e.name, exception_message: mask(e.message),
      ...(origin ? { origin_method: origin[1], origin_file: origin[2], origin_line: Number(origin[3]) } : {}),
      text,
    };
  }

  /** Files the report; resolves to its id, or undefined when not filed (repeat, no controller: then kept in the outbox). */
  async report(err: unknown, ctx: AdapterReportContext): Promise<string | undefined> {
    const e = err instanceof Error ? err : new Error(String(err));
    const message = maskSecrets(e.message, ctx.secrets);
    if (this.repeated(`${ctx.action}\n${e.message}`)) return undefined;
    const body = this.build(e, ctx);
    try {
      const client = await this.connect();
      const id = await this.send(client, body);
      this.log.error({ errorReport: id, action: ctx.action }, `error report filed: ${message}`);
      await this.flushWith(client);
      return id;
    } catch (sendErr) {
      const kept = this.keep(body, sendErr);
      this.log.error({ err: e, action: ctx.action, reportNotFiled: (sendErr as Error).message, ...(kept ? { keptIn: kept } : {}) },
        kept ? 'unexpected error (error report kept until a controller answers)' : 'unexpected error (no error report on the controller)');
      return undefined;
    }
  }

  /** Sends the reports the outbox holds (call after a controller answered); never throws. */
  async flush(): Promise<number> {
    if (!this.outbox?.pending().length) return 0;
    try { return await this.flushWith(await this.connect()); } catch { return 0; }
  }

  /** Long-running adapters: try the outbox every `ms` (a no-op while it is empty); returns the stop function. */
  flushEvery(ms: number): () => void {
    if (!this.outbox) return () => {};
    const timer = setInterval(() => { void this.flush(); }, ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async flushWith(client: LinstorClient): Promise<number> {
    let sent = 0;
    for (const { file, body } of this.outbox?.pending() ?? []) {
      try {
        await this.send(client, body);
        sent++;
      } catch (e) {
        if (controllerAway(e)) break;
        this.log.warn({ file, err: (e as Error).message }, 'kept error report refused by the controller: dropped');
      }
      this.outbox!.remove(file);
    }
    if (sent) this.log.info({ sent }, 'kept error reports sent');
    return sent;
  }

  private async send(client: LinstorClient, body: NewErrorReport): Promise<string | undefined> {
    const rc = await client.errorReports.create(body);
    return rc[0]?.obj_refs?.ErrorReport;
  }

  private keep(body: NewErrorReport, sendErr: unknown): string | undefined {
    if (!this.outbox || !controllerAway(sendErr)) return undefined;
    try { return join(this.outbox.dir, this.outbox.keep(body)); } catch (e) {
      this.log.warn({ dir: this.outbox.dir, err: (e as Error).message }, 'error report outbox not writable');
      return undefined;
    }
  }
}
