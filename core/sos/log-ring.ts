/**
 * The last log lines of this process, kept in memory for SOS reports: both daemons log JSON
 * lines to stdout (journald or a file keeps them), and a report must carry them without
 * knowing where they went. pino writes each line both to stdout and here.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

const MAX_LINES = 20_000;
const MAX_BYTES = 16 * 1024 * 1024;

export class LogRing implements DestinationStream {
  private lines: Array<{ time: number; line: string }> = [];
  private bytes = 0;

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      const m = /"time":(\d+)/.exec(line);
      this.lines.push({ time: m ? Number(m[1]) : Date.now(), line });
      this.bytes += line.length + 1;
    }
    // Drop the oldest in one splice: cheap even when logging at trace level.
    if (this.lines.length > MAX_LINES || this.bytes > MAX_BYTES) {
      let drop = Math.max(0, this.lines.length - MAX_LINES);
      let bytes = this.bytes;
      for (let i = 0; i < drop; i++) bytes -= this.lines[i]!.line.length + 1;
      while (bytes > MAX_BYTES && drop < this.lines.length) bytes -= this.lines[drop++]!.line.length + 1;
      this.lines.splice(0, drop);
      this.bytes = bytes;
    }
  }

  /** The kept lines logged at or after `sinceMs` (all when undefined), newline-terminated. */
  text(sinceMs?: number): string {
    const kept = sinceMs === undefined ? this.lines : this.lines.filter((l) => l.time >= sinceMs);
    return kept.map((l) => `${l.line}\n`).join('');
  }
}

/** A pino logger writing to stdout and to `ring` (each stream takes every level the logger lets through). */
export function loggerWithRing(level: string, ring: LogRing, base?: Record<string, unknown>): Logger {
  const streams = [{ level: 'trace' as Level, stream: pino.destination(1) }, { level: 'trace' as Level, stream: ring }];
  return pino({ level, ...(base ? { base } : {}) }, pino.multistream(streams));
}
