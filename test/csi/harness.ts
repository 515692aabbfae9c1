/**
 * Test harness for the CSI endpoint: a real cluster (controller + satellites with FILE_THIN
 * pools), the plugin serving on a unix socket in a temp dir, and a gRPC client speaking the
 * spec over that socket, as Nomad does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { loadCsi } from '../../plugins/nomad-csi/server.js';
import { startPlugin, type RunningPlugin } from '../../plugins/nomad-csi/plugin.js';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { randomSuffix } from '../helpers/satellite.js';

export interface CsiClient {
  identity: grpc.Client; controller: grpc.Client; node: grpc.Client;
  call<T = any>(svc: 'identity' | 'controller' | 'node', method: string, req?: unknown): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): void;
}

export function csiClient(socketPath: string): CsiClient {
  const csi = loadCsi();
  const addr = `unix://${socketPath}`;
  const creds = grpc.credentials.createInsecure();
  const c = { identity: new csi.Identity(addr, creds), controller: new csi.Controller(addr, creds), node: new csi.Node(addr, creds) };
  return {
    ...c,
    call(svc, method, req = {}) {
      return new Promise((res, rej) => {
        (c[svc] as any)[method](req, { deadline: Date.now() + 120_000 }, (e: grpc.ServiceError | null, r: unknown) => (e ? rej(e) : res(r as never))); // eslint-disable-line @typescript-eslint/no-explicit-any
      });
    },
    close() { for (const x of Object.values(c)) (x as grpc.Client).close(); },
  };
}

export interface CsiEnv {
  cluster: Cluster;
  plugins: RunningPlugin[];
  /** Client of the plugin on node i (monolith). */
  clients: CsiClient[];
  dir: string;
  pool: string;
  teardown(): Promise<void>;
}

/** Mounts under `dir` (deepest first), unmounted in teardown even when a test failed half-way. */
export function unmountAllUnder(dir: string): void {
  const r = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
  const targets = r.stdout.split('\n').filter((t) => t.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
  for (const t of targets) spawnSync('umount', ['-l', t]);
}

/** A cluster of `count` nodes and one monolith plugin per node (node i's plugin claims node i's name). */
export async function startCsiEnv(count = 2): Promise<CsiEnv> {
  const cluster = await startCluster(count);
  const dir = mkdtempSync(join(tmpdir(), `csi-${randomSuffix()}-`));
  const plugins: RunningPlugin[] = [];
  const clients: CsiClient[] = [];
  const log = pino({ level: process.env.CSI_LOG_LEVEL ?? 'warn', base: { component: 'linstor-csi' } });
  const env: CsiEnv = {
    cluster, plugins, clients, dir, pool: cluster.pool,
    async teardown() {
      for (const c of clients) c.close();
      for (const p of plugins) await p.stop().catch(() => {});
      unmountAllUnder(dir);
      await cluster.teardown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i++) {
      const p = await startPlugin({ endpoint: `unix://${join(dir, `n${i}`, 'csi.sock')}`, nodeName: cluster.nodes[i]!.name, linstorEndpoint: cluster.ctl.url, log, deviceWaitMs: 30_000, stateDir: join(dir, `n${i}`, 'state') });
      plugins.push(p);
      clients.push(csiClient(p.socketPath));
    }
  } catch (e) {
    await env.teardown();
    throw e;
  }
  return env;
}

export const MiB = 1024n * 1024n;
export const mountCap = (mode = 'SINGLE_NODE_WRITER', fs = 'ext4') => ({ mount: { fs_type: fs, mount_flags: [] }, access_mode: { mode } });
export const blockCap = (mode = 'SINGLE_NODE_WRITER') => ({ block: {}, access_mode: { mode } });

/** Parameters that work on machines without DRBD: storage layer only, FILE_THIN pool, placed on one node. */
export function storageParams(env: CsiEnv, nodeIdx = 0, extra: Record<string, string> = {}): Record<string, string> {
  return { layerList: 'storage', storagePool: env.pool, nodeList: env.cluster.nodes[nodeIdx]!.name, ...extra };
}

export const uniq = (p: string): string => `${p}-${randomSuffix()}`;

/**
 * Whether this process may grow a mounted ext4 (resize2fs needs CAP_SYS_RESOURCE; containers
 * often drop it). Read from the process's own effective capability set.
 */
export function hasCapSysResource(): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return !!m && (BigInt(`0x${m[1]}`) & (1n << 24n)) !== 0n;
}
