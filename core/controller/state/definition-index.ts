import type { ClusterState } from './cluster-state.js';

/** What a definition index keeps up to date: the totals of every definition's part. */
export interface DefinitionAggregate<P> {
  /** The part of the resource definition `rdKey` (with its resources), read from `state` as the caller sees it; undefined = contributes nothing. */
  partOf(state: ClusterState, rdKey: string): P | undefined;
  /** Adds (`sign` 1) or removes (-1) a part from the totals. */
  apply(part: P, sign: 1 | -1): void;
}

/**
 * Totals over all resource definitions (and their resources) kept up to date on commit, so a
 * write that needs "what every definition uses" (preferred ports, reserved pool space) costs
 * what changed, not a walk of the whole cluster. Each definition's part is kept, so a change
 * removes the old part and adds the new one.
 *
 * Inside a mutate callback the caller must see the staged writes of transactions still
 * committing (and its own) as the tables do: `withView` swaps in the parts of the definitions
 * with staged rows for the duration of `fn`, then restores the committed totals. Those are few
 * (the transactions in flight), so a view costs O(staged rows).
 *
 * Built on first use from the committed rows (no cost at start).
 */
export class DefinitionIndex<P> {
  private parts: Map<string, P> | undefined;

  constructor(
    private readonly state: ClusterState,
    private readonly aggregate: DefinitionAggregate<P>,
    /** Tables whose rows are keyed by (or under) a resource definition name key. */
    private readonly tables: ReadonlyArray<'resource_definitions' | 'resources'>,
  ) {
    state.onCommit((changes) => {
      if (!this.parts) return;
      const dirty = new Set<string>();
      for (const c of changes) if ((this.tables as readonly string[]).includes(c.table)) dirty.add(rdKeyOf(c.key));
      // Listeners run outside any callback: the tables answer committed rows.
      for (const k of dirty) this.replace(k, this.aggregate.partOf(this.state, k));
    });
  }

  private build(): Map<string, P> {
    if (this.parts) return this.parts;
    const parts = new Map<string, P>();
    this.parts = parts;
    this.state.committedView(() => {
      for (const k of this.state.resourceDefinitions.entries()) {
        const part = this.aggregate.partOf(this.state, k[0]);
        if (part === undefined) continue;
        parts.set(k[0], part);
        this.aggregate.apply(part, 1);
      }
    });
    return parts;
  }

  private replace(rdKey: string, part: P | undefined): void {
    const parts = this.build();
    const old = parts.get(rdKey);
    if (old !== undefined) this.aggregate.apply(old, -1);
    if (part === undefined) parts.delete(rdKey);
    else { parts.set(rdKey, part); this.aggregate.apply(part, 1); }
  }

  /** The committed part of one definition. */
  committedPart(rdKey: string): P | undefined {
    return this.build().get(rdKey);
  }

  /**
   * Runs `fn` with the totals as the current reader sees them. `overlay` maps the definitions
   * whose staged rows change their part to that part (undefined: none) — read `fn`'s lookups
   * of single definitions from it first.
   */
  withView<R>(fn: (overlay: ReadonlyMap<string, P | undefined>) => R): R {
    const parts = this.build();
    const overlay = new Map<string, P | undefined>();
    if (this.state.inMutation) {
      for (const t of this.tables) {
        const table = t === 'resources' ? this.state.resources : this.state.resourceDefinitions;
        for (const key of [...table.stagedKeys()]) {
          // Read through the table as a full walk would (a transaction records what it read).
          table.get(key);
          overlay.set(rdKeyOf(key), undefined);
        }
      }
      for (const k of overlay.keys()) overlay.set(k, this.aggregate.partOf(this.state, k));
    }
    if (!overlay.size) return fn(overlay);
    for (const [k, p] of overlay) {
      const old = parts.get(k);
      if (old !== undefined) this.aggregate.apply(old, -1);
      if (p !== undefined) this.aggregate.apply(p, 1);
    }
    try {
      return fn(overlay);
    } finally {
      for (const [k, p] of overlay) {
        if (p !== undefined) this.aggregate.apply(p, -1);
        const old = parts.get(k);
        if (old !== undefined) this.aggregate.apply(old, 1);
      }
    }
  }
}

const rdKeyOf = (key: string): string => {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
};

/** Adds `d` to a count, dropping the entry at zero so that `has` means "in use". */
export function addToCount<K>(m: Map<K, number>, k: K, d: number): void {
  const v = (m.get(k) ?? 0) + d;
  if (v) m.set(k, v);
  else m.delete(k);
}

/** One instance per cluster state, made on first use (indexes live as long as their state). */
export function perState<T extends object>(make: (state: ClusterState) => T): (state: ClusterState) => T {
  const made = new WeakMap<ClusterState, T>();
  return (state) => {
    let x = made.get(state);
    if (!x) { x = make(state); made.set(state, x); }
    return x;
  };
}
