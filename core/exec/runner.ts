/**
 * The one way the satellite (and adapters) run external commands. A runner takes an argv
 * array, never a shell string, so nothing user-given is ever parsed by a shell.
 * Implementations: LocalRunner (child_process), RecordedRunner (tests, replays real outputs);
 * an SSH runner for adapters implements the same interface.
 */
export interface RunOptions {
  /** Milliseconds before the command is killed; default 60 s. */
  timeoutMs?: number;
  /** Data written to the command's stdin. */
  input?: string;
  /** Extra environment variables (merged over the satellite's environment). */
  env?: Record<string, string>;
  /** Exit codes that are not failures (default: only 0). */
  okExitCodes?: number[];
  /** Do not log at info level (periodic capacity polling). */
  quiet?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface CommandRunner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The one POSIX shell quoting: a word a shell reads back as exactly `a`. Plain words stay bare
 * unless `always` (for output that should look uniform, like `linstor --curl`).
 */
export function shellQuote(a: string, opts: { always?: boolean } = {}): string {
  if (!opts.always && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Renders argv for messages, logs and SSH: each argument quoted so the line can be pasted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => shellQuote(a)).join(' ');
}
