/**
 * The GUI at 10,000 resources: the database is made through the REST API with one resource,
 * then copied out with `linstor-database export-db`, multiplied to 10,000 definitions with a
 * resource each, and read back with `import-db` (creating them one by one over REST takes
 * minutes). The node has no satellite (it stays OFFLINE): what is tested is the page, which
 * must go through the list page by page (limit/offset) and never ask for the whole list.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call } from '../e2e/cluster.js';
import { REPO_ROOT, startController, type TestController } from '../helpers/controller.js';
import { makeTempDir, removeTempDir } from '../helpers/satellite.js';
import { openGui, type Gui } from './browser.js';

const COUNT = 10_000;
const DB_TOOL = join(REPO_ROOT, 'dist/core/database/main.js');
let ctl: TestController;
let gui: Gui;
let tmp: string;

async function must(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
}

test.before(async () => {
  tmp = makeTempDir('gui-scale-');
  ctl = await startController();
  // Port 1 on loopback: nothing listens, the node just stays OFFLINE.
  await must(call(ctl, 'POST', '/v1/nodes', { name: 'scale1', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: 1 }] }));
  await must(call(ctl, 'POST', '/v1/nodes/scale1/storage-pools', { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': tmp } }));
  await must(call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'big00000' } }));
  await must(call(ctl, 'POST', '/v1/resource-definitions/big00000/volume-definitions', { volume_definition: { size_kib: 4096 } }));
  await must(call(ctl, 'POST', '/v1/resource-definitions/big00000/resources', [{ resource: { node_name: 'scale1', props: { StorPoolName: 'pool1' } }, layer_list: ['STORAGE'] }]));
  await ctl.kill();
  const file = join(tmp, 'export.json');
  execFileSync(process.execPath, [DB_TOOL, 'export-db', '-c', ctl.dir, file]);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const [rd] = doc.tables.resource_definitions;
  const [rsc] = doc.tables.resources;
  const name = (i: number) => `big${String(i).padStart(5, '0')}`;
  doc.tables.resource_definitions = Array.from({ length: COUNT }, (_, i) => ({
    key: name(i).toUpperCase(),
    value: { ...rd.value, name: name(i), uuid: randomUUID(), drbd: { ...rd.value.drbd, port: 7000 + i },
      volumeDefinitions: rd.value.volumeDefinitions.map((v: Record<string, unknown>) => ({ ...v, uuid: randomUUID(), minorNumber: 1000 + i })) },
  }));
  doc.tables.resources = Array.from({ length: COUNT }, (_, i) => ({ key: `${name(i).toUpperCase()}/SCALE1`, value: { ...rsc.value, name: name(i), uuid: randomUUID() } }));
  const big = join(tmp, 'big.json');
  writeFileSync(big, JSON.stringify(doc));
  execFileSync(process.execPath, [DB_TOOL, 'import-db', '-c', ctl.dir, '--force', big]);
  await ctl.restart();
  gui = await openGui();
});
test.after.always(async () => {
  await gui?.close();
  await ctl?.stop();
  if (tmp) removeTempDir(tmp);
});

test.serial(`the resources list at ${COUNT} resources shows pages of 25 through limit/offset, never the whole list`, async (t) => {
  t.is((await call<{ count: number }>(ctl, 'GET', '/v1/stats/resources')).body.count, COUNT);
  gui.requests.length = 0;
  await gui.page.goto(`${ctl.url}/ui/#/resources`);
  await gui.page.getByText(`1–25 of ${COUNT}`).waitFor({ timeout: 30_000 });
  t.is(await gui.page.locator('tbody tr').count(), 25);
  await gui.page.getByRole('button', { name: 'Next page' }).click();
  await gui.page.getByText(`26–50 of ${COUNT}`).waitFor();
  t.is(await gui.page.locator('tbody tr').first().getAttribute('data-name'), 'big00025 on scale1');
  const lists = gui.requests.filter((r) => r.startsWith('GET /v1/view/resources'));
  t.deepEqual(lists, ['GET /v1/view/resources?limit=25&offset=0', 'GET /v1/view/resources?limit=25&offset=25']);
  await gui.screenshot('scale-resources');
});

test.serial(`the dashboard at ${COUNT} resources counts them and their states in pages`, async (t) => {
  gui.requests.length = 0;
  await gui.page.goto(`${ctl.url}/ui/`);
  await gui.page.getByText(`${COUNT} resources`).waitFor({ timeout: 60_000 });
  // The node has no satellite: every resource's state is unknown, counted as degraded.
  await gui.page.getByText(`${COUNT} degraded or syncing`).waitFor();
  t.true(gui.requests.filter((r) => r.startsWith('GET /v1/view/resources')).every((r) => /limit=2000/.test(r)));
  await gui.screenshot('scale-dashboard');
});
