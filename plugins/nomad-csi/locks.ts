/**
 * In-process operation locks, one per volume (or snapshot) key. A second call for a busy
 * key is refused with ABORTED at once, as the CSI spec asks ("operation pending for
 * volume"), instead of queueing behind the first: the CO retries with backoff.
 */
import { status } from '@grpc/grpc-js';
import { CsiError } from './errors.js';

export class OperationLocks {
  private readonly busy = new Set<string>();

  async with<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const uniq = [...new Set(keys.filter(Boolean))];
    const held = uniq.find((k) => this.busy.has(k));
    if (held) throw new CsiError(status.ABORTED, `An operation for ${held} is already in progress`);
    for (const k of uniq) this.busy.add(k);
    try { return await fn(); } finally { for (const k of uniq) this.busy.delete(k); }
  }

  get size(): number { return this.busy.size; }
}
