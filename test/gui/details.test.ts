/**
 * Detail pages in headless Chromium against a real controller and satellite (FILE_THIN):
 * storage pool, resource, volume, volume definition, snapshot and controller pages show their
 * fields, pass axe-core and are screenshotted; on each a property is set and deleted through
 * the page (with confirmation), checked through the REST API; a refused property shows the
 * controller's message. Live updates: polls revalidate with ETags, get 304s while nothing
 * changes (counted from the browser's response events) and draw nothing; a change shows.
 * Deletes from detail pages (replica, pool, group, error report) leave for the list with the
 * controller's answer.
 */
import test from 'ava';
import { call, waitFor, type PCluster } from '../placement-e2e/cluster.js';
import { axe, type Gui } from './browser.js';
import { guiWithResource, type GuiFixture } from './fixture.js';

let f: GuiFixture;
let c: PCluster;
let gui: Gui;
let ui: string;
let node: string;
let rg: string;
let rd: string;
let snap: string;
const id = Math.random().toString(36).slice(2, 7);

test.before(async () => {
  f = await guiWithResource('dt', { subnet: 33, firstAddress: 21 });
  ({ c, gui, ui, rg, rd, snap } = f);
  node = c.nodes[0]!.name;
});
test.after.always(async () => { await f?.close(); });

const page = () => gui.page;

interface DetailCase { name: string; hash: () => string; shows: string; what: () => string; props: () => Promise<Record<string, string>> }
const get = async (path: string) => (await call<Record<string, any>>(c.ctl, 'GET', path)).body;
const CASES: DetailCase[] = [
  { name: 'storage-pool', hash: () => `#/storage-pools/${node}/${c.pool}`, shows: 'FILE_THIN', what: () => `storage pool ${c.pool} on ${node}`,
    props: async () => (await get(`/v1/nodes/${node}/storage-pools/${c.pool}`)).props ?? {} },
  { name: 'resource', hash: () => `#/resources/${rd}/${node}`, shows: 'UpToDate', what: () => `resource ${rd} on ${node}`,
    props: async () => (await get(`/v1/resource-definitions/${rd}/resources/${node}`)).props ?? {} },
  { name: 'volume', hash: () => `#/volumes/${rd}/${node}/0`, shows: '/dev/loop', what: () => `volume 0 of ${rd} on ${node}`,
    props: async () => (await get(`/v1/resource-definitions/${rd}/resources/${node}/volumes/0`)).props ?? {} },
  { name: 'volume-definition', hash: () => `#/volume-definitions/${rd}/0`, shows: '4.00 MiB', what: () => `volume definition 0 of ${rd}`,
    props: async () => (await get(`/v1/resource-definitions/${rd}/volume-definitions/0`)).props ?? {} },
  { name: 'snapshot', hash: () => `#/snapshots/${rd}/${snap}`, shows: 'SUCCESSFUL', what: () => `snapshot ${snap} of ${rd}`,
    props: async () => (await get(`/v1/resource-definitions/${rd}/snapshots/${snap}`)).props ?? {} },
  { name: 'controller', hash: () => '#/controller', shows: 'Controller properties', what: () => 'the controller',
    props: async () => get('/v1/controller/properties') },
];

for (const k of CASES) {
  test.serial(`${k.name} detail: shows its fields, passes axe-core, a property set and deleted through the page`, async (t) => {
    await page().goto(`${ui}${k.hash()}`);
    await page().locator('main').getByText(k.shows).first().waitFor({ timeout: 30_000 });
    const violations = await axe(page());
    t.deepEqual(violations, [], JSON.stringify(violations));
    await gui.screenshot(`detail-${k.name}`);

    const key = `Aux/gui${id}`;
    await page().getByRole('button', { name: `Set property of ${k.what()}` }).click();
    const dlg = page().getByRole('dialog', { name: `Set a property of ${k.what()}` });
    await dlg.getByLabel('Key').fill(key);
    await dlg.getByLabel('Value').fill(`v-${k.name}`);
    await dlg.getByRole('button', { name: 'Set property' }).click();
    await page().locator('#messages .msg.ok').first().waitFor();
    t.is((await k.props())[key], `v-${k.name}`, 'set through the REST API');
    await page().locator(`tr[data-name="${key}"]`, { hasText: `v-${k.name}` }).waitFor();
    await gui.screenshot(`detail-${k.name}-property`);

    await page().getByRole('button', { name: `Delete property ${key}` }).click();
    const confirm = page().getByRole('dialog', { name: `Delete property ${key}?` });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    t.is((await k.props())[key], `v-${k.name}`, 'cancelled: still there');
    await page().getByRole('button', { name: `Delete property ${key}` }).click();
    await confirm.getByRole('button', { name: 'Delete property' }).click();
    await page().locator(`tr[data-name="${key}"]`).waitFor({ state: 'detached' });
    t.false(key in await k.props());
    t.deepEqual(gui.pageErrors, []);
  });
}

test.serial('lists link to the new detail pages', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['#/storage-pools', `${c.pool} on ${node}`, `Storage pool ${c.pool} on ${node}`],
    ['#/resources', `${rd} on ${node}`, `Resource ${rd} on ${node}`],
    ['#/volumes', `${rd}/0 on ${node}`, `Volume 0 of ${rd} on ${node}`],
    ['#/snapshots', `${snap} of ${rd}`, `Snapshot ${snap} of ${rd}`],
  ];
  for (const [list, row, heading] of cases) {
    await page().goto(`${ui}${list}`);
    await page().locator(`tr[data-name="${row}"] th a`).click();
    await page().getByRole('heading', { level: 1, name: heading }).waitFor();
    t.is(decodeURIComponent(new URL(page().url()).hash).split('/')[1], list.slice(2), `${list}: a page of the same kind`);
  }
});

test.serial('a property the controller refuses shows its message, cause and correction', async (t) => {
  await page().goto(`${ui}#/storage-pools/${node}/${c.pool}`);
  await page().getByRole('heading', { level: 1 }).waitFor();
  const what = `storage pool ${c.pool} on ${node}`;
  await page().getByRole('button', { name: `Set property of ${what}` }).click();
  const dlg = page().getByRole('dialog', { name: `Set a property of ${what}` });
  await dlg.getByLabel('Key').fill('NoSuchNamespace/NoSuchKey');
  await dlg.getByLabel('Value').fill('x');
  await dlg.getByRole('button', { name: 'Set property' }).click();
  const direct = await call<Array<{ message: string }>>(c.ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${c.pool}`, { override_props: { 'NoSuchNamespace/NoSuchKey': 'x' } });
  t.true(direct.status >= 400, `the controller refuses it: ${JSON.stringify(direct.body)}`);
  const err = page().locator('#messages .msg.error');
  await err.first().waitFor();
  t.is(await page().locator('#messages').getAttribute('role'), 'alert');
  t.is(await err.locator('.message').first().innerText(), direct.body[0]!.message);
  const entry = direct.body[0] as { cause?: string; correction?: string };
  if (entry.cause) t.is(await err.locator('.cause').first().innerText(), `Cause: ${entry.cause}`);
  if (entry.correction) t.is(await err.locator('.correction').first().innerText(), `Correction: ${entry.correction}`);
  t.truthy(entry.cause ?? entry.correction, 'the controller says why or what to do');
  await gui.screenshot('detail-storage-pool-refused');
});

/** Waits until the page has polled `polls` more times, then returns the answers it got. */
async function answersOverPolls(perPoll: number, polls = 2): Promise<Gui['responses']> {
  gui.responses.length = 0;
  await waitFor(`${polls} polls`, () => gui.responses.length >= perPoll * polls, 20_000);
  return [...gui.responses];
}

test.serial('live updates: polls send If-None-Match and get 304s when nothing changed, the table is not redrawn; a change gets a 200 and shows', async (t) => {
  await page().goto(`${ui}#/resource-definitions`);
  await page().locator(`tr[data-name="${rd}"]`).waitFor();
  // A mark on the drawn row: a redraw replaces the row and loses it.
  await page().evaluate(() => { (document.querySelector('tbody tr') as HTMLElement).dataset.mark = 'drawn'; });
  // Each poll of a list: its page and its total (/v1/stats/...).
  const quiet = await answersOverPolls(2);
  t.true(quiet.length >= 4);
  t.deepEqual(quiet.filter((r) => r.status !== 304), [], 'nothing changed: every answer is a 304');
  t.true(quiet.every((r) => r.ifNoneMatch?.startsWith('W/"')), 'each poll revalidates with the ETag it got');
  t.is(await page().locator('tbody tr[data-mark="drawn"]').count(), 1, 'a 304 redraws nothing');

  // A change elsewhere: the list's ETag changes, the poll gets the new page and shows it.
  gui.responses.length = 0;
  const added = `dtlive${id}`;
  t.is((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: added } })).status, 201);
  await page().locator(`tr[data-name="${added}"]`).waitFor({ timeout: 15_000 });
  t.true(gui.responses.some((r) => r.request === 'GET /v1/resource-definitions?limit=25&offset=0&with_volume_definitions=true' && r.status === 200), JSON.stringify(gui.responses));
  await gui.screenshot('live-resource-definitions');
});

test.serial('live updates: the dashboard and a detail page poll with 304s only while nothing changes', async (t) => {
  await page().goto(ui);
  await page().getByText('1 of 1 online').waitFor();
  // A poll of the dashboard: version, nodes, pools, resources and two counts (and the last error reports if any).
  const dash = await answersOverPolls(6);
  // Except the pools: a FILE_THIN pool's free space is its folder's file system (the shared
  // /tmp), which other work on this machine fills and empties — a real change, answered 200.
  const steady = dash.filter((r) => !r.request.startsWith('GET /v1/view/storage-pools'));
  t.true(steady.length >= 10);
  t.deepEqual(steady.filter((r) => r.status !== 304), [], JSON.stringify(dash));
  t.true(dash.every((r) => r.ifNoneMatch), 'every call revalidates');

  await page().goto(`${ui}#/resource-definitions/${rd}`);
  await page().getByRole('heading', { level: 1, name: `Resource ${rd}` }).waitFor();
  await page().evaluate(() => { (document.querySelector('main h1') as HTMLElement).dataset.mark = 'drawn'; });
  const detail = await answersOverPolls(3);
  t.deepEqual(detail.filter((r) => r.status !== 304), [], JSON.stringify(detail));
  t.is(await page().locator('main h1[data-mark="drawn"]').count(), 1);
  // A property set elsewhere shows on the next poll.
  await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'Aux/live': 'yes' } });
  await page().locator('tr[data-name="Aux/live"]').waitFor({ timeout: 15_000 });
  t.deepEqual(gui.pageErrors, []);
});

/** The action's answer is shown and holds no error. */
async function answered(t: { is(a: unknown, b: unknown, m?: string): void }): Promise<void> {
  await page().locator('#messages .msg').first().waitFor();
  t.is(await page().locator('#messages .msg.error').count(), 0, await page().locator('#messages').innerText());
}

test.serial('delete from detail pages, each confirmed: a replica, a storage pool, a resource group', async (t) => {
  const delRd = `dtdel${id}`;
  const delRg = `dtdelrg${id}`;
  const delPool = `dtdisk${id}`;
  const ok = (r: { status: number; body: unknown }) => { if (r.status >= 300) throw new Error(JSON.stringify(r.body)); };
  ok(await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: delRd, volume_sizes: [4096] }));
  ok(await call(c.ctl, 'POST', '/v1/resource-groups', { name: delRg }));
  ok(await call(c.ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: delPool, provider_kind: 'DISKLESS' }));

  await page().goto(`${ui}#/resources/${delRd}/${node}`);
  await page().getByRole('button', { name: 'Delete replica' }).click();
  await page().getByRole('dialog', { name: `Delete ${delRd} on ${node}?` }).getByRole('button', { name: 'Delete replica' }).click();
  await page().getByRole('heading', { level: 1, name: `Resource ${delRd}` }).waitFor();
  await answered(t);
  const gone = await waitFor('replica gone', async () => (await call(c.ctl, 'GET', `/v1/resource-definitions/${delRd}/resources/${node}`)).status === 404 || undefined, 30_000);
  t.true(gone, 'the replica is deleted');

  await page().goto(`${ui}#/storage-pools/${node}/${delPool}`);
  await page().getByRole('button', { name: 'Delete pool' }).click();
  await page().getByRole('dialog', { name: `Delete storage pool ${delPool} on ${node}?` }).getByRole('button', { name: 'Delete pool' }).click();
  // The page leaves for the list, the controller's answer still shown.
  await page().getByRole('heading', { level: 1, name: 'Storage pools' }).waitFor();
  await answered(t);
  await gui.screenshot('detail-storage-pool-deleted');
  t.is((await call(c.ctl, 'GET', `/v1/nodes/${node}/storage-pools/${delPool}`)).status, 404);

  await page().goto(`${ui}#/resource-groups/${delRg}`);
  await page().getByRole('button', { name: 'Delete group' }).click();
  await page().getByRole('dialog', { name: `Delete resource group ${delRg}?` }).getByRole('button', { name: 'Delete group' }).click();
  await page().getByRole('heading', { level: 1, name: 'Resource groups' }).waitFor();
  await answered(t);
  t.is((await call(c.ctl, 'GET', `/v1/resource-groups/${delRg}`)).status, 404);
});

test.serial('an error report (filed as the CSI plugin files one): its page shows the text, delete asks first and leaves for the list', async (t) => {
  const filed = await call<Array<{ obj_refs: Record<string, string> }>>(c.ctl, 'POST', '/v1/error-reports', {
    module: 'CSI', node_name: node, version: '1.28.0', exception: 'TypeError', exception_message: `gui report ${id}`,
    origin_file: 'stage.js', origin_method: 'nodeStageVolume', origin_line: 42, text: `Call backtrace:\n  at nodeStageVolume (stage.js:42:7) ${id}`,
  });
  t.is(filed.status, 201);
  const report = filed.body[0]!.obj_refs.ErrorReport!;
  await page().goto(`${ui}#/error-reports/${report}`);
  await page().getByLabel('Report text').getByText(`stage.js:42:7) ${id}`).waitFor();
  t.deepEqual(await axe(page()), []);
  await gui.screenshot('detail-error-report');
  await page().getByRole('button', { name: 'Delete report' }).click();
  await page().getByRole('dialog', { name: `Delete error report ${report}?` }).getByRole('button', { name: 'Delete report' }).click();
  await page().getByRole('heading', { level: 1, name: 'Error reports' }).waitFor();
  await answered(t);
  const left = await call<unknown[]>(c.ctl, 'GET', `/v1/error-reports/${report}`);
  t.true(left.status === 404 || (Array.isArray(left.body) && left.body.length === 0), JSON.stringify(left.body));
});
