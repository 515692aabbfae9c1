/**
 * Spawn benchmark: a real controller process and `satellites` hollow satellites (this process,
 * scripts/bench/hollow-satellite.ts) that acknowledge every apply without disks.
 *  1. Throughput: `count` `resource-group spawn` calls of two-replica DRBD resources (tie-breakers
 *     off, so exactly two), `concurrency` at a time. Targets: 1,000 spawns in under 30 s;
 *     10,000 in under 60 s (issue [14]), with the controller's RSS after them.
 *  2. Reconnect storm: every satellite drops its connection at once while a client keeps calling
 *     GET /v1/view/resources; the p99 of that read must not depend on the satellites.
 * Run: node dist/scripts/bench/spawn.js [count] [satellites]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startController } from '../../test/helpers/controller.js';
import { startHollowSatellites } from './hollow-satellite.js';
import { round, summarize } from './stats.js';

interface Reply { status: number; body: any }
async function call(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isError = (rc: Array<{ ret_code: number }>) => Array.isArray(rc) && rc.some((e) => e.ret_code < 0 && e.ret_code >= -(2 ** 62));

export async function benchSpawn(count = 1000, satellites = 100, concurrency = 32): Promise<Record<string, unknown>> {
  const ctl = await startController({ env: { LINSTOR_SATELLITE_RECONNECT_MIN_MS: '50', LINSTOR_SATELLITE_RECONNECT_MAX_MS: '500', LINSTOR_SATELLITE_PING_MS: '2000' } });
  const sats = await startHollowSatellites(satellites, 'hollow-', '127.0.1.1');
  try {
    const base = ctl.url;
    for (const s of sats) {
      const n = await call(base, 'POST', '/v1/nodes', { name: s.nodeName, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: s.address, satellite_port: s.port }] });
      if (n.status !== 201) throw new Error(`node create: ${JSON.stringify(n.body)}`);
      const p = await call(base, 'POST', `/v1/nodes/${s.nodeName}/storage-pools`, { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/hollow' } });
      if (p.status !== 201) throw new Error(`pool create: ${JSON.stringify(p.body)}`);
    }
    await waitUntil('all satellites online with capacity', async () => {
      const pools = (await call(base, 'GET', '/v1/view/storage-pools')).body as Array<{ total_capacity?: number }>;
      return pools.filter((p) => (p.total_capacity ?? 0) > 0).length >= satellites;
    });
    const rg = 'bench_spawn';
    await call(base, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 2, storage_pool: 'pool1' }, props: { 'DrbdOptions/auto-add-quorum-tiebreaker': 'false' } });
    await call(base, 'POST', `/v1/resource-groups/${rg}/volume-groups`, {});

    // 1. Spawn throughput.
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const s = performance.now();
        const r = await call(base, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: `bench_${i}`, volume_sizes: [1024] });
        latencies.push(performance.now() - s);
        if (r.status >= 300 || isError(r.body)) { failures++; if (failures <= 3) process.stderr.write(`spawn failed: ${JSON.stringify(r.body).slice(0, 400)}\n`); }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const totalMs = performance.now() - t0;
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${ctl.proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const resources = ((await call(base, 'GET', '/v1/view/resources')).body as unknown[]).length;
    const ports = new Set<number>();
    const defs = (await call(base, 'GET', '/v1/resource-definitions?limit=0')).body as Array<Record<string, any>>;
    for (const d of defs) { const p = d.layer_data?.[0]?.data?.port; if (p !== undefined) ports.add(p); }

    // 2. Reads during a reconnect storm.
    const readLatency = async (ms: number): Promise<number[]> => {
      const out: number[] = [];
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const s = performance.now();
        const r = await call(base, 'GET', '/v1/view/resources?limit=100');
        if (r.status !== 200) throw new Error(`view failed: ${r.status}`);
        out.push(performance.now() - s);
      }
      return out;
    };
    const calm = await readLatency(3000);
    for (const s of sats) s.dropConnections();
    const stormStart = performance.now();
    const storm = readLatency(5000);
    let reconnectMs = NaN;
    await waitUntil('all satellites back online', async () => {
      const nodes = (await call(base, 'GET', '/v1/nodes')).body as Array<{ connection_status?: string }>;
      const ok = nodes.filter((n) => n.connection_status === 'ONLINE').length >= satellites;
      if (ok && Number.isNaN(reconnectMs)) reconnectMs = performance.now() - stormStart;
      return ok;
    }, 60_000);
    const stormSamples = await storm;
    return {
      satellites, spawns: count, concurrency, failures,
      spawnTotalSeconds: round(totalMs / 1000),
      spawnsPerSecond: round(count / (totalMs / 1000)),
      spawnLatencyMs: summarize(latencies),
      resourcesAfter: resources,
      distinctPreferredPorts: ports.size,
      // 1,000 in 30 s, 10,000 in 60 s; other counts scale from the nearer one.
      targetSeconds: round(count >= 10_000 ? 60 * (count / 10_000) : 30 * (count / 1000)),
      targetMet: totalMs / 1000 < (count >= 10_000 ? 60 * (count / 10_000) : 30 * (count / 1000)) && failures === 0,
      controllerRssMiB: round(rssMiB, 0),
      viewResourcesCalmMs: summarize(calm),
      viewResourcesDuringReconnectStormMs: summarize(stormSamples),
      reconnectAllMs: round(reconnectMs),
      appliesAcknowledged: sats.reduce((a, s) => a + s.applies, 0),
    };
  } finally {
    await ctl.stop().catch(() => {});
    await Promise.all(sats.map((s) => s.close()));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchSpawn(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 100));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
