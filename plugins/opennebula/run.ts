/**
 * Entry wrapper for every action: runs it, prints its stdout, and turns failures into an
 * `ERROR:` line (what went wrong, then what to fix) with a non-zero exit code, as oned expects.
 * An unexpected failure also files an error report (lib/report.ts).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinstorApiError, LinstorConnectionError } from '../../core/client/index.js';
import { ExecError } from '../../core/exec/index.js';
import { DriverError, logError, setActionName } from './lib/log.js';
import { flushReports, isUnexpected, reportFailure } from './lib/report.js';

export type Action = (argv: string[]) => Promise<string | void>;

export function describeError(e: unknown): { message: string; fix?: string } {
  if (e instanceof DriverError) return { message: e.message, fix: e.fix };
  if (e instanceof LinstorConnectionError) return { message: e.message, fix: 'start the LINSTOR controller or correct LINSTOR_CONTROLLERS in the datastore template' };
  if (e instanceof LinstorApiError) {
    const rc = e.rcs.find((r) => r.ret_code < 0) ?? e.rcs[0];
    return { message: `LINSTOR: ${e.message}${rc?.cause ? ` (${rc.cause})` : ''}`, fix: rc?.correction };
  }
  if (e instanceof ExecError) return { message: e.message, fix: e.opts.correction };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Runs `action` when this module is the process entry point (the launcher execs it). */
export async function runAction(kind: 'tm' | 'datastore', moduleUrl: string, action: Action): Promise<void> {
  const name = basename(fileURLToPath(moduleUrl)).replace(/\.js$/, '');
  if (process.argv[1] && fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const actionName = `${kind}/linstor/${name}`;
  setActionName(actionName);
  const argv = process.argv.slice(2);
  try {
    const out = await action(argv);
    if (out) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    process.exitCode = 0;
    await flushReports();
  } catch (e) {
    const { message, fix } = describeError(e);
    const line = fix ? `${message}. Fix: ${fix}` : message;
    logError(line);
    if (process.env.ONE_LINSTOR_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
    // A bug or a command that failed: an error report on the controller (a refusal is not one).
    if (isUnexpected(e)) await reportFailure(e, actionName, argv, 1, `ERROR: ${actionName}: ${line}`);
  }
  // Open SSH connections and keep-alive sockets must not keep the action alive.
  setImmediate(() => process.exit(process.exitCode ?? 0));
}
