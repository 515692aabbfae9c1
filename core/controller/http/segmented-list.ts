import { checksumOf, combineChecksums, type Checksum } from './etag.js';
import { deflatePart, gzipFromParts, type DeflatedPart } from './gzip.js';

/** Items per segment: a change re-joins (and re-compresses) at most this many items. */
export const SEGMENT_ITEMS = 128;

/**
 * One source of a list: its objects in their order, by key. `render` gives an object's JSON or
 * undefined when the list leaves it out (a filter).
 */
export interface ListSource<T> {
  entries(): Iterable<[string, T]>;
  get(key: string): T | undefined;
  render(key: string, obj: T): Buffer | undefined;
}

interface Segment {
  keys: string[];
  /** JSON of each key, undefined where the filter leaves the object out (it keeps its place). */
  items: Array<Buffer | undefined>;
  /** The segment's items joined with commas; undefined when dirty. */
  bytes?: Buffer;
  gz?: DeflatedPart;
  /** CRC-32 and length of `bytes` (the list's ETag); undefined when dirty. */
  sum?: Checksum;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const GZ_OPEN = deflatePart(OPEN);
const GZ_COMMA = deflatePart(COMMA);
const GZ_CLOSE = deflatePart(CLOSE);
const SUM_OPEN = checksumOf(OPEN);
const SUM_COMMA = checksumOf(COMMA);
const SUM_CLOSE = checksumOf(CLOSE);

/**
 * A JSON array kept as segments of serialised items in the source's order. A changed object
 * re-renders only itself and re-joins only its segment; a new object is appended (where the
 * source's insertion order puts it too); a deleted one leaves its segment. The response is
 * written segment by segment, never copied into one buffer.
 */
export class SegmentedList<T> {
  private segments: Segment[] = [];
  private readonly where = new Map<string, Segment>();

  constructor(private readonly source: ListSource<T>) {
    let seg: Segment | undefined;
    for (const [key, obj] of source.entries()) {
      if (!seg || seg.keys.length >= SEGMENT_ITEMS) this.segments.push(seg = { keys: [], items: [] });
      seg.keys.push(key);
      seg.items.push(source.render(key, obj));
      this.where.set(key, seg);
    }
  }

  /** Re-renders `key` from the source: replaced in place, appended when new, removed when gone. */
  update(key: string, deleted: boolean): void {
    const obj = deleted ? undefined : this.source.get(key);
    const seg = this.where.get(key);
    if (seg) {
      const i = seg.keys.indexOf(key);
      if (obj === undefined) {
        seg.keys.splice(i, 1);
        seg.items.splice(i, 1);
        this.where.delete(key);
        if (!seg.keys.length) this.segments = this.segments.filter((s) => s !== seg);
      } else {
        seg.items[i] = this.source.render(key, obj);
      }
      seg.bytes = undefined;
      seg.gz = undefined;
      seg.sum = undefined;
      return;
    }
    if (obj === undefined) return;
    let last = this.segments[this.segments.length - 1];
    if (!last || last.keys.length >= SEGMENT_ITEMS) this.segments.push(last = { keys: [], items: [] });
    last.keys.push(key);
    last.items.push(this.source.render(key, obj));
    last.bytes = undefined;
    last.gz = undefined;
    last.sum = undefined;
    this.where.set(key, last);
  }

  /** Re-renders only objects already in the list (a dependency changed, not the object). */
  refresh(key: string): void {
    if (this.where.has(key)) this.update(key, false);
  }

  private bytesOf(seg: Segment): Buffer {
    if (!seg.bytes) {
      const parts: Buffer[] = [];
      for (const b of seg.items) {
        if (!b) continue;
        if (parts.length) parts.push(COMMA);
        parts.push(b);
      }
      seg.bytes = Buffer.concat(parts);
    }
    return seg.bytes;
  }

  /** The JSON array as buffers to write in order. */
  parts(): Buffer[] {
    const out: Buffer[] = [OPEN];
    for (const seg of this.segments) {
      const b = this.bytesOf(seg);
      if (!b.length) continue;
      if (out.length > 1) out.push(COMMA);
      out.push(b);
    }
    out.push(CLOSE);
    return out;
  }

  /** The same array as one gzip member; only dirty segments are compressed again. */
  gzipParts(): Buffer[] {
    const parts: DeflatedPart[] = [GZ_OPEN];
    for (const seg of this.segments) {
      const b = this.bytesOf(seg);
      if (!b.length) continue;
      if (parts.length > 1) parts.push(GZ_COMMA);
      parts.push(seg.gz ??= deflatePart(b));
    }
    parts.push(GZ_CLOSE);
    return gzipFromParts(parts);
  }

  /** CRC-32 and length of the array's JSON; only dirty segments are summed again. */
  checksum(): Checksum {
    const sums: Checksum[] = [SUM_OPEN];
    for (const seg of this.segments) {
      const b = this.bytesOf(seg);
      if (!b.length) continue;
      if (sums.length > 1) sums.push(SUM_COMMA);
      sums.push(seg.sum ??= seg.gz ?? checksumOf(b));
    }
    sums.push(SUM_CLOSE);
    return combineChecksums(sums);
  }

  /** Bytes held (for the cache's size limit). */
  get byteLength(): number {
    let n = 0;
    for (const s of this.segments) for (const b of s.items) n += b?.length ?? 0;
    return n;
  }
}
