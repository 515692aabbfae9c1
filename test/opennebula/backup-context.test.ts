/**
 * VM backups (tm prebackup[_live] / postbackup[_live]) and the context ISO (tm context) on a
 * LINSTOR system datastore, run through the launchers as oned runs them, against a real
 * controller, three FILE_THIN satellites (layer list STORAGE: no DRBD module here) and a real
 * sshd on 127.0.0.1-3 whose "hosts" share this machine's file system. `onevm`/`onedatastore`
 * are stand-ins that print prepared XML.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { call } from '../e2e/cluster.js';
import { vmXml } from './one-env.js';
import { startOneWorld, type OneWorld } from './one-world.js';

const sh = promisify(execFile);
let w: OneWorld;
const base = 40_000 + Math.floor(Math.random() * 9000);
let image = '';
let data: Buffer;
const VM = 60;

test.before(async () => {
  w = await startOneWorld();
  data = randomBytes(2 * 1048576);
  const f = join(w.work, 'img.raw');
  writeFileSync(f, data);
  const r = await w.ds('cp', base, { id: base, path: f, size: 8 });
  if (r.code !== 0) throw new Error(`cp failed: ${r.stderr}`);
  image = r.stdout.split(' ')[0]!;
});
test.after.always(async () => { await w?.teardown(); });

const host = (i: number) => w.cluster.nodes[i]!.name;
const vmDir = (vm: number) => join(w.work, 'host', '0', String(vm));

/** The guest data of a backup file: its format as qemu-img sees it and the first bytes as raw. */
async function backupContent(file: string, len: number): Promise<{ format: string; head: Buffer }> {
  const { stdout } = await sh('qemu-img', ['info', '--output=json', file]);
  const raw = `${file}.raw`;
  await sh('qemu-img', ['convert', '-O', 'raw', file, raw]);
  return { format: (JSON.parse(stdout) as { format: string }).format, head: readFileSync(raw).subarray(0, len) };
}

async function resourceNames(): Promise<string[]> {
  const { body } = await call<Array<{ name: string }>>(w.cluster.ctl, 'GET', '/v1/resource-definitions');
  return body.map((r) => r.name);
}
async function snapshotsOf(res: string): Promise<string[]> {
  const { body } = await call<Array<{ name: string }>>(w.cluster.ctl, 'GET', `/v1/resource-definitions/${res}/snapshots`);
  return body.map((s) => s.name);
}

test.serial('backup of a powered-off VM (oned 6.6+ arguments, backup job "-"): backup/disk.0.0 is a qcow2 copy of the disk, vm.xml is the VM; postbackup removes the folder', async (t) => {
  const xml = vmXml(VM, [{ diskId: 0, source: image, persistent: true }]);
  w.cli.setVm(VM, xml);
  const dir = vmDir(VM);
  const ln = await w.tm('ln', [`fe:${image}`, `${host(0)}:${dir}/disk.0`, String(VM), String(w.DS)]);
  t.is(ln.code, 0, ln.stderr);
  mkdirSync(join(dir, 'backup'), { recursive: true });
  writeFileSync(join(dir, 'backup', 'stale'), 'from an earlier backup');
  const r = await w.tm('prebackup', [`${host(0)}:${dir}`, '0:', `one-${VM}`, '-', String(VM), String(w.SYS_DS)]);
  t.is(r.code, 0, r.stderr);
  const b = await backupContent(join(dir, 'backup', 'disk.0.0'), data.length);
  t.is(b.format, 'qcow2');
  t.true(b.head.equals(data), 'the backup holds the disk\'s data');
  t.is(readFileSync(join(dir, 'backup', 'vm.xml'), 'utf8').trim(), xml.trim());
  t.false(existsSync(join(dir, 'backup', 'stale')), 'the backup folder starts empty');
  const post = await w.tm('postbackup', [`${host(0)}:${dir}`, '0:', `one-${VM}`, '-', String(VM), String(w.SYS_DS)]);
  t.is(post.code, 0, post.stderr);
  t.false(existsSync(join(dir, 'backup')));
  t.true(existsSync(join(dir, 'disk.0')), 'the VM\'s own disk link stays');
});

test.serial('live backup (oned 6.4 arguments, no backup job): copied from a LINSTOR snapshot through a temporary resource, which is gone afterwards with the snapshot', async (t) => {
  const dir = vmDir(VM);
  // A snapshot left by an interrupted earlier run must not stop this one.
  await call(w.cluster.ctl, 'POST', `/v1/resource-definitions/${image}/snapshots`, { name: 'OpenNebula-Backup' });
  const r = await w.tm('prebackup_live', [`${host(0)}:${dir}`, '0', `one-${VM}`, String(VM), String(w.SYS_DS)]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /INFO: .*snapshot OpenNebula-Backup taken of /);
  const b = await backupContent(join(dir, 'backup', 'disk.0.0'), data.length);
  t.is(b.format, 'qcow2');
  t.true(b.head.equals(data));
  t.false((await resourceNames()).includes(`OpenNebula-Backup-vm${VM}-disk0`), 'temporary resource removed');
  t.deepEqual(await snapshotsOf(image), [], 'backup snapshot removed');
  const post = await w.tm('postbackup_live', [`${host(0)}:${dir}`, '0', `one-${VM}`, String(VM), String(w.SYS_DS)]);
  t.is(post.code, 0, post.stderr);
  t.false(existsSync(join(dir, 'backup')));
  const again = await w.tm('postbackup_live', [`${host(0)}:${dir}`, '0', `one-${VM}`, String(VM), String(w.SYS_DS)]);
  t.is(again.code, 0, 'postbackup twice is harmless');
});

test.serial('a backup listing a disk the VM does not have fails with an ERROR and writes nothing', async (t) => {
  const dir = vmDir(VM);
  const r = await w.tm('prebackup', [`${host(0)}:${dir}`, '0:7:', `one-${VM}`, '-', String(VM), String(w.SYS_DS)]);
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: tm\/linstor\/prebackup: VM 60 has no DISK with DISK_ID 7/);
  t.false(existsSync(join(dir, 'backup')));
});

test.serial('tm context builds an ISO labelled CONTEXT with the files oned names (path:\'name\' renamed) and writes it as the VM\'s disk file on the host', async (t) => {
  const files = join(w.work, 'fe-files');
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 'context.sh'), "ETH0_IP='10.0.0.5'\n");
  writeFileSync(join(files, 'f00d'), '#!/bin/sh\necho hi\n');
  const dir = vmDir(VM + 1);
  w.cli.setVm(VM + 1, vmXml(VM + 1, []));
  const r = await w.tm('context', [join(files, 'context.sh'), `${join(files, 'f00d')}:'init.sh'`, `${host(1)}:${dir}/disk.1`, String(VM + 1), String(w.SYS_DS)]);
  t.is(r.code, 0, r.stderr);
  const iso = join(dir, 'disk.1');
  const { stdout: info } = await sh('isoinfo', ['-d', '-i', iso]);
  t.regex(info, /Volume id: CONTEXT/);
  const { stdout: list } = await sh('isoinfo', ['-J', '-f', '-i', iso]);
  t.deepEqual(list.trim().split('\n').sort(), ['/context.sh', '/init.sh']);
  t.is((await sh('isoinfo', ['-J', '-i', iso, '-x', '/context.sh'])).stdout, "ETH0_IP='10.0.0.5'\n");
  t.is((await sh('isoinfo', ['-J', '-i', iso, '-x', '/init.sh'])).stdout, '#!/bin/sh\necho hi\n');
  t.false(existsSync(`${iso}.tmp`));
  // A missing context file is named, and the existing ISO is left as it was.
  const before = readFileSync(iso);
  const miss = await w.tm('context', [join(files, 'nope.sh'), `${host(1)}:${dir}/disk.1`, String(VM + 1), String(w.SYS_DS)]);
  t.not(miss.code, 0);
  t.regex(miss.stderr, /context file .*nope\.sh does not exist on the front-end/);
  t.true(readFileSync(iso).equals(before));
});
