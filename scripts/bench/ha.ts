/**
 * HA benchmark, per store backend (real PostgreSQL, MariaDB and etcd servers started on
 * loopback ports with throw-away data, as the tests start them):
 *  1. Spawn throughput: `count` two-replica spawns (32 in flight) against 10 hollow satellites
 *     (scripts/bench/hollow-satellite.ts), on each backend, as a ratio to SQLite.
 *     Target: PostgreSQL and etcd at least half of SQLite's.
 *  2. Fail-over time on the shared backends, default lease (5 s): two controllers, a writer
 *     creating resource definitions; the active one is killed with SIGKILL; time from the kill
 *     to the first write the other one acknowledges. Median of `rounds`. Target: under 10 s.
 * Run: node dist/scripts/bench/ha.js [count] [rounds]
 */
import { fileURLToPath } from 'node:url';
import { startController, type TestController } from '../../test/helpers/controller.js';
import { DB_SERVERS, type DbKind, type DbServer } from '../../test/helpers/db-servers.js';
import { startHollowSatellites } from './hollow-satellite.js';
import { round, summarize } from './stats.js';

type Kind = DbKind | 'sqlite';
const LINK_ENV = { LINSTOR_SATELLITE_RECONNECT_MIN_MS: '50', LINSTOR_SATELLITE_RECONNECT_MAX_MS: '500', LINSTOR_SATELLITE_PING_MS: '2000' };

async function post(base: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => undefined);
  if (!res) return 0;
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function spawnThroughput(kind: Kind, server: DbServer | undefined, count: number, concurrency = 32): Promise<Record<string, unknown>> {
  const cfg = server ? await server.fresh() : undefined;
  const ctl = await startController({ env: LINK_ENV, ...(server && cfg ? { dbToml: server.toml(cfg) } : {}) });
  const sats = await startHollowSatellites(10, `ha-${kind}-`, kind === 'sqlite' ? '127.0.2.1' : kind === 'postgresql' ? '127.0.3.1' : kind === 'mariadb' ? '127.0.4.1' : '127.0.5.1');
  try {
    const base = ctl.url;
    for (const s of sats) {
      if (await post(base, '/v1/nodes', { name: s.nodeName, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: s.address, satellite_port: s.port }] }) !== 201) throw new Error('node create failed');
      if (await post(base, `/v1/nodes/${s.nodeName}/storage-pools`, { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/hollow' } }) !== 201) throw new Error('pool create failed');
    }
    await until('satellites report capacity', async () => {
      const pools = await (await fetch(`${base}/v1/view/storage-pools`)).json() as Array<{ total_capacity?: number }>;
      return pools.filter((p) => (p.total_capacity ?? 0) > 0).length >= sats.length;
    });
    await post(base, '/v1/resource-groups', { name: 'bench_ha', select_filter: { place_count: 2, storage_pool: 'pool1' }, props: { 'DrbdOptions/auto-add-quorum-tiebreaker': 'false' } });
    await post(base, '/v1/resource-groups/bench_ha/volume-groups', {});
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const s = performance.now();
        const status = await post(base, '/v1/resource-groups/bench_ha/spawn', { resource_definition_name: `ha_${i}`, volume_sizes: [1024] });
        latencies.push(performance.now() - s);
        if (status >= 300 || status === 0) failures++;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    return { spawns: count, failures, seconds: round(seconds), spawnsPerSecond: round(count / seconds), latencyMs: summarize(latencies) };
  } finally {
    await ctl.stop().catch(() => undefined);
    await Promise.all(sats.map((s) => s.close()));
  }
}

async function failoverTimes(server: DbServer, rounds: number): Promise<Record<string, unknown>> {
  const cfg = await server.fresh();
  const started: TestController[] = [];
  const start = async () => { const c = await startController({ dbToml: server.toml(cfg), env: LINK_ENV }); started.push(c); return c; };
  const role = async (c: TestController) => ((await (await fetch(`${c.url}/health`)).json()) as { role: string }).role;
  try {
    let active = await start();
    let standby = await start();
    await until('standby', async () => (await role(standby)) === 'standby');
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < 20; i++) await post(active.url, '/v1/resource-definitions', { resource_definition: { name: `w${r}_${i}` } });
      const killedAt = performance.now();
      await active.kill(true);
      for (let i = 0; ; i++) {
        if (await post(standby.url, '/v1/resource-definitions', { resource_definition: { name: `after${r}_${i}` } }) === 201) break;
        if (performance.now() - killedAt > 60_000) throw new Error('no takeover within 60 s');
        await new Promise((res) => setTimeout(res, 10));
      }
      times.push(performance.now() - killedAt);
      // The killed one comes back as the next standby.
      await active.restart();
      await until('restarted standby', async () => (await role(active)) === 'standby');
      [active, standby] = [standby, active];
    }
    const sorted = [...times].sort((a, b) => a - b);
    return { leaseSeconds: cfg.leaseMs / 1000, rounds, failoverMs: times.map((t) => round(t, 0)), medianMs: round(sorted[Math.floor(sorted.length / 2)]!, 0), targetMet: sorted[sorted.length - 1]! < 10_000 };
  } finally {
    for (const c of started) await c.stop().catch(() => undefined);
  }
}

export async function benchHa(count = 500, rounds = 3): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const servers = new Map<DbKind, DbServer>();
  try {
    for (const k of ['postgresql', 'mariadb', 'etcd'] as DbKind[]) servers.set(k, await DB_SERVERS[k]({ durable: true }));
    const spawn: Record<string, Record<string, unknown>> = {};
    for (const k of ['sqlite', 'postgresql', 'mariadb', 'etcd'] as Kind[]) {
      process.stderr.write(`  ha: spawn throughput on ${k}\n`);
      spawn[k] = await spawnThroughput(k, k === 'sqlite' ? undefined : servers.get(k), count);
    }
    const sqlite = spawn.sqlite!.spawnsPerSecond as number;
    for (const k of Object.keys(spawn)) spawn[k]!.ratioToSqlite = round((spawn[k]!.spawnsPerSecond as number) / sqlite);
    out.spawnThroughput = spawn;
    out.throughputTargetMet = ['postgresql', 'etcd'].every((k) => (spawn[k]!.ratioToSqlite as number) >= 0.5);
    const failover: Record<string, unknown> = {};
    for (const k of ['postgresql', 'mariadb', 'etcd'] as DbKind[]) {
      process.stderr.write(`  ha: fail-over on ${k}\n`);
      failover[k] = await failoverTimes(servers.get(k)!, rounds);
    }
    out.failover = failover;
    return out;
  } finally {
    for (const s of servers.values()) await s.stop().catch(() => undefined);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchHa(Number(process.argv[2] ?? 500), Number(process.argv[3] ?? 3)), null, 2)}\n`);
}
