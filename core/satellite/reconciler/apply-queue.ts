/**
 * Serialises applies on one satellite. While one runs, newer requests replace each other:
 * only the latest is run afterwards, once (each apply carries the full state, so the
 * skipped ones are superseded). Every caller's promise settles with the run that covered it.
 */
export class ApplyQueue<T, R> {
  private running = false;
  private pending: { item: T; waiters: Array<{ resolve: (r: R) => void; reject: (e: unknown) => void }> } | undefined;

  constructor(private readonly work: (item: T) => Promise<R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiters = this.pending?.waiters ?? [];
      waiters.push({ resolve, reject });
      this.pending = { item, waiters };
      if (!this.running) void this.drain();
    });
  }

  get busy(): boolean {
    return this.running;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending) {
        const { item, waiters } = this.pending;
        this.pending = undefined;
        try {
          const r = await this.work(item);
          for (const w of waiters) w.resolve(r);
        } catch (e) {
          for (const w of waiters) w.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
