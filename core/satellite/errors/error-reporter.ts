/**
 * The satellite's error reports, as LINSTOR's satellites write them: a failed apply or a
 * failing command becomes a report with the node, module, command, exit code and output. They
 * wait in an outbox until a controller acknowledges them (see SatelliteErrorReport); with a
 * spool folder the outbox is also on disk, so a satellite restarted before any controller took
 * its reports still delivers them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ExecError } from '../../exec/exec-error.js';
import { formatArgv } from '../../exec/runner.js';
import type { SatelliteErrorReport } from '../../model/satellite-protocol.js';
import { LINSTOR_VERSION } from '../../model/version.js';
import { maskSecrets } from './redact.js';
import { writeFileAtomic } from '../atomic-write.js';

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

  /** `spoolDir`: where unacknowledged reports are kept across restarts (one JSON file each). */
  constructor(private readonly nodeName: () => string, private readonly log: Logger, private readonly spoolDir?: string) {
    if (spoolDir) this.loadSpool(spoolDir);
  }

  private loadSpool(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const loaded: SatelliteErrorReport[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      try { loaded.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as SatelliteErrorReport); } catch (e) {
        // A damaged spool file (disk full, hand edit) is dropped, not fatal.
        this.log.warn({ file: f, err: (e as Error).message }, 'unreadable spooled error report dropped');
        rmSync(join(dir, f), { force: true });
      }
    }
    for (const r of loaded.sort((a, b) => a.time - b.time)) this.outbox.set(r.id, r);
    this.trim();
  }

  private spoolFile(id: string): string | undefined {
    // Ids are ours (hex, digits, dashes); anything else never names a file.
    return this.spoolDir && /^[0-9A-F-]+$/i.test(id) ? join(this.spoolDir, `${id}.json`) : undefined;
  }

  private drop(id: string): void {
    this.outbox.delete(id);
    const f = this.spoolFile(id);
    if (f) rmSync(f, { force: true });
  }

  private trim(): void {
    while (this.outbox.size > OUTBOX_LIMIT) this.drop(this.outbox.keys().next().value!);
  }

  /** Called for every new report (the server sends it to the connected controllers). */
  onReport(listener: (r: SatelliteErrorReport) => void): void { this.listener = listener; }

  /** The reports no controller has acknowledged yet, oldest first. */
  pending(): SatelliteErrorReport[] { return [...this.outbox.values()]; }

  acknowledge(ids: readonly string[]): void { for (const id of ids) if (this.outbox.has(id)) this.drop(id); }

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
    const file = this.spoolFile(id);
    if (file) {
      try { writeFileAtomic(file, JSON.stringify(report)); } catch (e) { this.log.warn({ err: (e as Error).message }, 'error report not spooled to disk'); }
    }
    this.trim();
    this.log.error({ errorReport: id, resource: ctx.resource, command }, `error report written: ${report.exceptionMessage}`);
    this.listener(report);
    return report;
  }
}
