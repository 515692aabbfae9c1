/**
 * Failed logins are rate-limited per client address and per user name: after `max`
 * failures within `windowMs` further attempts are refused (429) until the oldest failure
 * leaves the window, so guessing a password costs minutes, not milliseconds.
 */
export interface LimiterOptions { windowMs: number; maxPerUser: number; maxPerAddress: number }

export const DEFAULT_LIMITS: LimiterOptions = { windowMs: 60_000, maxPerUser: 5, maxPerAddress: 20 };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: LimiterOptions = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.opts.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list); else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until this user may try again from this address (0: go ahead). */
  retryAfterMs(user: string, address: string): number {
    const checks: Array<[string, number]> = [[`u:${user.toLowerCase()}`, this.opts.maxPerUser], [`a:${address}`, this.opts.maxPerAddress]];
    let wait = 0;
    for (const [key, max] of checks) {
      const list = this.recent(key);
      if (list.length >= max) wait = Math.max(wait, list[list.length - max]! + this.opts.windowMs - this.now());
    }
    return wait;
  }

  fail(user: string, address: string): void {
    for (const key of [`u:${user.toLowerCase()}`, `a:${address}`]) {
      const list = this.recent(key);
      list.push(this.now());
      // Bounded: only the newest failures matter.
      this.failures.set(key, list.slice(-Math.max(this.opts.maxPerUser, this.opts.maxPerAddress)));
    }
    if (this.failures.size > 10_000) {
      for (const k of [...this.failures.keys()]) this.recent(k);
      // Still too many (a flood of names): forget the oldest entries rather than grow without end.
      for (const k of [...this.failures.keys()].slice(0, Math.max(0, this.failures.size - 10_000))) this.failures.delete(k);
    }
  }
}
