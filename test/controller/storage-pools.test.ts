import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, nodeBody, seedStore, suffix } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

async function newNode(c: TestController = ctl): Promise<string> {
  const name = `sp-${suffix()}`;
  const r = await call(c, 'POST', '/v1/nodes', nodeBody(name));
  if (r.status !== 201) throw new Error(r.text);
  return name;
}

test('a new satellite gets DfltDisklessStorPool, reporting the diskless capacity LINSTOR reports', async (t) => {
  const node = await newNode();
  const r = await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools`);
  t.is(r.status, 200);
  const pool = r.body.find((p: any) => p.storage_pool_name === 'DfltDisklessStorPool');
  t.truthy(pool);
  t.is(pool.provider_kind, 'DISKLESS');
  t.is(pool.node_name, node);
  // 2^63-1 does not fit a double: check the exact digits on the wire.
  t.regex(r.text, /"free_capacity":9223372036854775807/);
  t.regex(r.text, /"total_capacity":9223372036854775807/);
  t.is(pool.free_space_mgr_name, `${node};DfltDisklessStorPool`);
  t.false(pool.external_locking);
});

test('an LVM pool without a volume group is refused with a correction; with one it is created and its definition appears', async (t) => {
  const node = await newNode();
  const pool = `lvm_${suffix()}`;
  const bad = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: 'LVM' });
  t.is(bad.status, 500);
  t.regex(bad.body[0].message, /needs the property 'StorDriver\/StorPoolName'/);
  t.truthy(bad.body[0].correction);
  t.is((await call(ctl, 'GET', `/v1/storage-pool-definitions/${pool}`)).status, 404, 'nothing stored');

  const ok = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } });
  t.is(ok.status, 201, ok.text);
  t.is(ok.body[0].message, `New storage pool '${pool}' on node '${node}' registered.`);
  t.deepEqual(ok.body[0].obj_refs, { Node: node, StorPoolDfn: pool });
  const got = await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools/${pool.toUpperCase()}`);
  t.is(got.status, 200);
  t.is(got.body.storage_pool_name, pool);
  t.deepEqual(got.body.static_traits, { Provisioning: 'Fat', SupportsSnapshots: 'false' });
  t.is((await call(ctl, 'GET', `/v1/storage-pool-definitions/${pool}`)).status, 200, 'definition auto-created');
  const dup = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } });
  t.is(dup.status, 500);
  t.regex(dup.body[0].message, /already exists/);
});

test('each provider kind checks its own driver property', async (t) => {
  const node = await newNode();
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['LVM_THIN', { 'StorDriver/StorPoolName': 'vg0' }, false],
    ['LVM_THIN', { 'StorDriver/StorPoolName': 'vg0/thin' }, true],
    ['ZFS', { 'StorDriver/StorPoolName': 'tank/sub' }, true],
    ['ZFS_THIN', { 'StorDriver/StorPoolName': '-o evil' }, false],
    ['FILE', { 'StorDriver/FileDir': 'relative/dir' }, false],
    ['FILE', { 'StorDriver/FileDir': '/var/lib/../etc' }, false],
    ['FILE_THIN', { 'StorDriver/FileDir': '/var/lib/linstor-pools/x' }, true],
    ['DISKLESS', {}, true],
  ];
  for (const [kind, props, ok] of cases) {
    const pool = `p_${suffix()}`;
    const r = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: kind, props });
    t.is(r.status, ok ? 201 : 500, `${kind} ${JSON.stringify(props)}: ${r.text}`);
    if (!ok) t.truthy(r.body[0].correction);
  }
  const thin = await call(ctl, 'GET', `/v1/view/storage-pools?nodes=${node}&storage_pools=${''}`);
  t.true(thin.body.some((p: any) => p.provider_kind === 'LVM_THIN' && p.static_traits.Provisioning === 'Thin'));
  t.true(thin.body.some((p: any) => p.provider_kind === 'ZFS' && p.supports_snapshots === true));
});

test('an unknown provider kind and a hostile pool name are refused and nothing is stored', async (t) => {
  const node = await newNode();
  const kind = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'pool1', provider_kind: 'CEPH' });
  t.is(kind.status, 500);
  t.regex(kind.body[0].correction, /DISKLESS, LVM/);
  for (const name of ['p;rm -rf /', '$(id)', 'pööl', 'x'.repeat(49), '', 'ab']) {
    const r = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: name, provider_kind: 'DISKLESS' });
    t.is(r.status, 500, name);
    t.truthy(r.body[0].correction, name);
  }
  const list = await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools`);
  t.deepEqual(list.body.map((p: any) => p.storage_pool_name), ['DfltDisklessStorPool']);
  const hostileProp = await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'lvmx', provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0; reboot' } });
  t.is(hostileProp.status, 500);
  t.is((await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools/lvmx`)).status, 404);
});

test('modifying a pool changes its props but cannot remove the driver property it needs', async (t) => {
  const node = await newNode();
  const pool = `m_${suffix()}`;
  await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: pool, provider_kind: 'ZFS', props: { 'StorDriver/StorPoolName': 'tank' } });
  const mod = await call(ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${pool}`, { override_props: { 'Aux/rack': '7' } });
  t.is(mod.status, 200);
  t.is(mod.body[0].message, `Storage pool '${pool}' on node '${node}' modified.`);
  const bad = await call(ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${pool}`, { delete_props: ['StorDriver/StorPoolName'] });
  t.is(bad.status, 500);
  const got = await call(ctl, 'GET', `/v1/nodes/${node}/storage-pools/${pool}`);
  t.deepEqual(got.body.props, { 'StorDriver/StorPoolName': 'tank', 'Aux/rack': '7' });
});

test('storage pool definitions: create, modify, list with paging, refuse delete while pools exist', async (t) => {
  const name = `d_${suffix()}`;
  const c = await call(ctl, 'POST', '/v1/storage-pool-definitions', { storage_pool_name: name, props: { MaxOversubscriptionRatio: '5' } });
  t.is(c.status, 201);
  t.is(c.body[0].message, `New storage pool definition '${name}' registered.`);
  t.is((await call(ctl, 'POST', '/v1/storage-pool-definitions', { storage_pool_name: name.toUpperCase() })).status, 500, 'names are case-insensitive');
  const m = await call(ctl, 'PUT', `/v1/storage-pool-definitions/${name}`, { override_props: { 'Aux/x': 'y' }, delete_props: ['Aux/none'] });
  t.is(m.status, 200);
  t.true(m.body.some((e: any) => /Could not delete property 'Aux\/none'/.test(e.message)));
  const one = await call(ctl, 'GET', '/v1/storage-pool-definitions?limit=1&offset=1');
  t.is(one.body.length, 1);
  const node = await newNode();
  await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: name, provider_kind: 'DISKLESS' });
  const inUse = await call(ctl, 'DELETE', `/v1/storage-pool-definitions/${name}`);
  t.is(inUse.status, 500);
  t.regex(inUse.body[0].message, /still has storage pools/);
  t.is((await call(ctl, 'DELETE', `/v1/nodes/${node}/storage-pools/${name}`)).status, 200);
  const del = await call(ctl, 'DELETE', `/v1/storage-pool-definitions/${name}`);
  t.is(del.status, 200);
  t.is((await call(ctl, 'GET', `/v1/storage-pool-definitions/${name}`)).status, 404);
});

test('the cluster-wide storage pool view filters by node, pool name and property, and pages', async (t) => {
  const a = await newNode();
  const b = await newNode();
  const pool = `v_${suffix()}`;
  for (const n of [a, b]) await call(ctl, 'POST', `/v1/nodes/${n}/storage-pools`, { storage_pool_name: pool, provider_kind: 'FILE', props: { 'StorDriver/FileDir': `/srv/${n}`, 'Aux/owner': n } });
  const byPool = await call(ctl, 'GET', `/v1/view/storage-pools?storage_pools=${pool}`);
  t.deepEqual(byPool.body.map((p: any) => p.node_name).sort(), [a, b].sort());
  const byNode = await call(ctl, 'GET', `/v1/view/storage-pools?nodes=${a}&nodes=${b}&storage_pools=${pool}&limit=1`);
  t.is(byNode.body.length, 1);
  const byProp = await call(ctl, 'GET', `/v1/view/storage-pools?props=Aux/owner=${b}`);
  t.deepEqual(byProp.body.map((p: any) => p.node_name), [b]);
  t.is((await call(ctl, 'GET', '/v1/nodes/nope-node/storage-pools')).status, 404);
  t.is((await call(ctl, 'GET', `/v1/nodes/${a}/storage-pools/nopool`)).status, 404);
});

test('deleting a pool that does not exist on the node is a warning, as in LINSTOR', async (t) => {
  const node = await newNode();
  const r = await call(ctl, 'DELETE', `/v1/nodes/${node}/storage-pools/DfltStorPool`);
  t.is(r.status, 200);
  t.regex(r.body[0].message, /had no effect/);
  t.is((await call(ctl, 'DELETE', `/v1/nodes/${node}/storage-pools/NoSuchDfn`)).status, 404);
});

test('a pool is not deleted while a resource volume resolves to it (resources seeded in the store)', async (t) => {
  const c = await startController();
  t.teardown(() => c.stop());
  const node = await newNode(c);
  await call(c, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'fast', provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } });
  await call(c, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'slow', provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg1' } });
  const rd = { name: 'web', resourceGroup: 'DfltRscGrp', props: { StorPoolName: 'slow' }, flags: [], layerStack: ['STORAGE'], uuid: 'u1',
    volumeDefinitions: [{ volumeNumber: 0, sizeKib: 1024, props: {}, flags: [], uuid: 'u2' }, { volumeNumber: 1, sizeKib: 1024, props: { StorPoolName: 'fast' }, flags: [], uuid: 'u3' }] };
  const rsc = { name: 'web', nodeName: node, props: {}, flags: [], layerStack: ['STORAGE'], volumes: {}, createTimestamp: Date.now(), uuid: 'u4' };
  await seedStore(c, [
    { table: 'resource_definitions', key: 'WEB', value: rd },
    { table: 'resources', key: `WEB/${node.toUpperCase()}`, value: rsc },
  ]);
  for (const pool of ['fast', 'slow']) {
    const r = await call(c, 'DELETE', `/v1/nodes/${node}/storage-pools/${pool}`);
    t.is(r.status, 500, pool);
    t.is(r.body[0].message, `The specified storage pool '${pool}' on node '${node}' can not be deleted as volumes are still using it.`);
    t.regex(r.body[0].details, /resource name: 'web', volume number: \d/);
    t.is(r.body[0].correction, 'Delete the listed volume first.');
  }
  t.is((await call(c, 'GET', `/v1/nodes/${node}/storage-pools/fast`)).status, 200, 'still there');
});
