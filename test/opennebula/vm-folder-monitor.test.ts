/**
 * The system datastore side of the driver: tm mv of a whole VM folder between hosts (cold
 * migration, undeploy) and tm monitor's per-VM disk sizes, against a real controller, three
 * FILE_THIN satellites (layer list STORAGE, no DRBD module here) and a real sshd. The "hosts"
 * are that one sshd on 127.0.0.1-3, so source and destination share this machine's file
 * system and differ by folder; the copy still goes tar → SSH → front-end → SSH → tar.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call } from '../e2e/cluster.js';
import { b64, datastoreXml, drvAction, runDriver, vmXml } from './one-env.js';
import { startOneWorld, type OneWorld } from './one-world.js';

let w: OneWorld;
const base = 30_000 + Math.floor(Math.random() * 9000);
let image = '';

test.before(async () => {
  w = await startOneWorld();
  const f = join(w.work, 'img.raw');
  writeFileSync(f, randomBytes(2 * 1048576));
  const r = await w.ds('cp', base, { id: base, path: f, size: 8 });
  if (r.code !== 0) throw new Error(`cp failed: ${r.stderr}`);
  image = r.stdout.split(' ')[0]!;
});
test.after.always(async () => { await w?.teardown(); });

const host = (i: number) => w.cluster.nodes[i]!.name;
async function deviceOf(res: string, node: string): Promise<string> {
  const { body } = await call<Array<{ node_name: string; volumes: Array<{ device_path: string }> }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=${res}`);
  return body.find((r) => r.node_name === node)!.volumes[0]!.device_path;
}

test.serial('cold migration moves the whole VM folder to the new host: checkpoint and context ISO copied byte for byte, the LINSTOR disk re-linked to the new host\'s device, the old folder removed (one sshd, two folders)', async (t) => {
  w.cli.setVm(40, vmXml(40, [{ diskId: 0, source: image, persistent: true }]));
  const dirA = join(w.work, 'hostA', '0', '40');
  const dirB = join(w.work, 'hostB', '0', '40');
  t.is((await w.tm('ln', [`fe:${image}`, `${host(0)}:${dirA}/disk.0`, '40', String(w.DS)])).code, 0);
  const checkpoint = randomBytes(3 * 1048576 + 17);
  const iso = randomBytes(364_544);
  writeFileSync(join(dirA, 'checkpoint'), checkpoint);
  writeFileSync(join(dirA, 'disk.1'), iso);
  writeFileSync(join(dirA, 'deployment.0'), '<domain/>');
  mkdirSync(dirB, { recursive: true });
  writeFileSync(join(dirB, 'stale'), 'left from an earlier run');
  const mv = await w.tm('mv', [`${host(0)}:${dirA}`, `${host(1)}:${dirB}`, '40', String(w.SYS_DS)]);
  t.is(mv.code, 0, mv.stderr);
  t.regex(mv.stderr, /INFO: .*copied .* to /);
  t.true(readFileSync(join(dirB, 'checkpoint')).equals(checkpoint));
  t.true(readFileSync(join(dirB, 'disk.1')).equals(iso));
  t.is(readFileSync(join(dirB, 'deployment.0'), 'utf8'), '<domain/>');
  t.false(existsSync(join(dirB, 'stale')), 'the destination folder is replaced, as the ssh driver does');
  t.true(lstatSync(join(dirB, 'disk.0')).isSymbolicLink());
  t.is(readlinkSync(join(dirB, 'disk.0')), await deviceOf(image, host(1)), 'disk.0 points at the destination host\'s device');
  t.false(existsSync(dirA), 'the source folder is gone');
  // oned then moves each disk; the disk is already linked on the new host and that is fine.
  const disk = await w.tm('mv', [`${host(0)}:${dirA}/disk.0`, `${host(1)}:${dirB}/disk.0`, '40', String(w.DS)]);
  t.is(disk.code, 0, disk.stderr);
  t.is(readlinkSync(join(dirB, 'disk.0')), await deviceOf(image, host(1)));
});

test.serial('a retried folder move whose source is already gone still leaves the destination folder with its disk links', async (t) => {
  w.cli.setVm(41, vmXml(41, [{ diskId: 0, source: image, persistent: true }]));
  const dirA = join(w.work, 'hostA', '0', '41');
  const dirB = join(w.work, 'hostC', '0', '41');
  const r = await w.tm('mv', [`${host(0)}:${dirA}`, `${host(2)}:${dirB}`, '41', String(w.SYS_DS)]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /does not exist \(already moved\?\)/);
  t.is(readlinkSync(join(dirB, 'disk.0')), await deviceOf(image, host(2)));
});

test.serial('a folder move to a host whose SSH key is unknown fails with an ERROR and leaves the source folder alone', async (t) => {
  w.cli.setVm(42, vmXml(42, []));
  const dirA = join(w.work, 'hostA', '0', '42');
  mkdirSync(dirA, { recursive: true });
  writeFileSync(join(dirA, 'checkpoint'), 'x');
  const kh = join(w.work, 'kh-one-host');
  writeFileSync(kh, readFileSync(w.sshd.knownHosts, 'utf8').replace(/^\S+/, `[127.0.0.1]:${w.sshd.port}`));
  const r = await runDriver('tm', 'mv', [`127.0.0.1:${dirA}`, `127.0.0.2:${join(w.work, 'hostB', '0', '42')}`, '42', String(w.SYS_DS)], { env: { ...w.env, ONE_LINSTOR_KNOWN_HOSTS: kh } });
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: .*host key .*127\.0\.0\.2.* is not in/);
  t.true(existsSync(join(dirA, 'checkpoint')));
});

test.serial('system datastore monitor prints a VM=[ID=…, MONITOR="<base64>"] line per VM with the DISK_SIZE of each LINSTOR disk as the controller reports it (legacy POLL form on request)', async (t) => {
  const dir = join(w.work, 'hostA', '0', '43');
  w.cli.setVm(43, vmXml(43, [{ diskId: 0, source: image }]));
  const c = await w.tm('clone', [`frontend:${image}`, `${host(0)}:${dir}/disk.0`, '43', String(w.DS)]);
  t.is(c.code, 0, c.stderr);
  const s = await w.tm('mkswap', ['16', `${host(0)}:${dir}/disk.2`, '43', String(w.SYS_DS)]);
  t.is(s.code, 0, s.stderr);
  const stdin = b64(drvAction(datastoreXml(w.SYS_DS, w.dsTemplate, 1)));
  const r = await runDriver('tm', 'monitor', [String(w.SYS_DS)], { stdin, env: w.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^USED_MB=\d+\nTOTAL_MB=\d+\nFREE_MB=\d+\n/);
  const m = /^VM=\[ID=43, MONITOR="([A-Za-z0-9+/=]+)"\]$/m.exec(r.stdout);
  t.truthy(m, r.stdout);
  const poll = Buffer.from(m![1]!, 'base64').toString('utf8');
  const sizeOf = async (res: string) => {
    const { body } = await call<Array<{ flags?: string[]; volumes: Array<{ allocated_size_kib?: number; usable_size_kib?: number }> }>>(w.cluster.ctl, 'GET', `/v1/view/resources?resources=${res}`);
    return Math.ceil(Math.max(...body.filter((x) => !(x.flags ?? []).includes('DISKLESS')).map((x) => x.volumes[0]!.allocated_size_kib ?? x.volumes[0]!.usable_size_kib ?? 0)) / 1024);
  };
  const s0 = await sizeOf(`${image}-vm43-disk0`);
  const s2 = await sizeOf('OpenNebula-Volatile-vm43-disk2');
  t.is(poll, `DISK_SIZE=[ID=0,SIZE=${s0}] DISK_SIZE=[ID=2,SIZE=${s2}]`);
  // Thin pools report what is allocated, which the controller may not have refreshed since creation.
  t.true(s0 <= 8 && s2 <= 16, `sizes within the volumes: disk 0 ${s0} MiB, swap ${s2} MiB`);
  t.log(`DISK_SIZE from the controller: disk 0 ${s0} MiB, disk 2 ${s2} MiB`);
  t.false(/VM=\[ID=40,/.test(r.stdout), 'a persistent image is not a per-VM disk');
  const legacy = await runDriver('tm', 'monitor', [String(w.SYS_DS)], { stdin, env: { ...w.env, ONE_LINSTOR_LEGACY_MONITORING: '1' } });
  t.is(legacy.code, 0, legacy.stderr);
  t.regex(legacy.stdout, new RegExp(`^VM=\\[ID=43, POLL="DISK_SIZE=\\[ID=0,SIZE=${s0}\\] DISK_SIZE=\\[ID=2,SIZE=${s2}\\]"\\]$`, 'm'));
});
