/**
 * linstor-csi over golinstor: requests (transcribed from their source, test/fixtures/clients)
 * replayed as golinstor's Go structs marshal them, and
 * every answer checked the way encoding/json would unmarshal it into golinstor's structs
 * (go-types.ts). golinstor maps any 404 to NotFoundError, which CSI uses for idempotency, and
 * decodes other errors as []ApiCallRc. Real controller and three satellites (FILE_THIN pools,
 * STORAGE layer: no DRBD kernel module here).
 */
import test from 'ava';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';
import { randomSuffix } from '../helpers/satellite.js';
import { goSlice, goStruct, goUnmarshalErrors, type GoType } from './go-types.js';
import { goIs, loadFixture, replay, send, type Answer } from './replay.js';

let cluster: Cluster;
const MiB = 1024;
const FAIL_EXISTS_RSC_DFN = 0xC000000000000000n | 501n;

test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

const names = () => cluster.nodes.map((n) => n.name);

/** The Go type golinstor decodes a successful GET of `path` into. */
function goTypeOf(path: string): GoType | undefined {
  const p = path.split('?')[0]!;
  const rules: Array<[RegExp, GoType]> = [
    [/^\/v1\/nodes$/, goSlice(goStruct('Node'))],
    [/^\/v1\/nodes\/[^/]+$/, goStruct('Node')],
    [/^\/v1\/nodes\/[^/]+\/storage-pools$/, goSlice(goStruct('StoragePool'))],
    [/^\/v1\/view\/storage-pools$/, goSlice(goStruct('StoragePool'))],
    [/^\/v1\/resource-groups\/[^/]+$/, goStruct('ResourceGroup')],
    [/^\/v1\/resource-definitions$/, goSlice(goStruct('ResourceDefinition'))],
    [/^\/v1\/resource-definitions\/[^/]+$/, goStruct('ResourceDefinition')],
    [/^\/v1\/resource-definitions\/[^/]+\/volume-definitions$/, goSlice(goStruct('VolumeDefinition'))],
    [/^\/v1\/resource-definitions\/[^/]+\/volume-definitions\/\d+$/, goStruct('VolumeDefinition')],
    [/^\/v1\/resource-definitions\/[^/]+\/resources$/, goSlice(goStruct('Resource'))],
    [/^\/v1\/resource-definitions\/[^/]+\/resources\/[^/]+$/, goStruct('Resource')],
    [/^\/v1\/resource-definitions\/[^/]+\/resources\/[^/]+\/volumes\/\d+$/, goStruct('Volume')],
    [/^\/v1\/view\/resources$/, goSlice(goStruct('ResourceWithVolumes'))],
    [/^\/v1\/resource-definitions\/[^/]+\/snapshots$/, goSlice(goStruct('Snapshot'))],
    [/^\/v1\/resource-definitions\/[^/]+\/snapshots\/[^/]+$/, goStruct('Snapshot')],
    [/^\/v1\/view\/snapshots$/, goSlice(goStruct('Snapshot'))],
    [/^\/v1\/key-value-store\/[^/]+$/, goSlice(goStruct('KV'))],
  ];
  return rules.find(([re]) => re.test(p))?.[1];
}

/** Checks every answer as golinstor would decode it: GET bodies into structs, errors into []ApiCallRc. */
function assertDecodes(t: { deepEqual(a: unknown, b: unknown, m?: string): void }, answers: Answer[]): void {
  for (const a of answers) {
    if (a.status === 404) continue; // NotFoundError; the body is not read
    if (a.status >= 400 || a.method !== 'GET') {
      if (a.text) t.deepEqual(goUnmarshalErrors(a.body, goSlice(goStruct('ApiCallRc'))), [], `${a.call}: ${a.method} ${a.path} -> []ApiCallRc`);
      continue;
    }
    const type = goTypeOf(a.path);
    if (type) t.deepEqual(goUnmarshalErrors(a.body, type), [], `${a.call}: GET ${a.path}`);
  }
}

async function createVolume(rd: string, rg: string): Promise<Answer[]> {
  return replay(cluster.ctl.url, loadFixture('golinstor-csi', 'create_volume'), { rd, rg, pool: cluster.pool, sizeKib: 16 * MiB });
}

test.serial('linstor-csi: CreateVolume\'s requests succeed and every answer unmarshals into golinstor\'s structs', async (t) => {
  const rd = `pvc-${randomSuffix()}${randomSuffix()}`;
  const rg = `sc-${randomSuffix()}`;
  const a = await createVolume(rd, rg);
  assertDecodes(t, a);
  const rgGet = a[5]!.body;
  t.is(rgGet.select_filter.place_count, 2);
  t.deepEqual(rgGet.select_filter.storage_pool_list, [cluster.pool]);
  t.is(a[8]!.body.resource_group_name, rg, 'reconcileResourceDefinition compares resource_group_name');
  t.false((a[8]!.body.flags ?? []).includes('DELETE'));
  const vd = a[11]!.body;
  t.is(vd.props['FileSystem/Type'], 'ext4');
  t.true(vd.size_kib >= 16 * MiB);
  t.is((a[15]!.body as any[]).length, 2, 'an empty autoplace filter takes place_count from the resource group');
  t.deepEqual((a[16]!.body as any[]).map((d) => d.name), [rd], 'the Aux/ props filter finds exactly this volume');
  t.true((a[17]!.body as any[]).find((d) => d.name === rd)?.volume_definitions?.length === 1);
});

test.serial('golinstor: a second create of the same definition is an ApiCallError matching FailExistsRscDfn', async (t) => {
  const rd = `pvc-${randomSuffix()}`;
  const fx = loadFixture('golinstor-csi', 'create_volume');
  const create = fx.requests.find((r) => r.call.includes('ResourceDefinitions.Create'))!;
  const first = await send(cluster.ctl.url, fx, { ...create, body: { resource_definition: { name: '{{rd}}' } } }, { rd });
  t.is(first.status, 201);
  const again = await send(cluster.ctl.url, fx, { ...create, body: { resource_definition: { name: '{{rd}}' } } }, { rd });
  t.true(again.status >= 400 && again.status !== 404, `status ${again.status}`);
  t.deepEqual(goUnmarshalErrors(again.body, goSlice(goStruct('ApiCallRc'))), []);
  t.true((again.body as any[]).some((rc) => goIs(rc.ret_code, FAIL_EXISTS_RSC_DFN)), again.text);
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
});

test.serial('linstor-csi: ControllerPublish finds device_path on a replica node; a diskless attach reports provider_kind DISKLESS', async (t) => {
  const rd = `pvc-${randomSuffix()}${randomSuffix()}`;
  await createVolume(rd, `sc-${randomSuffix()}`);
  const rscs = await waitFor('two replicas with devices', async () => {
    const v = await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
    return v.body.length === 2 && v.body.every((r) => typeof r.volumes?.[0]?.device_path === 'string') ? v.body : undefined;
  }, 30_000);
  const fx = loadFixture('golinstor-csi', 'publish_unpublish');
  const diskful = rscs[0].node_name as string;
  const a = await replay(cluster.ctl.url, fx, { rd, node: diskful });
  assertDecodes(t, a);
  t.is(a[0]!.body.connection_status, 'ONLINE', 'NodeAvailable requires ONLINE');
  t.regex(a[3]!.body.device_path, /^\/dev\//, 'publish context device_path');
  t.not(a[5]!.body.provider_kind, 'DISKLESS', 'Detach keeps a diskful replica');

  const other = names().find((n) => !rscs.some((r) => r.node_name === n))!;
  const b = await replay(cluster.ctl.url, fx, { rd, node: other });
  assertDecodes(t, b);
  t.is(b[5]!.body.provider_kind, 'DISKLESS', 'Detach deletes the attachment only when provider_kind is DISKLESS');
  const del = await send(cluster.ctl.url, fx, { call: 'Detach: Resources.Delete', method: 'DELETE', path: `/v1/resource-definitions/{{rd}}/resources/{{node}}?keep_tiebreaker=true` }, { rd, node: other });
  t.true(del.status >= 200 && del.status < 400, del.text);
});

test.serial('golinstor: Resources.Create with the zero-valued layer_object and state Go always sends is accepted', async (t) => {
  const rd = `pvc-${randomSuffix()}`;
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 8 * MiB } });
  t.teardown(() => call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`));
  const node = names()[1]!;
  const a = await replay(cluster.ctl.url, loadFixture('golinstor-csi', 'resource_create'), { rd, node, pool: cluster.pool });
  assertDecodes(t, a);
  t.is(a[1]!.body.node_name, node);
  t.is(a[1]!.body.layer_object?.type, 'STORAGE', JSON.stringify(a[1]!.body.layer_object));
  const view = await waitFor('the view shows the storage volume', async () => {
    const v = await send(cluster.ctl.url, loadFixture('golinstor-csi', 'resource_create'), loadFixture('golinstor-csi', 'resource_create').requests[2]!, { rd, node });
    const r = (v.body as any[])[0];
    return r?.layer_object?.storage?.storage_volumes?.[0]?.device_path ? r : undefined;
  }, 30_000);
  t.deepEqual(goUnmarshalErrors(view, goStruct('ResourceWithVolumes')), []);
  t.true(Array.isArray(view.flags ?? []), 'flags is an array of strings');
  t.is(typeof view.layer_object.storage.storage_volumes[0].usable_size_kib, 'number');
});

test.serial('linstor-csi: snapshots, capacity, topology filter and the key-value store decode as golinstor expects', async (t) => {
  const rd = `pvc-${randomSuffix()}${randomSuffix()}`;
  await createVolume(rd, `sc-${randomSuffix()}`);
  await waitFor('replicas deployed', async () => {
    const v = await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
    return v.body.length === 2 && v.body.every((r) => typeof r.volumes?.[0]?.device_path === 'string');
  }, 30_000);
  const zone = `z${randomSuffix()}`;
  const node = names()[0]!;
  await call(cluster.ctl, 'PUT', `/v1/nodes/${node}`, { override_props: { 'Aux/topology/zone': zone } });
  const snap = `snapshot-${randomSuffix()}`;
  const kv = `csi-backup-mapping-${randomSuffix()}`;
  const fx = loadFixture('golinstor-csi', 'snapshot_capacity_kvs');
  const vars = { rd, snap, zone, node, kv };
  const created = await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(0, 2) }, vars);
  // SnapCreate polls until the snapshot is SUCCESSFUL before answering the CO
  await waitFor('snapshot SUCCESSFUL', async () => {
    const s = await send(cluster.ctl.url, fx, fx.requests[2]!, vars);
    return (s.body?.flags ?? []).includes('SUCCESSFUL');
  }, 30_000);
  const a = [...created, ...await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(2) }, vars)];
  assertDecodes(t, a);
  const view = (a[1]!.body as any[]).find((s) => s.name === snap);
  t.truthy(view, 'GetSnapshotView lists the new snapshot');
  t.is(view.resource_name, rd);
  t.true(view.volume_definitions?.[0]?.size_kib >= 16 * MiB);
  t.is(a[2]!.body.name, snap);
  t.true((a[2]!.body.snapshots as any[]).every((s) => typeof s.node_name === 'string'), 'per-node snapshots name their node');
  t.true((a[3]!.body as any[]).some((s) => s.name === snap));
  for (const p of a[4]!.body as any[]) {
    if (p.provider_kind === 'DISKLESS') continue;
    t.true(Number.isInteger(p.free_capacity) && p.free_capacity > 0, JSON.stringify(p));
  }
  t.deepEqual((a[6]!.body as any[]).map((n) => n.name), [node], 'props=Aux/topology/zone=<z> selects the node');
  const kvs = a[9]!.body as any[];
  t.is(kvs.length, 1, 'KeyValueStore.Get needs exactly one element');
  t.is(kvs[0].props[snap], '{"remote":"s3"}');
});

test.serial('linstor-csi: DeleteVolume removes everything and a repeated delete sees NotFound', async (t) => {
  const rd = `pvc-${randomSuffix()}${randomSuffix()}`;
  const rg = `sc-${randomSuffix()}`;
  await createVolume(rd, rg);
  const [n0, n1, n2] = names();
  const a = await replay(cluster.ctl.url, loadFixture('golinstor-csi', 'delete_volume'), { rd, rg, n0: n0!, n1: n1!, n2: n2! });
  assertDecodes(t, a);
  t.is(a[0]!.body.length, 1);
  // only two nodes hold a replica: deleting the third is a 404 that CSI treats as done
  t.is(a.slice(3, 6).filter((x) => x.status === 404).length, 1, a.slice(3, 6).map((x) => x.status).join(','));
  t.deepEqual(a[8]!.body, []);
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-groups/${rg}`)).status, 404);
});
