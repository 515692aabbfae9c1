/**
 * Proxmox adapter benchmark.
 *  1. Latency of alloc_image + activate_volume + path as PVE runs them: each through the Perl
 *     shim with the real `perl`, which starts the hook executable (p50/p99 per step and total).
 *  2. Controller requests caused by `status` polling from simulated PVE nodes, each with its
 *     own cache folder, counted by an HTTP proxy in front of the controller.
 * Without `controllerUrl` it starts a local cluster (controller + 3 FILE_THIN satellites).
 * Run: node dist/scripts/bench/proxmox.js [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeContext } from '../../plugins/proxmox/context.js';
import { status } from '../../plugins/proxmox/hooks/status.js';
import { linstorStorage } from '../../plugins/proxmox/linstor-storage.js';
import { summarize } from './stats.js';

export interface ProxmoxBenchOptions {
  controllerUrl?: string;
  resourceGroup?: string;
  nodes?: string[];
  iterations?: number;
  sizeKib?: number;
  pollNodes?: number;
  pollIntervalMs?: number;
  pollDurationMs?: number;
  statusCacheSec?: number;
}

/**
 * Cost of one PVE call that needs no controller (parse_volname) through the Perl shim with
 * the real `perl`: starting the hook per call, and asking the hook daemon over its socket.
 */
export async function benchHookCallCost(calls = 20): Promise<{ perProcessMs: LatencyStats; perSocketMs: LatencyStats; perlOnlyMs: LatencyStats }> {
  const { pveCall, DOUBLES_DIR, SHIM_DIR } = await import('../../test/proxmox/pve.js');
  const { REPO_ROOT } = await import('../../test/helpers/controller.js');
  const { spawn, execFile } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const work = mkdtempSync(join(tmpdir(), 'pve-bench-cost-'));
  const sock = join(work, 'hook.sock');
  const daemon = spawn(process.execPath, [join(REPO_ROOT, 'dist/plugins/proxmox/hook/main.js'), '--serve', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    const time = async (f: () => Promise<unknown>): Promise<number[]> => {
      const xs: number[] = [];
      for (let i = 0; i < calls; i++) { const t0 = performance.now(); await f(); xs.push(performance.now() - t0); }
      return xs;
    };
    const perProcess = await time(() => pveCall('n1', work, 'parse_volname', ['pm-0a1b2c3d_100']));
    const perSocket = await time(() => pveCall('n1', work, 'parse_volname', ['pm-0a1b2c3d_100'], { LINSTOR_PVE_SOCKET: sock }));
    // What PVE itself does not pay (its daemons have Perl loaded): perl start + loading the shim.
    const perlOnly = await time(() => new Promise((r) => execFile('perl', ['-I', DOUBLES_DIR, '-I', SHIM_DIR, '-MPVE::Storage::Custom::LINSTORPlugin', '-e', '1'], r)));
    return { perProcessMs: summarize(perProcess), perSocketMs: summarize(perSocket), perlOnlyMs: summarize(perlOnly) };
  } finally {
    daemon.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

export interface LatencyStats { p50: number; p99: number; mean: number; n: number }
export interface ProxmoxBenchResult {
  latencyMs: Record<'hookProcessPerCall' | 'hookDaemon', { alloc_image: LatencyStats; activate_volume: LatencyStats; path: LatencyStats; total: LatencyStats }>;
  statusPolling: { nodes: number; statusCalls: number; durationSec: number; statusCacheSec: number; controllerRequests: Record<string, number>; controllerRequestsPerMinute: number; boundPerMinute: number };
}

const stats = (xs: number[]): LatencyStats => summarize(xs);

/** Forwards every request to the controller and counts them by method and path. */
async function countingProxy(target: string): Promise<{ url: string; counts: Record<string, number>; close(): Promise<void> }> {
  const counts: Record<string, number> = {};
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const up = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `127.0.0.1:${port}`, counts, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export async function benchProxmox(opts: ProxmoxBenchOptions = {}): Promise<ProxmoxBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'pve-bench-'));
  // Test helpers are loaded only when the benchmark runs its own cluster.
  let stopCluster: (() => Promise<void>) | undefined;
  let controllerUrl = opts.controllerUrl;
  let rg = opts.resourceGroup;
  let nodes = opts.nodes;
  try {
    if (!controllerUrl) {
      const { startPveCluster } = await import('../../test/proxmox/cluster.js');
      const cl = await startPveCluster({ placeCount: 2 });
      stopCluster = () => cl.stop();
      controllerUrl = cl.ctl.url; rg = cl.rg; nodes = cl.nodes;
    }
    if (!rg || !nodes?.length) throw new Error('benchProxmox: resourceGroup and nodes are required with controllerUrl');
    const { pve } = await import('../../test/proxmox/pve.js');
    const scfg = { type: 'linstor', resourcegroup: rg, controller: controllerUrl.replace(/^https?:\/\//, ''), content: { images: 1 }, shared: 1 };
    const iterations = opts.iterations ?? 10;
    const runLatency = async (env: Record<string, string>) => {
      const lat = { alloc_image: [] as number[], activate_volume: [] as number[], path: [] as number[], total: [] as number[] };
      const made: string[] = [];
      for (let i = 0; i < iterations; i++) {
        const node = nodes![i % nodes!.length]!;
        const other = nodes![(i + 1) % nodes!.length]!;
        const cache = join(work, `cache-${node}`);
        const t0 = performance.now();
        const [vol] = await pve<[string]>(node, cache, 'alloc_image', ['bench', scfg, 1000 + i, 'raw', null, opts.sizeKib ?? 8192], env);
        const t1 = performance.now();
        made.push(vol);
        await pve(other, cache, 'activate_volume', ['bench', scfg, vol, null, {}], env);
        const t2 = performance.now();
        await pve(other, cache, 'path', [scfg, vol, 'bench', null], env);
        const t3 = performance.now();
        lat.alloc_image.push(t1 - t0); lat.activate_volume.push(t2 - t1); lat.path.push(t3 - t2); lat.total.push(t3 - t0);
      }
      for (const vol of made) await pve(nodes![0]!, join(work, 'cache-free'), 'free_image', ['bench', scfg, vol, 0, 'raw'], env).catch(() => undefined);
      return { alloc_image: stats(lat.alloc_image), activate_volume: stats(lat.activate_volume), path: stats(lat.path), total: stats(lat.total) };
    };
    const perProcess = await runLatency({});
    // The same through the hook daemon (LINSTOR_PVE_NODE is per call, so one daemon serves all simulated nodes).
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const { REPO_ROOT } = await import('../../test/helpers/controller.js');
    const sock = join(work, 'hook.sock');
    const daemon = spawn(process.execPath, [join(REPO_ROOT, 'dist/plugins/proxmox/hook/main.js'), '--serve', sock], { stdio: 'ignore' });
    let perSocket;
    try {
      for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      perSocket = await runLatency({ LINSTOR_PVE_SOCKET: sock });
    } finally { daemon.kill('SIGTERM'); }

    // Status polling: every simulated node runs the status hook as a fresh process would
    // (new context, cache only on disk), in-process so 2 cores can simulate 10 nodes.
    const proxy = await countingProxy(controllerUrl);
    const pollNodes = opts.pollNodes ?? 10;
    const cacheSec = opts.statusCacheSec ?? 5;
    const duration = opts.pollDurationMs ?? 30_000;
    const interval = opts.pollIntervalMs ?? 500;
    const { storage } = linstorStorage('bench', { ...scfg, controller: proxy.url, statuscache: cacheSec });
    let calls = 0;
    const end = Date.now() + duration;
    await Promise.all(Array.from({ length: pollNodes }, async (_, n) => {
      const cacheDir = join(work, `poll-${n}`);
      while (Date.now() < end) {
        await status(makeContext(storage, { node: `sim${n}`, cacheDir }));
        calls++;
        await new Promise((r) => setTimeout(r, interval));
      }
    }));
    await proxy.close();
    const total = Object.values(proxy.counts).reduce((a, b) => a + b, 0);
    return {
      latencyMs: { hookProcessPerCall: perProcess, hookDaemon: perSocket },
      statusPolling: {
        nodes: pollNodes, statusCalls: calls, durationSec: duration / 1000, statusCacheSec: cacheSec,
        controllerRequests: proxy.counts,
        controllerRequestsPerMinute: (total / duration) * 60_000,
        // Per node and interval: one GET /health and one query-all-size-info.
        boundPerMinute: pollNodes * 2 * (60 / cacheSec),
      },
    };
  } finally {
    await stopCluster?.();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  (process.argv[2] === 'cost' ? benchHookCallCost() : benchProxmox({ iterations: Number(process.argv[2] ?? 10) }))
    .then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); })
    .catch((e) => { console.error(e); process.exit(1); });
}
