/**
 * The `linstor-csi` executable as Nomad's plugin job starts it: arguments of LINSTOR's CSI
 * driver, CSI_ENDPOINT from the environment, monolith / controller / node modes.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { REPO_ROOT, startController, type TestController } from '../helpers/controller.js';
import { csiClient } from './harness.js';

const BIN = join(REPO_ROOT, 'dist/plugins/nomad-csi/main.js');
let ctl: TestController;
const dir = mkdtempSync(join(tmpdir(), 'csi-bin-'));
const procs: ChildProcess[] = [];
test.before(async () => { ctl = await startController(); });
test.after.always(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await ctl?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; out: () => string }> {
  // The node records go to the test's folder, never to /var/lib/linstor-csi.
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CSI_STATE_DIR: join(dir, 'state'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no listen line:\n${out}`)), 15_000);
    const check = () => { if (/linstor-csi listening/.test(out)) { clearTimeout(timer); res(); } };
    proc.stdout!.on('data', check);
    proc.once('exit', (c) => { clearTimeout(timer); rej(new Error(`exited ${c}:\n${out}`)); });
  });
  return { proc, out: () => out };
}

test.serial('started as in the guide\'s Nomad job (--csi-endpoint, --node, --linstor-endpoint, --log-level) it serves all three services', async (t) => {
  const sock = join(dir, 'mono', 'csi.sock');
  const { proc } = await start([`--csi-endpoint=unix://${sock}`, '--node=nomad-client-1', `--linstor-endpoint=${ctl.url}`, '--log-level=info']);
  const c = csiClient(sock);
  t.teardown(() => c.close());
  t.is((await c.call('identity', 'GetPluginInfo')).name, 'linstor.csi.linbit.com');
  t.true((await c.call('identity', 'Probe')).ready.value);
  t.is((await c.call('node', 'NodeGetInfo')).node_id, 'nomad-client-1');
  t.true((await c.call('controller', 'ControllerGetCapabilities')).capabilities.length > 5);
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
  t.false(existsSync(sock), 'the socket is removed on shutdown');
});

test.serial('CSI_ENDPOINT from the environment, a custom plugin name, node mode without the controller service', async (t) => {
  const sock = join(dir, 'node', 'csi.sock');
  await start(['--mode=node', '--plugin-name=linstor.example.org', `--linstor-endpoint=${ctl.url}`], { CSI_ENDPOINT: `unix://${sock}` });
  const c = csiClient(sock);
  t.teardown(() => c.close());
  t.is((await c.call('identity', 'GetPluginInfo')).name, 'linstor.example.org');
  const caps = (await c.call('identity', 'GetPluginCapabilities')).capabilities.map((x: any) => x.service?.type).filter(Boolean);
  t.false(caps.includes('CONTROLLER_SERVICE'));
  const e = await c.call('controller', 'CreateVolume', { name: 'x' }).catch((x) => x);
  t.is(e.code, status.UNIMPLEMENTED);
});

test.serial('controller mode reports not ready (FAILED_PRECONDITION) while LINSTOR is unreachable', async (t) => {
  const sock = join(dir, 'ctl', 'csi.sock');
  await start([`--csi-endpoint=unix://${sock}`, '--mode=controller', '--linstor-endpoint=http://127.0.0.1:1']);
  const c = csiClient(sock);
  t.teardown(() => c.close());
  const e = await c.call('identity', 'Probe').catch((x) => x);
  t.is(e.code, status.FAILED_PRECONDITION);
  const n = await c.call('node', 'NodeGetInfo').catch((x) => x);
  t.is(n.code, status.UNIMPLEMENTED, 'controller mode serves no node service');
});

test('without an endpoint it exits with usage', async (t) => {
  const p = spawn(process.execPath, [BIN], { env: { ...process.env, CSI_ENDPOINT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise((r) => p.once('exit', r));
  t.is(code, 2);
  t.regex(err, /--csi-endpoint/);
});
