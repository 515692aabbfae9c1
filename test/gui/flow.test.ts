/**
 * The GUI end to end in headless Chromium against a real controller and two real satellites
 * with FILE_THIN pools (loop devices): the dashboard, then a resource group created, spawned,
 * snapshotted and deleted through forms and confirmations, each step checked in the page and
 * through the REST API; a failing action shows the controller's own message, cause and
 * correction. Screenshots of each page go to test-artifacts/gui/.
 */
import test from 'ava';
import { call, startPlacementCluster, waitFor, type PCluster } from '../placement-e2e/cluster.js';
import { openGui, type Gui } from './browser.js';

let c: PCluster;
let gui: Gui;
let ui: string;
const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 7)}`;

test.before(async () => {
  c = await startPlacementCluster(2);
  gui = await openGui();
  ui = `${c.ctl.url}/ui/`;
});
test.after.always(async () => {
  await gui?.close();
  await c?.teardown();
});

const page = () => gui.page;
async function go(hash: string): Promise<void> {
  await page().goto(`${ui}${hash}`);
  await page().locator('main h1').first().waitFor();
}

test.serial('the dashboard shows both nodes online, each pool\'s capacity bar and the controller\'s version and role', async (t) => {
  await go('');
  await page().getByText('2 of 2 online').waitFor();
  const bars = page().getByRole('meter');
  await waitFor('two pool bars', async () => (await bars.count()) === 2);
  for (const n of c.nodes) t.true(await page().getByRole('meter', { name: `${c.pool} on ${n.name} used` }).isVisible());
  const version = (await call<{ version: string }>(c.ctl, 'GET', '/v1/controller/version')).body.version;
  t.regex(await page().locator('main').innerText(), new RegExp(`Version ${version.replace(/\./g, '\\.')}`));
  t.is(await page().getByTestId('role').innerText(), 'Role: active, store sqlite');
  await gui.screenshot('01-dashboard');
  t.deepEqual(gui.pageErrors, []);
});

test.serial('create a resource group, spawn from it, see the resource with its state, snapshot it, delete it', async (t) => {
  const rg = uniq('guirg');
  const rd = uniq('guird');
  const snap = uniq('snap');
  await go('#/resource-groups');
  await page().getByRole('button', { name: 'Create resource group' }).click();
  const dlg = page().getByRole('dialog', { name: 'Create resource group' });
  await dlg.getByLabel('Resource group name').fill(rg);
  await dlg.getByLabel('Place count').fill('2');
  await dlg.getByLabel('Storage pool').fill(c.pool);
  await dlg.getByLabel('Layer list').fill('storage');
  await gui.screenshot('02-create-resource-group-form');
  await dlg.getByRole('button', { name: 'Create' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  const made = await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-groups/${rg}`);
  t.is(made.status, 200);
  t.is(made.body.select_filter.place_count, 2);
  t.deepEqual(made.body.select_filter.layer_stack, ['STORAGE']);
  await page().locator(`tr[data-name="${rg}"]`).waitFor();

  await page().getByRole('button', { name: `Spawn ${rg}` }).click();
  const sp = page().getByRole('dialog', { name: `Spawn resources from ${rg}` });
  await sp.getByLabel('Resource name').fill(rd);
  await sp.getByLabel('Volume sizes').fill('8M');
  await sp.getByRole('button', { name: 'Spawn' }).click();
  await page().locator('#messages .msg.ok', { hasText: /successfully autoplaced on 2 nodes/ }).waitFor();
  await gui.screenshot('03-spawned');

  await go('#/resources');
  for (const n of c.nodes) {
    const row = page().locator(`tr[data-name="${rd} on ${n.name}"]`);
    await row.waitFor();
    // Live update: the state arrives with the satellites' reports, by polling.
    await row.locator('.state-ok', { hasText: 'UpToDate' }).waitFor({ timeout: 30_000 });
  }
  await gui.screenshot('04-resources');
  const view = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
  t.deepEqual(view.body.map((r) => r.volumes[0].state.disk_state), ['UpToDate', 'UpToDate']);

  await go('#/resource-definitions');
  await page().getByRole('button', { name: `Snapshot ${rd}` }).click();
  const sn = page().getByRole('dialog', { name: `Snapshot ${rd}` });
  await sn.getByLabel('Snapshot name').fill(snap);
  await sn.getByRole('button', { name: 'Take snapshot' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  await go('#/snapshots');
  await page().locator(`tr[data-name="${snap} of ${rd}"] .state-ok`, { hasText: 'Successful' }).waitFor({ timeout: 30_000 });
  await gui.screenshot('05-snapshots');
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots/${snap}`)).status, 200);

  // Delete asks first: Cancel keeps the resource.
  await go('#/resource-definitions');
  await page().getByRole('button', { name: `Delete ${rd}` }).click();
  const asked = page().getByRole('dialog', { name: `Delete resource ${rd}?` });
  await asked.getByRole('button', { name: 'Cancel' }).click();
  await asked.waitFor({ state: 'detached' });
  // Nothing is to happen, so there is no event to wait for: give a wrong delete time to start.
  await page().waitForTimeout(1500);
  t.false(gui.requests.some((r) => r.startsWith(`DELETE /v1/resource-definitions/${rd}`)), 'cancel sends no delete');
  t.is(await page().locator('#messages .msg').count(), 0, 'and shows no answer');
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 200, 'cancel deletes nothing');
  // The snapshot must go first (LINSTOR refuses to delete a definition with snapshots).
  await go('#/snapshots');
  await page().getByRole('button', { name: `Delete ${snap} of ${rd}` }).click();
  const confirmSnap = page().getByRole('dialog', { name: `Delete snapshot ${snap} of ${rd}?` });
  await gui.screenshot('06-confirm-delete');
  await confirmSnap.getByRole('button', { name: 'Delete snapshot' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  await go('#/resource-definitions');
  await page().getByRole('button', { name: `Delete ${rd}` }).click();
  await page().getByRole('dialog', { name: `Delete resource ${rd}?` }).getByRole('button', { name: 'Delete resource' }).click();
  await page().locator(`tr[data-name="${rd}"]`).waitFor({ state: 'detached', timeout: 30_000 });
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404);
  t.deepEqual(gui.pageErrors, []);
});

test.serial('a failing action shows the controller\'s message, cause and correction', async (t) => {
  const rg = uniq('guibig');
  await call(c.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 3, storage_pool: c.pool, layer_stack: ['STORAGE'] } });
  // What the API itself answers for the same spawn (three replicas, two nodes).
  const directName = uniq('direct');
  const direct = await call<Array<Record<string, any>>>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: directName, volume_sizes: [8192] });
  const err = direct.body.find((e) => e.ret_code < 0)!;
  t.truthy(err.cause);
  t.truthy(err.correction);

  await go('#/resource-groups');
  await page().getByRole('button', { name: `Spawn ${rg}` }).click();
  const sp = page().getByRole('dialog', { name: `Spawn resources from ${rg}` });
  const rd = uniq('toomany');
  await sp.getByLabel('Resource name').fill(rd);
  await sp.getByLabel('Volume sizes').fill('8M');
  await sp.getByRole('button', { name: 'Spawn' }).click();
  const shown = page().locator('#messages .msg.error').first();
  await shown.waitFor();
  t.is(await page().locator('#messages').getAttribute('role'), 'alert');
  // The same texts, but for this resource's name.
  const forRd = (s: string) => s.split(directName).join(rd);
  t.is(await shown.locator('.message').innerText(), forRd(err.message));
  t.is(await shown.locator('.cause').innerText(), `Cause: ${forRd(err.cause)}`);
  t.is(await shown.locator('.correction').innerText(), `Correction: ${forRd(err.correction)}`);
  await gui.screenshot('07-failed-action');
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404);

  // A form the page itself refuses (no REST call made) says why, too.
  await page().getByRole('button', { name: `Spawn ${rg}` }).click();
  await sp.getByLabel('Resource name').fill(rd);
  await sp.getByLabel('Volume sizes').fill('lots');
  await sp.getByRole('button', { name: 'Spawn' }).click();
  await page().locator('#messages .msg.error', { hasText: "'lots' is not a list of sizes." }).waitFor();
});

test.serial('resize, snapshot restore into a new resource, and rollback through the GUI, each confirmed', async (t) => {
  const rg = uniq('guirs');
  const rd = uniq('guirs');
  const snap = uniq('s');
  const restored = uniq('guinew');
  await call(c.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] } });
  t.is((await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [8192] })).status, 201);

  await go('#/resource-definitions');
  await page().getByRole('button', { name: `Resize ${rd}` }).click();
  const rs = page().getByRole('dialog', { name: `Resize a volume of ${rd}` });
  await rs.getByLabel('New size').fill('16M');
  await rs.getByRole('button', { name: 'Resize' }).click();
  await page().getByRole('dialog', { name: `Resize ${rd}?` }).getByRole('button', { name: 'Resize' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  const vd = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/volume-definitions`);
  t.is(vd.body[0]!.size_kib, 16384);
  await page().locator(`tr[data-name="${rd}"]`, { hasText: '16.00 MiB' }).waitFor();

  t.is((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: snap })).status, 201);
  await go('#/snapshots');
  await page().locator(`tr[data-name="${snap} of ${rd}"] .state-ok`).waitFor({ timeout: 30_000 });
  await page().getByRole('button', { name: `Restore ${snap} of ${rd}` }).click();
  const rst = page().getByRole('dialog', { name: `Restore snapshot ${snap} of ${rd}` });
  await rst.getByLabel('New resource name').fill(restored);
  await rst.getByRole('button', { name: 'Restore' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  t.false(await page().locator('#messages .msg.error').isVisible());
  await waitFor(`${restored} placed`, async () => (await call<unknown[]>(c.ctl, 'GET', `/v1/resource-definitions/${restored}/resources`)).body?.length === 1);
  const rvd = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${restored}/volume-definitions`);
  t.is(rvd.body[0]!.size_kib, 16384);

  await page().getByRole('button', { name: `Roll back ${snap} of ${rd}` }).click();
  await page().getByRole('dialog', { name: `Roll ${rd} back to ${snap}?` }).getByRole('button', { name: 'Roll back' }).click();
  await page().locator('#messages .msg.ok', { hasText: /roll/i }).first().waitFor();
  t.false(await page().locator('#messages .msg.error').isVisible());
  await gui.screenshot('08-rolled-back');
});
