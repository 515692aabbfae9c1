import type { RowChange, TableName } from '../../store/store.js';
import { DELETED, type ScopeReader, type Table } from './table.js';

/**
 * A write over another transaction's uncommitted write of the same row, by a callback that
 * never read that row: its value was decided from something read before `mutate` (stale),
 * and storing it would silently drop the other change. Refused instead.
 */
export class StaleWriteError extends Error {
  constructor(table: string, key: string) {
    super(`Concurrent change of ${table} '${key}': this request based its change on a value read before the other change, so it was refused; retry it.`);
    this.name = 'StaleWriteError';
  }
}

/** One mutation's writes: staged in the tables at once, committed by the pipeline later. */
export class Transaction implements ScopeReader {
  readonly changes: RowChange[] = [];
  private readonly reads = new Set<string>();

  constructor(
    readonly seq: number,
    /** Other transactions were uncommitted when this one started: record reads to spot stale writes. */
    readonly tracking: boolean,
    private readonly tableOf: (name: TableName) => Table<unknown>,
  ) {}

  noteRead(table: string, key: string): void {
    this.reads.add(`${table}\u0000${key}`);
  }

  put<T>(table: Table<T>, key: string, value: T): void {
    if (this.tracking && table.stagedByOther(key, this.seq) && !this.reads.has(`${table.name}\u0000${key}`)) {
      throw new StaleWriteError(table.name, key);
    }
    table.stage(this.seq, key, value);
    this.changes.push({ table: table.name, key, value });
  }

  /** Deleting is never stale: in any serial order the row is gone afterwards. */
  delete<T>(table: Table<T>, key: string): void {
    if (!table.has(key)) return;
    table.stage(this.seq, key, DELETED);
    this.changes.push({ table: table.name, key, value: null });
  }

  /** The callback threw: its staged writes disappear (they are the newest of their rows). */
  unstageAll(): void {
    for (const c of [...this.changes].reverse()) this.tableOf(c.table).unstage(this.seq, c.key);
  }
}
