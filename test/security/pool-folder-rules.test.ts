/**
 * Issue items 1 and 2 at the REST edge (real controller process, SQLite): StorDriver/FileDir
 * must be an absolute, normalised folder outside the system's trees at every level it can be
 * set, and no two FILE pools of a node may share or nest folders, at creation or by a later
 * property change. Nodes stay OFFLINE (no satellite needed for these refusals).
 */
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, nodeBody, suffix } from '../helpers/controller-rest.js';

const BAD_DIRS = ['/', '/etc', '/etc/linstor-pool', '/proc', '/proc/self', '/dev', '/dev/shm/x', '/sys/x', '/usr/lib/x', '/var',
  'relative/dir', './pool', '/tmp/../etc', '/srv/a/../../etc', '/srv/pool\nx', '/srv/pool\u0000', '', '/srv/pool/', '/srv//pool', '/srv/pool x'];

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

const isError = (body: unknown): boolean => Array.isArray(body) && body.length > 0
  && body.every((e: { ret_code: number; message?: string }) => e.ret_code < 0 && typeof e.message === 'string' && e.message.length > 0);

async function newNode(): Promise<string> {
  const name = `sec-${suffix()}`;
  const r = await call(ctl, 'POST', '/v1/nodes', nodeBody(name));
  if (r.status !== 201) throw new Error(`node create failed: ${r.text}`);
  return name;
}

function poolBody(name: string, dir: string, kind = 'FILE_THIN'): Record<string, unknown> {
  return { storage_pool_name: name, provider_kind: kind, props: { 'StorDriver/FileDir': dir } };
}

test('StorDriver/FileDir refuses system trees, relative paths, "..", newlines and empty values at pool creation', async (t) => {
  const node = await newNode();
  for (const dir of BAD_DIRS) {
    const r = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(`sp${suffix()}`, dir));
    t.true(r.status >= 400 && r.status < 600 && isError(r.body), `${JSON.stringify(dir)} → ${r.status} ${r.text}`);
    t.false(JSON.stringify(r.body).includes('error_report_ids'), `${JSON.stringify(dir)} is a validation error, not a crash`);
  }
  // python-linstor names the folder in StorPoolName: the same rule applies.
  const viaName = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'spname', provider_kind: 'FILE', props: { 'StorDriver/StorPoolName': '/etc' } });
  t.true(isError(viaName.body), viaName.text);
  const pools = await call<Array<unknown>>(ctl, 'GET', `/v1/nodes/${node}/storage-pools`);
  t.deepEqual(pools.body.filter((p: any) => p.provider_kind !== 'DISKLESS'), [], 'no pool was stored');
  const ok = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody('good', '/var/lib/linstor-pools/good'));
  t.is(ok.status, 201, ok.text);
});

test('StorDriver/FileDir is refused on property change at pool, pool definition, node and controller level', async (t) => {
  const node = await newNode();
  const pool = `sp${suffix()}`;
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(pool, `/srv/${pool}`))).status, 201);
  const targets = [
    ['PUT', `/v1/nodes/${node}/storage-pools/${pool}`],
    ['PUT', `/v1/storage-pool-definitions/${pool}`],
    ['PUT', `/v1/nodes/${node}`],
    ['POST', '/v1/controller/properties'],
  ] as const;
  for (const [method, path] of targets) {
    for (const dir of ['/etc', 'rel', '/srv/a/../../proc', '/srv/x\n']) {
      const r = await call(ctl, method, path, { override_props: { 'StorDriver/FileDir': dir } });
      t.true(isError(r.body), `${method} ${path} ${JSON.stringify(dir)} → ${r.status} ${r.text}`);
    }
  }
  const sp = await call<any>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/${pool}`);
  t.is(sp.body.props['StorDriver/FileDir'], `/srv/${pool}`);
  const ctrlProps = await call<Record<string, string>>(ctl, 'GET', '/v1/controller/properties');
  t.false('StorDriver/FileDir' in ctrlProps.body);
});

test('two FILE pools of one node may not share or nest folders, at creation or by a property change', async (t) => {
  const node = await newNode();
  const a = `a${suffix()}`;
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(a, `/srv/pools/${a}`))).status, 201);
  for (const dir of [`/srv/pools/${a}`, `/srv/pools/${a}/inner`, '/srv/pools', '/srv']) {
    const r = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(`b${suffix()}`, dir, 'FILE'));
    t.true(isError(r.body), `${dir} → ${r.text}`);
    t.regex((r.body as Array<{ message: string }>)[0]!.message, /would share a folder|shared by the whole system/);
  }
  const b = `b${suffix()}`;
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(b, `/srv/pools/${b}`))).status, 201, 'a sibling folder is fine');
  const moved = await call(ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${b}`, { override_props: { 'StorDriver/FileDir': `/srv/pools/${a}/sub` } });
  t.true(isError(moved.body), moved.text);
  const spB = await call<any>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/${b}`);
  t.is(spB.body.props['StorDriver/FileDir'], `/srv/pools/${b}`, 'the refused change stored nothing');

  // Two pools without a folder of their own, inheriting the node's: one folder for both.
  const c = `c${suffix()}`;
  const d = `d${suffix()}`;
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(c, `/srv/pools/${c}`))).status, 201);
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, poolBody(d, `/srv/pools/${d}`))).status, 201);
  t.is((await call(ctl, 'PUT', `/v1/nodes/${node}`, { override_props: { 'StorDriver/FileDir': '/srv/shared' } })).status, 200);
  const dropC = await call(ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${c}`, { delete_props: ['StorDriver/FileDir'] });
  t.is(dropC.status, 200, 'one pool may inherit the node folder');
  const dropD = await call(ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${d}`, { delete_props: ['StorDriver/FileDir'] });
  t.true(isError(dropD.body), `the second may not: ${dropD.text}`);
  // Another node may use the same path: it is another host.
  const other = await newNode();
  t.is((await call(ctl, 'POST', `/v1/nodes/${other}/storage-pools`, poolBody(a, `/srv/pools/${a}`))).status, 201);
});
