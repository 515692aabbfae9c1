import type { ClusterState } from './cluster-state.js';
import type { RuntimeState } from './runtime.js';

/**
 * One changed object: a stored row (`table` is the store table) or something a satellite
 * reported (`runtime.resources`, `runtime.pools`, keyed like the runtime maps).
 */
export interface Change { table: string; key: string; deleted: boolean }

/**
 * The changes of the controller's objects in the order they happened, so a cache built at
 * position N catches up by reading what came after N instead of rebuilding from everything.
 * Bounded: a reader that fell too far behind gets `undefined` and rebuilds.
 */
export class ChangeFeed {
  private entries: Change[] = [];
  /** Position of entries[0]. */
  private first = 0;
  constructor(private readonly capacity = 100_000) {}

  /** Position after the last change: what a cache built now has seen. */
  get position(): number { return this.first + this.entries.length; }

  push(table: string, key: string, deleted: boolean): void {
    this.entries.push({ table, key, deleted });
    if (this.entries.length > this.capacity * 2) {
      const drop = this.entries.length - this.capacity;
      this.entries = this.entries.slice(drop);
      this.first += drop;
    }
  }

  /** The changes after `position`, oldest first; undefined once they are no longer kept. */
  since(position: number): readonly Change[] | undefined {
    if (position < this.first) return undefined;
    return position === this.position ? [] : this.entries.slice(position - this.first);
  }
}

const feeds = new WeakMap<ClusterState, ChangeFeed>();

/**
 * The one feed of a controller: every committed row and every change of a satellite report.
 * Created on first use and fed from then on (readers start at its position).
 */
export function changeFeedOf(state: ClusterState, runtime: RuntimeState): ChangeFeed {
  let feed = feeds.get(state);
  if (!feed) {
    const f = new ChangeFeed();
    state.onCommit((changes) => { for (const c of changes) f.push(c.table, c.key, c.value === null); });
    runtime.onChange((table, key, deleted) => f.push(table, key, deleted));
    feeds.set(state, f);
    feed = f;
  }
  return feed;
}
