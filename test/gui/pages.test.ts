/**
 * Every GUI page in headless Chromium against a real controller and satellite (FILE_THIN):
 * each shows its data, passes axe-core's WCAG 2 A/AA rules and is screenshotted; the pages
 * work from the keyboard alone; lists page through the REST API with limit/offset and pick
 * up changes by polling.
 */
import test from 'ava';
import { call, waitFor, type PCluster } from '../placement-e2e/cluster.js';
import { axe, type Gui } from './browser.js';
import { guiWithResource, type GuiFixture } from './fixture.js';

let f: GuiFixture;
let c: PCluster;
let gui: Gui;
let ui: string;
let rg: string;
let rd: string;
let snap: string;
const id = Math.random().toString(36).slice(2, 7);

test.before(async () => {
  f = await guiWithResource('pg', { firstAddress: 11 });
  ({ c, gui, ui, rg, rd, snap } = f);
});
test.after.always(async () => { await f?.close(); });

const page = () => gui.page;

const pagesToShow = (): Array<[string, string, string]> => [
  ['dashboard', '', '1 of 1 online'],
  ['nodes', '#/nodes', 'ONLINE'],
  ['storage-pools', '#/storage-pools', 'FILE_THIN'],
  ['resource-groups', '#/resource-groups', rg],
  ['resource-definitions', '#/resource-definitions', rd],
  ['resources', '#/resources', 'UpToDate'],
  ['volumes', '#/volumes', '/dev/loop'],
  ['snapshots', '#/snapshots', 'Successful'],
  ['error-reports', '#/error-reports', 'None.'],
  ['node-detail', `#/nodes/${c.nodes[0]!.name}`, 'Properties'],
  ['resource-group-detail', `#/resource-groups/${rg}`, 'STORAGE'],
  ['resource-definition-detail', `#/resource-definitions/${rd}`, snap],
];

test.serial('every page shows its data, passes axe-core (WCAG 2 A/AA) and is screenshotted', async (t) => {
  for (const [name, hash, expect] of pagesToShow()) {
    await page().goto(`${ui}${hash}`);
    await page().locator('main').getByText(expect).first().waitFor({ timeout: 30_000 });
    const violations = await axe(page());
    t.deepEqual(violations, [], `${name}: ${JSON.stringify(violations)}`);
    await gui.screenshot(`page-${name}`);
  }
  // The forms in dialogs too: every field labelled.
  await page().goto(`${ui}#/storage-pools`);
  await page().getByRole('button', { name: 'Create storage pool' }).click();
  await page().getByRole('dialog', { name: 'Create storage pool' }).waitFor();
  const violations = await axe(page());
  t.deepEqual(violations, [], JSON.stringify(violations));
  await gui.screenshot('dialog-create-storage-pool');
  await page().keyboard.press('Escape');
  t.deepEqual(gui.pageErrors, []);
});

test.serial('keyboard only: skip link, navigation, a form dialog opened, cancelled with Escape, then submitted with Enter', async (t) => {
  await page().goto(ui);
  await page().locator('main h1').waitFor();
  await page().keyboard.press('Tab');
  t.is(await page().evaluate(() => document.activeElement?.textContent), 'Skip to content');
  // Tab through the navigation to "Resource groups" and follow it.
  let label = '';
  for (let i = 0; i < 10 && label !== 'Resource groups'; i++) {
    await page().keyboard.press('Tab');
    label = await page().evaluate(() => document.activeElement?.textContent ?? '');
  }
  t.is(label, 'Resource groups');
  await page().keyboard.press('Enter');
  await page().getByRole('heading', { name: 'Resource groups', level: 1 }).waitFor();
  await page().getByRole('button', { name: 'Create resource group' }).focus();
  await page().keyboard.press('Enter');
  const dlg = page().getByRole('dialog', { name: 'Create resource group' });
  await dlg.waitFor();
  // The dialog takes focus: typing goes into its first field.
  const name = `kb${id}`;
  await page().keyboard.type(name);
  t.is(await dlg.getByLabel('Resource group name').inputValue(), name);
  await page().keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  t.is((await call(c.ctl, 'GET', `/v1/resource-groups/${name}`)).status, 404, 'Escape creates nothing');

  await page().getByRole('button', { name: 'Create resource group' }).focus();
  await page().keyboard.press('Enter');
  await dlg.waitFor();
  await page().keyboard.type(name);
  await page().keyboard.press('Enter');
  await page().locator('#messages .msg.ok').first().waitFor();
  t.is((await call(c.ctl, 'GET', `/v1/resource-groups/${name}`)).status, 200);
  // A sortable column header is a button: Enter sorts.
  await page().getByRole('button', { name: 'Resource group', exact: true }).focus();
  await page().keyboard.press('Enter');
  t.is(await page().locator('th[aria-sort="descending"]').innerText(), 'Resource group');
});

test.serial('lists page through the REST API (limit/offset), sort and filter, and show changes by polling', async (t) => {
  const prefix = `pg${id}x`;
  await Promise.all(Array.from({ length: 60 }, (_, i) => call(c.ctl, 'POST', '/v1/resource-groups', { name: `${prefix}${String(i).padStart(2, '0')}` })));
  const total = (await call<{ count: number }>(c.ctl, 'GET', '/v1/stats/resource-groups')).body.count;
  t.true(total > 60);
  gui.requests.length = 0;
  await page().goto(`${ui}#/resource-groups`);
  const summary = page().locator('.pager span');
  await page().getByText(`1–25 of ${total}`).waitFor();
  t.true(gui.requests.includes('GET /v1/resource-groups?limit=25&offset=0'), gui.requests.join('\n'));
  t.false(gui.requests.some((r) => r.startsWith('GET /v1/resource-groups?') && !/limit=25/.test(r)), 'never the whole list');
  t.is(await page().locator('tbody tr').count(), 25);

  await page().getByRole('button', { name: 'Next page' }).click();
  await page().getByText(`26–50 of ${total}`).waitFor();
  t.true(gui.requests.includes('GET /v1/resource-groups?limit=25&offset=25'));
  await page().getByLabel('Rows per page').selectOption('100');
  await page().getByText(`1–${total} of ${total}`).waitFor();
  t.is(await page().getByRole('button', { name: 'Next page' }).isDisabled(), true);

  await page().getByLabel('Filter this page').fill(`${prefix}5`);
  await waitFor('filtered rows', async () => (await page().locator('tbody tr').count()) === 10);
  t.regex(await summary.innerText(), /\(10 match the filter\)/);
  await page().getByRole('button', { name: 'Resource group', exact: true }).click();
  await page().getByRole('button', { name: 'Resource group', exact: true }).click();
  t.is(await page().locator('tbody tr').first().getAttribute('data-name'), `${prefix}59`);

  // Made elsewhere (the CLI, another user): it appears without a reload, the filter kept.
  await call(c.ctl, 'POST', '/v1/resource-groups', { name: `${prefix}5z` });
  await page().locator(`tr[data-name="${prefix}5z"]`).waitFor({ timeout: 15_000 });
  t.is(await page().getByLabel('Filter this page').inputValue(), `${prefix}5`);
  await gui.screenshot('page-resource-groups-paged');
});

test.serial('a property set and deleted on a detail page, each through the REST API', async (t) => {
  await page().goto(`${ui}#/resource-groups/${rg}`);
  await page().getByRole('button', { name: 'Set property' }).click();
  const dlg = page().getByRole('dialog', { name: `Set a property of resource group ${rg}` });
  await dlg.getByLabel('Key').fill('Aux/rack');
  await dlg.getByLabel('Value').fill('r1');
  await dlg.getByRole('button', { name: 'Set property' }).click();
  await page().locator('#messages .msg.ok').first().waitFor();
  const props = async () => (await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-groups/${rg}`)).body.props ?? {};
  t.is((await props())['Aux/rack'], 'r1');
  await page().locator('tr[data-name="Aux/rack"]', { hasText: 'r1' }).waitFor();
  await gui.screenshot('page-resource-group-property');

  await page().getByRole('button', { name: 'Delete property Aux/rack' }).click();
  await page().getByRole('dialog', { name: 'Delete property Aux/rack?' }).getByRole('button', { name: 'Delete property' }).click();
  await page().locator('tr[data-name="Aux/rack"]').waitFor({ state: 'detached' });
  t.false('Aux/rack' in await props());
});
