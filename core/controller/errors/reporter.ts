import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { ErrorReport } from '../../model/types.js';
import { LINSTOR_VERSION } from '../../model/version.js';
import type { ClusterState } from '../state/cluster-state.js';

export const CONTROLLER_VERSION = LINSTOR_VERSION;

/** Passphrases, passwords, secrets and tokens in a request body never reach a report. */
function redactSecrets(key: string, value: unknown): unknown {
  return key && /pass(word|phrase)?|secret|token|credential/i.test(key) && value !== null && value !== undefined ? '***' : value;
}

/**
 * Writes error reports for unexpected failures, as LINSTOR does: ids
 * `<instance>-<node>-<seq>`, stored with time, node, stack and the request, and
 * retrievable through /v1/error-reports.
 */
export class ErrorReporter {
  private readonly instance = randomBytes(4).toString('hex').toUpperCase();
  private seq = 0;
  constructor(private readonly state: ClusterState, private readonly nodeName: string, private readonly log: Logger) {}

  async report(err: unknown, req?: Request, module = 'CONTROLLER'): Promise<string> {
    const e = err instanceof Error ? err : new Error(String(err));
    const id = `${this.instance}-00000-${String(++this.seq).padStart(6, '0')}`;
    const origin = /at (?:(\S+) )?\(?([^():]+):(\d+):\d+\)?/.exec(e.stack?.split('\n')[1] ?? '');
    const request = req ? `${req.method} ${req.originalUrl}\n${req.body && typeof req.body === 'object' && Object.keys(req.body).length ? JSON.stringify(req.body, redactSecrets, 2) : ''}` : '';
    const report: ErrorReport = {
      id,
      nodeName: this.nodeName,
      time: Date.now(),
      module,
      version: CONTROLLER_VERSION,
      exception: e.name,
      exceptionMessage: e.message,
      originMethod: origin?.[1],
      originFile: origin?.[2],
      originLine: origin ? Number(origin[3]) : undefined,
      text: [`ERROR REPORT ${id}`, '', `Application: linstor-ts ${this.nodeName}`, `Module: ${module}`,
        `Error time: ${new Date().toISOString()}`, '', 'Reported error:', '===============', '',
        `Category: ${e.name}`, `Error message: ${e.message}`, '', 'Call backtrace:', e.stack ?? '', '',
        request ? `Request:\n${request}` : ''].join('\n'),
    };
    this.log.error({ err: e, errorReport: id }, 'error report written');
    try {
      await this.state.mutate((tx) => tx.put(this.state.errorReports, id, report));
    } catch (storeErr) {
      this.log.error({ err: storeErr }, 'could not store error report');
    }
    return id;
  }
}
