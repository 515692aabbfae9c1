import { FencedError } from './store.js';

/**
 * The client half of a lease held by a database session (PostgreSQL advisory lock, MariaDB
 * GET_LOCK): the server drops an idle session after `leaseMs` (idle_session_timeout /
 * wait_timeout) and with it the lock, so this side pings well within that time and treats
 * the lease as lost as soon as no ping succeeded for `leaseMs` — never later than the server.
 */
export class SessionLease {
  private lastOk = 0;
  private timer?: NodeJS.Timeout;
  private pingStartedAt = 0;
  private readonly lostCallbacks: Array<(reason: string) => void> = [];
  private lostReason?: string;
  private holding = false;

  constructor(private readonly leaseMs: number, private readonly ping: () => Promise<void>) {}

  get intervalMs(): number { return Math.max(50, Math.min(1000, Math.floor(this.leaseMs / 4))); }

  /** Held and renewed within `leaseMs`; reading it notices an expired lease. */
  get held(): boolean {
    if (this.holding && Date.now() - this.lastOk > this.leaseMs) this.lose(`lease not renewed for ${Date.now() - this.lastOk} ms`);
    return this.holding;
  }

  start(): void {
    this.holding = true;
    this.lastOk = Date.now();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  onLost(cb: (reason: string) => void): void {
    if (this.lostReason !== undefined) cb(this.lostReason);
    else this.lostCallbacks.push(cb);
  }

  /** Throws unless the lease is held and was renewed within `leaseMs` (every commit calls it). */
  check(): void {
    if (!this.held) throw new FencedError(this.lostReason ?? 'the lease is not held');
  }

  lose(reason: string): void {
    if (!this.holding) return;
    this.holding = false;
    this.lostReason = reason;
    clearInterval(this.timer);
    for (const cb of this.lostCallbacks.splice(0)) cb(reason);
  }

  stop(): void {
    this.holding = false;
    clearInterval(this.timer);
  }

  /**
   * One renewal. A ping that hangs is abandoned after a third of the lease and another one
   * sent; only a definitive answer (FencedError: the lease is gone) ends the lease at once —
   * other failures just leave it unrenewed until it expires.
   */
  private async tick(): Promise<void> {
    if (Date.now() - this.lastOk > this.leaseMs) { this.lose(`lease not renewed for ${Date.now() - this.lastOk} ms`); return; }
    if (this.pingStartedAt && Date.now() - this.pingStartedAt < this.leaseMs / 3) return;
    const sentAt = Date.now();
    this.pingStartedAt = sentAt;
    try {
      await this.ping();
      if (this.holding && sentAt > this.lastOk) this.lastOk = sentAt;
    } catch (err) {
      if (err instanceof FencedError) this.lose((err as Error).message);
    } finally {
      if (this.pingStartedAt === sentAt) this.pingStartedAt = 0;
    }
  }
}
