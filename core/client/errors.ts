import { isError } from '../model/apicallrc.js';
import type { ApiCallRc } from './types.js';

/** The controller answered with an error status; `rcs` is its ApiCallRc list (may be empty). */
export class LinstorApiError extends Error {
  readonly status: number;
  readonly rcs: ApiCallRc[];
  readonly method: string;
  readonly url: string;
  constructor(status: number, rcs: ApiCallRc[], method: string, url: string, body?: string) {
    const first = rcs.find((r) => isError(r.ret_code)) ?? rcs[0];
    super(first?.message ?? `${method} ${url} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'LinstorApiError';
    this.status = status;
    this.rcs = rcs;
    this.method = method;
    this.url = url;
  }
  /** True when any entry carries this return code (object and operation bits ignored, as golinstor does). */
  hasCode(code: bigint): boolean {
    const mask = 0xC000000000000000n | 0x7FFFn;
    const want = BigInt.asUintN(64, code) & mask;
    return this.rcs.some((r) => (BigInt.asUintN(64, r.ret_code) & mask) === want);
  }
}

/** No controller of the list could be reached. */
export class LinstorConnectionError extends Error {
  readonly controllers: string[];
  readonly causes: string[];
  /** `causes[i]` is why `controllers[i]` failed. */
  constructor(controllers: string[], causes: string[]) {
    super(`Unable to connect to ${controllers.map((c, i) => (causes[i] ? `${c} (${causes[i]})` : c)).join(', ')}`);
    this.name = 'LinstorConnectionError';
    this.controllers = controllers;
    this.causes = causes;
  }
}

/**
 * A non-idempotent request reached a controller that went away before answering, and no check
 * could tell whether it was applied: it is not repeated (it might create twice).
 */
export class LinstorOutcomeUnknownError extends LinstorConnectionError {
  constructor(method: string, url: string, cause: string) {
    super([url], [cause]);
    this.message = `${method} ${url}: the controller went away before answering (${cause}); the request may or may not have been applied, so it was not repeated. Check the state, then retry if needed.`;
    this.name = 'LinstorOutcomeUnknownError';
  }
}

/** Thrown instead of sending when the client runs in curl mode; carries the equivalent command. */
export class CurlRequested extends Error {
  readonly command: string;
  constructor(command: string) {
    super(command);
    this.name = 'CurlRequested';
    this.command = command;
  }
}
