#!/usr/bin/env node
/**
 * A local one-node cluster for newcomers: a controller (REST on 127.0.0.1:3370) and one
 * satellite (127.0.0.1:3366) as background processes, the node registered as COMBINED under
 * this host's `uname -n`, and a FILE_THIN pool `DfltStorPool` in ./.local-cluster/pool.
 *
 *   node dist/scripts/start-cluster.js [start]   start (or report the running cluster)
 *   node dist/scripts/start-cluster.js status
 *   node dist/scripts/start-cluster.js stop [--purge]   --purge also detaches the loop devices
 *                                                        and removes ./.local-cluster
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRunner } from '../core/exec/index.js';
import { detachLoop, listLoopDevices } from '../core/satellite/providers/loop-devices.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// The environment overrides exist for the quick-start test (a second cluster beside yours).
const DIR = resolve(process.env.LINSTOR_LOCAL_CLUSTER_DIR ?? join(ROOT, '.local-cluster'));
const POOL_DIR = join(DIR, 'pool');
const REST_PORT = Number(process.env.LINSTOR_LOCAL_REST_PORT ?? 3370);
const REST = `http://127.0.0.1:${REST_PORT}`;
const SATELLITE_PORT = Number(process.env.LINSTOR_LOCAL_SATELLITE_PORT ?? 3366);
const POOL = 'DfltStorPool';
const NODE = hostname();

interface Proc { name: 'controller' | 'satellite'; bin: string; args: string[] }
const PROCS: Proc[] = [
  { name: 'controller', bin: 'dist/core/controller/main.js', args: ['--config-directory', join(DIR, 'controller')] },
  { name: 'satellite', bin: 'dist/core/satellite/main.js', args: ['--config-directory', join(DIR, 'satellite'), '--state-directory', join(DIR, 'satellite'), '--bind-address', '127.0.0.1', '--port', String(SATELLITE_PORT), '--node-name', NODE] },
];

const say = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid from the pid file if that process is alive and is still ours (pids get reused). */
function runningPid(p: Proc): number | undefined {
  const file = join(DIR, `${p.name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(p.bin) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function launch(p: Proc): number {
  const log = openSync(join(DIR, `${p.name}.log`), 'a');
  const child = spawn(process.execPath, [join(ROOT, p.bin), ...p.args], { cwd: ROOT, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  writeFileSync(join(DIR, `${p.name}.pid`), `${child.pid}\n`);
  return child.pid!;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${REST}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function logTail(p: Proc): string {
  try { return readFileSync(join(DIR, `${p.name}.log`), 'utf8').split('\n').slice(-15).join('\n'); } catch { return ''; }
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    // A process that died will not come back: say so at once, with its last words.
    for (const p of PROCS) if (!runningPid(p)) throw new Error(`${p.name} is not running (waiting for ${what}). Last lines of its log:\n${logTail(p)}`);
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}; see the logs in ${DIR}`);
}

/** Creates unless it exists (LINSTOR answers FAIL_EXISTS_* with 500: fine on a re-run). */
async function ensure(what: string, path: string, body: unknown): Promise<void> {
  const r = await api('POST', path, body);
  const exists = Array.isArray(r.body) && r.body.some((e: { message?: string }) => /already exists/i.test(e.message ?? ''));
  if (r.status >= 300 && !exists) throw new Error(`${what} failed: ${JSON.stringify(r.body)}`);
}

async function start(): Promise<void> {
  mkdirSync(join(DIR, 'controller'), { recursive: true });
  mkdirSync(join(DIR, 'satellite'), { recursive: true });
  mkdirSync(POOL_DIR, { recursive: true });
  const toml = join(DIR, 'controller', 'linstor.toml');
  if (!existsSync(toml)) {
    writeFileSync(toml, `[db]\nconnection_url = "sqlite:${join(DIR, 'controller', 'linstor.db')}"\n[http]\nport = ${REST_PORT}\nlisten_addr = "127.0.0.1"\n`);
  }
  let started = 0;
  for (const p of PROCS) {
    const pid = runningPid(p);
    if (pid) { say(`${p.name} already running (pid ${pid})`); continue; }
    say(`starting ${p.name} (pid ${launch(p)}), log ${join(DIR, `${p.name}.log`)}`);
    started++;
  }
  await waitUntil('the controller REST API', async () => (await fetch(`${REST}/health`)).ok);
  await ensure('node create', '/v1/nodes', { name: NODE, type: 'COMBINED', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: SATELLITE_PORT }] });
  await ensure('storage-pool create', `/v1/nodes/${NODE}/storage-pools`, { storage_pool_name: POOL, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': POOL_DIR } });
  await waitUntil(`node ${NODE} Online`, async () => (await api('GET', `/v1/nodes/${NODE}`)).body?.connection_status === 'ONLINE');
  await waitUntil(`pool ${POOL} capacity`, async () => Number((await api('GET', `/v1/nodes/${NODE}/storage-pools/${POOL}`)).body?.total_capacity) > 0);
  const sp = (await api('GET', `/v1/nodes/${NODE}/storage-pools/${POOL}`)).body;
  say('');
  say(started ? 'The local cluster is up.' : 'The local cluster was already up.');
  say(`  controller  ${REST} (config and database in ${join(DIR, 'controller')})`);
  say(`  web GUI     ${REST}/ui/`);
  say(`  node        ${NODE} (COMBINED, Online), satellite on 127.0.0.1:${SATELLITE_PORT}`);
  say(`  pool        ${POOL} (FILE_THIN in ${POOL_DIR}): ${Math.round(sp.free_capacity / 1024)} MiB free of ${Math.round(sp.total_capacity / 1024)} MiB`);
  say('');
  say('Try it:');
  say(`  alias linstor="node ${join(ROOT, 'dist/core/cli/main.js')} --controllers 127.0.0.1:${REST_PORT}"`);
  say('  linstor node list');
  say(`  linstor resource-group create demo --storage-pool ${POOL} --place-count 1 --layer-list storage`);
  say('  linstor resource-group spawn-resources demo disk1 1G');
  say('  # or by hand:');
  say('  linstor resource-definition create disk2 && linstor volume-definition create disk2 100M');
  say(`  linstor resource create ${NODE} disk2 --storage-pool ${POOL} --layer-list storage`);
  say('  linstor volume list        # shows the /dev/loopN device of each volume');
  say('');
  say('Stop it:  bash scripts/quickstart.sh stop            (keeps the data; start again to resume)');
  say('          bash scripts/quickstart.sh stop --purge    (also frees the loop devices and deletes .local-cluster)');
}

async function stop(purge: boolean): Promise<void> {
  for (const p of [...PROCS].reverse()) {
    const pid = runningPid(p);
    if (!pid) { say(`${p.name} is not running`); continue; }
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && runningPid(p); i++) await sleep(100);
    if (runningPid(p)) process.kill(pid, 'SIGKILL');
    say(`stopped ${p.name} (pid ${pid})`);
    try { unlinkSync(join(DIR, `${p.name}.pid`)); } catch { /* already gone */ }
  }
  if (!purge) return;
  const runner = new LocalRunner();
  for (const l of await listLoopDevices(runner)) {
    if (l.backFile.startsWith(`${POOL_DIR}/`)) { await detachLoop(runner, l.device); say(`detached ${l.device}`); }
  }
  rmSync(DIR, { recursive: true, force: true });
  say(`removed ${DIR}`);
}

function status(): void {
  for (const p of PROCS) {
    const pid = runningPid(p);
    say(`${p.name}: ${pid ? `running (pid ${pid})` : 'not running'}`);
  }
}

const [cmd = 'start', ...rest] = process.argv.slice(2);
try {
  if (cmd === 'start') await start();
  else if (cmd === 'stop') await stop(rest.includes('--purge'));
  else if (cmd === 'status') status();
  else { say('usage: start-cluster.js [start|status|stop [--purge]]'); process.exit(2); }
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
