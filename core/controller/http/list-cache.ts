/**
 * Whole list responses, kept while nothing they are built from changed: the cluster state's
 * commit counter and the satellites' report counter. Clients that poll a full list (the
 * linstor client, CSI, monitoring) then get it without rebuilding 10,000 objects.
 */
export class ListCache {
  private readonly entries = new Map<string, { versions: string; text: string }>();
  constructor(private readonly maxEntries = 32) {}

  get(key: string, versions: readonly number[], build: () => string): string {
    const v = versions.join(':');
    const hit = this.entries.get(key);
    if (hit && hit.versions === v) return hit.text;
    const text = build();
    this.entries.delete(key);
    this.entries.set(key, { versions: v, text });
    // Oldest first in a Map: drop it when full.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return text;
  }
}
