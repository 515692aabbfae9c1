import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, suffix } from '../helpers/controller-rest.js';
import { assertMatchesSchema, assertMatchesSpec } from '../helpers/openapi.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('resource group endpoints answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  const rg = `rg_${suffix()}`;
  const list = '/v1/resource-groups';
  const one = '/v1/resource-groups/{resource_group}';
  let r = await call(ctl, 'POST', list, {
    name: rg, description: 'd', props: { 'Aux/a': 'b' }, peer_slots: 4,
    select_filter: { place_count: 2, additional_place_count: 0, node_name_list: ['n1'], storage_pool_list: ['DfltStorPool'], storage_pool_diskless_list: ['DfltDisklessStorPool'],
      not_place_with_rsc: ['other'], not_place_with_rsc_regex: 'tmp.*', replicas_on_same: ['Aux/rack'], replicas_on_different: ['Aux/site'],
      x_replicas_on_different_map: { 'Aux/zone': 1 }, layer_stack: ['DRBD', 'STORAGE'], provider_list: ['LVM'], diskless_on_remaining: true, diskless_type: 'DRBD', overprovision: 2.5, port_count: 1 },
  });
  t.is(r.status, 201, r.text); assertMatchesSpec(t, 'POST', list, 201, r.body);
  r = await call(ctl, 'POST', list, { name: rg });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', list, 500, r.body);
  r = await call(ctl, 'POST', list, { name: `x_${suffix()}`, select_filter: { place_count: 'two' } });
  t.is(r.status, 400); assertMatchesSpec(t, 'POST', list, 400, r.body);
  r = await call(ctl, 'GET', list);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', list, 200, r.body);
  r = await call(ctl, 'GET', `${list}/${rg}`);
  t.is(r.status, 200); assertMatchesSchema(t, 'ResourceGroup', r.body);
  t.is(r.body.select_filter.overprovision, 2.5);
  r = await call(ctl, 'GET', `${list}/nosuch`);
  t.is(r.status, 404); assertMatchesSpec(t, 'PUT', one, 404, r.body);
  r = await call(ctl, 'PUT', `${list}/${rg}`, { description: 'e', select_filter: { place_count: 3 }, delete_props: ['Aux/a'] });
  t.is(r.status, 200); assertMatchesSpec(t, 'PUT', one, 200, r.body);
  r = await call(ctl, 'PUT', `${list}/nosuch`, { description: 'e' });
  t.is(r.status, 404); assertMatchesSpec(t, 'PUT', one, 404, r.body);
  r = await call(ctl, 'GET', `${list}/properties/info`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', `${list}/properties/info`, 200, r.body);
  r = await call(ctl, 'GET', '/v1/stats/resource-groups');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/stats/resource-groups', 200, r.body);

  const vgs = '/v1/resource-groups/{resource_group}/volume-groups';
  const vg = '/v1/resource-groups/{resource_group}/volume-groups/{volume_number}';
  r = await call(ctl, 'POST', `${list}/${rg}/volume-groups`, { props: { 'Aux/v': '1' }, flags: ['GROSS_SIZE'] });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', vgs, 201, r.body);
  r = await call(ctl, 'POST', `${list}/${rg}/volume-groups`, { volume_number: 0 });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', vgs, 500, r.body);
  r = await call(ctl, 'GET', `${list}/${rg}/volume-groups`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', vgs, 200, r.body);
  r = await call(ctl, 'GET', `${list}/${rg}/volume-groups/0`);
  t.is(r.status, 200); assertMatchesSchema(t, 'VolumeGroup', r.body);
  r = await call(ctl, 'PUT', `${list}/${rg}/volume-groups/0`, { override_props: { 'Aux/w': '2' } });
  t.is(r.status, 200); assertMatchesSpec(t, 'PUT', vg, 200, r.body);
  r = await call(ctl, 'GET', `${list}/${rg}/volume-groups/properties/info`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', `${vgs}/properties/info`, 200, r.body);
  r = await call(ctl, 'DELETE', `${list}/${rg}/volume-groups/0`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', vg, 200, r.body);
  r = await call(ctl, 'DELETE', `${list}/${rg}/volume-groups/0`);
  t.is(r.status, 404); assertMatchesSpec(t, 'DELETE', vg, 404, r.body);

  r = await call(ctl, 'DELETE', `${list}/${rg}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', one, 200, r.body);
  r = await call(ctl, 'DELETE', `${list}/DfltRscGrp`);
  t.is(r.status, 500); assertMatchesSpec(t, 'DELETE', one, 500, r.body);
});
