import type { TableName } from '../../store/store.js';

/** One kind of object in memory, keyed like its store table. Reads never touch the store. */
export class Table<T> {
  private readonly rows = new Map<string, T>();
  constructor(readonly name: TableName) {}

  get(key: string): T | undefined { return this.rows.get(key); }
  has(key: string): boolean { return this.rows.has(key); }
  get size(): number { return this.rows.size; }
  values(): IterableIterator<T> { return this.rows.values(); }
  entries(): IterableIterator<[string, T]> { return this.rows.entries(); }
  /** Rows whose key starts with `prefix` (children keyed "PARENT/CHILD"). */
  *withPrefix(prefix: string): IterableIterator<T> {
    for (const [k, v] of this.rows) if (k.startsWith(prefix)) yield v;
  }

  /** Only the state's transactions call these. */
  setRaw(key: string, value: T): void { this.rows.set(key, value); }
  deleteRaw(key: string): void { this.rows.delete(key); }
}
