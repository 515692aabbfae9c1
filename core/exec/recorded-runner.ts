import { ExecError } from './exec-error.js';
import { formatArgv, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

/** One recorded command: argv to match (exactly, or by a predicate) and what the real tool printed. */
export interface Recording {
  argv: readonly string[] | ((argv: readonly string[]) => boolean);
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Used once, then the next matching recording answers (default: reused). */
  once?: boolean;
}

/**
 * Replays outputs recorded from real tools (LVM, ZFS) that cannot run on this machine, and
 * keeps every argv it was asked to run so tests can assert the exact command construction.
 * A command with no recording fails like a missing binary would, so nothing passes silently.
 */
export class RecordedRunner implements CommandRunner {
  readonly calls: string[][] = [];
  private readonly recordings: Recording[];
  constructor(recordings: Recording[] = []) {
    this.recordings = [...recordings];
  }
  add(...r: Recording[]): this {
    this.recordings.push(...r);
    return this;
  }
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push([...argv]);
    const idx = this.recordings.findIndex((r) =>
      typeof r.argv === 'function' ? r.argv(argv) : r.argv.length === argv.length && r.argv.every((a, i) => a === argv[i]));
    if (idx < 0) {
      const result = { stdout: '', stderr: `no recording for: ${formatArgv(argv)}`, exitCode: 127, durationMs: 0 };
      throw new ExecError(argv, 'exited with code 127', result);
    }
    const rec = this.recordings[idx]!;
    if (rec.once) this.recordings.splice(idx, 1);
    const result = { stdout: rec.stdout ?? '', stderr: rec.stderr ?? '', exitCode: rec.exitCode ?? 0, durationMs: 0 };
    if (!(opts.okExitCodes ?? [0]).includes(result.exitCode)) {
      throw new ExecError(argv, `exited with code ${result.exitCode}`, result);
    }
    return result;
  }
  /** The calls rendered as command lines, for readable assertions. */
  commandLines(): string[] {
    return this.calls.map((c) => formatArgv(c));
  }
}
