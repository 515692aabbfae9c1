import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { LeaderInfo, Store } from '../../store/store.js';

export type Role = 'standby' | 'active' | 'fenced';

/**
 * This controller's role on its store. Stores without an election (SQLite) are active at
 * once; on a shared store the controller is a standby until it wins the election (polling
 * several times per lease period), active while it holds the lease, and fenced for good once
 * it lost it (the process then exits and its service manager restarts it as a standby).
 */
export class Leadership {
  role: Role = 'standby';
  readonly me: LeaderInfo;
  private stopped = false;
  private cachedLeader?: { at: number; value: LeaderInfo | null };

  constructor(private readonly store: Store, private readonly log: Logger, readonly pollMs: number) {
    this.me = { id: `${hostname()}-${process.pid}-${Date.now().toString(36)}`, url: '', host: hostname(), pid: process.pid, since: '' };
  }

  get shared(): boolean { return !!this.store.election; }

  /** Active and still holding the lease (satellite pushes and commits check this). */
  isActive(): boolean {
    if (this.role !== 'active') return false;
    return this.store.election ? this.store.election.held : true;
  }

  /** One election attempt (true at once for SQLite). */
  async tryOnce(): Promise<boolean> {
    const e = this.store.election;
    if (!e) return true;
    this.me.since = new Date().toISOString();
    try {
      return await e.tryAcquire(this.me);
    } catch (err) {
      this.log.warn({ err }, 'election attempt failed');
      return false;
    }
  }

  /** Polls until this controller wins; resolves false when stopped first. */
  async waitForLease(): Promise<boolean> {
    while (!this.stopped) {
      if (await this.tryOnce()) return true;
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    return false;
  }

  /** The active controller as advertised (cached briefly: standbys answer many requests with it). */
  async leader(): Promise<LeaderInfo | null> {
    if (this.role === 'active') return this.me;
    const now = Date.now();
    if (this.cachedLeader && now - this.cachedLeader.at < Math.min(500, this.pollMs)) return this.cachedLeader.value;
    const value = await this.store.election?.leader().catch(() => null) ?? null;
    this.cachedLeader = { at: now, value };
    return value;
  }

  stop(): void { this.stopped = true; }
}
