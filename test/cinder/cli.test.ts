/**
 * The real `cinder` CLI (python3-cinderclient 9.1, noauth) against linstor-cinder-api, a real
 * controller and three real satellites with FILE_THIN pools. No DRBD kernel module here:
 * volumes use layer list `storage` (the service default in these tests).
 */
import test from 'ava';
import { deviceBytes, makePattern, readSha256, writePattern } from './devices.js';
import { cinder, http, props, rows, startStack, waitStatus, type Stack } from './harness.js';

let stack: Stack;
test.before(async () => { stack = await startStack(); });
test.after.always(async () => { await stack?.stop(); });

const linstor = async (path: string): Promise<any> => (await fetch(`${stack.cluster.ctl.url}${path}`)).json();

async function createVolume(t: any, args: string[]): Promise<string> {
  const r = await cinder(stack.api, ['create', ...args]);
  t.is(r.code, 0, r.stderr);
  const id = props(r.stdout).id!;
  t.regex(id, /^[0-9a-f-]{36}$/);
  return id;
}

test.serial('cinder create, list and show: a 1 GiB volume becomes available with two replicas in LINSTOR', async (t) => {
  const id = await createVolume(t, ['--name', 'vol-a', '--metadata', 'team=db', '--', '1']);
  const v = await waitStatus(stack.api, 'volumes', id, ['available', 'error']);
  t.is(v.status, 'available');
  const list = rows((await cinder(stack.api, ['list'])).stdout);
  t.truthy(list.find((r) => r.ID === id && r.Status === 'available' && r.Name === 'vol-a' && r.Size === '1'));
  const show = props((await cinder(stack.api, ['show', id])).stdout);
  t.is(show.size, '1');
  t.is(show.status, 'available');
  t.regex(show.metadata, /team/);
  const byName = props((await cinder(stack.api, ['show', 'vol-a'])).stdout);
  t.is(byName.id, id);
  const rd = await linstor(`/v1/resource-definitions/volume-${id}`);
  t.is(rd.props['Aux/cinder/id'], id);
  const vd = await linstor(`/v1/resource-definitions/volume-${id}/volume-definitions/0`);
  t.is(vd.size_kib, 1024 * 1024);
  const rs = await linstor(`/v1/resource-definitions/volume-${id}/resources`);
  t.is(rs.length, 2);
});

test.serial('cinder extend grows the LINSTOR volume definition to the new GiB size', async (t) => {
  const id = await createVolume(t, ['--name', 'vol-ext', '1']);
  await waitStatus(stack.api, 'volumes', id, ['available']);
  const r = await cinder(stack.api, ['extend', id, '2']);
  t.is(r.code, 0, r.stderr);
  const v = await waitStatus(stack.api, 'volumes', id, ['available', 'error_extending']);
  t.is(v.status, 'available');
  t.is(v.size, 2);
  const vd = await linstor(`/v1/resource-definitions/volume-${id}/volume-definitions/0`);
  t.is(vd.size_kib, 2 * 1024 * 1024);
});

test.serial('cinder type-create and type-key set: the type becomes resource group cinder-<type id> with the driver spec names', async (t) => {
  const tc = await cinder(stack.api, ['type-create', 'triple']);
  t.is(tc.code, 0, tc.stderr);
  const typeId = rows(tc.stdout)[0]!.ID!;
  const tk = await cinder(stack.api, ['type-key', 'triple', 'set', 'linstor:redundancy=3', 'linstor:layer_list=storage', 'linstor:property:Aux:tier=gold']);
  t.is(tk.code, 0, tk.stderr);
  const specs = (await http(stack.api, 'GET', `/v3/types/${typeId}/extra_specs`)).body.extra_specs;
  t.is(specs['linstor:redundancy'], '3');
  const id = await createVolume(t, ['--volume-type', 'triple', '--name', 'vol-3', '1']);
  const v = await waitStatus(stack.api, 'volumes', id, ['available', 'error']);
  t.is(v.status, 'available');
  t.is(v.volume_type, 'triple');
  const rg = await linstor(`/v1/resource-groups/cinder-${typeId}`);
  t.is(rg.select_filter.place_count, 3);
  t.deepEqual(rg.select_filter.layer_stack, ['STORAGE']);
  t.is(rg.description, 'For volume type "triple"');
  t.is(rg.props?.['Aux/tier'], 'gold');
  t.is((await linstor(`/v1/resource-definitions/volume-${id}/resources`)).length, 3);
});

test.serial('attach through the attachments API and os-initialize_connection gives the local device path; delete is refused while attached', async (t) => {
  const id = await createVolume(t, ['--name', 'vol-att', '1']);
  await waitStatus(stack.api, 'volumes', id, ['available']);
  const placed: string[] = (await linstor(`/v1/resource-definitions/volume-${id}/resources`)).map((r: any) => r.node_name);
  const host = stack.cluster.nodes.map((n) => n.name).find((n) => !placed.includes(n))!;
  const ac = await cinder(stack.api, ['--os-volume-api-version', '3.54', 'attachment-create', '--connect', 'True', '--initiator', 'iqn.x', '--ip', '127.0.0.1', '--host', host, '--mode', 'rw', id, 'server-1'], { version: '3.54' });
  t.is(ac.code, 0, ac.stderr);
  const att = props(ac.stdout);
  t.is(att.driver_volume_type, 'local');
  const onHost = await linstor(`/v1/view/resources?nodes=${host}&resources=volume-${id}`);
  t.is(onHost.length, 1, 'the connector host got the resource');
  const device = onHost[0].volumes[0].device_path as string;
  t.truthy(device);
  t.is(att.data, `{'device_path': '${device}'}`);
  const done = await cinder(stack.api, ['--os-volume-api-version', '3.44', 'attachment-complete', att.id!], { version: '3.44' });
  t.is(done.code, 0, done.stderr);
  t.is((await waitStatus(stack.api, 'volumes', id, ['in-use'])).attachments[0].attachment_id, att.id);
  const del = await cinder(stack.api, ['delete', id]);
  t.not(del.code, 0);
  t.regex(del.stderr + del.stdout, /status must be available|attached/i);
  // The legacy action Nova uses, on a second host: it answers connection_info with the device.
  const other = placed[0]!;
  const ic = await http(stack.api, 'POST', `/v3/volumes/${id}/action`, { version: '3.70', body: { 'os-initialize_connection': { connector: { host: other } } } });
  t.is(ic.status, 200);
  t.is(ic.body.connection_info.driver_volume_type, 'local');
  t.truthy(ic.body.connection_info.data.device_path);
  const ad = await cinder(stack.api, ['--os-volume-api-version', '3.27', 'attachment-delete', att.id!], { version: '3.27' });
  t.is(ad.code, 0, ad.stderr);
  await waitStatus(stack.api, 'volumes', id, ['available']);
  t.is((await linstor(`/v1/view/resources?nodes=${host}&resources=volume-${id}`)).length, 0, 'detach removed what attach added');
  t.is((await cinder(stack.api, ['delete', id])).code, 0);
  await waitStatus(stack.api, 'volumes', id, ['deleted']);
});

test.serial('cinder delete removes the volume and its LINSTOR resource definition', async (t) => {
  const id = await createVolume(t, ['--name', 'vol-del', '1']);
  await waitStatus(stack.api, 'volumes', id, ['available']);
  const r = await cinder(stack.api, ['delete', id]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Request to delete volume .* has been accepted/);
  await waitStatus(stack.api, 'volumes', id, ['deleted']);
  const res = await fetch(`${stack.cluster.ctl.url}/v1/resource-definitions/volume-${id}`);
  t.is(res.status, 404);
});

/** The device of each diskful replica (volume 0) of a Cinder volume, as the satellites report them. */
async function replicaDevices(volumeId: string): Promise<string[]> {
  const rs: any[] = await linstor(`/v1/view/resources?resources=volume-${volumeId}`);
  return rs.filter((r) => !(r.flags ?? []).some((f: string) => /DISKLESS/.test(f))).map((r) => r.volumes.find((v: any) => v.volume_number === 0).device_path as string);
}

test.serial('cinder snapshot-create, create --snapshot-id and create --source-volid copy the data written into the source volume', async (t) => {
  // No DRBD here, so each replica is an independent file: write every replica, as replication would.
  const a = makePattern(4);
  const b = makePattern(4);
  t.teardown(() => { a.cleanup(); b.cleanup(); });
  const src = await createVolume(t, ['--name', 'vol-src', '1']);
  t.is((await waitStatus(stack.api, 'volumes', src, ['available', 'error'])).status, 'available');
  const srcDevs = await replicaDevices(src);
  t.is(srcDevs.length, 2);
  for (const d of srcDevs) { await writePattern(d, a, 0); await writePattern(d, a, 700); }

  const sc = await cinder(stack.api, ['snapshot-create', '--name', 'snap-1', src]);
  t.is(sc.code, 0, sc.stderr);
  const snapId = props(sc.stdout).id!;
  const snap = await waitStatus(stack.api, 'snapshots', snapId, ['available', 'error']);
  t.is(snap.status, 'available', JSON.stringify((await http(stack.api, 'GET', '/v3/messages')).body));
  const ls = await linstor(`/v1/resource-definitions/volume-${src}/snapshots/snapshot-${snapId}`);
  t.true(ls.flags.includes('SUCCESSFUL'), JSON.stringify(ls));
  t.is(rows((await cinder(stack.api, ['snapshot-list'])).stdout).find((r) => r.ID === snapId)?.Status, 'available');
  // After the snapshot the source changes; the snapshot must keep the old data.
  for (const d of srcDevs) await writePattern(d, b, 0);

  const fromSnap = await createVolume(t, ['--snapshot-id', snapId, '--name', 'vol-from-snap', '2']);
  const fs = await waitStatus(stack.api, 'volumes', fromSnap, ['available', 'error']);
  t.is(fs.status, 'available', JSON.stringify(fs));
  t.is(fs.snapshot_id, snapId);
  t.is((await linstor(`/v1/resource-definitions/volume-${fromSnap}/volume-definitions/0`)).size_kib, 2 * 1024 * 1024);
  const fsDevs = await replicaDevices(fromSnap);
  t.is(fsDevs.length, 2);
  for (const d of fsDevs) {
    t.is(await deviceBytes(d), 2 * 1024 ** 3, `${d} grew to the requested 2 GiB`);
    t.is(await readSha256(d, 0, 4), a.sha256, `${d} holds the data of snapshot time`);
    t.is(await readSha256(d, 700, 4), a.sha256);
  }

  const clone = await createVolume(t, ['--source-volid', src, '--name', 'vol-clone', '1']);
  const cl = await waitStatus(stack.api, 'volumes', clone, ['available', 'error']);
  t.is(cl.status, 'available', JSON.stringify(cl));
  t.is(cl.source_volid, src);
  const clDevs = await replicaDevices(clone);
  t.is(clDevs.length, 2);
  for (const d of clDevs) {
    t.is(await readSha256(d, 0, 4), b.sha256, `${d} holds the source's current data`);
    t.is(await readSha256(d, 700, 4), a.sha256);
  }
  const left = (await linstor(`/v1/resource-definitions/volume-${src}/snapshots`)).map((s: any) => s.name);
  t.deepEqual(left, [`snapshot-${snapId}`], 'the clone\'s temporary snapshot is gone');

  t.is((await cinder(stack.api, ['snapshot-delete', snapId])).code, 0);
  await waitStatus(stack.api, 'snapshots', snapId, ['deleted']);
  t.deepEqual(await linstor(`/v1/resource-definitions/volume-${src}/snapshots`), []);
  for (const id of [fromSnap, clone, src]) t.is((await cinder(stack.api, ['delete', id])).code, 0);
  for (const id of [fromSnap, clone, src]) await waitStatus(stack.api, 'volumes', id, ['deleted']);
});

test.serial('cinder reports errors: unknown id, bad size, unsupported microversion', async (t) => {
  const unknown = await cinder(stack.api, ['show', '00000000-0000-4000-8000-000000000000']);
  t.not(unknown.code, 0);
  t.regex(unknown.stderr, /No volume with a name or ID of '00000000-0000-4000-8000-000000000000' exists/);
  const bad = await cinder(stack.api, ['create', '0']);
  t.not(bad.code, 0);
  // Cinder's JSON schema (parameter_types.volume_size) words it this way.
  t.regex(bad.stderr, /Invalid input for field\/attribute size\. Value: 0\. 0 is less than the minimum of 1.*HTTP 400/s);
  const ver = await cinder(stack.api, ['list'], { version: '3.99' });
  t.log('3.99:', ver.code, ver.stderr.trim());
  const major = await cinder(stack.api, ['list'], { version: '4.0' });
  t.not(major.code, 0);
  t.regex(major.stderr, /Invalid client version '4.0'/);
  const ext = await cinder(stack.api, ['extend', '00000000-0000-4000-8000-000000000000', '5']);
  t.not(ext.code, 0);
});

test.serial('cinder with the project in the endpoint URL, absolute-limits and quota-usage work', async (t) => {
  const l = await cinder(stack.api, ['list'], { pathProject: true });
  t.is(l.code, 0, l.stderr);
  t.true(rows(l.stdout).length >= 1);
  const lim = await cinder(stack.api, ['absolute-limits']);
  t.is(lim.code, 0, lim.stderr);
  t.truthy(rows(lim.stdout).find((r) => r.Name === 'totalVolumesUsed'));
  const q = await cinder(stack.api, ['quota-usage', 'demo']);
  t.is(q.code, 0, q.stderr);
  t.regex(q.stdout, /volumes/);
});
