/**
 * The per-definition schedulers (AutoSnapshot/RunEvery, SnapshotShipping/RunEvery) belong to one
 * controller: two real controllers started in this process (each its own SQLite database and REST
 * port on loopback) both run theirs, and a closed controller's stop. Before, the first controller
 * of a process kept the only automatic-snapshot scheduler, on its context, for good.
 * The node here has no satellite (nothing listens at its address): each due run fails, and the
 * controller's log line for that failure is what shows that the scheduler ran.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { randomSuffix } from '../helpers/satellite.js';

// Test hook, read when a scheduler is made: RunEvery counts seconds instead of minutes.
process.env.LINSTOR_AUTO_SNAPSHOT_RUN_EVERY_IN_SECONDS = '1';
const { loadControllerConfig } = await import('../../core/controller/config.js');
const { startController } = await import('../../core/controller/server.js');

interface Ctl { url: string; lines: string[]; close(): Promise<void>; dir: string }
const started: Ctl[] = [];

async function controller(address: string): Promise<Ctl> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-life-'));
  writeFileSync(join(dir, 'linstor.toml'), `[db]\nconnection_url = "sqlite:${join(dir, 'linstor.db')}"\n[http]\nport = 0\nlisten_addr = "${address}"\n`);
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(s); } });
  const running = await startController(loadControllerConfig(dir), log);
  const c = { url: `http://${address}:${running.port}`, lines, dir, close: () => running.close() };
  started.push(c);
  return c;
}
test.after.always(async () => {
  for (const c of started) { await c.close().catch(() => undefined); rmSync(c.dir, { recursive: true, force: true }); }
});

async function post(c: Ctl, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

/** A definition with a replica on a node nobody answers for, both schedules due every second. */
async function scheduled(c: Ctl, rd: string, address: string): Promise<void> {
  const node = `ghost-${randomSuffix()}`;
  await post(c, '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: 31999 }] });
  await post(c, `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'thin', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': join(c.dir, 'pool') } });
  await post(c, '/v1/resource-definitions', { resource_definition: { name: rd, props: {
    'AutoSnapshot/RunEvery': '1', 'SnapshotShipping/RunEvery': '1', 'SnapshotShipping/TargetNode': 'nowhere',
  } } });
  await post(c, `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  await post(c, `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: node, props: { StorPoolName: 'thin' } }, layer_list: ['STORAGE'] }]);
}

const runs = (c: Ctl, what: 'automatic snapshot failed' | 'snapshot shipping failed', rd: string): number =>
  c.lines.filter((l) => l.includes(`"${what}"`) && l.includes(`"resource":"${rd}"`)).length;

async function grows(count: () => number, ms = 3500): Promise<boolean> {
  const before = count();
  const until = Date.now() + ms;
  while (Date.now() < until) { if (count() > before) return true; await new Promise((r) => setTimeout(r, 100)); }
  return false;
}

test('two controllers in one process each run their own schedulers; a closed controller\'s schedulers stop', async (t) => {
  t.timeout(60_000);
  const a = await controller('127.0.31.21');
  const rdA = `lc-a-${randomSuffix()}`;
  await scheduled(a, rdA, '127.0.31.23');
  t.true(await grows(() => runs(a, 'automatic snapshot failed', rdA)), 'A takes its automatic snapshots');
  t.true(await grows(() => runs(a, 'snapshot shipping failed', rdA)), 'A ships its snapshots');

  const b = await controller('127.0.31.22');
  const rdB = `lc-b-${randomSuffix()}`;
  await scheduled(b, rdB, '127.0.31.24');
  t.true(await grows(() => runs(b, 'automatic snapshot failed', rdB)), 'the second controller of the process runs its own automatic snapshots');
  t.true(await grows(() => runs(b, 'snapshot shipping failed', rdB)), 'and its own snapshot shipping');
  t.true(await grows(() => runs(a, 'automatic snapshot failed', rdA)), 'the first one keeps running its own');
  t.is(runs(b, 'automatic snapshot failed', rdA) + runs(a, 'automatic snapshot failed', rdB), 0, 'neither acts on the other\'s definitions');

  await a.close();
  const closedAt = a.lines.length;
  t.true(await grows(() => runs(b, 'automatic snapshot failed', rdB)), 'B goes on');
  t.is(a.lines.slice(closedAt).filter((l) => l.includes('failed')).length, 0, 'the closed controller runs nothing any more');
});
