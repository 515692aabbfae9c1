/**
 * Error reports of the driver (module OPENNEBULA, node = this front-end): an action that fails
 * unexpectedly — a command on a host that failed, a bug — files a report on the controller the
 * datastore names. Refusals the operator can fix (DriverError) and the controller's own answers
 * are not reported, as in the Cinder and CSI adapters. A report no controller takes waits in
 * the outbox (ONE_LINSTOR_OUTBOX_DIR, default /var/lib/one/linstor-error-reports) and goes
 * with the next action that reaches a controller.
 */
import pino from 'pino';
import { AdapterErrorReporter } from '../../../core/client/adapter-reports.js';
import { LinstorApiError, LinstorConnectionError, type LinstorClient } from '../../../core/client/index.js';
import { DriverError } from './log.js';

export const DEFAULT_OUTBOX_DIR = '/var/lib/one/linstor-error-reports';
/** DRV_ACTION passed as an argument (ONE ≤ 6.6) is a long base64 document: not worth a report. */
const MAX_ARG = 200;

let current: { client: LinstorClient; secrets: string[] } | undefined;

/** The controller the action talks to (set when its datastore config is read), and the secrets it knows. */
export function useController(client: LinstorClient, secrets: Array<string | undefined>): void {
  current = { client, secrets: secrets.filter((s): s is string => !!s) };
}

export function isUnexpected(e: unknown): boolean {
  return !(e instanceof DriverError || e instanceof LinstorApiError || e instanceof LinstorConnectionError);
}

function reporter(env: NodeJS.ProcessEnv): AdapterErrorReporter {
  // Logs to stderr would reach oned's VM log: the report itself is what the operator looks at.
  const log = pino({ level: env.ONE_LINSTOR_DEBUG ? 'debug' : 'silent' }, pino.destination(2));
  return new AdapterErrorReporter(async () => {
    if (!current) throw new Error('no LINSTOR controller known yet (the datastore was not read)');
    return current.client;
  }, 'OPENNEBULA', log, { outboxDir: env.ONE_LINSTOR_OUTBOX_DIR || DEFAULT_OUTBOX_DIR });
}

export const shownCommand = (action: string, argv: readonly string[]): string =>
  [action, ...argv.map((a) => (a.length > MAX_ARG ? `<${a.length} characters>` : a))].join(' ');

/** Files the report for a failed action; never throws. */
export async function reportFailure(e: unknown, action: string, argv: readonly string[], exitCode: number, output: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = shownCommand(action, argv);
  await reporter(env).report(e, { action: command, command, exitCode, output, secrets: current?.secrets ?? [] }).catch(() => undefined);
}

/** After an action that worked: reports kept while no controller answered go now. */
export async function flushReports(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (current) await reporter(env).flush().catch(() => 0);
}
