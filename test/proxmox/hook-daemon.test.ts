/**
 * The optional hook daemon (`linstor-pve-hook --serve SOCKET`): the Perl shim sends its
 * requests over the unix socket when it exists and starts no process per call.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';
import { pveCall } from './pve.js';

let dir = '';
let sock = '';
let daemon: ChildProcess | undefined;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pve-hookd-'));
  sock = join(dir, 'run/hook.sock');
  daemon = spawn(process.execPath, [join(REPO_ROOT, 'dist/plugins/proxmox/hook/main.js'), '--serve', sock], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LINSTOR_PVE_OUTBOX_DIR: join(dir, 'outbox') } });
  let err = '';
  daemon.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(sock)) throw new Error(`hook daemon did not start: ${err}`);
});
test.after.always(async () => {
  if (daemon && daemon.exitCode === null) {
    const gone = new Promise((r) => daemon!.once('exit', r));
    daemon.kill('SIGTERM');
    await gone;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A hook command that cannot run proves the answer came over the socket.
const viaSocket = () => ({ LINSTOR_PVE_SOCKET: sock, LINSTOR_PVE_HOOK: '/nonexistent/linstor-pve-hook' });

test.serial('with the hook daemon running, PVE calls are answered over its socket, which only root may use', async (t) => {
  t.is(statSync(sock).mode & 0o777, 0o600);
  const r = await pveCall<unknown[]>('pve1', join(dir, 'cache'), 'parse_volname', ['base-vm-104-disk-1'], viaSocket());
  t.true(r.ok, r.error);
  t.deepEqual(r.result, ['images', 'base-vm-104-disk-1', 104, null, null, 1, 'raw']);
});

test.serial('an error from the daemon still becomes PVE\'s die with the message', async (t) => {
  const r = await pveCall('pve1', join(dir, 'cache'), 'alloc_image', ['ls', { resourcegroup: 'rg', shared: 1, bogus: 'x' }, 100, 'raw', null, 1024], viaSocket());
  t.false(r.ok);
  t.regex(r.error!, /alloc_image: storage 'ls' \(type linstor\): unknown key 'bogus'/);
});

test.serial('without a daemon the shim starts the hook for the call, and says so when it cannot', async (t) => {
  const r = await pveCall('pve1', join(dir, 'cache'), 'parse_volname', ['vm-1-disk-0'], { LINSTOR_PVE_SOCKET: join(dir, 'none.sock'), LINSTOR_PVE_HOOK: '/nonexistent/linstor-pve-hook' });
  t.false(r.ok);
  t.regex(r.error!, /parse_volname: linstor-pve-hook failed \(exit code \d+\) without an answer|cannot run/);
  const ok = await pveCall<unknown[]>('pve1', join(dir, 'cache'), 'parse_volname', ['vm-1-disk-0'], { LINSTOR_PVE_SOCKET: join(dir, 'none.sock') });
  t.true(ok.ok, ok.error);
});
