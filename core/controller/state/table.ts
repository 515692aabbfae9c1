import type { TableName } from '../../store/store.js';

/** Marks a staged delete. */
export const DELETED: unique symbol = Symbol('deleted');
export type Staged<T> = T | typeof DELETED;

/**
 * The transaction whose callback is running (set only during a synchronous `mutate`
 * callback). Tables answer it with committed rows plus every staged, not yet committed
 * write; everyone else sees committed rows only.
 */
export interface MutationScope {
  current: ScopeReader | null;
}
export interface ScopeReader {
  readonly seq: number;
  /** True when other transactions were uncommitted as the callback started: reads are recorded. */
  readonly tracking: boolean;
  noteRead(table: string, key: string): void;
}

const NO_SCOPE: MutationScope = { current: null };

/**
 * One kind of object in memory, keyed like its store table. Reads never touch the store.
 * Child tables are keyed "PARENT/CHILD" (resources "RD/NODE"); both key segments are
 * indexed, so "resources of a definition" and "resources on a node" cost what they return,
 * not a scan of every row.
 *
 * Rows are committed (what readers see) or staged: written by a transaction whose commit
 * has not finished. Staged writes are kept per key, oldest first, tagged with their
 * transaction's sequence number, and are visible only inside mutation callbacks.
 */
export class Table<T> {
  private readonly rows = new Map<string, T>();
  private readonly segments: Array<Map<string, Set<string>>> = [new Map(), new Map()];
  private readonly staged = new Map<string, Array<{ seq: number; value: Staged<T> }>>();
  constructor(readonly name: TableName, private readonly scope: MutationScope = NO_SCOPE) {}

  /** The transaction reading, when its view includes staged rows. */
  private viewer(): ScopeReader | null {
    // With nothing staged here the committed rows are the view, whoever reads.
    return this.staged.size ? this.scope.current : null;
  }

  private stagedTop(key: string): Staged<T> | undefined {
    const s = this.staged.get(key);
    return s ? s[s.length - 1]!.value : undefined;
  }

  get(key: string): T | undefined {
    const tx = this.viewer();
    if (!tx) return this.rows.get(key);
    if (tx.tracking) tx.noteRead(this.name, key);
    const s = this.stagedTop(key);
    if (s === undefined) return this.rows.get(key);
    return s === DELETED ? undefined : s;
  }
  has(key: string): boolean { return this.get(key) !== undefined; }

  get size(): number {
    if (!this.viewer() || !this.staged.size) return this.rows.size;
    let n = this.rows.size;
    for (const [k, s] of this.staged) {
      const deleted = s[s.length - 1]!.value === DELETED;
      if (this.rows.has(k)) { if (deleted) n--; } else if (!deleted) n++;
    }
    return n;
  }

  values(): IterableIterator<T> {
    return this.viewer() ? this.mergedValues() : this.rows.values();
  }
  entries(): IterableIterator<[string, T]> {
    return this.viewer() ? this.merged() : this.rows.entries();
  }

  private *mergedValues(): IterableIterator<T> {
    for (const [, v] of this.merged()) yield v;
  }

  /** Committed rows with staged writes applied, for the transaction in scope. */
  private *merged(): IterableIterator<[string, T]> {
    const tx = this.scope.current!;
    for (const [k, v] of this.rows) {
      const s = this.stagedTop(k);
      if (s === DELETED) continue;
      if (tx.tracking) tx.noteRead(this.name, k);
      yield [k, s === undefined ? v : s];
    }
    for (const [k, list] of this.staged) {
      const s = list[list.length - 1]!.value;
      if (this.rows.has(k) || s === DELETED) continue;
      if (tx.tracking) tx.noteRead(this.name, k);
      yield [k, s];
    }
  }

  /** Rows whose key starts with `prefix`; "PARENT/" is answered from the index. */
  *withPrefix(prefix: string): IterableIterator<T> {
    const slash = prefix.indexOf('/');
    if (slash === prefix.length - 1) {
      yield* this.withSegment(0, prefix.slice(0, -1));
      return;
    }
    for (const [k, v] of this.entries()) if (k.startsWith(prefix)) yield v;
  }

  /** Rows whose key has `value` as segment `index` (0 = parent, 1 = child), e.g. resources on a node. */
  *withSegment(index: 0 | 1, value: string): IterableIterator<T> {
    const keys = this.segments[index]!.get(value);
    const tx = this.viewer();
    if (!tx) {
      if (!keys) return;
      for (const k of keys) {
        const v = this.rows.get(k);
        if (v !== undefined) yield v;
      }
      return;
    }
    if (keys) {
      for (const k of keys) {
        const v = this.get(k);
        if (v !== undefined) yield v;
      }
    }
    for (const k of this.staged.keys()) {
      if (this.rows.has(k) || k.split('/')[index] !== value) continue;
      const v = this.get(k);
      if (v !== undefined) yield v;
    }
  }

  /** Loading at start: a committed row. */
  setRaw(key: string, value: T): void {
    if (!this.rows.has(key)) this.index(key, true);
    this.rows.set(key, value);
  }
  deleteRaw(key: string): void {
    if (this.rows.delete(key)) this.index(key, false);
  }

  /** True when a transaction other than `seq` has an uncommitted write of `key`. */
  stagedByOther(key: string, seq: number): boolean {
    const s = this.staged.get(key);
    return !!s && s.some((e) => e.seq !== seq);
  }

  /** Only the state's transactions call these. */
  stage(seq: number, key: string, value: Staged<T>): void {
    let s = this.staged.get(key);
    if (!s) { s = []; this.staged.set(key, s); }
    s.push({ seq, value });
  }
  /** Drops transaction `seq`'s staged writes of `key` (its callback threw). */
  unstage(seq: number, key: string): void {
    const s = this.staged.get(key);
    if (!s) return;
    while (s.length && s[s.length - 1]!.seq === seq) s.pop();
    if (!s.length) this.staged.delete(key);
  }
  /** Transaction `seq` committed its write of `key`: it becomes the committed row. */
  settle(seq: number, key: string, value: Staged<T>): void {
    if (value === DELETED) this.deleteRaw(key);
    else this.setRaw(key, value);
    const s = this.staged.get(key);
    if (!s) return;
    while (s.length && s[0]!.seq <= seq) s.shift();
    if (!s.length) this.staged.delete(key);
  }
  /** A commit failed: every uncommitted write is dropped. */
  discardStaged(): void {
    this.staged.clear();
  }
  get stagedCount(): number { return this.staged.size; }
  /** Keys with uncommitted writes (any transaction's). */
  stagedKeys(): IterableIterator<string> { return this.staged.keys(); }

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
