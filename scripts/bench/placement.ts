/**
 * Autoplacer decision time on a large cluster: 1,000 nodes x 4 storage pools, 10,000 existing
 * resources. Each decision places a 2- or 3-replica resource, half of them with
 * replicas-on-different Aux/site. Run alone: `node dist/scripts/bench/placement.js`.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { autoplace, indexCluster } from '../../core/placement/index.js';
import type { PlacementCluster, PlacementResource, PlacementStoragePool } from '../../core/placement/types.js';
import type { ProviderKind } from '../../core/model/types.js';

export interface PlacementBenchResult {
  nodes: number;
  pools: number;
  existingResources: number;
  decisions: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Process CPU time per decision: unaffected by other processes competing for the cores. */
  p50CpuMs: number;
  p99CpuMs: number;
  /** 1-minute load average while measuring: wall-clock percentiles mean little when it exceeds the core count. */
  loadAverage: number;
  /** One-off cost of indexing a fresh snapshot (the controller pays it once per snapshot). */
  indexMs: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same cluster. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildBenchCluster(nodeCount = 1000, poolsPerNode = 4, resources = 10_000): PlacementCluster {
  const rand = rng(1);
  const kinds: ProviderKind[] = ['LVM_THIN', 'LVM', 'ZFS_THIN', 'FILE_THIN'];
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    name: `node-${String(i).padStart(4, '0')}`,
    props: { 'Aux/site': `site-${i % 5}`, 'Aux/rack': `rack-${i % 40}` },
    online: rand() > 0.01,
    evacuating: rand() < 0.005,
    supportedLayers: ['DRBD', 'STORAGE', 'LUKS'],
  }));
  const storagePools: PlacementStoragePool[] = [];
  for (const n of nodes) {
    for (let p = 0; p < poolsPerNode; p++) {
      const total = 4 * 1024 ** 3;
      storagePools.push({ name: `pool${p}`, nodeName: n.name, providerKind: kinds[p % kinds.length], totalKib: total, freeKib: Math.floor(total * rand()), props: {}, reservedKib: 0 });
    }
  }
  const rscs: PlacementResource[] = [];
  for (let r = 0; r < resources; r++) {
    for (let k = 0; k < 2; k++) {
      const node = nodes[Math.floor(rand() * nodeCount)].name;
      rscs.push({ name: `rsc-${r}`, nodeName: node, kind: 'DISKFUL', storagePool: `pool${Math.floor(rand() * poolsPerNode)}` });
    }
  }
  const byKey = new Map(storagePools.map((p) => [`${p.nodeName};${p.name}`, p]));
  for (const r of rscs) {
    const sp = byKey.get(`${r.nodeName};${r.storagePool}`);
    if (sp) sp.reservedKib += 10 * 1024 * 1024;
  }
  return { nodes, storagePools, resources: rscs, controllerProps: { 'Autoplacer/Weights/MinRscCount': '0.5' } };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchPlacement(decisions = 2000): Promise<PlacementBenchResult> {
  const cluster = buildBenchCluster();
  const t0 = process.hrtime.bigint();
  indexCluster(cluster);
  const indexMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < decisions + 200; i++) {
    const filter = i % 2 === 0
      ? { place_count: 2 + (i % 3 === 0 ? 1 : 0) }
      : { place_count: 3, replicas_on_different: ['Aux/site'], not_place_with_rsc_regex: `^rsc-${i % 100}$` };
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const r = autoplace(cluster, { resourceName: `new-${i}`, filter, volumeSizesKib: [10 * 1024 * 1024] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu0);
    if (i >= 200) cpu.push((used.user + used.system) / 1000);
    if (r.diskful.length !== filter.place_count) throw new Error('bench placement did not place all replicas');
    if (i >= 200) times.push(ms); // the first 200 warm up the JIT
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    nodes: cluster.nodes.length,
    pools: cluster.storagePools.length,
    existingResources: new Set(cluster.resources.map((r) => r.name)).size,
    decisions,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: times[times.length - 1],
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    indexMs,
    p50CpuMs: percentile(cpu, 50),
    p99CpuMs: percentile(cpu, 99),
    loadAverage: os.loadavg()[0],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchPlacement().then((r) => console.log(JSON.stringify(r, null, 2)));
}
