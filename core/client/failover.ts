/**
 * Controller fail-over for every client (CLI, adapters): the list of controllers is tried in
 * order, starting with the last one that answered. A controller that cannot be reached, or
 * answers "not the active controller" (a standby: HTTP 503 with the role header), is skipped;
 * while a standby answers (an election is under way) rounds repeat until `failoverTimeoutMs`.
 *
 * A request is never repeated blindly once it may have reached a controller that then went
 * away without answering (connection reset, timeout): GET/HEAD/PUT are idempotent and are
 * simply sent again; POST/PATCH/DELETE are resolved by re-reading the state on the active
 * controller through the request's `applied` check — present: the answer is a success
 * saying so; absent: the request is sent again. Without a check the caller gets
 * LinstorOutcomeUnknownError, never a duplicate.
 */
import { LinstorApiError, LinstorConnectionError, LinstorOutcomeUnknownError } from './errors.js';
import type { ApiCallRc } from './types.js';

export const ROLE_HEADER = 'x-linstor-controller-role';
export const LEADER_HEADER = 'x-linstor-active-controller';
export const DEFAULT_FAILOVER_TIMEOUT_MS = 30_000;

/** Connection errors raised before the request could reach the controller. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

export type Attempt<R> =
  | { kind: 'answer'; reply: R }
  | { kind: 'standby'; role: string; leader?: string }
  | { kind: 'unreachable'; cause: string; maybeSent: boolean };

/** Sorts an HTTP client's exception into "never sent", "may have been sent" or "not a connection problem". */
export function classifyError(err: unknown): { cause: string; maybeSent: boolean } | undefined {
  const e = err as { code?: string; message?: string; response?: unknown };
  if (e?.response) return undefined;
  const code = e?.code ?? '';
  if (NOT_SENT.has(code)) return { cause: e.message || code, maybeSent: false };
  if (MAYBE_SENT.has(code) || /socket hang up|aborted|timeout/i.test(e?.message ?? '')) return { cause: e.message || code, maybeSent: true };
  return code || e?.message ? { cause: e.message || code, maybeSent: false } : undefined;
}

const idempotent = (method: string): boolean => ['GET', 'HEAD', 'PUT', 'OPTIONS'].includes(method.toUpperCase());

export class ControllerList {
  private order: string[];
  constructor(controllers: string[], readonly timeoutMs = DEFAULT_FAILOVER_TIMEOUT_MS) {
    if (!controllers.length) throw new Error('No controller given');
    this.order = [...controllers];
  }
  get current(): string { return this.order[0]!; }
  get all(): string[] { return [...this.order]; }
  /** The controller that answered goes first for later calls. */
  prefer(base: string): void { this.order = [base, ...this.order.filter((c) => c !== base)]; }
  /** A standby named the active controller: try it next if it is one of ours. */
  hint(url: string | undefined): string | undefined {
    if (!url) return undefined;
    const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase();
    return this.order.find((c) => norm(c) === norm(url));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A success answer for a request whose first attempt turned out to have been applied. */
export function confirmedReply(method: string, path: string, controller: string): ApiCallRc[] {
  return [{
    ret_code: 0n,
    message: `${method} ${path} was applied; the controller that received it went away before answering, and ${controller} shows the change.`,
  }];
}

export interface FailoverRequest<R> {
  method: string;
  path: string;
  attempt: (base: string) => Promise<Attempt<R>>;
  /** Re-reads the state: is the change of this (non-idempotent) request present? */
  applied?: () => Promise<boolean>;
  /** Builds the success answer after `applied` said yes. */
  confirmed: (controller: string) => R;
}

export async function withFailover<R>(list: ControllerList, req: FailoverRequest<R>): Promise<R> {
  const deadline = Date.now() + list.timeoutMs;
  const causes = new Map<string, string>();
  let unknown: { base: string; cause: string } | undefined;
  let resent = false;
  for (let round = 0; ; round++) {
    const tried = new Set<string>();
    let sawStandby = false;
    let next: string | undefined = list.current;
    while (next) {
      const base = next;
      tried.add(base);
      let a: Attempt<R>;
      try {
        a = await req.attempt(base);
      } catch (err) {
        // An error answer to a repeated request: the first attempt may have landed after all.
        if (resent && err instanceof LinstorApiError && req.applied && await req.applied().catch(() => false)) return req.confirmed(base);
        throw err;
      }
      if (a.kind === 'answer') { list.prefer(base); return a.reply; }
      if (a.kind === 'standby') {
        sawStandby = true;
        causes.set(base, `${a.role} controller${a.leader ? `, active: ${a.leader}` : ''}`);
        const h = list.hint(a.leader);
        next = h && !tried.has(h) ? h : list.all.find((c) => !tried.has(c));
        continue;
      }
      causes.set(base, a.cause);
      if (a.maybeSent && !idempotent(req.method)) { unknown = { base, cause: a.cause }; break; }
      next = list.all.find((c) => !tried.has(c));
    }
    if (unknown) {
      if (!req.applied) throw new LinstorOutcomeUnknownError(req.method, `${unknown.base}${req.path}`, unknown.cause);
      // The check's own GETs fail over and wait for an active controller.
      if (await req.applied()) return req.confirmed(list.current);
      unknown = undefined;
      resent = true;
      continue;
    }
    // Wait for an election only while a standby is there to win it; none reachable: fail now.
    if (!sawStandby || Date.now() >= deadline) throw new LinstorConnectionError([...causes.keys()], [...causes.values()]);
    await pause(Math.min(500, 100 * (round + 1)));
  }
}
