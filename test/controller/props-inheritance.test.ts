import test from 'ava';
import { resolveProp, resolveAll, type PropLevel } from '../../core/props/resolver.js';
import { startController } from '../helpers/controller.js';
import { call, nodeBody, seedStore, suffix } from '../helpers/controller-rest.js';

test('the resolver says which level set a value and which values it overrides', (t) => {
  const levels: PropLevel[] = [
    { level: 'controller', props: { StorPoolName: 'c', 'Aux/only-ctrl': '1' } },
    { level: 'resource-group', props: { StorPoolName: 'g' } },
    { level: 'resource-definition', props: {} },
    { level: 'resource', props: { StorPoolName: 'r' } },
  ];
  const r = resolveProp('StorPoolName', levels)!;
  t.is(r.value, 'r');
  t.is(r.level, 'resource');
  t.deepEqual(r.overridden, [{ value: 'g', level: 'resource-group' }, { value: 'c', level: 'controller' }]);
  t.is(resolveAll(levels).get('Aux/only-ctrl')!.level, 'controller');
  t.is(resolveProp('Nope', levels), undefined);
});

test('StorPoolName is inherited node < resource group < resource definition, as linstor-server resolves it: the pool a volume resolves to cannot be deleted (definitions seeded in the store)', async (t) => {
  const ctl = await startController();
  t.teardown(() => ctl.stop());
  const node = `inh-${suffix()}`;
  t.is((await call(ctl, 'POST', '/v1/nodes', nodeBody(node))).status, 201);
  for (const pool of ['ctrlpool', 'nodepool', 'grppool', 'rdpool']) {
    const r = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: 'FILE', props: { 'StorDriver/FileDir': `/srv/${pool}` } });
    t.is(r.status, 201, r.text);
  }
  t.is((await call(ctl, 'POST', '/v1/resource-groups', { name: 'tier' })).status, 201);
  const rd = (name: string, props: Record<string, string>) => ({ name, resourceGroup: 'tier', props, flags: [], layerStack: ['STORAGE'], uuid: name,
    volumeDefinitions: [{ volumeNumber: 0, sizeKib: 4096, props: {}, flags: [], uuid: `${name}-0` }] });
  const rsc = (name: string) => ({ name, nodeName: node, props: {}, flags: [], layerStack: ['STORAGE'], volumes: {}, createTimestamp: 0, uuid: `${name}-r` });
  await seedStore(ctl, [
    { table: 'resource_definitions', key: 'APP', value: rd('app', {}) },
    { table: 'resource_definitions', key: 'WEB', value: rd('web', { StorPoolName: 'rdpool' }) },
    { table: 'resources', key: `APP/${node.toUpperCase()}`, value: rsc('app') },
    { table: 'resources', key: `WEB/${node.toUpperCase()}`, value: rsc('web') },
  ]);
  const del = (pool: string) => call(ctl, 'DELETE', `/v1/nodes/${node}/storage-pools/${pool}`);

  // LINSTOR does not read StorPoolName from the controller's props: nothing resolves there.
  t.is((await call(ctl, 'POST', '/v1/controller/properties', { override_props: { StorPoolName: 'ctrlpool' } })).status, 201);
  t.is((await del('ctrlpool')).status, 200);

  // Node level only: 'app' resolves to the node's pool.
  t.is((await call(ctl, 'PUT', `/v1/nodes/${node}`, { override_props: { StorPoolName: 'nodepool' } })).status, 200);
  let r = await del('nodepool');
  t.is(r.status, 500);
  t.regex(r.body[0].details, /resource name: 'app'/);
  t.notRegex(r.body[0].details, /'web'/, 'the definition level overrides the node');

  // The resource group overrides the node for 'app'; the definition still wins for 'web'.
  t.is((await call(ctl, 'PUT', '/v1/resource-groups/tier', { override_props: { StorPoolName: 'grppool' } })).status, 200);
  r = await del('grppool');
  t.is(r.status, 500);
  t.regex(r.body[0].details, /resource name: 'app'/);
  t.notRegex(r.body[0].details, /'web'/);
  r = await del('rdpool');
  t.is(r.status, 500);
  t.regex(r.body[0].details, /resource name: 'web'/);
  r = await del('nodepool');
  t.is(r.status, 200, 'nothing resolves to the node pool any more');

  // Removing the group's value falls back to the node's (now deleted) pool name.
  t.is((await call(ctl, 'PUT', '/v1/resource-groups/tier', { delete_props: ['StorPoolName'] })).status, 200);
  t.is((await del('grppool')).status, 200);
});
