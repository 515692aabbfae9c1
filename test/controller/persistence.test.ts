import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, nodeBody, suffix } from '../helpers/controller-rest.js';

/** Everything this family of routes stores, as the API shows it (reports carry timestamps, so they are left out). */
async function snapshot(ctl: TestController, node: string): Promise<unknown> {
  const strip = (pools: any[]) => pools.map(({ reports: _r, ...p }) => p);
  return {
    ctrl: (await call(ctl, 'GET', '/v1/controller/properties')).body,
    spd: (await call(ctl, 'GET', '/v1/storage-pool-definitions')).body,
    pools: strip((await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools`)).body),
    rgs: (await call(ctl, 'GET', '/v1/resource-groups')).body,
    vgs: (await call(ctl, 'GET', '/v1/resource-groups/persisted/volume-groups')).body,
    kvs: (await call(ctl, 'GET', '/v1/key-value-store')).body,
  };
}

async function populate(ctl: TestController): Promise<string> {
  const node = `p-${suffix()}`;
  const ok = (r: { status: number; text: string }) => { if (r.status >= 300) throw new Error(r.text); };
  ok(await call(ctl, 'POST', '/v1/nodes', nodeBody(node)));
  ok(await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'thin1', provider_kind: 'LVM_THIN', props: { 'StorDriver/StorPoolName': 'vg0/thin' } }));
  ok(await call(ctl, 'PUT', '/v1/storage-pool-definitions/thin1', { override_props: { MaxOversubscriptionRatio: '3' } }));
  ok(await call(ctl, 'POST', '/v1/resource-groups', { name: 'persisted', description: 'survives', props: { 'Aux/a': 'b' }, select_filter: { place_count: 3, storage_pool_list: ['thin1'] } }));
  ok(await call(ctl, 'POST', '/v1/resource-groups/persisted/volume-groups', { flags: ['GROSS_SIZE'] }));
  ok(await call(ctl, 'PUT', '/v1/key-value-store/appdata', { override_props: { 'x/y': 'z' } }));
  ok(await call(ctl, 'POST', '/v1/controller/properties', { override_props: { 'Aux/cluster': 'blue' } }));
  return node;
}

test('pools, groups, key-value stores and controller properties survive a controller restart', async (t) => {
  const ctl = await startController();
  t.teardown(() => ctl.stop());
  const node = await populate(ctl);
  const before = await snapshot(ctl, node);
  await ctl.restart();
  t.deepEqual(await snapshot(ctl, node), before);
  t.is((await call(ctl, 'GET', '/v1/resource-groups/persisted')).body.select_filter.place_count, 3);
});

test('every answered change is already on disk when the controller is killed hard', async (t) => {
  const ctl = await startController();
  t.teardown(() => ctl.stop());
  const node = await populate(ctl);
  const before = await snapshot(ctl, node);
  await ctl.kill(true);
  await ctl.restart();
  t.deepEqual(await snapshot(ctl, node), before);
});

test('a refused change leaves nothing behind after a restart, and the defaults are not duplicated', async (t) => {
  const ctl = await startController();
  t.teardown(() => ctl.stop());
  const bad = await call(ctl, 'POST', '/v1/resource-groups', { name: 'half', select_filter: { layer_stack: ['NOPE'] } });
  t.is(bad.status, 500);
  await ctl.restart();
  t.is((await call(ctl, 'GET', '/v1/resource-groups/half')).status, 404);
  const rgs = (await call(ctl, 'GET', '/v1/resource-groups')).body;
  t.is(rgs.filter((g: any) => g.name === 'DfltRscGrp').length, 1);
  const spds = (await call(ctl, 'GET', '/v1/storage-pool-definitions')).body.map((d: any) => d.storage_pool_name);
  t.deepEqual(spds.filter((n: string) => n.startsWith('Dflt')).sort(), ['DfltDisklessStorPool', 'DfltStorPool']);
});
