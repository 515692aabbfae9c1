import type { Change, ChangeFeed } from '../state/change-feed.js';
import { SegmentedList, type ListSource } from './segmented-list.js';

/**
 * Which list items a change touches, besides the list's own objects: their keys, or 'all'
 * when the change reaches every item (controller props, a resource group).
 */
export type AffectedItems = (change: Change) => Iterable<string> | 'all';

export interface SegmentedSpec<T> extends ListSource<T> {
  /** The store table (or runtime map) whose rows are the list's objects. */
  table: string;
  affected: AffectedItems;
}

interface WholeEntry { kind: 'whole'; versions: string; body: Buffer; bytes: number }
interface SegmentedEntry { kind: 'segmented'; position: number; list: SegmentedList<unknown>; bytes: number }
type Entry = WholeEntry | SegmentedEntry;

/**
 * List responses kept between requests, per URL. Two kinds:
 *  - whole: one body, rebuilt when any of its versions changed (pages, small lists);
 *  - segmented: patched from the change feed, so a request after a write costs what the
 *    write changed, not a rebuild of 10,000 objects (see SegmentedList).
 */
export class ListCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  constructor(private readonly feed?: ChangeFeed, private readonly maxEntries = 32, private readonly maxBytes = 64 * 1024 * 1024) {}

  /** The response body as bytes, so a hit also skips encoding megabytes of text again. */
  get(key: string, versions: readonly number[], build: () => Buffer): Buffer {
    const v = versions.join(':');
    const hit = this.entries.get(key);
    if (hit?.kind === 'whole' && hit.versions === v) return hit.body;
    const body = build();
    this.store(key, { kind: 'whole', versions: v, body, bytes: body.length });
    return body;
  }

  /** The list for `key`, caught up with every change since it was last served. */
  segmented<T>(key: string, spec: SegmentedSpec<T>): SegmentedList<T> {
    if (!this.feed) throw new Error('ListCache.segmented needs a change feed');
    const hit = this.entries.get(key);
    if (hit?.kind === 'segmented') {
      const changes = this.feed.since(hit.position);
      if (changes && catchUp(hit.list as SegmentedList<T>, changes, spec)) {
        hit.position = this.feed.position;
        this.touch(key, hit, hit.list.byteLength);
        return hit.list as SegmentedList<T>;
      }
    }
    // Read the position first: a change made while building is then replayed, never lost.
    const position = this.feed.position;
    const list = new SegmentedList<T>(spec);
    this.store(key, { kind: 'segmented', position, list: list as SegmentedList<unknown>, bytes: list.byteLength });
    return list;
  }

  private touch(key: string, entry: Entry, bytes: number): void {
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict();
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) { this.entries.delete(key); this.bytes -= old.bytes; }
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.evict();
  }

  private evict(): void {
    // Oldest first in a Map: drop entries while over the count or size limit (never the newest).
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || this.bytes > this.maxBytes)) {
      const [oldKey, old] = this.entries.entries().next().value!;
      this.entries.delete(oldKey);
      this.bytes -= old.bytes;
    }
  }
}

/** Applies `changes` to the list; false when one reaches every item (rebuild instead). */
function catchUp<T>(list: SegmentedList<T>, changes: readonly Change[], spec: SegmentedSpec<T>): boolean {
  for (const c of changes) {
    if (c.table === spec.table) { list.update(c.key, c.deleted); continue; }
    const keys = spec.affected(c);
    if (keys === 'all') return false;
    for (const k of keys) list.refresh(k);
  }
  return true;
}
