import type { NodeReport, ReportedResource, ReportedStoragePool } from '../../model/satellite-protocol.js';

/** A report ready to send (the body of a 'report' message). */
export interface PendingReport {
  seq: number;
  report: NodeReport;
  partial: boolean;
  removed?: string[];
  applied?: Record<string, number>;
}

/**
 * What the controller has been told, so a report carries only what changed: the resources
 * whose run finished (with the version each applied), those whose result differs from the
 * last one sent, the pools whose capacity moved. After a full apply the next report, once
 * every resource is done, is whole again.
 */
export class ReportTracker {
  private done = new Map<string, number>();
  private pools = new Set<string>();
  private fullSeq: number | undefined;
  private readonly sentResources = new Map<string, string>();
  private readonly sentPools = new Map<string, string>();

  fullAt(seq: number): void { this.fullSeq = seq; }
  /** A run of `name` finished, bringing it to `version`. */
  resourceDone(name: string, version: number): void { this.done.set(name, Math.max(version, this.done.get(name) ?? 0)); }
  poolTouched(name: string): void { this.pools.add(name); }

  async take(watermark: number, results: Map<string, ReportedResource>, nodeName: string,
    poolReport: (names: Iterable<string>) => Promise<ReportedStoragePool[]>, allPools: string[]): Promise<PendingReport | undefined> {
    if (this.fullSeq !== undefined && watermark >= this.fullSeq) {
      this.fullSeq = undefined;
      this.done.clear();
      this.pools.clear();
      this.sentResources.clear();
      this.sentPools.clear();
      const resources = [...results.values()];
      for (const r of resources) this.sentResources.set(r.name, JSON.stringify(r));
      const storagePools = await poolReport(allPools);
      for (const p of storagePools) this.sentPools.set(p.name, JSON.stringify(p));
      return { seq: watermark, report: { nodeName, storagePools, resources }, partial: false };
    }
    if (!this.done.size && !this.pools.size) return undefined;
    const done = this.done;
    const touched = this.pools;
    this.done = new Map();
    this.pools = new Set();
    const resources: ReportedResource[] = [];
    const removed: string[] = [];
    const applied: Record<string, number> = {};
    for (const [name, version] of done) {
      applied[name] = version;
      const r = results.get(name);
      if (!r) {
        removed.push(name);
        this.sentResources.delete(name);
        continue;
      }
      const text = JSON.stringify(r);
      if (this.sentResources.get(name) === text) continue;
      this.sentResources.set(name, text);
      resources.push(r);
    }
    const storagePools: ReportedStoragePool[] = [];
    for (const p of await poolReport(touched)) {
      const text = JSON.stringify(p);
      if (this.sentPools.get(p.name) === text) continue;
      this.sentPools.set(p.name, text);
      storagePools.push(p);
    }
    if (!done.size && !storagePools.length) return undefined;
    return {
      seq: watermark, report: { nodeName, storagePools, resources }, partial: true,
      ...(removed.length ? { removed } : {}), ...(done.size ? { applied } : {}),
    };
  }
}
