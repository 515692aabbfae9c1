/**
 * The OpenNebula LINSTOR driver end to end: every action runs through its launcher as oned
 * runs it, against a real controller, three real satellites with FILE_THIN pools (layer list
 * STORAGE: there is no DRBD kernel module here, so hosts get diskful replicas instead of
 * diskless DRBD clients) and a real sshd on 127.0.0.1-3. `onevm`/`onedatastore` are stand-ins.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, type Cluster } from '../e2e/cluster.js';
import { b64, datastoreXml, drvAction, FakeOneCli, imageXml, runDriver, vmXml, type DriverRun } from './one-env.js';
import { startSshd, type TestSshd } from './sshd.js';

let cluster: Cluster;
let sshd: TestSshd;
let cli: FakeOneCli;
let work: string;
let env: Record<string, string>;
let dsTemplate: Record<string, string>;
const DS = 150;
const SYS_DS = 0;
const rg = `onerg${randomSuffix()}`;
const base = 900 + Math.floor(Math.random() * 9000);

test.before(async () => {
  cluster = await startCluster(3);
  sshd = await startSshd();
  cli = new FakeOneCli();
  work = mkdtempSync(join(tmpdir(), 'one-flows-'));
  const nodes = cluster.nodes.map((n) => n.name);
  await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 3, storage_pool: cluster.pool, layer_stack: ['STORAGE'] } });
  // Every node holds a replica: without DRBD a host can only use data it holds itself.
  await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: `${rg}one`, select_filter: { place_count: 1, storage_pool: cluster.pool, layer_stack: ['STORAGE'] } });
  await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}one/volume-groups`, {});
  await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/volume-groups`, {});
  dsTemplate = { LINSTOR_RESOURCE_GROUP: rg, LINSTOR_CONTROLLERS: cluster.ctl.url.replace('http://', ''), BRIDGE_LIST: nodes.slice(0, 2).join(' ') };
  cli.setDatastore(DS, datastoreXml(DS, dsTemplate));
  cli.setDatastore(SYS_DS, datastoreXml(SYS_DS, dsTemplate, 1));
  env = { ...sshd.env, ...cli.env };
});
test.after.always(async () => {
  await cluster?.teardown();
  await sshd?.stop();
  cli?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function ds(action: string, imageId: number, image: Parameters<typeof imageXml>[0] | undefined): Promise<DriverRun> {
  const xml = drvAction(datastoreXml(DS, dsTemplate), image ? imageXml(image, DS) : undefined);
  return runDriver('datastore', action, [String(imageId)], { stdin: b64(xml), env });
}
const tm = (action: string, argv: string[], stdin?: string) => runDriver('tm', action, argv, { env, stdin });

async function deviceOn(res: string): Promise<{ node: string; dev: string }> {
  const { body } = await call<Array<{ node_name: string; flags?: string[]; volumes?: Array<{ device_path?: string }> }>>(cluster.ctl, 'GET', `/v1/view/resources?resources=${res}`);
  const r = body.find((x) => x.volumes?.[0]?.device_path && !(x.flags ?? []).includes('DISKLESS'));
  if (!r) throw new Error(`${res} has no device: ${JSON.stringify(body)}`);
  return { node: r.node_name, dev: r.volumes![0]!.device_path! };
}

function readDev(dev: string, bytes: number): Buffer {
  return spawnSync('dd', [`if=${dev}`, 'bs=1M', `count=${Math.ceil(bytes / 1048576)}`, 'iflag=direct', 'status=none'], { maxBuffer: 64 << 20 }).stdout.subarray(0, bytes);
}

const data = randomBytes(6 * 1048576);
let imageSource = '';
/** The image the first test imports; the later flows need it, and fail (not pass) without it. */
function image(): string {
  if (!imageSource) throw new Error('precondition failed: the cp test did not import the image this flow works on');
  return imageSource;
}

test.serial('cp imports a qcow2 file into OpenNebula-Image-<id>, prints "<SOURCE> raw", and the data reads back byte for byte', async (t) => {
  const raw = join(work, 'src.raw');
  writeFileSync(raw, data);
  const qcow = join(work, 'src.qcow2');
  t.is(spawnSync('qemu-img', ['convert', '-O', 'qcow2', raw, qcow]).status, 0);
  const id = base;
  const r = await ds('cp', id, { id, path: qcow, size: 8, format: 'qcow2' });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `OpenNebula-Image-${id} raw\n`);
  t.regex(r.stderr, /INFO: datastore\/linstor\/cp: qemu-img convert qcow2 .*100%/);
  imageSource = `OpenNebula-Image-${id}`;
  const { dev } = await deviceOn(imageSource);
  t.true(readDev(dev, data.length).equals(data), 'the device holds the image data');
});

test.serial('mkfs creates an ext4 datablock and prints only its SOURCE', async (t) => {
  const id = base + 1;
  const r = await ds('mkfs', id, { id, size: 16, fs: 'ext4', format: 'raw' });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `OpenNebula-Image-${id}\n`);
  const { dev } = await deviceOn(`OpenNebula-Image-${id}`);
  t.is(spawnSync('blkid', ['-o', 'value', '-s', 'TYPE', dev], { encoding: 'utf8' }).stdout.trim(), 'ext4');
});

test.serial('clone copies an image into a new image with the same bytes', async (t) => {
  const imageSource = image();
  const id = base + 2;
  const r = await ds('clone', id, { id, path: imageSource, size: 8, cloningId: base });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `OpenNebula-Image-${id} raw\n`);
  const { dev } = await deviceOn(`OpenNebula-Image-${id}`);
  t.true(readDev(dev, data.length).equals(data));
});

test.serial('ln links a persistent image into the VM folder on a host holding its data; mvds takes it away again', async (t) => {
  const imageSource = image();
  const host = (await deviceOn(imageSource)).node;
  const vmDir = join(work, 'sys', String(SYS_DS), '7');
  cli.setVm(7, vmXml(7, [{ diskId: 0, source: imageSource, persistent: true, imageId: base }]));
  const r = await tm('ln', [`frontend:${imageSource}`, `${host}:${vmDir}/disk.0`, '7', String(DS)]);
  t.is(r.code, 0, r.stderr);
  const link = join(vmDir, 'disk.0');
  t.true(lstatSync(link).isSymbolicLink());
  t.true(readDev(readlinkSync(link), data.length).equals(data), 'the host sees the image through the link');
  const again = await tm('ln', [`frontend:${imageSource}`, `${host}:${vmDir}/disk.0`, '7', String(DS)]);
  t.is(again.code, 0, `running ln twice is harmless: ${again.stderr}`);
  const m = await tm('mvds', [`${host}:${vmDir}/disk.0`, `frontend:${imageSource}`, '7', String(DS)]);
  t.is(m.code, 0, m.stderr);
  t.false(existsSync(link), 'the link is gone');
});

test.serial('ln to a host without the data fails with an ERROR naming the nodes that have it (STORAGE-only layer stack, no DRBD here)', async (t) => {
  const single = { ...dsTemplate, LINSTOR_RESOURCE_GROUP: `${rg}one` };
  cli.setDatastore(151, datastoreXml(151, single));
  const id = base + 7;
  const mk = await runDriver('datastore', 'mkfs', [String(id)], { stdin: b64(drvAction(datastoreXml(151, single), imageXml({ id, size: 8 }, 151))), env });
  t.is(mk.code, 0, mk.stderr);
  const name = `OpenNebula-Image-${id}`;
  const { body } = await call<Array<{ node_name: string }>>(cluster.ctl, 'GET', `/v1/view/resources?resources=${name}`);
  const other = cluster.nodes.map((n) => n.name).find((n) => !body.some((r) => r.node_name === n))!;
  const r = await tm('ln', [`frontend:${name}`, `${other}:${join(work, 'sys', '0', '11')}/disk.0`, '11', '151']);
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: tm\/linstor\/ln: .*no DRBD or NVMe layer.*Fix: add DRBD to the layer stack/);
});

test.serial('disk snapshots: snap_create, a write, snap_revert brings the old data back, snap_delete removes it', async (t) => {
  const imageSource = image();
  cli.setVm(8, vmXml(8, [{ diskId: 0, source: imageSource, persistent: true }]));
  const disk = `${cluster.nodes[0]!.name}:${join(work, 'sys', '0', '8')}/disk.0`;
  const c = await tm('snap_create', [disk, '3', '8', String(DS)]);
  if (c.code !== 0) t.log(cluster.nodes.flatMap((n) => n.sat.logs.filter((l) => /snapshot/i.test(l))).slice(-5).join('\n'));
  t.is(c.code, 0, c.stderr);
  const { dev } = await deviceOn(imageSource);
  spawnSync('dd', ['if=/dev/zero', `of=${dev}`, 'bs=1M', 'count=1', 'conv=fsync', 'status=none']);
  t.false(readDev(dev, data.length).equals(data));
  const rv = await tm('snap_revert', [disk, '3', '8', String(DS)]);
  t.is(rv.code, 0, rv.stderr);
  const after = await deviceOn(imageSource);
  t.true(readDev(after.dev, data.length).equals(data), 'the data is as at the snapshot');
  const d = await tm('snap_delete', [disk, '3', '8', String(DS)]);
  t.is(d.code, 0, d.stderr);
  const snaps = await call<Array<{ name: string }>>(cluster.ctl, 'GET', `/v1/resource-definitions/${imageSource}/snapshots`);
  t.false(snaps.body.some((s) => s.name === 'OpenNebula-Snap-3'));
});

test.serial('a non-persistent disk is cloned per VM as <source>-vm<id>-disk<n> and tm delete removes the copy and the link', async (t) => {
  const imageSource = image();
  const host = cluster.nodes[1]!.name;
  const vmDir = join(work, 'sys', '0', '9');
  cli.setVm(9, vmXml(9, [{ diskId: 1, source: imageSource, persistent: false }]));
  const c = await tm('clone', [`frontend:${imageSource}`, `${host}:${vmDir}/disk.1`, '9', String(DS)]);
  t.is(c.code, 0, c.stderr);
  const copy = `${imageSource}-vm9-disk1`;
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${copy}`)).status, 200);
  t.true(readDev(readlinkSync(join(vmDir, 'disk.1')), data.length).equals(data));
  const d = await tm('delete', [`${host}:${vmDir}/disk.1`, '9', String(DS)]);
  t.is(d.code, 0, d.stderr);
  t.false(existsSync(join(vmDir, 'disk.1')));
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${copy}`)).status, 404, 'the per-VM copy is deleted');
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${imageSource}`)).status, 200, 'the image stays');
  const dir = await tm('delete', [`${host}:${vmDir}`, '9', String(SYS_DS)]);
  t.is(dir.code, 0, dir.stderr);
  t.false(existsSync(vmDir), 'the VM folder is removed');
});

test.serial('a volatile swap disk from the system datastore is created, formatted as swap and linked (mkswap)', async (t) => {
  const host = cluster.nodes[0]!.name;
  const vmDir = join(work, 'sys', '0', '10');
  const r = await tm('mkswap', ['16', `${host}:${vmDir}/disk.2`, '10', String(SYS_DS)]);
  t.is(r.code, 0, r.stderr);
  const dev = readlinkSync(join(vmDir, 'disk.2'));
  t.is(spawnSync('blkid', ['-o', 'value', '-s', 'TYPE', dev], { encoding: 'utf8' }).stdout.trim(), 'swap');
});

test.serial('datastore and system-datastore monitor report the pools of the resource group divided by the replica count (3)', async (t) => {
  const r = await runDriver('datastore', 'monitor', [String(DS)], { stdin: b64(drvAction(datastoreXml(DS, dsTemplate))), env });
  t.is(r.code, 0, r.stderr);
  const m = /^USED_MB=(\d+)\nTOTAL_MB=(\d+)\nFREE_MB=(\d+)\n$/.exec(r.stdout);
  t.truthy(m, r.stdout);
  const { body: pools } = await call<Array<{ provider_kind: string; storage_pool_name: string; total_capacity: number; free_capacity: number }>>(cluster.ctl, 'GET', '/v1/view/storage-pools');
  const mine = pools.filter((p) => p.storage_pool_name === cluster.pool);
  const total = Math.floor(mine.reduce((s, p) => s + p.total_capacity, 0) / 3 / 1024);
  t.is(Number(m![2]), total);
  t.true(Math.abs(Number(m![3]) - Math.floor(mine.reduce((s, p) => s + p.free_capacity, 0) / 3 / 1024)) <= 16, 'free space matches the pools');
  const sys = await runDriver('tm', 'monitor', [String(SYS_DS)], { stdin: b64(drvAction(datastoreXml(SYS_DS, dsTemplate, 1))), env });
  t.is(sys.code, 0, sys.stderr);
  // The system datastore adds one line per VM with LINSTOR disks (VMs 9 and 10 above).
  t.regex(sys.stdout, /^USED_MB=\d+\nTOTAL_MB=\d+\nFREE_MB=\d+\n(VM=\[ID=\d+, MONITOR="[A-Za-z0-9+/=]+"\]\n)*$/);
});

test.serial('rm deletes the image resource, and running it again is not an error', async (t) => {
  const imageSource = image();
  const r = await ds('rm', base, { id: base, source: imageSource });
  t.is(r.code, 0, r.stderr);
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${imageSource}`)).status, 404);
  const again = await ds('rm', base, { id: base, source: imageSource });
  t.is(again.code, 0, again.stderr);
});

test.serial('a host whose SSH key is not in known_hosts is refused with an ERROR that says how to add it', async (t) => {
  const emptyKh = join(work, 'empty_known_hosts');
  writeFileSync(emptyKh, '');
  const raw = join(work, 'kh.raw');
  writeFileSync(raw, data);
  const id = base + 5;
  const xml = drvAction(datastoreXml(DS, dsTemplate), imageXml({ id, path: raw, size: 8 }, DS));
  const r = await runDriver('datastore', 'cp', [String(id)], { stdin: b64(xml), env: { ...env, ONE_LINSTOR_KNOWN_HOSTS: emptyKh } });
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: .*host key .* is not in .*known_hosts.*ssh-keyscan/);
  t.is((await call(cluster.ctl, 'GET', `/v1/resource-definitions/OpenNebula-Image-${id}`)).status, 404, 'the half-made image is cleaned up');
  void readFileSync;
});
