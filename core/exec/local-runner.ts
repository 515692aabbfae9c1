import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import { auditCommand } from './audit.js';
import { ExecError } from './exec-error.js';
import { DEFAULT_TIMEOUT_MS, formatArgv, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

/** Runs commands on this machine with child_process.spawn (no shell). */
export class LocalRunner implements CommandRunner {
  constructor(private readonly log?: Logger, private readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS) {}

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('LocalRunner.run: empty argv');
    auditCommand(argv);
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      // LVM tools complain about inherited descriptors on stderr; that noise hides real errors.
      const env = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C', ...opts.env };
      const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let settled = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.stdin.on('error', () => { /* command closed stdin early; its exit code tells */ });
      if (opts.input !== undefined) child.stdin.end(opts.input);
      else child.stdin.end();
      const finish = (exitCode: number, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const result: RunResult = {
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8') + (spawnError ? spawnError.message : ''),
          exitCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        };
        const ok = !spawnError && !timedOut && (opts.okExitCodes ?? [0]).includes(exitCode);
        const entry = { cmd: formatArgv(argv), exitCode, durationMs: Math.round(result.durationMs * 10) / 10 };
        if (ok) {
          if (opts.quiet) this.log?.debug(entry, 'command finished');
          else this.log?.info(entry, 'command finished');
          resolve(result);
          return;
        }
        const failLog = { ...entry, stderr: result.stderr.slice(0, 2000), timedOut };
        // Probes and polling (quiet) fail routinely on nodes without a tool; the caller reports it.
        if (opts.quiet) this.log?.debug(failLog, 'command failed');
        else this.log?.warn(failLog, 'command failed');
        const reason = spawnError ? 'could not be started'
          : timedOut ? `timed out after ${timeoutMs} ms`
          : `exited with code ${exitCode}`;
        reject(new ExecError(argv, reason, result, timedOut));
      };
      child.on('error', (e) => finish(-1, e));
      child.on('close', (code, signal) => finish(code ?? (signal ? 128 : -1)));
    });
  }
}
