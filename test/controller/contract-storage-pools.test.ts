import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, nodeBody, suffix } from '../helpers/controller-rest.js';
import { assertMatchesSchema, assertMatchesSpec } from '../helpers/openapi.js';

let ctl: TestController;
let node: string;
test.before(async () => {
  ctl = await startController();
  node = `c-${suffix()}`;
  await call(ctl, 'POST', '/v1/nodes', nodeBody(node));
});
test.after.always(async () => { await ctl?.stop(); });

test('storage pool definition endpoints answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  const name = `spd_${suffix()}`;
  const spd = '/v1/storage-pool-definitions';
  const one = '/v1/storage-pool-definitions/{storagepool}';
  let r = await call(ctl, 'POST', spd, { storage_pool_name: name, props: { 'Aux/a': 'b' } });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', spd, 201, r.body);
  r = await call(ctl, 'POST', spd, { storage_pool_name: name });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', spd, 500, r.body);
  r = await call(ctl, 'POST', spd, { storage_pool_name: 'x' });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', spd, 500, r.body);
  r = await call(ctl, 'GET', spd);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', spd, 200, r.body);
  r = await call(ctl, 'GET', `${spd}/${name}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', one, 200, r.body);
  r = await call(ctl, 'GET', `${spd}/nosuch`);
  t.is(r.status, 404); assertMatchesSpec(t, 'GET', one, 404, r.body);
  r = await call(ctl, 'PUT', `${spd}/${name}`, { override_props: { 'Aux/c': 'd' } });
  t.is(r.status, 200); assertMatchesSpec(t, 'PUT', one, 200, r.body);
  r = await call(ctl, 'GET', `${spd}/properties/info`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', `${spd}/properties/info`, 200, r.body);
  r = await call(ctl, 'DELETE', `${spd}/${name}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', one, 200, r.body);
  r = await call(ctl, 'POST', spd, '{"storage_pool_name": ');
  t.is(r.status, 400); assertMatchesSpec(t, 'POST', spd, 400, r.body);
});

test('storage pool endpoints of a node answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  const pool = `sp_${suffix()}`;
  const list = '/v1/nodes/{node}/storage-pools';
  const one = '/v1/nodes/{node}/storage-pools/{storagepool}';
  const base = `/v1/nodes/${node}/storage-pools`;
  let r = await call(ctl, 'POST', base, { storage_pool_name: pool, provider_kind: 'LVM_THIN', props: { 'StorDriver/StorPoolName': 'vg/thin' } });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', list, 201, r.body);
  r = await call(ctl, 'POST', base, { storage_pool_name: `f_${suffix()}`, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/srv/pool' } });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', list, 201, r.body);
  r = await call(ctl, 'POST', base, { storage_pool_name: pool, provider_kind: 'ZFS' });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', list, 500, r.body);
  r = await call(ctl, 'POST', '/v1/nodes/nonode/storage-pools', { storage_pool_name: 'abc', provider_kind: 'DISKLESS' });
  t.is(r.status, 404); assertMatchesSpec(t, 'POST', list, 404, r.body);
  r = await call(ctl, 'GET', base);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', list, 200, r.body);
  t.true(r.body.length >= 3);
  r = await call(ctl, 'GET', `${base}/${pool}`);
  t.is(r.status, 200); assertMatchesSchema(t, 'StoragePool', r.body);
  r = await call(ctl, 'GET', `${base}/nopool`);
  t.is(r.status, 404); assertMatchesSpec(t, 'GET', list, 404, r.body);
  r = await call(ctl, 'PUT', `${base}/${pool}`, { override_props: { 'Aux/x': 'y' } });
  t.is(r.status, 200); assertMatchesSpec(t, 'PUT', one, 200, r.body);
  r = await call(ctl, 'GET', `${base}/properties/info`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/nodes/{node}/storage-pools/properties/info', 200, r.body);
  r = await call(ctl, 'GET', '/v1/view/storage-pools?limit=2');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/view/storage-pools', 200, r.body);
  t.is(r.body.length, 2);
  r = await call(ctl, 'GET', '/v1/stats/storage-pools');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/stats/storage-pools', 200, r.body);
  r = await call(ctl, 'DELETE', `${base}/${pool}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', one, 200, r.body);
  r = await call(ctl, 'DELETE', `${base}/${pool}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', one, 200, r.body);
});

test('the node properties catalogue matches the spec', async (t) => {
  const r = await call(ctl, 'GET', '/v1/nodes/properties/info');
  t.is(r.status, 200);
  assertMatchesSpec(t, 'GET', '/v1/nodes/properties/info', 200, r.body);
  t.truthy(r.body.AutoplaceTarget);
});
