import { nameKey } from '../../model/names.js';
import type { NodeReport } from '../../model/satellite-protocol.js';
import type { RuntimeState } from '../state/runtime.js';

/**
 * Records one node's report in the runtime state. The report is the node's whole truth:
 * pools and resources it no longer reports are removed (deleted resources disappear here,
 * which is what the resources route waits for before it drops the row).
 */
export function recordReport(runtime: RuntimeState, nodeKey: string, report: NodeReport, now: number): void {
  const pools = new Set<string>();
  for (const p of report.storagePools ?? []) {
    const key = `${nodeKey}/${nameKey(p.name)}`;
    pools.add(key);
    runtime.pools.set(key, p);
  }
  for (const key of [...runtime.pools.keys()]) {
    if (key.startsWith(`${nodeKey}/`) && !pools.has(key)) runtime.pools.delete(key);
  }
  const resources = new Set<string>();
  for (const r of report.resources ?? []) {
    const key = `${nameKey(r.name)}/${nodeKey}`;
    resources.add(key);
    // An unchanged report keeps its old object, so views cached against it stay valid.
    const old = runtime.resources.get(key);
    if (!old || JSON.stringify(old) !== JSON.stringify(r)) { runtime.resources.set(key, r); runtime.version++; }
  }
  for (const key of [...runtime.resources.keys()]) {
    if (key.endsWith(`/${nodeKey}`) && !resources.has(key)) { runtime.resources.delete(key); runtime.version++; }
  }
  runtime.node(nodeKey).lastReportAt = now;
}

/**
 * Merges a partial report: only the pools and resources in it changed, `removed` are gone;
 * everything else the node reported before stands.
 */
export function mergeReport(runtime: RuntimeState, nodeKey: string, report: NodeReport, removed: readonly string[], now: number): void {
  for (const p of report.storagePools ?? []) runtime.pools.set(`${nodeKey}/${nameKey(p.name)}`, p);
  for (const r of report.resources ?? []) {
    const key = `${nameKey(r.name)}/${nodeKey}`;
    const old = runtime.resources.get(key);
    if (!old || JSON.stringify(old) !== JSON.stringify(r)) { runtime.resources.set(key, r); runtime.version++; }
  }
  for (const name of removed) {
    if (runtime.resources.delete(`${nameKey(name)}/${nodeKey}`)) runtime.version++;
  }
  runtime.node(nodeKey).lastReportAt = now;
}

/** Drops what a node reported about objects that are no longer desired at all. */
export function forgetDeleted(runtime: RuntimeState, table: string, key: string): void {
  runtime.version++;
  if (table === 'resources') runtime.resources.delete(key);
  else if (table === 'storage_pools') runtime.pools.delete(key);
}

/** A node that is not connected reports nothing: its capacities and volume states are unknown. */
export function forgetNode(runtime: RuntimeState, nodeKey: string): void {
  runtime.version++;
  for (const key of [...runtime.pools.keys()]) if (key.startsWith(`${nodeKey}/`)) runtime.pools.delete(key);
  for (const key of [...runtime.resources.keys()]) if (key.endsWith(`/${nodeKey}`)) runtime.resources.delete(key);
}
