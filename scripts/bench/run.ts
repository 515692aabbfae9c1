#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark and prints one JSON document of figures (also written
 * to bench-results.json). `npm run bench -- controller placement` runs only the named ones.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { benchBackups } from './backups.js';
import { benchCinder } from './cinder.js';
import { benchController } from './controller.js';
import { benchCsi } from './csi.js';
import { benchHa } from './ha.js';
import { benchMetrics } from './metrics.js';
import { benchPlacement } from './placement.js';
import { benchPopulation } from './population.js';
import { benchProxmox } from './proxmox.js';
import { benchResourceCreate } from './resource-create.js';
import { benchScale } from './scale.js';
import { benchSnapshots } from './snapshots.js';
import { benchSpawn } from './spawn.js';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
type Bench = () => Promise<unknown>;
const BENCHES: Record<string, Bench> = {
  controller: () => benchController(env('BENCH_RD_COUNT', 10_000)),
  'resource-create': () => benchResourceCreate(env('BENCH_RSC_COUNT', 100)),
  population: () => benchPopulation(env('BENCH_POPULATION_SAMPLES', 30), env('BENCH_POPULATION_PROP_CHANGES', 100)),
  placement: () => benchPlacement(env('BENCH_PLACEMENT_DECISIONS', 2000)),
  spawn: () => benchSpawn(env('BENCH_SPAWN_COUNT', 10_000), 100),
  scale: () => benchScale(env('BENCH_SCALE_COUNT', 100_000)),
  snapshots: () => benchSnapshots(env('BENCH_SNAPSHOT_MIB', 1024), 3),
  proxmox: () => benchProxmox(),
  cinder: () => benchCinder(env('BENCH_CINDER_COUNT', 100), 20),
  csi: () => benchCsi(env('BENCH_CSI_COUNT', 20), 50),
  ha: () => benchHa(env('BENCH_HA_SPAWNS', 500), env('BENCH_HA_ROUNDS', 3)),
  metrics: () => benchMetrics(env('BENCH_METRICS_COUNT', 5000), 50),
  backups: () => benchBackups(env('BENCH_BACKUP_MIB', 1024)),
};

const only = process.argv.slice(2);
const unknown = only.filter((n) => !(n in BENCHES));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: cpus().length, loadAverageAtStart: loadavg()[0] };
for (const [name, fn] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench ${name} ...\n`);
  try {
    results[name] = await fn();
  } catch (err) {
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
  process.stderr.write(`${JSON.stringify(results[name])}\n`);
}
const text = JSON.stringify(results, null, 2);
writeFileSync('bench-results.json', `${text}\n`);
process.stdout.write(`${text}\n`);
