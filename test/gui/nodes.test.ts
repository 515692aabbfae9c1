/**
 * Node actions through the GUI against a real controller and a real satellite process:
 * register the node with the create form, give it a FILE_THIN pool (a folder of this test),
 * evacuate and restore it, delete it — each confirmed, each checked through the REST API.
 */
import test from 'ava';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { startController, type TestController } from '../helpers/controller.js';
import { makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { openGui, type Gui } from './browser.js';

let ctl: TestController;
let sat: SatelliteProcess;
let gui: Gui;
let poolDir: string;
const node = `guin-${randomSuffix()}`;

test.before(async () => {
  poolDir = makeTempDir('gui-node-pool-');
  ctl = await startController({ env: FAST_LINK_ENV });
  sat = await startSatellite({ address: '127.0.0.21', nodeName: node, reportIntervalMs: 1000 });
  gui = await openGui();
});
test.after.always(async () => {
  await gui?.close();
  await ctl?.stop();
  await sat?.kill9().catch(() => {});
  if (poolDir) removeTempDir(poolDir);
});

const page = () => gui.page;

test.serial('create a node and its storage pool with the forms, evacuate and restore it, delete it', async (t) => {
  await page().goto(`${ctl.url}/ui/#/nodes`);
  await page().getByRole('button', { name: 'Create node' }).click();
  const dlg = page().getByRole('dialog', { name: 'Create node' });
  await dlg.getByLabel('Node name').fill(node);
  await dlg.getByLabel('IP address').fill(sat.address);
  await dlg.getByLabel('Satellite port').fill(String(sat.port));
  await dlg.getByRole('button', { name: 'Create' }).click();
  await page().locator('#messages .msg.ok', { hasText: `New node '${node}' registered.` }).waitFor();
  // The satellite connects; the list shows it by polling.
  await page().locator(`tr[data-name="${node}"] .state-ok`, { hasText: 'ONLINE' }).waitFor({ timeout: 30_000 });

  await page().getByRole('button', { name: `Add pool ${node}` }).click();
  const sp = page().getByRole('dialog', { name: 'Create storage pool' });
  t.is(await sp.getByLabel('Node').inputValue(), node);
  await sp.getByLabel('Storage pool name').fill('guipool');
  await sp.getByLabel('Backing store').fill(poolDir);
  await sp.getByRole('button', { name: 'Create' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  t.false(await page().locator('#messages .msg.error').isVisible());
  await waitFor('pool capacity', async () => (await call<Record<string, any>>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/guipool`)).body.total_capacity > 0);
  await page().goto(`${ctl.url}/ui/#/storage-pools`);
  await page().locator(`tr[data-name="guipool on ${node}"]`).waitFor();
  await gui.screenshot('nodes-storage-pools');

  await page().goto(`${ctl.url}/ui/#/nodes`);
  await page().getByRole('button', { name: `Evacuate ${node}` }).click();
  await page().getByRole('dialog', { name: `Evacuate node ${node}?` }).getByRole('button', { name: 'Evacuate' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  const flags = async () => ((await call<Record<string, any>>(ctl, 'GET', `/v1/nodes/${node}`)).body.flags ?? []) as string[];
  t.true((await flags()).includes('EVACUATE'));
  await page().getByRole('button', { name: `Restore ${node}` }).click();
  await page().getByRole('dialog', { name: `Restore node ${node}?` }).getByRole('button', { name: 'Restore' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  t.false((await flags()).includes('EVACUATE'));
  await gui.screenshot('nodes-list');

  await page().getByRole('button', { name: `Evacuate ${node}` }).waitFor();
  await page().getByRole('button', { name: `Delete ${node}` }).click();
  await page().getByRole('dialog', { name: `Delete node ${node}?` }).getByRole('button', { name: 'Delete node' }).click();
  await page().locator(`tr[data-name="${node}"]`).waitFor({ state: 'detached', timeout: 30_000 });
  t.is((await call(ctl, 'GET', `/v1/nodes/${node}`)).status, 404);
  t.deepEqual(gui.pageErrors, []);
});
