/**
 * A real local cluster for end-to-end tests: one controller process and satellites as
 * separate processes on 127.0.0.x, each with a FILE_THIN pool in its own temp folder.
 */
import { startController, type TestController } from '../helpers/controller.js';
import {
  makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess,
} from '../helpers/satellite.js';

/**
 * Short link timings so reconnects and dead-peer detection happen within a test. A peer is dead
 * after 3 silent ping intervals: 3 s, not less, or a satellite that a loaded machine schedules
 * late (several test files share 2 cores) is declared OFFLINE in the middle of a test.
 */
export const FAST_LINK_ENV = {
  LINSTOR_SATELLITE_RECONNECT_MIN_MS: '50',
  LINSTOR_SATELLITE_RECONNECT_MAX_MS: '400',
  LINSTOR_SATELLITE_PING_MS: '1000',
};

export interface Reply<T = unknown> { status: number; body: T }

export async function call<T = any>(ctl: TestController, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${ctl.url}${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls `fn` until it returns a truthy value; fails with the last value seen. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (e) { lastErr = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)} ${lastErr ? String(lastErr) : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ClusterNode {
  name: string;
  address: string;
  poolDir: string;
  sat: SatelliteProcess;
  /** Restarts the satellite process on the same address and port. */
  restart(): Promise<void>;
}

export interface Cluster {
  ctl: TestController;
  nodes: ClusterNode[];
  pool: string;
  nodeStatus(name: string): Promise<string | undefined>;
  poolOf(node: string): Promise<Record<string, any>>;
  teardown(): Promise<void>;
}

/**
 * Starts the controller and `count` satellites (127.0.0.1 .. 127.0.0.count), registers them
 * as satellite nodes with a FILE_THIN pool `pool`, and waits until all are ONLINE and report
 * the pool's capacity.
 */
export async function startCluster(count = 3, opts: { pool?: string; env?: Record<string, string>; satelliteArgs?: string[] } = {}): Promise<Cluster> {
  const suffix = randomSuffix();
  const pool = opts.pool ?? 'pool1';
  const ctl = await startController({ env: { ...FAST_LINK_ENV, ...opts.env } });
  const nodes: ClusterNode[] = [];
  const teardown = async () => {
    await ctl.stop().catch(() => {});
    for (const n of nodes) await n.sat.kill9().catch(() => {});
    for (const n of nodes) removeTempDir(n.poolDir);
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `e2e-${suffix}-n${i}`;
      const address = `127.0.0.${i}`;
      const sat = await startSatellite({ address, nodeName: name, reportIntervalMs: 1000, extraArgs: opts.satelliteArgs });
      const node: ClusterNode = {
        name, address, poolDir: makeTempDir(`e2e-pool-${suffix}-`), sat,
        async restart() {
          await node.sat.kill9();
          node.sat = await startSatellite({ address, port: sat.port, nodeName: name, reportIntervalMs: 1000, extraArgs: opts.satelliteArgs });
        },
      };
      nodes.push(node);
      const r = await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: sat.port }] });
      if (r.status !== 201) throw new Error(`node create failed: ${JSON.stringify(r.body)}`);
      const p = await call(ctl, 'POST', `/v1/nodes/${name}/storage-pools`, { storage_pool_name: pool, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': node.poolDir } });
      if (p.status !== 201) throw new Error(`storage pool create failed: ${JSON.stringify(p.body)}`);
    }
    const cluster: Cluster = {
      ctl, nodes, pool,
      async nodeStatus(name) { return (await call<{ connection_status?: string }>(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status; },
      async poolOf(node) { return (await call<Record<string, any>>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/${pool}`)).body; },
      teardown,
    };
    for (const n of nodes) {
      await waitFor(`${n.name} ONLINE`, async () => (await cluster.nodeStatus(n.name)) === 'ONLINE');
      await waitFor(`${n.name} pool capacity`, async () => (await cluster.poolOf(n.name)).total_capacity > 0);
    }
    return cluster;
  } catch (e) {
    await teardown();
    throw e;
  }
}
