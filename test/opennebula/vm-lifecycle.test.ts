/**
 * VM lifecycle through the TM actions (move, resize, live migration incl. the 6th-argument
 * case, save-as, export) and the pre-2.0 fixture attributes, against a real controller,
 * three FILE_THIN satellites (layer list STORAGE, no DRBD module here) and a real sshd.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../e2e/cluster.js';
import { REPO_ROOT } from '../helpers/controller.js';
import { b64, fixture, runDriver, vmXml } from './one-env.js';
import { startOneWorld, type OneWorld } from './one-world.js';

let w: OneWorld;
const base = 20_000 + Math.floor(Math.random() * 9000);
const data = randomBytes(2 * 1048576);
let image = '';

test.before(async () => {
  w = await startOneWorld();
  const f = join(w.work, 'img.raw');
  writeFileSync(f, data);
  const r = await w.ds('cp', base, { id: base, path: f, size: 8 });
  if (r.code !== 0) throw new Error(`cp failed: ${r.stderr}`);
  image = r.stdout.split(' ')[0]!;
});
test.after.always(async () => { await w?.teardown(); });

const devOf = (link: string) => readlinkSync(link);
function readDev(dev: string, bytes: number): Buffer {
  return spawnSync('dd', [`if=${dev}`, 'bs=1M', `count=${Math.ceil(bytes / 1048576)}`, 'iflag=direct', 'status=none'], { maxBuffer: 64 << 20 }).stdout.subarray(0, bytes);
}
const host = (i: number) => w.cluster.nodes[i]!.name;

test.serial('a stopped VM moves its persistent disk to another host (mv): linked on the new host, unlinked on the old', async (t) => {
  w.cli.setVm(30, vmXml(30, [{ diskId: 0, source: image, persistent: true }]));
  const dirA = join(w.work, 'a', String(w.SYS_DS), '30');
  const dirB = join(w.work, 'b', String(w.SYS_DS), '30');
  t.is((await w.tm('ln', [`fe:${image}`, `${host(0)}:${dirA}/disk.0`, '30', String(w.DS)])).code, 0);
  const mvDir = await w.tm('mv', [`${host(0)}:${dirA}`, `${host(1)}:${dirB}`, '30', String(w.SYS_DS)]);
  t.is(mvDir.code, 0, mvDir.stderr);
  const r = await w.tm('mv', [`${host(0)}:${dirA}/disk.0`, `${host(1)}:${dirB}/disk.0`, '30', String(w.DS)]);
  t.is(r.code, 0, r.stderr);
  t.true(lstatSync(join(dirB, 'disk.0')).isSymbolicLink());
  t.false(existsSync(join(dirA, 'disk.0')));
  t.true(readDev(devOf(join(dirB, 'disk.0')), data.length).equals(data));
});

test.serial('live migration: premigrate links the disks on the destination (VM XML on stdin), postmigrate unlinks the source; with a 6th argument only TM_MAD=linstor disks are touched', async (t) => {
  const vm = vmXml(31, [{ diskId: 0, source: image, persistent: true }]);
  const dir = join(w.work, 'mig', String(w.SYS_DS), '31');
  const src = host(0);
  const dst = host(2);
  t.is((await w.tm('ln', [`fe:${image}`, `${src}:${dir}/disk.0`, '31', String(w.DS)])).code, 0);
  const pre = await w.tm('premigrate', [src, dst, dir, '31', String(w.SYS_DS), 'ssh'], b64(vm.replace('<DISK>', '<DISK>').replace('</TEMPLATE>', '<DISK><DISK_ID>1</DISK_ID><TM_MAD>ssh</TM_MAD></DISK></TEMPLATE>')));
  t.is(pre.code, 0, pre.stderr);
  t.regex(pre.stderr, /called by system datastore driver ssh: handled 1 LINSTOR disk/);
  t.false(existsSync(join(dir, 'disk.1')), 'the ssh disk is left to the ssh driver');
  const post = await w.tm('postmigrate', [src, dst, dir, '31', String(w.SYS_DS)], b64(vm));
  t.is(post.code, 0, post.stderr);
  // Source and destination share this machine's folder: the destination's link was re-made by premigrate, then the source's removed.
  t.false(existsSync(join(dir, 'disk.0')));
  const fail = await w.tm('failmigrate', [src, dst, dir, '31', String(w.SYS_DS)], b64(vm));
  t.is(fail.code, 0, fail.stderr);
});

test.serial('resize grows the disk of a VM and refuses to shrink it', async (t) => {
  w.cli.setVm(32, vmXml(32, [{ diskId: 0, source: image, persistent: true }]));
  const disk = `${host(0)}:${join(w.work, 'r', String(w.SYS_DS), '32')}/disk.0`;
  const r = await w.tm('resize', [disk, '12', '32', String(w.DS)]);
  t.is(r.code, 0, r.stderr);
  const vd = await call<{ size_kib: number }>(w.cluster.ctl, 'GET', `/v1/resource-definitions/${image}/volume-definitions/0`);
  t.is(vd.body.size_kib, 12 * 1024);
  const s = await w.tm('resize', [disk, '4', '32', String(w.DS)]);
  t.not(s.code, 0);
  t.regex(s.stderr, /ERROR: .*shrinking to 4 MiB is not supported/);
});

test.serial('disk-saveas (cpds) copies a VM disk into the new image resource', async (t) => {
  w.cli.setVm(33, vmXml(33, [{ diskId: 0, source: image, persistent: true }]));
  const target = `OpenNebula-Image-${base + 1}`;
  const r = await w.tm('cpds', [`${host(0)}:${join(w.work, 's', String(w.SYS_DS), '33')}/disk.0`, `fe:${target}`, '-1', '33', String(w.DS)]);
  t.is(r.code, 0, r.stderr);
  const { body } = await call<Array<{ node_name: string; volumes: Array<{ device_path: string }> }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=${target}`);
  t.true(body.length > 0);
  t.true(readDev(body[0]!.volumes[0]!.device_path, data.length).equals(data));
});

test.serial('export tells the marketplace an ssh:// source with the md5 of the image', async (t) => {
  const r = await w.ds('export', base, { id: base, source: image, size: 12 });
  t.is(r.code, 0, r.stderr);
  const m = /^<IMPORT_INFO><IMPORT_SOURCE><!\[CDATA\[ssh:\/\/127\.0\.0\.\d:(\/dev\/loop\d+)\]\]><\/IMPORT_SOURCE><MD5><!\[CDATA\[([0-9a-f]{32})\]\]><\/MD5><SIZE><!\[CDATA\[12\]\]><\/SIZE><FORMAT><!\[CDATA\[raw\]\]><\/FORMAT><DISPOSE>NO<\/DISPOSE><\/IMPORT_INFO>\n$/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.is(m![2], spawnSync('md5sum', [m![1]!], { encoding: 'utf8' }).stdout.split(' ')[0]);
});

test.serial('the real addon-linstor mkfs fixture with LINSTOR_DEPLOYMENT_NODES/LINSTOR_STORAGE_POOL instead of a resource group still creates the image on those nodes, with deprecation warnings (layer list STORAGE)', async (t) => {
  const id = base + 2;
  const nodes = `${host(0)} ${host(1)}`;
  const xml = fixture('one-ds-mkfs-linstor.xml')
    .replace('<ID>18</ID>', `<ID>${id}</ID>`).replace('<SIZE>2048</SIZE>', '<SIZE>8</SIZE>')
    .replace('<LINSTOR_AUTO_PLACE><![CDATA[2]]></LINSTOR_AUTO_PLACE>', `<LINSTOR_DEPLOYMENT_NODES><![CDATA[${nodes}]]></LINSTOR_DEPLOYMENT_NODES><LINSTOR_CONTROLLERS><![CDATA[${w.dsTemplate.LINSTOR_CONTROLLERS}]]></LINSTOR_CONTROLLERS>`)
    .replace('<![CDATA[dflt]]>', `<![CDATA[${w.cluster.pool}]]>`);
  // No DRBD module here: the deprecated path gets layer list STORAGE from the driver setting.
  const env = { ...w.env, ONE_LINSTOR_LAYER_LIST: 'storage' };
  const r = await runDriver('datastore', 'mkfs', [String(id)], { stdin: b64(xml), env });
  t.regex(r.stderr, /WARN: .*LINSTOR_DEPLOYMENT_NODES is deprecated/);
  t.regex(r.stderr, /WARN: .*LINSTOR_STORAGE_POOL is deprecated/);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `OpenNebula-Image-${id}\n`);
  const { body } = await call<Array<{ node_name: string }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=OpenNebula-Image-${id}`);
  t.deepEqual(body.map((x) => x.node_name).sort(), [host(0), host(1)].sort());
  const mon = await runDriver('datastore', 'monitor', ['103'], { stdin: b64(xml), env: w.env });
  t.is(mon.code, 0, mon.stderr);
  const pools = await Promise.all([0, 1].map((i) => w.cluster.poolOf(host(i))));
  t.regex(mon.stdout, new RegExp(`TOTAL_MB=${Math.floor(Math.min(...pools.map((p) => p.total_capacity)) / 1024)}\\n`), 'per-node deployment reports the smallest node');
});

test.serial('install.sh places the launchers under remotes/, prints the oned.conf snippets, and an installed action runs', async (t) => {
  const dest = mkdtempSync(join(tmpdir(), 'one-install-'));
  t.teardown(() => rmSync(dest, { recursive: true, force: true }));
  const r = spawnSync(join(REPO_ROOT, 'plugins/opennebula/install.sh'), ['--destdir', dest, '--dist', join(REPO_ROOT, 'dist')], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /TM_MAD_CONF = \[ NAME = "linstor", LN_TARGET = "NONE", CLONE_TARGET = "SELF"/);
  t.regex(r.stdout, /DS_MAD_CONF = \[ NAME = "linstor", REQUIRED_ATTRS = "BRIDGE_LIST"/);
  const remotes = join(dest, 'var/lib/one/remotes');
  for (const a of ['cp', 'mkfs', 'clone', 'rm', 'stat', 'monitor', 'snap_delete', 'snap_revert', 'snap_flatten', 'export']) t.true(existsSync(join(remotes, 'datastore/linstor', a)), a);
  for (const a of ['clone', 'cpds', 'delete', 'ln', 'mkimage', 'mkswap', 'mv', 'mvds', 'premigrate', 'postmigrate', 'failmigrate', 'snap_create', 'snap_delete', 'snap_revert', 'resize', 'context', 'monitor', 'prebackup', 'prebackup_live', 'postbackup', 'postbackup_live']) t.true(existsSync(join(remotes, 'tm/linstor', a)), a);
  const mon = spawnSync(join(remotes, 'datastore/linstor/monitor'), [String(w.DS)], { input: b64(`<DS_DRIVER_ACTION_DATA>${(await import('./one-env.js')).datastoreXml(w.DS, w.dsTemplate)}</DS_DRIVER_ACTION_DATA>`), encoding: 'utf8', env: { ...process.env, ...w.env } });
  t.is(mon.status, 0, mon.stderr);
  t.regex(mon.stdout, /^USED_MB=\d+\nTOTAL_MB=\d+\nFREE_MB=\d+\n$/);
});

test.serial('image snapshots from the datastore side: snap_revert, snap_delete and snap_flatten (the image keeps the snapshot\'s data and no history)', async (t) => {
  const id = base + 3;
  const f = join(w.work, 'snapimg.raw');
  const v0 = randomBytes(1048576);
  writeFileSync(f, v0);
  const cp = await w.ds('cp', id, { id, path: f, size: 4 });
  t.is(cp.code, 0, cp.stderr);
  const name = `OpenNebula-Image-${id}`;
  w.cli.setVm(34, vmXml(34, [{ diskId: 0, source: name, persistent: true }]));
  const disk = `${host(0)}:${join(w.work, 'snap', String(w.SYS_DS), '34')}/disk.0`;
  const devs = async () => (await call<Array<{ volumes: Array<{ device_path: string }> }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=${name}`)).body.map((r) => r.volumes[0]!.device_path);
  const writeAll = async (buf: Buffer) => { for (const d of await devs()) spawnSync('dd', [`of=${d}`, 'bs=1M', 'count=1', 'iflag=fullblock', 'conv=fsync', 'status=none'], { input: buf }); };
  const c0 = await w.tm('snap_create', [disk, '0', '34', String(w.DS)]);
  t.is(c0.code, 0, c0.stderr);
  const v1 = randomBytes(1048576);
  await writeAll(v1);
  t.is((await w.tm('snap_create', [disk, '1', '34', String(w.DS)])).code, 0);
  const v2 = randomBytes(1048576);
  await writeAll(v2);
  const rv = await w.ds('snap_revert', id, { id, source: name, targetSnapshot: 1 });
  t.is(rv.code, 0, rv.stderr);
  const which = (b: Buffer) => (b.equals(v0) ? 'v0' : b.equals(v1) ? 'v1' : b.equals(v2) ? 'v2' : 'other');
  for (const d of await devs()) t.is(which(readDev(d, v1.length)), 'v1', `reverted to snapshot 1 on ${d}: ${rv.stderr}`);
  const fl = await w.ds('snap_flatten', id, { id, source: name, targetSnapshot: 0 });
  t.is(fl.code, 0, fl.stderr);
  for (const d of await devs()) t.true(readDev(d, v0.length).equals(v0), 'flattened to snapshot 0');
  const snaps = await call<unknown[]>(w.cluster.ctl, 'GET', `/v1/resource-definitions/${name}/snapshots`);
  t.deepEqual(snaps.body, [], 'no snapshot history is left');
  const del = await w.ds('snap_delete', id, { id, source: name, targetSnapshot: 0 });
  t.is(del.code, 0, `deleting a snapshot that is gone is not an error: ${del.stderr}`);
  const bad = await w.ds('snap_revert', id, { id, source: name });
  t.not(bad.code, 0);
  t.regex(bad.stderr, /ERROR: .*TARGET_SNAPSHOT '-1' is not a snapshot id/);
});

test.serial('LINSTOR_CLONE_MODE=copy (deprecated) clones by copying the data on each replica, with a warning', async (t) => {
  const id = base + 4;
  const tpl = { ...w.dsTemplate, LINSTOR_CLONE_MODE: 'copy' };
  const { datastoreXml, drvAction, imageXml } = await import('./one-env.js');
  const r = await runDriver('datastore', 'clone', [String(id)], { stdin: b64(drvAction(datastoreXml(w.DS, tpl), imageXml({ id, path: image, size: 12, cloningId: base }, w.DS))), env: w.env });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `OpenNebula-Image-${id} raw\n`);
  t.regex(r.stderr, /WARN: .*LINSTOR_CLONE_MODE is deprecated/);
  t.regex(r.stderr, /INFO: .*copying OpenNebula-Image-\d+ .* to OpenNebula-Image-\d+/);
  const { body } = await call<Array<{ volumes: Array<{ device_path: string }> }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=OpenNebula-Image-${id}`);
  t.is(body.length, 3);
  for (const x of body) t.true(readDev(x.volumes[0]!.device_path, data.length).equals(data));
});
