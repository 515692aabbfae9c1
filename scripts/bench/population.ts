/**
 * Issue [14] benchmark: does a write cost more when the node already holds many resources?
 *  - create latency (REST `resource create` → the satellite applied it, STORAGE on FILE_THIN)
 *    at 0, 1,000 and 5,000 resources on one node, as p50/p99 and as the ratio to an empty node;
 *  - a property change on a resource definition placed on that node, at 1,000 resources.
 * Two satellites, said apart in the output:
 *  - `real`: the real satellite process with real loop devices (0 and 1,000);
 *  - `simulatedLosetup`: the real satellite code in its own process with `losetup` answered
 *    from memory (simulated-losetup.ts; real sparse files, no kernel devices), for 5,000 volumes,
 *    measured at 0, 1,000 and 5,000 so its ratios compare like with like.
 * BENCH_REAL_STAGES / BENCH_SIMULATED_STAGES (comma lists) choose the populations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, startCluster, type Reply } from '../../test/e2e/cluster.js';
import { startController, type TestController } from '../../test/helpers/controller.js';
import { makeTempDir, removeTempDir } from '../../test/helpers/satellite.js';
import { round, summarize, timed } from './stats.js';

const SIZE_KIB = 4096;

interface Target { ctl: TestController; node: string; pool: string; teardown(): Promise<void> }

async function realTarget(): Promise<Target> {
  const cluster = await startCluster(1);
  return { ctl: cluster.ctl, node: cluster.nodes[0]!.name, pool: cluster.pool, teardown: () => cluster.teardown() };
}

async function simulatedTarget(): Promise<Target> {
  const ctl = await startController();
  const dir = makeTempDir('bench-sim-pool-');
  const node = `sim-${process.pid}`;
  const main = join(dirname(fileURLToPath(import.meta.url)), 'simulated-satellite.js');
  const proc: ChildProcess = spawn(process.execPath, [main, '127.0.0.9', node], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => { const m = /listening \S+ (\d+)/.exec(d.toString()); if (m) resolve(Number(m[1])); });
    proc.once('exit', (c) => reject(new Error(`simulated satellite exited with ${c}`)));
  });
  const teardown = async () => { proc.kill('SIGKILL'); await ctl.stop(); removeTempDir(dir); };
  try {
    check(await call(ctl, 'POST', '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.9', satellite_port: port }] }), 'node create');
    check(await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } }), 'pool create');
    for (let i = 0; i < 300; i++) {
      const p = await call<{ total_capacity?: number }>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/pool1`);
      if ((p.body.total_capacity ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) { await teardown(); throw e; }
  return { ctl, node, pool: 'pool1', teardown };
}

function check(r: Reply, what: string): void {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
}

async function createResource(t: Target, rd: string): Promise<number> {
  check(await call(t.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } }), `rd ${rd}`);
  check(await call(t.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: SIZE_KIB } }), `vd ${rd}`);
  const [r, ms] = await timed(() => call(t.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${t.node}`, {
    resource: { node_name: t.node, props: { StorPoolName: t.pool } }, layer_list: ['STORAGE'],
  }));
  check(r, `resource ${rd}`);
  return ms;
}

async function fill(t: Target, from: number, to: number, concurrency = 16): Promise<void> {
  let next = from;
  const worker = async () => { while (next < to) await createResource(t, `fill-${String(next++).padStart(5, '0')}`); };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function runStages(t: Target, stages: number[], samples: number, propChanges: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let population = 0;
  let emptyP50 = NaN;
  let measured = 0;
  for (const stage of stages) {
    const t0 = Date.now();
    if (stage > population) await fill(t, population, stage);
    population = Math.max(population, stage);
    const fillSecs = (Date.now() - t0) / 1000;
    const create: number[] = [];
    for (let i = 0; i < samples; i++) create.push(await createResource(t, `probe-${stage}-${measured++}`));
    const s = summarize(create);
    if (Number.isNaN(emptyP50)) emptyP50 = s.p50;
    const row: Record<string, unknown> = { createMs: s, ratioP50ToEmpty: round(s.p50 / emptyP50), fillSecs: round(fillSecs) };
    if (stage >= 1000 && propChanges > 0) {
      const mod: number[] = [];
      for (let i = 0; i < propChanges; i++) {
        const rd = `fill-${String((i * 7919) % stage).padStart(5, '0')}`;
        const [r, ms] = await timed(() => call(t.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'Aux/bench': String(i) } }));
        check(r, `modify ${rd}`);
        mod.push(ms);
      }
      row.propertyChangeMs = summarize(mod);
    }
    out[String(stage)] = row;
    process.stderr.write(`  population ${stage}: ${JSON.stringify(row)}\n`);
  }
  return out;
}

const stagesFromEnv = (name: string, dflt: number[]) => (process.env[name] ? process.env[name]!.split(',').map(Number) : dflt);

export async function benchPopulation(samples = 30, propChanges = 100): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {
    note: 'real: real satellite, real loop devices; simulatedLosetup: real satellite code, losetup answered from memory (no kernel devices)',
    targets: { createP50At1000: '<= 1.3x empty', createP50At5000: '<= 2x empty', propertyChangeP99At1000Ms: '< 300' },
  };
  for (const [name, make, stages] of [
    ['real', realTarget, stagesFromEnv('BENCH_REAL_STAGES', [0, 1000])],
    ['simulatedLosetup', simulatedTarget, stagesFromEnv('BENCH_SIMULATED_STAGES', [0, 1000, 5000])],
  ] as const) {
    if (!stages.length || stages[0] === undefined || Number.isNaN(stages[0])) continue;
    process.stderr.write(` ${name} satellite\n`);
    const t = await make();
    try {
      result[name] = await runStages(t, [...stages], samples, propChanges);
    } finally {
      await t.teardown();
    }
  }
  return result;
}
