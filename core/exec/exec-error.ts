import { ApiError } from '../model/errors.js';
import { formatArgv, type RunResult } from './runner.js';

/**
 * A command that failed: non-zero exit, timeout, or not startable. It is an ApiError
 * (FAIL_UNKNOWN_ERROR unless the caller rethrows a better kind), so it reaches the
 * controller and the user as an ApiCallRc that names the command and its stderr.
 */
export class ExecError extends ApiError {
  readonly argv: readonly string[];
  readonly result?: RunResult;
  readonly timedOut: boolean;
  constructor(argv: readonly string[], reason: string, result?: RunResult, timedOut = false) {
    const cmd = formatArgv(argv);
    const stderr = result?.stderr.trim() ?? '';
    super('FAIL_UNKNOWN_ERROR', `Command '${cmd}' ${reason}${stderr ? `: ${firstLines(stderr)}` : ''}`, {
      cause: stderr || reason,
      correction: timedOut
        ? 'Check why the command hangs (device busy, udev, storage unreachable) or raise the timeout.'
        : `Run '${cmd}' on the satellite's node to see the full error, fix the cause and retry.`,
      details: `Command: ${cmd}\nExit code: ${result?.exitCode ?? 'none'}\nStdout: ${result?.stdout ?? ''}\nStderr: ${result?.stderr ?? ''}`,
    });
    this.name = 'ExecError';
    this.argv = argv;
    this.result = result;
    this.timedOut = timedOut;
  }
  get exitCode(): number | undefined {
    return this.result?.exitCode;
  }
  get stderr(): string {
    return this.result?.stderr ?? '';
  }
}

function firstLines(s: string): string {
  const lines = s.split('\n').filter((l) => l.trim() !== '' && !/^File descriptor \d+ .* leaked/.test(l));
  return lines.slice(0, 3).join(' | ');
}
