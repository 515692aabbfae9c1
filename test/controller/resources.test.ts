import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { assertMatchesSchema, assertMatchesSpec } from '../helpers/openapi.js';

// No satellites run here: nodes stay OFFLINE, so replies carry LINSTOR's WARN_NOT_CONNECTED.
let ctl: TestController;
const NODES = ['rn1', 'rn2', 'rn3'];
test.before(async () => {
  ctl = await startController();
  for (const n of NODES) {
    await call('POST', '/v1/nodes', { name: n, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: 1 }, { name: 'data', address: '127.0.0.2', satellite_port: 1 }] });
    await call('POST', `/v1/nodes/${n}/storage-pools`, { storage_pool_name: 'fast', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/tmp/unused' } });
  }
});
test.after.always(async () => { await ctl?.stop(); });

type Rc = { ret_code: number; message: string; details?: string; correction?: string; obj_refs?: Record<string, string> };
type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${ctl.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, text };
}
const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 8)}`;
async function rdWithVolume(sizeKib = 10240): Promise<string> {
  const name = uniq('r');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: sizeKib } });
  return name;
}

test('a resource created on a named pool is registered, warned as not connected, and listed with its volume', async (t) => {
  const name = await rdWithVolume();
  const r = await call('POST', `/v1/resource-definitions/${name}/resources`, [{ resource: { node_name: 'rn1', props: { StorPoolName: 'fast' } } }]);
  t.is(r.status, 201);
  const msgs = (r.body as Rc[]).map((e) => e.message);
  t.is(msgs[0], `New resource '${name}' on node 'rn1' registered.`);
  t.is(msgs[1], `Volume with number '0' on resource '${name}' on node 'rn1' successfully registered`);
  const warn = (r.body as Rc[]).find((e) => /No active connection/.test(e.message))!;
  t.truthy(warn, JSON.stringify(r.body));
  t.is(warn.message, "No active connection to satellite 'rn1'");
  // WARN_NOT_CONNECTED: MASK_WARN | MASK_RSC | MASK_CRT | 1002, exact as int64 on the wire.
  t.regex(r.text, /"ret_code":-9223372036834589718,"message":"No active connection/);
  const got = await call('GET', `/v1/resource-definitions/${name}/resources/RN1`);
  t.is(got.status, 200);
  t.is(got.body.node_name, 'rn1');
  t.deepEqual(got.body.props, { StorPoolName: 'fast' });
  t.is(got.body.layer_object.type, 'DRBD');
  t.is(got.body.layer_object.resource_name_suffix, '');
  t.is(got.body.layer_object.drbd.node_id, 0);
  t.is(got.body.layer_object.children[0].type, 'STORAGE');
  t.deepEqual(got.body.effective_props.StorPoolName, { type: 'resource', value: 'fast' });
  t.is(typeof got.body.create_timestamp, 'number');
  // Nothing reported yet: in_use reads false (the real client's `resource involved` needs the field).
  t.deepEqual(got.body.state, { in_use: false });
  const vols = await call('GET', `/v1/resource-definitions/${name}/resources/rn1/volumes`);
  t.is(vols.body.length, 1);
  const v = vols.body[0];
  t.is(v.storage_pool_name, 'fast');
  t.is(v.provider_kind, 'FILE_THIN');
  t.regex(v.device_path, /^\/dev\/drbd\d+$/);
  t.false('allocated_size_kib' in v);
  t.false('disk_state' in (v.state ?? {}));
  t.deepEqual(v.layer_data_list.map((l: Json) => l.type), ['DRBD', 'STORAGE']);
  const one = await call('GET', `/v1/resource-definitions/${name}/resources/rn1/volumes/0`);
  t.is(one.body.uuid, v.uuid);
});

test('a resource on a node or pool that does not exist is 404 naming them, and nothing is created', async (t) => {
  const name = await rdWithVolume();
  const noNode = await call('POST', `/v1/resource-definitions/${name}/resources/ghost`, { resource: {} });
  t.is(noNode.status, 404);
  t.is((noNode.body as Rc[])[0]!.message, "Node 'ghost' not found.");
  const noPool = await call('POST', `/v1/resource-definitions/${name}/resources`, [
    { resource: { node_name: 'rn1', props: { StorPoolName: 'fast' } } },
    { resource: { node_name: 'rn2', props: { StorPoolName: 'slow' } } },
  ]);
  t.is(noPool.status, 404);
  const rc = (noPool.body as Rc[])[0]!;
  t.is(rc.message, `The storage pool 'slow' for resource '${name}' for volume number '0' is not deployed on node 'rn2'.`);
  t.deepEqual(rc.obj_refs, { RscDfn: name, Node: 'rn2', StorPool: 'slow' });
  const dflt = await call('POST', `/v1/resource-definitions/${name}/resources/rn3`, { resource: {} });
  t.is(dflt.status, 404);
  t.regex((dflt.body as Rc[])[0]!.message, /default storage pool 'DfltStorPool'/);
  t.deepEqual((await call('GET', `/v1/resource-definitions/${name}/resources`)).body, []);
  t.is((await call('POST', '/v1/resource-definitions/nosuch/resources/rn1', { resource: {} })).status, 404);
});

test('the storage pool comes from the definition or its group when the resource names none', async (t) => {
  const name = uniq('inh');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name, props: { StorPoolName: 'fast' } } });
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const r = await call('POST', `/v1/resource-definitions/${name}/resources/rn2`, { resource: {} });
  t.is(r.status, 201);
  const v = (await call('GET', `/v1/resource-definitions/${name}/resources/rn2/volumes/0`)).body;
  t.is(v.storage_pool_name, 'fast');
});

test('diskless resources use DfltDisklessStorPool, and each resource gets its own DRBD node id', async (t) => {
  const name = await rdWithVolume();
  await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: { props: { StorPoolName: 'fast' } } });
  await call('POST', `/v1/resource-definitions/${name}/resources/rn2`, { resource: { props: { StorPoolName: 'fast' } }, drbd_node_id: 5 });
  const dl = await call('POST', `/v1/resource-definitions/${name}/resources/rn3`, { resource: { flags: ['DRBD_DISKLESS'] } });
  t.is(dl.status, 201);
  const list = (await call('GET', `/v1/resource-definitions/${name}/resources`)).body as Json[];
  t.deepEqual(list.map((x) => x.layer_object.drbd.node_id).sort(), [0, 1, 5]);
  const diskless = list.find((x) => x.node_name === 'rn3')!;
  t.deepEqual(diskless.flags, ['DISKLESS', 'DRBD_DISKLESS']);
  const v = (await call('GET', `/v1/resource-definitions/${name}/resources/rn3/volumes/0`)).body;
  t.is(v.storage_pool_name, 'DfltDisklessStorPool');
  t.is(v.provider_kind, 'DISKLESS');
  const dup = await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: {} });
  t.is(dup.status, 500);
  t.is((dup.body as Rc[])[0]!.message, `A resource with the name '${name}' already exists on node 'rn1'.`);
  const sameId = await call('POST', `/v1/resource-definitions/${name}/resources`, []);
  t.is(sameId.status, 201);
});

test('modify, tie-breaker, deactivate and activate change what the resource shows', async (t) => {
  const name = await rdWithVolume();
  await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: { props: { StorPoolName: 'fast' } } });
  await call('POST', `/v1/resource-definitions/${name}/resources/rn2`, { resource: { flags: ['DISKLESS'] } });
  const m = await call('PUT', `/v1/resource-definitions/${name}/resources/rn1`, { override_props: { 'Aux/role': 'db' } });
  t.is(m.status, 200);
  t.is((m.body as Rc[])[0]!.message, `Resource '${name}' on node 'rn1' modified.`);
  t.is((await call('GET', `/v1/resource-definitions/${name}/resources/rn1`)).body.props['Aux/role'], 'db');
  t.is((await call('PUT', `/v1/resource-definitions/${name}/resources/rn1`, { drbd_tiebreaker: true })).status, 500);
  t.is((await call('PUT', `/v1/resource-definitions/${name}/resources/rn2`, { drbd_tiebreaker: true })).status, 200);
  t.true((await call('GET', `/v1/resource-definitions/${name}/resources/rn2`)).body.flags.includes('TIE_BREAKER'));
  t.is((await call('POST', `/v1/resource-definitions/${name}/resources/rn1/deactivate`)).status, 200);
  t.true((await call('GET', `/v1/resource-definitions/${name}/resources/rn1`)).body.flags.includes('INACTIVE'));
  t.is((await call('POST', `/v1/resource-definitions/${name}/resources/rn1/activate`)).status, 200);
  t.false('flags' in (await call('GET', `/v1/resource-definitions/${name}/resources/rn1`)).body);
  const vm = await call('PUT', `/v1/resource-definitions/${name}/resources/rn1/volumes/0`, { override_props: { 'Aux/v': '1' } });
  t.is(vm.status, 200);
  t.deepEqual((await call('GET', `/v1/resource-definitions/${name}/resources/rn1/volumes/0`)).body.props, { 'Aux/v': '1' });
  t.is((await call('PUT', `/v1/resource-definitions/${name}/resources/rn9/volumes/0`, { override_props: {} })).status, 404);
});

test('make-available creates a diskless resource where none exists and does nothing where one does', async (t) => {
  const name = await rdWithVolume();
  await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: { props: { StorPoolName: 'fast' } } });
  const noop = await call('POST', `/v1/resource-definitions/${name}/resources/rn1/make-available`, { diskful: false });
  t.is(noop.status, 200);
  t.regex((noop.body as Rc[])[0]!.message, /already exists/);
  const made = await call('POST', `/v1/resource-definitions/${name}/resources/rn2/make-available`, {});
  t.is(made.status, 200);
  t.deepEqual((await call('GET', `/v1/resource-definitions/${name}/resources/rn2`)).body.flags, ['DISKLESS', 'DRBD_DISKLESS']);
  await call('PUT', `/v1/nodes/rn2/storage-pools/fast`, { override_props: {} });
  // No StorPoolName anywhere: as linstor-server, the pool its diskful peer (rn1) uses, which rn2 has too.
  const toggled = await call('POST', `/v1/resource-definitions/${name}/resources/rn2/make-available`, { diskful: true, layer_list: ['DRBD', 'STORAGE'] });
  t.is(toggled.status, 200);
  const after = (await call('GET', `/v1/resource-definitions/${name}/resources/rn2`)).body;
  t.false('flags' in after);
  t.is((await call('GET', `/v1/resource-definitions/${name}/resources/rn2/volumes/0`)).body.storage_pool_name, 'fast');
});

test('deleting a resource removes it; deleting the definition takes its resources with it', async (t) => {
  const name = await rdWithVolume();
  await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: { props: { StorPoolName: 'fast' } } });
  await call('POST', `/v1/resource-definitions/${name}/resources/rn2`, { resource: { props: { StorPoolName: 'fast' } } });
  const d = await call('DELETE', `/v1/resource-definitions/${name}/resources/rn1`);
  t.is(d.status, 200);
  const msgs = (d.body as Rc[]).map((e) => e.message);
  t.is(msgs[0], `Resource '${name}' on node 'rn1' marked for deletion.`);
  t.is(msgs.at(-1), `Resource '${name}' on node 'rn1' deleted.`);
  t.is((await call('GET', `/v1/resource-definitions/${name}/resources/rn1`)).status, 404);
  t.is((await call('DELETE', `/v1/resource-definitions/${name}/resources/rn1`)).status, 404);
  const rd = await call('DELETE', `/v1/resource-definitions/${name}`);
  t.is(rd.status, 200);
  t.is((await call('GET', `/v1/resource-definitions/${name}`)).status, 404);
  const view = (await call('GET', `/v1/view/resources?resources=${name}`)).body;
  t.deepEqual(view, []);
});

test('the resources view filters by node, resource, storage pool and props, and pages', async (t) => {
  const a = await rdWithVolume();
  const b = await rdWithVolume();
  for (const n of ['rn1', 'rn2']) await call('POST', `/v1/resource-definitions/${a}/resources/${n}`, { resource: { props: { StorPoolName: 'fast', 'Aux/grp': a } } });
  await call('POST', `/v1/resource-definitions/${b}/resources/rn3`, { resource: { flags: ['DISKLESS'] } });
  const both = (await call('GET', `/v1/view/resources?resources=${a}&resources=${b}`)).body as Json[];
  t.deepEqual(both.map((x) => `${x.name}@${x.node_name}`).sort(), [`${a}@rn1`, `${a}@rn2`, `${b}@rn3`].sort());
  t.is(both[0]!.volumes.length, 1);
  const onRn2 = (await call('GET', `/v1/view/resources?resources=${a}&resources=${b}&nodes=RN2`)).body as Json[];
  t.deepEqual(onRn2.map((x) => x.node_name), ['rn2']);
  const diskless = (await call('GET', `/v1/view/resources?resources=${a}&resources=${b}&storage_pools=DfltDisklessStorPool`)).body as Json[];
  t.deepEqual(diskless.map((x) => x.name), [b]);
  const byProp = (await call('GET', `/v1/view/resources?props=Aux/grp=${a}`)).body as Json[];
  t.is(byProp.length, 2);
  const paged = (await call('GET', `/v1/view/resources?props=Aux/grp=${a}&limit=1&offset=1`)).body as Json[];
  t.is(paged.length, 1);
  t.is(paged[0]!.node_name, byProp[1]!.node_name);
  t.deepEqual((await call('GET', '/v1/view/snapshots')).body, []);
});

test('node and resource connections keep props, including DRBD paths between existing interfaces', async (t) => {
  const nc = await call('PUT', '/v1/node-connections/rn1/rn2', { override_props: { 'DrbdOptions/Net/protocol': 'A' } });
  t.is(nc.status, 200);
  t.is((nc.body as Rc[])[0]!.message, "Node connection between nodes 'rn1' and 'rn2' modified.");
  const list = (await call('GET', '/v1/node-connections?node_a=rn2')).body as Json[];
  t.deepEqual(list, [{ node_a: 'rn1', node_b: 'rn2', props: { 'DrbdOptions/Net/protocol': 'A' } }]);
  t.is((await call('PUT', '/v1/node-connections/rn1/ghost', { override_props: {} })).status, 404);

  const name = await rdWithVolume();
  for (const n of ['rn1', 'rn2']) await call('POST', `/v1/resource-definitions/${name}/resources/${n}`, { resource: { props: { StorPoolName: 'fast' } } });
  const path = await call('PUT', `/v1/resource-definitions/${name}/resource-connections/rn1/rn2`, { override_props: { 'Paths/path1/rn1': 'data', 'Paths/path1/rn2': 'data' } });
  t.is(path.status, 200);
  const got = (await call('GET', `/v1/resource-definitions/${name}/resource-connections/rn2/rn1`)).body as Json[];
  t.deepEqual(got[0]!.props, { 'Paths/path1/rn1': 'data', 'Paths/path1/rn2': 'data' });
  const all = (await call('GET', `/v1/resource-definitions/${name}/resource-connections`)).body as Json[];
  t.is(all.length, 1);
  const wrongNode = await call('PUT', `/v1/resource-definitions/${name}/resource-connections/rn1/rn2`, { override_props: { 'Paths/p2/rn3': 'data' } });
  t.is(wrongNode.status, 500);
  const noNic = await call('PUT', `/v1/resource-definitions/${name}/resource-connections/rn1/rn2`, { override_props: { 'Paths/p2/rn1': 'nic9' } });
  t.is(noNic.status, 404);
  t.is((await call('PUT', `/v1/resource-definitions/${name}/resource-connections/rn1/rn3`, { override_props: {} })).status, 404);
});

test('every resource, volume and connection body matches the LINSTOR OpenAPI schemas', async (t) => {
  const name = await rdWithVolume();
  await call('POST', `/v1/resource-definitions/${name}/resources/rn1`, { resource: { props: { StorPoolName: 'fast' } } });
  await call('POST', `/v1/resource-definitions/${name}/resources/rn2`, { resource: { flags: ['DISKLESS'] } });
  await call('PUT', `/v1/resource-definitions/${name}/resource-connections/rn1/rn2`, { override_props: { 'Aux/x': '1' } });
  const gets: Array<[string, string]> = [
    ['/v1/resource-definitions', '/v1/resource-definitions?with_volume_definitions=true'],
    ['/v1/resource-definitions/{resource}/volume-definitions', `/v1/resource-definitions/${name}/volume-definitions`],
    ['/v1/resource-definitions/{resource}/resources', `/v1/resource-definitions/${name}/resources`],
    ['/v1/resource-definitions/{resource}/resources/{node}/volumes', `/v1/resource-definitions/${name}/resources/rn1/volumes`],
    ['/v1/view/resources', '/v1/view/resources'],
    ['/v1/view/snapshots', '/v1/view/snapshots'],
    ['/v1/node-connections', '/v1/node-connections'],
    ['/v1/resource-definitions/{resource}/resource-connections', `/v1/resource-definitions/${name}/resource-connections`],
    ['/v1/resource-definitions/{resource}/resource-connections/{node_a}/{node_b}', `/v1/resource-definitions/${name}/resource-connections/rn1/rn2`],
  ];
  // VolumeLayer.data is a oneOf without discriminator that any DRBD/STORAGE volume satisfies
  // twice (all fields optional), so layer data is checked against its own schema instead.
  const layerSchema: Record<string, string> = { DRBD: 'DrbdVolume', STORAGE: 'StorageVolume' };
  const stripLayers = (v: Json) => {
    for (const l of v.layer_data_list ?? []) assertMatchesSchema(t, layerSchema[l.type]!, l.data);
    const { layer_data_list: _l, ...rest } = v;
    return rest;
  };
  for (const [tpl, path] of gets) {
    const r = await call('GET', path);
    let body = r.body;
    if (tpl.endsWith('/volumes')) body = (body as Json[]).map(stripLayers);
    if (tpl === '/v1/view/resources') body = (body as Json[]).map((x) => ({ ...x, volumes: x.volumes.map(stripLayers) }));
    assertMatchesSpec(t, 'get', tpl, r.status, body);
  }
  assertMatchesSchema(t, 'ResourceDefinition', (await call('GET', `/v1/resource-definitions/${name}`)).body);
  assertMatchesSchema(t, 'VolumeDefinition', (await call('GET', `/v1/resource-definitions/${name}/volume-definitions/0`)).body);
  assertMatchesSchema(t, 'Resource', (await call('GET', `/v1/resource-definitions/${name}/resources/rn2`)).body);
  assertMatchesSchema(t, 'Volume', stripLayers((await call('GET', `/v1/resource-definitions/${name}/resources/rn2/volumes/0`)).body));
  const post = await call('POST', `/v1/resource-definitions/${name}/resources/rn3`, { resource: { flags: ['DISKLESS'] } });
  assertMatchesSpec(t, 'post', '/v1/resource-definitions/{resource}/resources/{node}', post.status, post.body);
  const err = await call('POST', `/v1/resource-definitions/${name}/resources/ghost`, { resource: {} });
  assertMatchesSpec(t, 'post', '/v1/resource-definitions/{resource}/resources/{node}', err.status, err.body);
});
