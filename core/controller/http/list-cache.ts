/**
 * Whole list responses, kept while nothing they are built from changed: the cluster state's
 * commit counter and the satellites' report counter. Clients that poll a full list (the
 * linstor client, CSI, monitoring) then get it without rebuilding 10,000 objects.
 */
export class ListCache {
  private readonly entries = new Map<string, { versions: string; body: Buffer }>();
  private bytes = 0;
  constructor(private readonly maxEntries = 32, private readonly maxBytes = 64 * 1024 * 1024) {}

  /** The response body as bytes, so a hit also skips encoding megabytes of text again. */
  get(key: string, versions: readonly number[], build: () => Buffer): Buffer {
    const v = versions.join(':');
    const hit = this.entries.get(key);
    if (hit && hit.versions === v) return hit.body;
    const body = build();
    if (hit) { this.entries.delete(key); this.bytes -= hit.body.length; }
    this.entries.set(key, { versions: v, body });
    this.bytes += body.length;
    // Oldest first in a Map: drop entries while over the count or size limit (never the new one).
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || this.bytes > this.maxBytes)) {
      const [oldKey, old] = this.entries.entries().next().value!;
      this.entries.delete(oldKey);
      this.bytes -= old.body.length;
    }
    return body;
  }
}
