/**
 * Nomad CSI endpoint benchmark, over the plugin's unix socket against a local cluster
 * (controller + 3 FILE_THIN satellites):
 *  1. CreateVolume → ControllerPublish → NodeStage (mkfs.ext4 + mount) → NodePublish latency,
 *     p50/p99 over `iterations` volumes (each torn down afterwards, not timed).
 *  2. `concurrent` CreateVolume calls at once (distinct names, spread over the nodes):
 *     wall time and per-call latency.
 * Run: node dist/scripts/bench/csi.js [iterations] [concurrent]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountCap, startCsiEnv, uniq } from '../../test/csi/harness.js';
import { round, summarize, timed } from './stats.js';

export interface CsiBenchResult {
  createToPublishMs: ReturnType<typeof summarize>;
  steps: Record<string, ReturnType<typeof summarize>>;
  concurrentCreate: { calls: number; ok: number; failed: number; wallMs: number; perCallMs: ReturnType<typeof summarize>; firstError?: string };
}

export async function benchCsi(iterations = 20, concurrent = 50): Promise<CsiBenchResult> {
  const env = await startCsiEnv(3);
  try {
    const c = env.clients[0]!;
    const nodeName = env.cluster.nodes[0]!.name;
    const cap = mountCap();
    const params = { layerList: 'storage', storagePool: env.pool, nodeList: nodeName };
    const total: number[] = [];
    const steps: Record<string, number[]> = { CreateVolume: [], ControllerPublishVolume: [], NodeStageVolume: [], NodePublishVolume: [] };
    for (let i = 0; i < iterations; i++) {
      const staging = join(env.dir, `b${i}`, 'staging');
      const target = join(env.dir, `b${i}`, 'target');
      const t0 = performance.now();
      const [cv, a] = await timed(() => c.call('controller', 'CreateVolume', { name: uniq('bench'), capacity_range: { required_bytes: String(32 * 1024 * 1024) }, volume_capabilities: [cap], parameters: params }));
      const id = cv.volume.volume_id;
      const [pub, b] = await timed(() => c.call('controller', 'ControllerPublishVolume', { volume_id: id, node_id: nodeName, volume_capability: cap }));
      const [, s] = await timed(() => c.call('node', 'NodeStageVolume', { volume_id: id, staging_target_path: staging, volume_capability: cap, publish_context: pub.publish_context, volume_context: cv.volume.volume_context }));
      const [, p] = await timed(() => c.call('node', 'NodePublishVolume', { volume_id: id, staging_target_path: staging, target_path: target, volume_capability: cap, publish_context: pub.publish_context }));
      total.push(performance.now() - t0);
      steps.CreateVolume!.push(a); steps.ControllerPublishVolume!.push(b); steps.NodeStageVolume!.push(s); steps.NodePublishVolume!.push(p);
      await c.call('node', 'NodeUnpublishVolume', { volume_id: id, target_path: target });
      await c.call('node', 'NodeUnstageVolume', { volume_id: id, staging_target_path: staging });
      await c.call('controller', 'ControllerUnpublishVolume', { volume_id: id, node_id: nodeName });
      await c.call('controller', 'DeleteVolume', { volume_id: id });
    }
    const per: number[] = [];
    let firstError: string | undefined;
    const ids: string[] = [];
    const w0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: concurrent }, async (_, i) => {
      const node = env.cluster.nodes[i % env.cluster.nodes.length]!.name;
      const [r, ms] = await timed(() => c.call('controller', 'CreateVolume', { name: uniq(`many${i}`), capacity_range: { required_bytes: String(16 * 1024 * 1024) }, volume_capabilities: [cap], parameters: { ...params, nodeList: node } }));
      per.push(ms);
      ids.push(r.volume.volume_id);
    }));
    const wallMs = performance.now() - w0;
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    if (failed.length) firstError = String((failed[0]!.reason as { details?: string }).details ?? failed[0]!.reason);
    for (const id of ids) await c.call('controller', 'DeleteVolume', { volume_id: id }).catch(() => {});
    return {
      createToPublishMs: summarize(total),
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summarize(v)])),
      concurrentCreate: { calls: concurrent, ok: concurrent - failed.length, failed: failed.length, wallMs: round(wallMs), perCallMs: summarize(per), firstError },
    };
  } finally {
    await env.teardown();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchCsi(Number(process.argv[2] ?? 20), Number(process.argv[3] ?? 50));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
