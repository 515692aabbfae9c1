/**
 * A VM disk's life in Proxmox VE, every step driven through the Perl shim with the real `perl`
 * (PVE's own modules replaced by the test doubles in perl-doubles/) against a real controller
 * and three real satellites with FILE_THIN pools. The resource group uses the layer list
 * `storage` because there is no DRBD kernel module here: a disk is usable only on nodes that
 * hold a replica, so a diskless assignment shows in the controller but has no real device.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findSection, parseStorageCfg } from '../../plugins/proxmox/storage-cfg.js';
import { startPveCluster, waitFor, type PveCluster } from './cluster.js';
import { pve, pveCall } from './pve.js';

const sh = promisify(execFile);
const STOREID = 'linstor_storage';
let cl: PveCluster;
let work: string;
let scfg: Record<string, unknown>;
let A: string, B: string, C: string; // A creates the disk, C has no replica, B is the other replica holder
let disk = '';
let res = '';
let template = '';
let clone = '';

const as = (node: string) => ({
  call: <T = unknown[]>(method: string, args: unknown[]) => pve<T>(node, join(work, `cache-${node}`), method, args),
  try: <T = unknown[]>(method: string, args: unknown[]) => pveCall<T>(node, join(work, `cache-${node}`), method, args),
});

/** scfg as PVE hands it to a plugin: parsed from storage.cfg, content and nodes as hashes. */
function pveScfg(cfgText: string, id: string): Record<string, unknown> {
  const s = findSection(parseStorageCfg(cfgText), id)!;
  const out: Record<string, unknown> = { type: s.type };
  for (const [k, v] of s.props) out[k] = k === 'content' ? Object.fromEntries(v.split(',').map((c) => [c, 1])) : v;
  return out;
}

async function writeBlock(path: string, text: string): Promise<void> {
  const f = join(work, 'block.in');
  writeFileSync(f, Buffer.concat([Buffer.from(text), Buffer.alloc(4096 - text.length)]));
  await sh('dd', [`if=${f}`, `of=${path}`, 'bs=4096', 'count=1', 'oflag=direct', 'conv=notrunc,fsync'], { timeout: 30_000 });
}
async function readBlock(path: string, len: number): Promise<string> {
  const { stdout } = await sh('dd', [`if=${path}`, 'bs=4096', 'count=1', 'iflag=direct', 'status=none'], { encoding: 'buffer', timeout: 30_000 });
  return (stdout as unknown as Buffer).subarray(0, len).toString();
}

async function replicasOf(name: string): Promise<Map<string, string>> {
  const view = await cl.client.resources.view({ resources: [name] });
  return new Map(view.map((r) => [r.node_name!, (r.flags ?? []).join(',') + '|' + (r.volumes?.[0]?.provider_kind ?? '')]));
}
const isDiskless = (v: string | undefined) => !!v && /DISKLESS/.test(v);

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pve-test-'));
  cl = await startPveCluster({ placeCount: 2 });
  [A, B, C] = cl.nodes as [string, string, string];
  const cfgText = `dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n\n` +
    `linstor: ${STOREID}\n\tresourcegroup ${cl.rg}\n\tcontent images,rootdir\n\tcontroller 127.0.0.1:1,${cl.ctl.url.replace('http://', '')}\n\tshared 1\n\tstatuscache 60\n`;
  scfg = pveScfg(cfgText, STOREID);
});
test.after.always(async () => {
  await cl?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test.serial('PVE loads the shim: it is a PVE::Storage::Plugin with an accepted API version and parses its volume names', async (t) => {
  const [vtype, name, vmid, , , isBase, fmt] = await as(A).call<unknown[]>('parse_volname', ['pm-0a1b2c3d_100']);
  t.deepEqual([vtype, name, vmid, isBase, fmt], ['images', 'pm-0a1b2c3d_100', 100, 0, 'raw']);
  const bad = await as(A).try('parse_volname', ['not-a-disk']);
  t.false(bad.ok);
  t.regex(bad.error!, /unable to parse PVE volume name 'not-a-disk'/);
});

test.serial('a 32 MiB disk created on node A gets a pm- name, vmid 100 on its definition, a replica on A and one more placed automatically', async (t) => {
  const r = await as(A).try<[string]>('alloc_image', [STOREID, scfg, 100, 'raw', null, 32 * 1024]);
  t.true(r.ok, r.error);
  disk = r.result[0];
  t.regex(disk, /^pm-[0-9a-f]{8}_100$/);
  t.regex(r.notices, /Trying to create diskful resource \(pm-[0-9a-f]{8}\) on \(/, 'NOTICE printed to the task log');
  res = disk.slice(0, 11);
  const rd = await cl.client.resourceDefinitions.get(res);
  t.is(rd.props?.['Aux/pm/vmid'], '100');
  t.is(rd.props?.['DrbdOptions/Net/allow-two-primaries'], 'yes', 'ready for live migration');
  t.is(rd.resource_group_name?.toUpperCase(), cl.rg.toUpperCase());
  await waitFor(async () => (await replicasOf(res)).size === 2, 'two replicas');
  const reps = await replicasOf(res);
  t.true(reps.has(A) && !isDiskless(reps.get(A)), 'diskful replica on the node that asked');
  B = cl.nodes.find((n) => n !== A && reps.has(n))!;
  C = cl.nodes.find((n) => n !== A && n !== B)!;
  t.truthy(B);
});

test.serial('list_images shows the disk with its size in bytes, and only for its own VM', async (t) => {
  const [all] = await as(A).call<[Array<{ volid: string; size: number; vmid: number; format: string }>]>('list_images', [STOREID, scfg, null, null, {}]);
  const mine = all.find((i) => i.volid === `${STOREID}:${disk}`);
  t.truthy(mine);
  t.is(mine!.format, 'raw');
  t.is(mine!.vmid, 100);
  t.true(mine!.size >= 32 * 1024 * 1024);
  const [other] = await as(A).call<[unknown[]]>('list_images', [STOREID, scfg, 999, null, {}]);
  t.deepEqual(other, []);
});

test.serial('storage status reports total, free and used bytes and active, and a second call is served from the cache file', async (t) => {
  const [total, avail, used, active] = await as(A).call<number[]>('status', [STOREID, scfg, {}]);
  t.is(active, 1);
  t.true(total! > 0);
  t.true(avail! <= total!);
  t.is(used, Math.max(0, total! - avail!));
  const again = await as(A).call<number[]>('status', [STOREID, scfg, {}]);
  t.deepEqual(again, [total, avail, used, active]);
});

test.serial('activating the disk on node C without a replica creates a diskless assignment there (STORAGE layer only: the device itself is not real)', async (t) => {
  await as(C).call('activate_volume', [STOREID, scfg, disk, null, {}]);
  await waitFor(async () => (await replicasOf(res)).has(C), 'resource on C');
  t.true(isDiskless((await replicasOf(res)).get(C)), `C is diskless: ${(await replicasOf(res)).get(C)}`);
  const [path] = await as(C).call<[string]>('path', [scfg, disk, STOREID, null]);
  t.is(path, `/dev/drbd/by-res/${res}/0`, 'without a device reported on C the DRBD path is named (not real here)');
});

test.serial('on node A, which holds a replica, the path is a real block device and data written to it reads back', async (t) => {
  await as(A).call('activate_volume', [STOREID, scfg, disk, null, {}]);
  const [path, vmid, vtype] = await as(A).call<[string, number, string]>('filesystem_path', [scfg, disk, null]);
  t.is(vmid, 100);
  t.is(vtype, 'images');
  t.regex(path, /^\/dev\//);
  await writeBlock(path, 'first content');
  t.is(await readBlock(path, 13), 'first content');
});

test.serial('a snapshot taken in PVE is a LINSTOR snapshot snap_<res>_<name>, and rolling back restores the data', async (t) => {
  await as(A).call('volume_snapshot', [scfg, STOREID, disk, 'before_upgrade']);
  const snaps = await cl.client.snapshots.list(res);
  t.true(snaps.some((s) => s.name === `snap_${res}_before_upgrade`));
  let [path] = await as(A).call<[string]>('path', [scfg, disk, STOREID, null]);
  await writeBlock(path, 'second content');
  t.is(await readBlock(path, 14), 'second content');
  await as(A).call('volume_snapshot_rollback', [scfg, STOREID, disk, 'before_upgrade']);
  [path] = await as(A).call<[string]>('path', [scfg, disk, STOREID, null]);
  await waitFor(async () => (await readBlock(path, 13)) === 'first content', 'rolled back data', 20_000);
  t.is(await readBlock(path, 13), 'first content');
  await as(A).call('volume_snapshot_delete', [scfg, STOREID, disk, 'before_upgrade', 0]);
  t.false((await cl.client.snapshots.list(res)).some((s) => s.name === `snap_${res}_before_upgrade`));
});

test.serial('converting the VM to a template gives a base- name, and a linked clone for VM 200 carries the template data', async (t) => {
  const [hasClone] = await as(A).call<[number | null]>('volume_has_feature', [scfg, 'clone', STOREID, `base-${disk}`, null, 0]);
  t.is(hasClone, 1);
  [template] = await as(A).call<[string]>('create_base', [STOREID, scfg, disk]);
  t.is(template, `base-${disk}`);
  const parsed = await as(A).call<unknown[]>('parse_volname', [template]);
  t.is(parsed[5], 1, 'PVE sees isBase');
  [clone] = await as(A).call<[string]>('clone_image', [scfg, STOREID, template, 200, null]);
  t.regex(clone, /^pm-[0-9a-f]{8}_200$/);
  const [list] = await as(A).call<[Array<{ volid: string; parent?: string }>]>('list_images', [STOREID, scfg, 200, null, {}]);
  t.is(list[0]?.parent, `${STOREID}:${template}`);
  const cres = clone.slice(0, 11);
  const holder = [...(await replicasOf(cres)).entries()].find(([, v]) => !isDiskless(v))![0];
  await as(holder).call('activate_volume', [STOREID, scfg, clone, null, {}]);
  const [cpath] = await as(holder).call<[string]>('path', [scfg, clone, STOREID, null]);
  t.is(await readBlock(cpath, 13), 'first content');
  const refused = await as(A).try('free_image', [STOREID, scfg, template, 1, 'raw']);
  t.false(refused.ok);
  t.regex(refused.error!, /still in use by linked clone/);
});

test.serial('growing the disk to 64 MiB (PVE passes bytes) grows the LINSTOR volume definition (KiB)', async (t) => {
  const name = template || disk;
  await as(A).call('volume_resize', [scfg, STOREID, name, 64 * 1024 * 1024, 0]);
  t.is((await cl.client.resourceDefinitions.getVolumeDefinition(res, 0)).size_kib, 64 * 1024);
  const [size] = await as(A).call<[number]>('volume_size_info', [scfg, STOREID, name, 5]);
  t.is(size, 64 * 1024 * 1024);
});

test.serial('live migration to node B: B activates the disk while A still has it, then C drops only its diskless assignment', async (t) => {
  const name = template || disk;
  await as(B).call('activate_volume', [STOREID, scfg, name, null, {}]);
  const reps = await replicasOf(res);
  t.true(reps.has(A) && reps.has(B), 'both sides of the migration have the disk');
  t.is((await cl.client.resourceDefinitions.get(res)).props?.['DrbdOptions/Net/allow-two-primaries'], 'yes');
  const r = await as(C).try('deactivate_volume', [STOREID, scfg, name, null, {}]);
  t.true(r.ok, r.error);
  t.regex(r.notices, /Intentionally removing diskless assignment/);
  await waitFor(async () => !(await replicasOf(res)).has(C), 'diskless assignment on C removed');
  await as(A).call('deactivate_volume', [STOREID, scfg, name, null, {}]);
  t.true((await replicasOf(res)).has(A), 'a diskful replica stays when its node deactivates');
});

test.serial('renaming the disk to VM 300 keeps the LINSTOR resource and moves the vmid', async (t) => {
  const name = template || disk;
  const [volid] = await as(A).call<[string]>('rename_volume', [scfg, STOREID, name, 300, null]);
  t.is(volid, `${STOREID}:${template ? 'base-' : ''}${res}_300`);
  t.is((await cl.client.resourceDefinitions.get(res)).props?.['Aux/pm/vmid'], '300');
  disk = `${res}_300`;
  if (template) template = `base-${disk}`;
});

test.serial('freeing the disks removes them from LINSTOR, and freeing again is harmless', async (t) => {
  if (clone) await as(A).call('free_image', [STOREID, scfg, clone, 0, 'raw']);
  const name = template || disk;
  await as(A).call('free_image', [STOREID, scfg, name, template ? 1 : 0, 'raw']);
  const names = (await cl.client.resourceDefinitions.list()).map((rd) => rd.name);
  t.false(names.includes(res));
  if (clone) t.false(names.includes(clone.slice(0, 11)));
  const again = await as(A).try('free_image', [STOREID, scfg, name, 0, 'raw']);
  t.true(again.ok, again.error);
});

test.serial('a disk PVE names itself (legacy vm-<vmid>-disk-<n>) keeps that name, and the same name twice is refused', async (t) => {
  const [name] = await as(B).call<[string]>('alloc_image', [STOREID, scfg, 101, 'raw', 'vm-101-disk-0', 4096]);
  t.is(name, 'vm-101-disk-0');
  const twice = await as(B).try('alloc_image', [STOREID, scfg, 101, 'raw', 'vm-101-disk-0', 4096]);
  t.false(twice.ok);
  t.regex(twice.error!, /already exists/);
  const qcow = await as(B).try('alloc_image', [STOREID, scfg, 101, 'qcow2', null, 4096]);
  t.regex(qcow.error ?? '', /unsupported format 'qcow2'/);
  await as(B).call('free_image', [STOREID, scfg, name, 0, 'raw']);
});
