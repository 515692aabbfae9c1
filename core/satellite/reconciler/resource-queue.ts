/**
 * Runs work per resource: one run at a time for the same resource, up to `concurrency` runs
 * for different ones, so a slow device holds up its own resource only. A resource asked for
 * again while it runs is run once more afterwards (the second run sees the newest state);
 * asked for several times while it waits, it runs once. `exclusive` waits for the runs in
 * progress, starts no new ones, and runs alone (the orphan sweep of a full apply).
 */
export class ResourceQueue {
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly exclusives: Array<() => void> = [];
  private exclusiveRunning = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly concurrency: number, private readonly work: (name: string) => Promise<void>) {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
  }

  schedule(name: string): void {
    if (this.running.has(name)) this.again.add(name);
    else this.waiting.add(name);
    this.pump();
  }

  /** Runs `fn` with no resource work running beside it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.exclusives.push(() => {
        this.exclusiveRunning = true;
        fn().then(resolve, reject).finally(() => {
          this.exclusiveRunning = false;
          this.pump();
        });
      });
      this.pump();
    });
  }

  get busy(): boolean {
    return this.running.size > 0 || this.waiting.size > 0 || this.exclusiveRunning || this.exclusives.length > 0;
  }

  /** Whether `name` is waiting or running. */
  has(name: string): boolean {
    return this.waiting.has(name) || this.running.has(name);
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    if (this.exclusiveRunning) return;
    if (this.exclusives.length) {
      // Resource work already running finishes first; nothing new starts meanwhile.
      if (this.running.size === 0) this.exclusives.shift()!();
      return;
    }
    for (const name of this.waiting) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(name)) continue;
      this.waiting.delete(name);
      this.start(name);
    }
    if (!this.busy) {
      const ws = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of ws) w();
    }
  }

  private start(name: string): void {
    this.running.add(name);
    this.work(name).catch(() => { /* the work reports its own failures */ }).finally(() => {
      this.running.delete(name);
      if (this.again.delete(name)) this.waiting.add(name);
      this.pump();
    });
  }
}

/**
 * Which controller messages are fully applied. Each message names the resources it changed;
 * a resource is applied at version V when a run that started after message V arrived has
 * finished. The watermark is the newest message whose resources, and every earlier one's,
 * are all applied.
 */
export class AppliedVersions {
  /** Per resource: seq of the newest message that changed it. */
  readonly wanted = new Map<string, number>();
  /** Per resource: the `wanted` seq its last finished run started with. */
  readonly applied = new Map<string, number>();
  private pending: Array<{ seq: number; remaining: Set<string> }> = [];
  /** Per resource: the pending messages still waiting for it. */
  private readonly waitingFor = new Map<string, Array<{ seq: number; remaining: Set<string> }>>();
  watermark = 0;

  /** Message `seq` changed `names` (a full apply names every resource). */
  expect(seq: number, names: Iterable<string>): void {
    const msg = { seq, remaining: new Set(names) };
    for (const n of msg.remaining) {
      this.wanted.set(n, seq);
      let l = this.waitingFor.get(n);
      if (!l) this.waitingFor.set(n, l = []);
      l.push(msg);
    }
    this.pending.push(msg);
    this.advance();
  }

  /** The version a run of `name` starting now brings it to. */
  startVersion(name: string): number {
    return this.wanted.get(name) ?? 0;
  }

  /** A run of `name` that started at `version` finished; true when the watermark moved. */
  finished(name: string, version: number): boolean {
    if (version > (this.applied.get(name) ?? 0)) this.applied.set(name, version);
    const l = this.waitingFor.get(name);
    if (l) {
      const still = l.filter((m) => {
        if (m.seq > version) return true;
        m.remaining.delete(name);
        return false;
      });
      if (still.length) this.waitingFor.set(name, still); else this.waitingFor.delete(name);
    }
    return this.advance();
  }

  /** A resource that is gone for good: no longer tracked once no message waits for it. */
  forget(name: string): void {
    if (!this.waitingFor.has(name)) { this.wanted.delete(name); this.applied.delete(name); }
  }

  /** Starts over (a full apply replaces everything the satellite knew). */
  reset(): void {
    this.pending = [];
    this.waitingFor.clear();
    this.wanted.clear();
    this.applied.clear();
  }

  private advance(): boolean {
    const before = this.watermark;
    while (this.pending.length && this.pending[0]!.remaining.size === 0) {
      this.watermark = Math.max(this.watermark, this.pending.shift()!.seq);
    }
    return this.watermark !== before;
  }
}
