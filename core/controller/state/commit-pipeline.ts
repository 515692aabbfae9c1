import type { Store } from '../../store/store.js';
import type { Transaction } from './transaction.js';

interface Queued { tx: Transaction; resolve: () => void; reject: (err: unknown) => void }

/** A later transaction built on a change whose commit failed. */
export class DependentCommitError extends Error {
  constructor(readonly causeError: unknown) {
    super(`The change was not stored because an earlier change it built on could not be stored: ${causeError instanceof Error ? causeError.message : String(causeError)}`);
    this.name = 'DependentCommitError';
  }
}

/**
 * Serial group commit: one store commit in flight at a time; whatever queued meanwhile goes
 * into the next one (up to the store's batch size), so throughput does not drop with the
 * store's round-trip time. A failed commit fails its batch and every transaction queued
 * behind it (their callbacks saw the failed writes).
 */
export class CommitPipeline {
  private readonly queue: Queued[] = [];
  private inFlight = 0;

  constructor(
    private readonly store: Store,
    private readonly hooks: { applied(tx: Transaction): void; failed(): void },
  ) {}

  /** Transactions queued or committing. */
  get size(): number { return this.queue.length + this.inFlight; }

  enqueue(tx: Transaction): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ tx, resolve, reject });
      if (!this.inFlight) void this.drain();
    });
  }

  private takeBatch(): Queued[] {
    const max = this.store.maxBatchRows ?? Infinity;
    const batch: Queued[] = [];
    let rows = 0;
    while (this.queue.length) {
      const n = this.queue[0]!.tx.changes.length;
      if (batch.length && rows + n > max) break;
      batch.push(this.queue.shift()!);
      rows += n;
    }
    return batch;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.takeBatch();
      this.inFlight = batch.length;
      const rows = batch.flatMap((q) => q.tx.changes);
      try {
        if (rows.length) await this.store.commit(rows);
      } catch (err) {
        const behind = this.queue.splice(0);
        this.inFlight = 0;
        this.hooks.failed();
        for (const q of batch) q.reject(err);
        for (const q of behind) q.reject(new DependentCommitError(err));
        continue;
      }
      this.inFlight = 0;
      for (const q of batch) {
        this.hooks.applied(q.tx);
        q.resolve();
      }
    }
  }
}
