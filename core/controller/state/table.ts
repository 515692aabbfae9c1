import type { TableName } from '../../store/store.js';

/**
 * One kind of object in memory, keyed like its store table. Reads never touch the store.
 * Child tables are keyed "PARENT/CHILD" (resources "RD/NODE"); both key segments are
 * indexed, so "resources of a definition" and "resources on a node" cost what they return,
 * not a scan of every row.
 */
export class Table<T> {
  private readonly rows = new Map<string, T>();
  private readonly segments: Array<Map<string, Set<string>>> = [new Map(), new Map()];
  constructor(readonly name: TableName) {}

  get(key: string): T | undefined { return this.rows.get(key); }
  has(key: string): boolean { return this.rows.has(key); }
  get size(): number { return this.rows.size; }
  values(): IterableIterator<T> { return this.rows.values(); }
  entries(): IterableIterator<[string, T]> { return this.rows.entries(); }

  /** Rows whose key starts with `prefix`; "PARENT/" is answered from the index. */
  *withPrefix(prefix: string): IterableIterator<T> {
    const slash = prefix.indexOf('/');
    if (slash === prefix.length - 1) {
      yield* this.withSegment(0, prefix.slice(0, -1));
      return;
    }
    for (const [k, v] of this.rows) if (k.startsWith(prefix)) yield v;
  }

  /** Rows whose key has `value` as segment `index` (0 = parent, 1 = child), e.g. resources on a node. */
  *withSegment(index: 0 | 1, value: string): IterableIterator<T> {
    const keys = this.segments[index]!.get(value);
    if (!keys) return;
    for (const k of keys) {
      const v = this.rows.get(k);
      if (v !== undefined) yield v;
    }
  }

  /** Only the state's transactions call these. */
  setRaw(key: string, value: T): void {
    if (!this.rows.has(key)) this.index(key, true);
    this.rows.set(key, value);
  }
  deleteRaw(key: string): void {
    if (this.rows.delete(key)) this.index(key, false);
  }

  private index(key: string, add: boolean): void {
    const parts = key.split('/');
    if (parts.length < 2) return;
    for (let i = 0; i < 2; i++) {
      const m = this.segments[i]!;
      const seg = parts[i]!;
      let set = m.get(seg);
      if (add) {
        if (!set) { set = new Set(); m.set(seg, set); }
        set.add(key);
      } else if (set) {
        set.delete(key);
        if (!set.size) m.delete(seg);
      }
    }
  }
}
