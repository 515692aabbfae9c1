/**
 * linstor-proxmox (Perl, REST::Client) checks HTTP status codes only and reads a handful of
 * fields with `|| default`; these tests replay its requests as transcribed from its Perl source in
 * test/fixtures/clients/linstor-proxmox against a real controller and three satellites
 * (FILE_THIN pools, STORAGE layer: no DRBD kernel module on this machine).
 */
import test from 'ava';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';
import { randomSuffix } from '../helpers/satellite.js';
import { loadFixture, replay, type Answer } from './replay.js';

let cluster: Cluster;
let rg: string;
const MiB = 1024;

test.before(async () => {
  cluster = await startCluster(3);
  rg = `pve_${randomSuffix()}`;
  // What the administrator sets up before adding the storage to storage.cfg (not the plugin).
  const a = await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 2, storage_pool_list: [cluster.pool], layer_stack: ['STORAGE'] } });
  if (a.status !== 201) throw new Error(JSON.stringify(a.body));
  const b = await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/volume-groups`, {});
  if (b.status !== 201) throw new Error(JSON.stringify(b.body));
});
test.after.always(async () => { await cluster?.teardown(); });

const pmName = () => `pm-${randomSuffix().slice(0, 8).padEnd(8, '0')}`;

/** Fields update_resources reads from one view entry, with the plugin's `|| default`s. */
function resInfo(view: any[], rd: string) {
  return view.filter((r) => r.name === rd).map((r) => ({
    node: r.node_name as string,
    diskless: String(r.volumes?.[0]?.provider_kind ?? '').toLowerCase() === 'diskless',
    state: String(r.volumes?.[0]?.state?.disk_state ?? '').toLowerCase(),
    pool: r.volumes?.[0]?.storage_pool_name ?? '',
    inUse: r.state?.in_use ?? 0,
    nrVols: (r.volumes ?? []).length,
    usable: r.layer_object?.drbd?.drbd_volumes?.[0]?.usable_size_kib ?? r.volumes?.[0]?.usable_size_kib ?? 0,
  }));
}

async function allocate(rd: string, sizeKib: number, preferlocal = false): Promise<Answer[]> {
  const fx = loadFixture('linstor-proxmox', preferlocal ? 'alloc_image_preferlocal' : 'alloc_image');
  // vmid is a number, as PVE hands it to set_vmid; LINSTOR stores every property value as a string.
  return replay(cluster.ctl.url, fx, { rg, rd, sizeKib, vmid: 100, local: cluster.nodes[0]!.name });
}

// Aux/pm/vmid arrives as a number, which LINSTOR (Jackson) stores as "100": so does this controller.
test.serial('linstor-proxmox: alloc_image\'s requests get the statuses the plugin checks', async (t) => {
  const rd = pmName();
  const answers = await allocate(rd, 32 * MiB);
  t.deepEqual(answers.map((a) => a.status), [200, 200, 200, 201, 200]);
  t.true(Array.isArray(answers[1]!.body), 'GET /v1/view/resources is a JSON array');
  // validate_resource_group_for_nvme reads the single object, not a list
  const rgBody = answers[2]!.body;
  t.false(Array.isArray(rgBody));
  t.deepEqual(rgBody.select_filter.layer_stack, ['STORAGE']);
  t.is(rgBody.select_filter.place_count, 2);
  // what update_resources then sees: two diskful replicas in the pool
  const view = await waitFor('two replicas with a disk state', async () => {
    const v = await call<any[]>(cluster.ctl, 'GET', '/v1/view/resources');
    const info = resInfo(v.body, rd);
    return info.length === 2 && info.every((i) => i.state !== '') ? info : undefined;
  }, 30_000);
  for (const i of view) {
    t.false(i.diskless);
    t.is(i.pool, cluster.pool);
    t.is(i.nrVols, 1);
    t.falsy(i.inUse);
    t.true(i.usable >= 32 * MiB, `usable_size_kib ${i.usable}`);
  }
  const rdGet = await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}`);
  t.is(rdGet.body.props['Aux/pm/vmid'], '100');
  t.is(rdGet.body.resource_group_name, rg);
});

test.serial('linstor-proxmox: alloc_image with preferlocal places a disk on the local node', async (t) => {
  const rd = pmName();
  const answers = await allocate(rd, 16 * MiB, true);
  t.deepEqual(answers.map((a) => a.status), [200, 201, 200, 201, 200]);
  const nodes = (await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body.map((r) => r.node_name);
  t.true(nodes.includes(cluster.nodes[0]!.name), JSON.stringify(nodes));
  t.is(nodes.length, 2);
});

test.serial('linstor-proxmox: status reads capacity_in_kib and available_size_in_kib of its resource group', async (t) => {
  const [a] = await replay(cluster.ctl.url, loadFixture('linstor-proxmox', 'status'), {});
  const space = a!.body?.result?.[rg]?.space_info;
  t.truthy(space, `result has no entry for ${rg}: ${a!.text}`);
  t.is(typeof space.capacity_in_kib, 'number');
  t.is(typeof space.available_size_in_kib, 'number');
  t.true(space.capacity_in_kib > 0, 'total = capacity_in_kib * 1024 must not be 0 (plugin would re-query)');
  t.true(space.available_size_in_kib <= space.capacity_in_kib);
});

test.serial('linstor-proxmox: list_images finds its disks by resource_group_name and Aux/pm/vmid', async (t) => {
  const rd = pmName();
  await allocate(rd, 8 * MiB);
  const [view, rds] = await replay(cluster.ctl.url, loadFixture('linstor-proxmox', 'list_images'), {});
  const mine = (rds!.body as any[]).filter((d) => d.resource_group_name === rg);
  const d = mine.find((x) => x.name === rd);
  t.truthy(d, 'the RD shows up under its resource group');
  t.is(d.props['Aux/pm/vmid'], '100');
  t.true(Array.isArray(view!.body));
});

test.serial('linstor-proxmox: activate_volume on a node without a replica, then deactivate_volume (STORAGE layer)', async (t) => {
  const rd = pmName();
  await allocate(rd, 8 * MiB);
  const onNodes = (await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body.map((r) => r.node_name);
  const other = cluster.nodes.find((n) => !onNodes.includes(n.name))!;
  const fx = loadFixture('linstor-proxmox', 'activate_deactivate');
  const answers = await replay(cluster.ctl.url, fx, { rd, node: other.name });
  t.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
  // resource_uses_nvme: layer_data[].type of the single RD object
  const rdBody = answers[0]!.body;
  t.true(Array.isArray(rdBody.layer_data), JSON.stringify(rdBody));
  t.false(rdBody.layer_data.some((l: any) => l.type === 'NVME'));
});

test.serial('linstor-proxmox: resize, snapshot rollback/restore/delete and free_image get the statuses the plugin checks', async (t) => {
  const rd = pmName();
  await allocate(rd, 8 * MiB);
  await waitFor('replicas deployed', async () => {
    const info = resInfo((await call<any[]>(cluster.ctl, 'GET', '/v1/view/resources')).body, rd);
    return info.length === 2 && info.every((i) => i.usable > 0);
  }, 30_000);
  const fx = loadFixture('linstor-proxmox', 'resize_snapshot_free');
  const answers = await replay(cluster.ctl.url, fx, { rd, newSizeKib: 16 * MiB, snap: `snap_${rd}_s1`, restored: `snap_${rd}_x` });
  t.deepEqual(answers.map((a) => a.status), [200, 201, 200, 201, 200, 200, 200, 200, 200, 200]);
  const gone = await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}`);
  t.is(gone.status, 404);
});
