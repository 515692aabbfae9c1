#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark and prints one JSON document of figures.
 * `npm run bench -- controller placement` runs only the named ones.
 */
import { writeFileSync } from 'node:fs';
import { benchController } from './controller.js';
import { benchResourceCreate } from './resource-create.js';

type Bench = () => Promise<Record<string, unknown>>;
const BENCHES: Record<string, Bench> = {
  controller: () => benchController(Number(process.env.BENCH_RD_COUNT ?? 10_000)),
  'resource-create': () => benchResourceCreate(Number(process.env.BENCH_RSC_COUNT ?? 100)),
};

const only = process.argv.slice(2);
const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length };
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
