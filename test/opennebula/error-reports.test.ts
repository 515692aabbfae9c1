/**
 * Error reports of the OpenNebula driver, run as oned runs it (launcher, real sshd, real
 * controller and satellites): a command on a host that fails files a report (module
 * OPENNEBULA, node = this front-end) with the command, its exit code and output and the
 * driver's own answer, without the datastore's password; a refusal files none; a report the
 * controller could not take waits in the outbox and is filed by the next action that works.
 */
import test from 'ava';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linstor } from '../cli/helpers.js';
import { call } from '../e2e/cluster.js';
import { randomSuffix } from '../helpers/satellite.js';
import { datastoreXml, TEST_OUTBOX_DIR, vmXml } from './one-env.js';
import { startOneWorld, type OneWorld } from './one-world.js';

let w: OneWorld;
const PASSWORD = `one-s3cret-${randomSuffix()}`;
const AUTH_DS = 152;
const DEAD_DS = 153;
// Nothing listens here (the range this suite may use): a controller that is away.
const DEAD_CONTROLLER = `127.0.34.${2 + Math.floor(Math.random() * 200)}:${34000 + Math.floor(Math.random() * 999)}`;

test.before(async () => {
  w = await startOneWorld();
  // The same controller with a login (the controller here asks for none): the password must never show.
  w.cli.setDatastore(AUTH_DS, datastoreXml(AUTH_DS, { ...w.dsTemplate, LINSTOR_USER: 'oneadmin', LINSTOR_PASSWORD: PASSWORD, LINSTOR_ALLOW_INSECURE_AUTH: 'yes' }, 1));
  w.cli.setDatastore(DEAD_DS, datastoreXml(DEAD_DS, { ...w.dsTemplate, LINSTOR_CONTROLLERS: DEAD_CONTROLLER }, 1));
  // A plain file where a VM folder's parent should be: `mkdir -p` under it fails on the host.
  writeFileSync(join(w.work, 'blocker'), 'not a folder');
});
test.after.always(async () => { await w?.teardown(); });

const ctlAddr = () => w.cluster.ctl.url.replace(/^http:\/\//, '');
async function reports(match: string): Promise<Array<{ node_name?: string; module?: string; text?: string; filename?: string }>> {
  const all = (await call<any[]>(w.cluster.ctl, 'GET', `/v1/error-reports?withContent=true`)).body;
  return all.filter((r) => r.module === 'OPENNEBULA' && (r.text ?? '').includes(match));
}

test.serial('a command that fails on the host (mkdir -p under a file) answers ERROR and files a report with node, module, command, exit code, output and the driver\'s answer, without the datastore password', async (t) => {
  const res = `onerep${randomSuffix()}`;
  await call(w.cluster.ctl, 'POST', `/v1/resource-groups/${w.rg}/spawn`, { resource_definition_name: res, volume_sizes: [8192] });
  const dst = join(w.work, 'blocker', String(AUTH_DS), '40', 'disk.0');
  const r = await w.tm('ln', [`fe:${res}`, `${w.cluster.nodes[0]!.name}:${dst}`, '40', String(AUTH_DS)]);
  t.is(r.code, 1);
  t.regex(r.stderr, /ERROR: tm\/linstor\/ln: Command 'mkdir -p .*blocker/);
  const [rep, ...more] = await reports(dst);
  t.is(more.length, 0, 'one report for one failure');
  t.truthy(rep, 'a report was filed');
  t.is(rep!.node_name, hostname());
  const text = rep!.text ?? '';
  t.regex(text, /Module: +OPENNEBULA/);
  t.regex(text, new RegExp(`Command: +mkdir -p ${join(w.work, 'blocker', String(AUTH_DS), '40')}`));
  t.regex(text, /Exit code: +1\n/);
  t.regex(text, /Error output:\n.*Not a directory/);
  t.regex(text, new RegExp(`Adapter command: +tm/linstor/ln fe:${res} \\S+:${dst} 40 ${AUTH_DS}`));
  t.regex(text, /Adapter exit code: +1/);
  t.regex(text, /Adapter output:\nERROR: tm\/linstor\/ln: Command 'mkdir -p/);
  t.false(JSON.stringify(rep).includes(PASSWORD));
  // LINBIT's client lists it under this host, with the module's first letter.
  const listed = await linstor(['--controllers', ctlAddr(), 'error-reports', 'list', '--nodes', hostname()]);
  t.true(listed.stdout.includes(`O|${hostname()}`), listed.stdout);
});

test.serial('a refusal the operator can fix (a path outside the VM\'s folder) files no report', async (t) => {
  const before = (await reports('')).length;
  const r = await w.tm('ln', ['fe:whatever', `${w.cluster.nodes[0]!.name}:/etc/disk.0`, '41', String(w.DS)]);
  t.is(r.code, 1);
  t.regex(r.stderr, /is not a folder or disk of VM 41/);
  t.is((await reports('')).length, before);
});

test.serial('with the controller away the report waits in the outbox (bounded, own folder) and the next action that works files it', async (t) => {
  w.cli.setVm(42, vmXml(42, []));
  const src = join(w.work, 'vm42', String(DEAD_DS), '42');
  const dst = join(w.work, 'blocker', 'sub', String(DEAD_DS), '42');
  const r = await w.tm('mv', [`127.0.0.1:${src}`, `127.0.0.1:${dst}`, '42', String(DEAD_DS)]);
  t.is(r.code, 1);
  t.regex(r.stderr, /ERROR: tm\/linstor\/mv: Command 'mkdir -p/);
  const kept = readdirSync(TEST_OUTBOX_DIR).filter((f) => f.startsWith('pending-'));
  t.is(kept.length, 1, 'kept on disk');
  t.is((await reports(dst)).length, 0, 'not on the controller yet');
  // Any action that reaches a controller sends it (here: a disk linked on the working datastore).
  const res = `onerep${randomSuffix()}`;
  await call(w.cluster.ctl, 'POST', `/v1/resource-groups/${w.rg}/spawn`, { resource_definition_name: res, volume_sizes: [8192] });
  const ok = await w.tm('ln', [`fe:${res}`, `${w.cluster.nodes[0]!.name}:${join(w.work, 'ok', String(w.DS), '43', 'disk.0')}`, '43', String(w.DS)]);
  t.is(ok.code, 0, ok.stderr);
  const [rep] = await reports(dst);
  t.truthy(rep, 'filed after the controller answered');
  t.is(rep!.node_name, hostname());
  t.regex(rep!.text ?? '', /Exit code: +1\n/);
  t.regex(rep!.text ?? '', new RegExp(`Adapter command: +tm/linstor/mv 127.0.0.1:${src}`));
  t.false(existsSync(join(TEST_OUTBOX_DIR, kept[0]!)), 'gone from the outbox');
});
