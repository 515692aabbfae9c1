/**
 * Clients built on python-linstor (the library itself, the OpenStack Cinder driver, the
 * OpenNebula addon): their requests (transcribed from their source, test/fixtures/clients)
 * replayed as python-linstor puts them on the wire
 * (json.dumps bodies, no Content-Type, repeated query keys) against a real controller and
 * three satellites (FILE_THIN pools, STORAGE layer: no DRBD kernel module here).
 */
import test from 'ava';
import { existsSync, statSync } from 'node:fs';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';
import { randomSuffix } from '../helpers/satellite.js';
import { loadFixture, pyIsError, pySuccess, replay, send, show } from './replay.js';

let cluster: Cluster;
const MiB = 1024;
const FAIL_EXISTS_RSC_DFN = 0xC000000000000000n | 501n;

test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

const names = () => cluster.nodes.map((n) => n.name);

function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

test('python-linstor: connect() accepts the controller version (rest_api_version 1.x >= 1.0.4)', async (t) => {
  const [probe, version] = await replay(cluster.ctl.url, loadFixture('python-linstor', 'connect'), {});
  t.is(probe!.status, 200, 'no redirect: the plain HTTP port serves the API');
  const v = version!.body;
  for (const k of ['version', 'git_hash', 'build_time', 'rest_api_version']) t.is(typeof v[k], 'string', k);
  t.true(v.rest_api_version.startsWith('1'));
  t.true(versionAtLeast(v.rest_api_version, '1.0.4'));
});

test('python-linstor: resource_dfn_create with external name answers obj_refs.RscDfn in the first entry', async (t) => {
  const rg = `py_${randomSuffix()}`;
  t.is((await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg })).status, 201);
  const ext = `volume Ä ${randomSuffix()}/with spaces`;
  const [create, list] = await replay(cluster.ctl.url, loadFixture('python-linstor', 'resource_dfn_create_external_name'), { ext, rg });
  t.is(create!.status, 201);
  const replies = create!.body as Array<{ ret_code: bigint; obj_refs?: Record<string, string> }>;
  t.true(replies.every((r) => !pyIsError(r.ret_code)), create!.text);
  const linstorName = replies[0]!.obj_refs?.RscDfn;
  t.truthy(linstorName, `reply[0] carries obj_refs.RscDfn: ${create!.text}`);
  // Resource.__init__ matches on external_name, then uses `name` for every later call
  const rd = (list!.body as any[]).find((d) => d.external_name === ext);
  t.truthy(rd, 'the listing shows the external name unchanged');
  t.is(rd.name, linstorName);
  t.is(rd.resource_group_name, rg);
});

test('python-linstor: resource_dfn_create of an existing name is_error(FAIL_EXISTS_RSC_DFN) with HTTP 500', async (t) => {
  const rd = `py${randomSuffix()}`;
  const [first, second] = await replay(cluster.ctl.url, loadFixture('python-linstor', 'resource_dfn_create_duplicate'), { rd });
  t.true((first!.body as any[]).every((r) => pySuccess(r.ret_code) || !pyIsError(r.ret_code)));
  const errors = (second!.body as any[]).filter((r) => pyIsError(r.ret_code));
  t.true(errors.length > 0, second!.text);
  t.true(pyIsError(errors[0].ret_code, FAIL_EXISTS_RSC_DFN), `ret_code ${errors[0].ret_code} has the FAIL_EXISTS_RSC_DFN bits`);
  t.is(typeof errors[0].message, 'string');
});

test('python-linstor: resource_create with an array body, then lists filtered by repeated query keys', async (t) => {
  const rd = `py${randomSuffix()}`;
  const [n0, n1, n2] = names();
  const answers = await replay(cluster.ctl.url, loadFixture('python-linstor', 'resource_create'), { rd, n0: n0!, n1: n1!, n2: n2!, pool: cluster.pool, sizeKib: 8 * MiB });
  const [, vd, rsc, view, pools, nodes] = answers;
  for (const a of [vd!, rsc!]) t.false((a.body as any[]).some((r) => pyIsError(r.ret_code)), a.text);
  t.deepEqual((view!.body as any[]).map((r) => r.node_name).sort(), [n0, n1].sort());
  t.deepEqual((nodes!.body as any[]).map((n) => n.name).sort(), [n0, n2].sort());
  // Resource.is_thin(): static_traits.Provisioning is all python-linstor reads
  t.true((pools!.body as any[]).length === 3);
  for (const p of pools!.body as any[]) t.is(p.static_traits?.Provisioning, 'Thin', show(p));
  // volumes[].device_path and storage_pool_name, as Resource._volumes reads them
  const deployed = await waitFor('device paths', async () => {
    const a = await send(cluster.ctl.url, loadFixture('python-linstor', 'resource_create'), loadFixture('python-linstor', 'resource_create').requests[3]!, { rd, n0: n0!, n1: n1! });
    const list = a.body as any[];
    return list.every((r) => typeof r.volumes?.[0]?.device_path === 'string') ? list : undefined;
  }, 30_000);
  for (const r of deployed) {
    t.is(r.volumes[0].volume_number, 0);
    t.is(r.volumes[0].storage_pool_name, cluster.pool);
    t.false((r.flags ?? []).includes('DISKLESS'));
  }
});

// The driver sends select_filter.place_count as the string "2" (the volume type's linstor:redundancy
// extra spec); LINSTOR's Jackson coerces it, and so does the controller.
test('openstack-cinder: create_volume, copy_volume_to_image device lookup, stats and delete (driver 2.0.0)', async (t) => {
  const rg = `cinder-${randomSuffix()}`;
  const rd = `volume-${randomSuffix()}${randomSuffix()}`;
  const host = names()[2]!;
  const fx = loadFixture('openstack-cinder', 'create_and_attach');
  const vars = { rg, rd, host, vt: 'replicated-thin', pool: cluster.pool, sizeKib: 16 * MiB };
  const first = await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(0, 9) }, vars);
  // A diskless attachment on a STORAGE-only stack has no data path (that needs DRBD or NVMe),
  // so the copy runs on a cinder host that holds a replica, where device_path is a real device.
  const attach = await waitFor('a diskful replica with a device', async () => {
    const v = await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
    return v.body.find((r) => typeof r.volumes?.[0]?.device_path === 'string')?.node_name as string | undefined;
  }, 30_000);
  const a = [...first, ...await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(9) }, { ...vars, attach })];
  const [version, hostNodes, rgBefore, , , , spawn, rdList, rscView, activate, hostView, pools, stats, delRd, delRg] = a;
  t.true(versionAtLeast(version!.body.rest_api_version, '1.4.0'), 'the driver needs REST API >= 1.4.0');
  t.is((hostNodes!.body as any[]).length, 1, 'node_list_raise([host]) returns the host');
  t.deepEqual(rgBefore!.body, [], 'a missing group is an empty list, not an error');
  t.is(spawn!.status, 201);
  const def = (rdList!.body as any[]).find((d) => d.name === rd);
  t.is(def.resource_group_name, rg);
  t.is(def.volume_definitions?.[0]?.volume_number ?? 0, 0);
  t.true(def.volume_definitions[0].size_kib >= 16 * MiB);
  t.true(Array.isArray(rscView!.body));
  t.false((activate!.body as any[]).some((r) => pyIsError(r.ret_code)), activate!.text);
  // _temp_resource_path: a Satellite/Device/Symlinks/* prop with by-res, else volumes[0].device_path
  const vol = (hostView!.body as any[])[0]?.volumes?.[0];
  t.truthy(vol, hostView!.text);
  const symlinks = Object.entries(vol.props ?? {}).filter(([k, v]) => k.startsWith('Satellite/Device/Symlinks/') && String(v).includes('by-res'));
  const devicePath = symlinks.length > 0 ? String(symlinks[0]![1]) : vol.device_path;
  t.true(typeof devicePath === 'string' && existsSync(devicePath) && statSync(devicePath).isBlockDevice(), JSON.stringify(vol));
  // stats: diskless pools skipped by provider_kind; free/total summed as numbers
  for (const p of pools!.body as any[]) {
    t.is(typeof p.provider_kind, 'string');
    if (p.provider_kind !== 'DISKLESS') {
      t.is(typeof p.free_capacity, 'number');
      t.is(typeof p.total_capacity, 'number');
      t.truthy(p.static_traits?.Provisioning);
    }
  }
  t.true((stats!.body as any[]).some((d) => d.name === rd));
  t.false((delRd!.body as any[]).some((r) => pyIsError(r.ret_code)), delRd!.text);
  t.is(delRg!.status, 200);
});

test('openstack-cinder: the device path handed to os-brick is a real block device on the diskful node', async (t) => {
  const rd = `CV_${randomSuffix()}`;
  const n0 = names()[0]!;
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 8 * MiB, props: { StorPoolName: cluster.pool } } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: n0, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] }]);
  // upstream driver 1.0.1 _get_local_path: resource_list() -> volumes[volume_number==0].device_path for node_name == hostname
  const path = await waitFor('device path', async () => {
    const v = await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?nodes=${n0}&resources=${rd}`);
    return v.body[0]?.volumes?.find((x: any) => (x.volume_number ?? 0) === 0)?.device_path as string | undefined;
  }, 30_000);
  t.true(existsSync(path) && statSync(path).isBlockDevice(), path);
  t.teardown(() => call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`));
});

// Serial: it sets AutoplaceTarget=false on a node, which the concurrent tests must not see.
test.serial('opennebula: datastore monitor, deploy with prefer node, attach/detach and delete get what addon-linstor reads', async (t) => {
  const rg = `one_${randomSuffix()}`;
  t.is((await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 2, storage_pool_list: [cluster.pool], layer_stack: ['STORAGE'] } })).status, 201);
  t.is((await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/volume-groups`, {})).status, 201);
  const rd = `OpenNebula-Image-${randomSuffix().length}${Math.floor(Math.random() * 1e6)}`;
  const [prefer, host] = [names()[0]!, names()[2]!];
  // tm/ln attaches on a host without a replica: place the two disks away from it
  await call(cluster.ctl, 'PUT', `/v1/nodes/${host}`, { override_props: { AutoplaceTarget: 'false' } });
  t.teardown(() => call(cluster.ctl, 'PUT', `/v1/nodes/${host}`, { delete_props: ['AutoplaceTarget'] }));
  const a = await replay(cluster.ctl.url, loadFixture('opennebula', 'monitor_deploy'), { rg, rd, prefer, host, pool: cluster.pool, sizeKib: 8 * MiB });
  const [rgList, pools, spawn, activate, autoplace, thin, attach, view, detach, snaps, del] = a;
  const g = (rgList!.body as any[])[0];
  t.deepEqual(g.select_filter.storage_pool_list, [cluster.pool]);
  t.is(g.select_filter.place_count, 2);
  for (const p of pools!.body as any[]) {
    if (p.provider_kind === 'DISKLESS') continue;
    t.true(Number.isInteger(p.free_capacity) && Number.isInteger(p.total_capacity), show(p));
  }
  for (const x of [spawn!, activate!, autoplace!, attach!, detach!, del!]) {
    t.false((x.body as any[]).some((r) => pyIsError(r.ret_code)), `${x.call}: ${x.text}`);
  }
  t.is((thin!.body as any[])[0]?.static_traits?.Provisioning, 'Thin');
  const onNodes = (view!.body as any[]).map((r) => r.node_name);
  t.true(onNodes.includes(prefer) && onNodes.includes(host), JSON.stringify(onNodes));
  t.is(onNodes.length, 3);
  t.true(Array.isArray(snaps!.body));
});

/**
 * Keys python-linstor's response classes (linstor/responses.py) read with `data["key"]`, so a
 * missing one is a KeyError in every client built on it; `.get()` reads are not listed.
 */
const PY_HARD_KEYS: Record<string, string[]> = {
  node: ['name', 'type'], netif: ['name', 'address'], pool: ['storage_pool_name', 'node_name'],
  rd: ['name'], vd: ['volume_number', 'size_kib'], rg: ['name'], vg: ['volume_number'],
  rsc: ['name', 'node_name'], vlm: ['volume_number', 'provider_kind'],
  snap: ['name', 'resource_name', 'nodes'], snapVd: ['volume_number', 'size_kib'], rc: ['ret_code'],
};

function missing(kind: string, objs: any[]): string[] {
  return objs.flatMap((o, i) => PY_HARD_KEYS[kind]!.filter((k) => !(k in o)).map((k) => `${kind}[${i}] lacks '${k}': ${JSON.stringify(o).slice(0, 200)}`));
}

test('python-linstor: every key its response classes read with data["key"] is present', async (t) => {
  const rg = `pyk_${randomSuffix()}`;
  const rd = `pyk${randomSuffix()}`;
  await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 1, storage_pool_list: [cluster.pool], layer_stack: ['STORAGE'] } });
  await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/volume-groups`, { volume_number: 0 });
  const spawn = await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4 * MiB] });
  t.teardown(async () => { await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`); await call(cluster.ctl, 'DELETE', `/v1/resource-groups/${rg}`); });
  await waitFor('deployed', async () => (await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body[0]?.volumes?.[0]?.device_path);
  const snap = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'pysnap' });
  const get = async (p: string) => (await call<any[]>(cluster.ctl, 'GET', p)).body;
  const nodes = await get('/v1/nodes');
  const rds = await get(`/v1/resource-definitions?with_volume_definitions=true&resource_definitions=${rd}`);
  const view = await get(`/v1/view/resources?resources=${rd}`);
  const snaps = await get(`/v1/view/snapshots?resources=${rd}`);
  const problems = [
    ...missing('node', nodes), ...missing('netif', nodes.flatMap((n) => n.net_interfaces ?? [])),
    ...missing('pool', await get('/v1/view/storage-pools')),
    ...missing('rd', rds), ...missing('vd', rds.flatMap((d) => d.volume_definitions ?? [])),
    ...missing('rg', await get(`/v1/resource-groups?resource_groups=${rg}`)), ...missing('vg', await get(`/v1/resource-groups/${rg}/volume-groups`)),
    ...missing('rsc', view), ...missing('vlm', view.flatMap((r) => r.volumes ?? [])),
    ...missing('snap', snaps), ...missing('snapVd', snaps.flatMap((s) => s.volume_definitions ?? [])),
    ...missing('rc', [...(spawn.body as any[]), ...(snap.body as any[])]),
  ];
  t.deepEqual(problems, []);
  t.is(snaps.length, 1);
});

test('opennebula: cloning an image answers the clone location, COMPLETE status and synced_on_all', async (t) => {
  const src = `OpenNebula-Image-${Math.floor(Math.random() * 1e6)}`;
  const clone = `${src}-clone`;
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: src } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${src}/volume-definitions`, { volume_definition: { size_kib: 8 * MiB } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${src}/resources`, [{ resource: { node_name: names()[0]!, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] }]);
  t.teardown(async () => { await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${clone}`); await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${src}`); });
  await waitFor('source deployed', async () => (await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${src}`)).body[0]?.volumes?.[0]?.device_path);
  const fx = loadFixture('opennebula', 'clone');
  const vars = { src, clone, newSizeKib: 16 * MiB };
  const [started] = await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(0, 1) }, vars);
  const b = started!.body;
  t.is(b.source_name, src);
  t.is(b.clone_name, clone);
  t.is(b.location, `/v1/resource-definitions/${src}/clone/${clone}`);
  t.true(Array.isArray(b.messages));
  // resource_dfn_clone_wait_complete polls until the status leaves CLONING
  const status = await waitFor('clone finished', async () => {
    const s = await send(cluster.ctl.url, fx, fx.requests[1]!, vars);
    return s.body?.status !== 'CLONING' ? s.body.status as string : undefined;
  }, 30_000, 1000);
  t.is(status, 'COMPLETE');
  const [sync, grow] = await replay(cluster.ctl.url, { ...fx, requests: fx.requests.slice(2) }, vars);
  t.is(sync!.body.synced_on_all, true);
  t.false((grow!.body as any[]).some((r) => pyIsError(r.ret_code)), grow!.text);
});
