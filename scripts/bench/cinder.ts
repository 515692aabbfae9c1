/**
 * Cinder API benchmark on a real local stack (controller + 3 satellites with FILE_THIN pools,
 * layer list `storage` since there is no DRBD module here):
 *  - create → available latency (p50/p99) for `count` volumes of 1 GiB, created one after another;
 *  - `concurrent` creates at once: all must reach available.
 * `trend` compares the first and last quarter of the sequential creates, to see whether a
 * create's cost grows with the volumes already on the nodes (each satellite apply walks all).
 * Latency is seen through the API as a client sees it (status polled every 150 ms).
 * Run: node dist/scripts/bench/cinder.js [count] [concurrent]
 */
import { http, startStack, waitStatus } from '../../test/cinder/harness.js';
import { round, summarize } from './stats.js';

export interface CinderBenchResult {
  createToAvailableMs: { p50: number; p99: number; mean: number; n: number };
  trend: { firstQuarterMeanMs: number; lastQuarterMeanMs: number };
  concurrent: { requested: number; available: number; errors: number; wallMs: number };
}

async function createAndWait(stack: Awaited<ReturnType<typeof startStack>>, name: string): Promise<{ ms: number; status: string }> {
  const t0 = performance.now();
  const r = await http(stack.api, 'POST', '/v3/volumes', { token: 'bench:bench', body: { volume: { size: 1, name } } });
  if (r.status !== 202) return { ms: performance.now() - t0, status: `http ${r.status}` };
  const v = await waitStatus(stack.api, 'volumes', r.body.volume.id, ['available', 'error'], { token: 'bench:bench', timeoutMs: 120_000 });
  return { ms: performance.now() - t0, status: v.status };
}

export async function benchCinder(count = 100, concurrent = 20): Promise<CinderBenchResult> {
  const stack = await startStack({ tune: (c) => { c.linstor.defaultRedundancy = 2; } });
  try {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = await createAndWait(stack, `seq-${i}`);
      if (r.status !== 'available') throw new Error(`volume seq-${i} ended ${r.status}`);
      samples.push(r.ms);
    }
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: concurrent }, (_, i) => createAndWait(stack, `par-${i}`)));
    const wallMs = performance.now() - t0;
    const q = Math.max(1, Math.floor(samples.length / 4));
    const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const trend = { firstQuarterMeanMs: mean(samples.slice(0, q)), lastQuarterMeanMs: mean(samples.slice(-q)) };
    const s = summarize([...samples].sort((a, b) => a - b));
    return {
      createToAvailableMs: { p50: round(s.p50), p99: round(s.p99), mean: round(s.mean), n: s.n },
      trend,
      concurrent: { requested: concurrent, available: all.filter((x) => x.status === 'available').length, errors: all.filter((x) => x.status !== 'available').length, wallMs: round(wallMs) },
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchCinder(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 20));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
