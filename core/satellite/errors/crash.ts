/**
 * A crash of the satellite itself (an uncaught exception, an unhandled promise rejection) is
 * written as an error report into the on-disk spool before the process exits — synchronously,
 * as nothing asynchronous runs any more at that point — so the restarted satellite delivers it
 * to the controller like any other report (LINSTOR's satellites write one for a crash too).
 */
import type { Logger } from 'pino';
import type { SatelliteErrorReporter } from './error-reporter.js';

/** Exit code of a crashed satellite (EX_SOFTWARE): systemd restarts it (Restart=on-failure). */
export const CRASH_EXIT_CODE = 70;

export function reportCrashes(errors: SatelliteErrorReporter, log: Logger): void {
  // With this listener Node no longer prints and exits by itself: both are done here. An
  // unhandled rejection arrives here too (origin 'unhandledRejection', Node's default mode).
  process.on('uncaughtException', (err, origin) => {
    let id: string | undefined;
    try {
      id = errors.report(err, { action: origin === 'unhandledRejection' ? 'crash: unhandled promise rejection' : 'crash: uncaught exception' })?.id;
    } catch { /* the report is best effort; the exit is not */ }
    // stderr is synchronous for files and pipes: the journal gets this line even as we exit.
    process.stderr.write(`linstor-satellite: crashed (${origin}), error report ${id ?? 'not written'}: ${(err as Error)?.stack ?? String(err)}\n`);
    log.flush?.();
    process.exit(CRASH_EXIT_CODE);
  });
}

/**
 * Test-only trigger, reachable only with LINSTOR_SATELLITE_CRASH_TEST set in the satellite's
 * environment (no configuration file or request can set it; the units do not): once the first
 * desired state is applied, the satellite throws ('exception') or leaves a rejected promise
 * ('rejection') from a timer, the way a bug would.
 */
export function crashTestTrigger(env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  const kind = env.LINSTOR_SATELLITE_CRASH_TEST;
  if (kind !== 'exception' && kind !== 'rejection') return undefined;
  return () => {
    setTimeout(() => {
      if (kind === 'exception') throw new Error('crash test: uncaught exception (LINSTOR_SATELLITE_CRASH_TEST)');
      void Promise.reject(new Error('crash test: unhandled rejection (LINSTOR_SATELLITE_CRASH_TEST)'));
    }, 0);
  };
}
