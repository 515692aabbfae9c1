/**
 * Error reports of the Proxmox hook, called as PVE calls it (the Perl shim with the real
 * `perl`, one hook process per call) against a real controller and satellite: a hook that
 * fails unexpectedly (its status cache folder is a plain file) dies with the message and
 * files a report (module PROXMOX, node = the PVE node) with the hook, its arguments, the exit
 * code and what PVE got; a refusal files none; the same failure on every poll is filed once;
 * a report no controller took waits in the outbox and the next hook that reaches one files it.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linstor } from '../cli/helpers.js';
import { randomSuffix } from '../helpers/satellite.js';
import { startPveCluster, type PveCluster } from './cluster.js';
import { pveCall } from './pve.js';

let cl: PveCluster;
let work: string;
let node: string;
// Nothing listens here (the range this suite may use): a controller that is away.
const DEAD_CONTROLLER = `127.0.34.${2 + Math.floor(Math.random() * 200)}:${34000 + Math.floor(Math.random() * 999)}`;
const scfg = (controller: string) => ({ type: 'linstor', resourcegroup: cl.rg, controller, shared: 1, statuscache: 60, content: { images: 1 } });

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pve-reports-'));
  cl = await startPveCluster({ nodes: 1, placeCount: 1 });
  node = cl.nodes[0]!;
  // A plain file where the status cache folder should be: the hook cannot write its cache.
  writeFileSync(join(work, 'cache-is-a-file'), 'not a folder');
});
test.after.always(async () => {
  await cl?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ctlAddr = () => cl.ctl.url.replace(/^http:\/\//, '');
async function reports(match: string) {
  return (await cl.client.errorReports.list({ withContent: true })).filter((r) => r.module === 'PROXMOX' && (r.text ?? '').includes(match));
}
const env = (o: string) => ({ LINSTOR_PVE_OUTBOX_DIR: o });

test.serial('a hook that fails unexpectedly dies with the message and files one report with node, module, hook, arguments, exit code and PVE\'s message, even when every poll fails', async (t) => {
  const store = `store${randomSuffix()}`;
  const box = join(work, 'outbox-1');
  const first = await pveCall(node, join(work, 'cache-is-a-file'), 'status', [store, scfg(ctlAddr()), {}], env(box));
  t.false(first.ok);
  t.regex(first.error!, /^status: EEXIST/);
  // pvestatd polls every 10 s, each poll a new process: the same failure is filed once.
  const second = await pveCall(node, join(work, 'cache-is-a-file'), 'status', [store, scfg(ctlAddr()), {}], env(box));
  t.false(second.ok);
  const found = await reports(`(storage ${store})`);
  t.is(found.length, 1);
  const r = found[0]!;
  t.is(r.node_name, node);
  t.is(r.exception, 'Error');
  const text = r.text ?? '';
  t.regex(text, /Module: +PROXMOX/);
  t.regex(text, new RegExp(`Action: +status \\(storage ${store}\\)`));
  t.regex(text, /Command: +status \{/);
  t.regex(text, /Exit code: +1\n/);
  t.regex(text, /Adapter output:\nstatus: EEXIST/);
  t.regex(text, /Call backtrace:\nError: EEXIST/);
  const listed = await linstor(['--controllers', ctlAddr(), 'error-reports', 'list', '--nodes', node]);
  t.true(listed.stdout.includes(`P|${node}`), listed.stdout);
});

test.serial('refusals (a volume name PVE should not send, an unsupported format) file no report', async (t) => {
  const before = (await reports('')).length;
  const bad = await pveCall(node, join(work, 'cache'), 'parse_volname', ['not-a-disk'], env(join(work, 'outbox-2')));
  t.false(bad.ok);
  const fmt = await pveCall(node, join(work, 'cache'), 'alloc_image', ['s2', scfg(ctlAddr()), 100, 'qcow2', null, 1024], env(join(work, 'outbox-2')));
  t.false(fmt.ok);
  t.regex(fmt.error!, /unsupported format 'qcow2'/);
  t.is((await reports('')).length, before);
});

test.serial('with no controller answering the report waits in the outbox, and the next hook that reaches a controller files it', async (t) => {
  const store = `store${randomSuffix()}`;
  const outbox = join(work, 'outbox-3');
  const failed = await pveCall(node, join(work, 'cache-is-a-file'), 'status', [store, scfg(DEAD_CONTROLLER), {}], env(outbox));
  t.false(failed.ok);
  t.deepEqual(readdirSync(outbox).filter((f) => f.startsWith('pending-')).length, 1, 'kept on disk');
  t.is((await reports(`(storage ${store})`)).length, 0);
  // A hook that needs no controller does not try to send it.
  t.true((await pveCall(node, join(work, 'cache'), 'parse_volname', ['vm-100-disk-0'], env(outbox))).ok);
  t.is(readdirSync(outbox).filter((f) => f.startsWith('pending-')).length, 1);
  const ok = await pveCall(node, join(work, 'cache'), 'status', ['s3', scfg(ctlAddr()), {}], env(outbox));
  t.true(ok.ok, ok.error);
  const [r] = await reports(`(storage ${store})`);
  t.truthy(r, 'filed by the next hook that reached the controller');
  t.is(r!.node_name, node);
  t.regex(r!.text ?? '', /Exit code: +1\n/);
  t.is(readdirSync(outbox).filter((f) => f.startsWith('pending-')).length, 0, 'gone from the outbox');
});
