/**
 * `drbd-options` / `drbd-peer-options`: what each sends (the --curl line, nothing sent) and what
 * is refused before anything is sent; `encryption`: passphrases typed on stdin, against a real
 * controller.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { startController, type TestController } from '../helpers/controller.js';
import { CLI, linstorInProcess } from './helpers.js';

/** [method, url, body] of the curl line `linstor --curl ARGS` prints. */
async function sent(...args: string[]): Promise<[string, string, unknown]> {
  const r = await linstorInProcess(['--curl', '--controllers', 'ctrl:3370', ...args]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}${r.stderr}`);
  const m = /^curl -X (\w+)(?: -H "Content-Type: application\/json" -d '(.*)')? (\S+)\n$/.exec(r.stdout);
  if (!m) throw new Error(`unexpected curl line ${r.stdout}`);
  return [m[1]!, m[3]!, m[2] === undefined ? undefined : JSON.parse(m[2])];
}

test('`rd drbd-options --protocol C --unset-quorum rd1` sets and deletes DrbdOptions/* on the resource definition', async (t) => {
  t.deepEqual(await sent('rd', 'drbd-options', '--protocol', 'C', '--unset-quorum', 'rd1'), [
    'PUT', 'http://ctrl:3370/v1/resource-definitions/rd1',
    { override_props: { 'DrbdOptions/Net/protocol': 'C' }, delete_props: ['DrbdOptions/Resource/quorum'] },
  ]);
});

test('drbd-options exist for controller, resource group and volume definition, each on its own endpoint', async (t) => {
  // The controller takes one property per POST, as linstor-client sends them.
  t.deepEqual(await sent('controller', 'drbd-options', '--on-no-quorum', 'io-error'),
    ['POST', 'http://ctrl:3370/v1/controller/properties', { override_props: { 'DrbdOptions/Resource/on-no-quorum': 'io-error' } }]);
  t.deepEqual(await sent('rg', 'drbd-options', '--allow-two-primaries', 'yes', 'rg1'),
    ['PUT', 'http://ctrl:3370/v1/resource-groups/rg1', { select_filter: {}, override_props: { 'DrbdOptions/Net/allow-two-primaries': 'yes' } }]);
  t.deepEqual(await sent('vd', 'drbd-options', '--al-extents', '6007', 'rd1', '0'),
    ['PUT', 'http://ctrl:3370/v1/resource-definitions/rd1/volume-definitions/0', { override_props: { 'DrbdOptions/Disk/al-extents': '6007' } }]);
});

test('drbd-peer-options go to the resource connection or the node connection', async (t) => {
  t.deepEqual(await sent('r', 'drbd-peer-options', '--max-buffers', '8000', '--c-max-rate', '4G', 'alpha', 'bravo', 'rd1'), [
    'PUT', 'http://ctrl:3370/v1/resource-definitions/rd1/resource-connections/alpha/bravo',
    { override_props: { 'DrbdOptions/PeerDevice/c-max-rate': '4G', 'DrbdOptions/Net/max-buffers': '8000' } },
  ]);
  t.is((await sent('resource-connection', 'drbd-peer-options', '--protocol', 'A', 'alpha', 'bravo', 'rd1'))[1],
    'http://ctrl:3370/v1/resource-definitions/rd1/resource-connections/alpha/bravo');
  t.deepEqual(await sent('nc', 'drbd-peer-options', '--unset-protocol', 'alpha', 'bravo'),
    ['PUT', 'http://ctrl:3370/v1/node-connections/alpha/bravo', { delete_props: ['DrbdOptions/Net/protocol'] }]);
});

test('drbd-options refuse bad values, options of another section, and set+unset together, before sending anything', async (t) => {
  const bad = async (...args: string[]): Promise<string> => {
    const r = await linstorInProcess(['--curl', '--controllers', 'ctrl:3370', ...args]);
    t.is(r.code, 2, r.stdout);
    t.false(r.stdout.includes('curl -X'), 'nothing sent');
    return r.stderr;
  };
  t.regex(await bad('rd', 'drbd-options', '--protocol', 'D', 'rd1'), /argument --protocol: invalid choice: 'D' \(choose from 'A', 'B', 'C'\)/);
  t.regex(await bad('rd', 'drbd-options', '--al-extents', '10', 'rd1'), /expected an integer from 67 to 65534/);
  t.regex(await bad('vd', 'drbd-options', '--protocol', 'C', 'rd1', '0'), /unrecognized arguments: --protocol/);
  t.regex(await bad('rd', 'drbd-options', '--protocol', 'C', '--unset-protocol', 'rd1'), /not allowed to set and unset an option at the same time/);
});

// ---- encryption against a real controller, passphrases on stdin (not a terminal) ----

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

function withStdin(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--controllers', ctl.url, ...args], {
      env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

test.serial('`encryption create-passphrase` reads it twice from stdin; enter-passphrase and modify-passphrase follow; status shows the lock', async (t) => {
  const c = await withStdin(['encryption', 'create-passphrase'], 's3cret\ns3cret\n');
  t.is(c.code, 0, c.stdout + c.stderr);
  t.regex(c.stdout, /^SUCCESS:\n/);
  const wrong = await withStdin(['encryption', 'enter-passphrase', '--passphrase', 'nope'], '');
  t.is(wrong.code, 10);
  t.regex(wrong.stdout, /ERROR:/);
  const right = await withStdin(['encryption', 'enter-passphrase'], 's3cret\n');
  t.is(right.code, 0, right.stdout + right.stderr);
  const mod = await withStdin(['encryption', 'modify-passphrase'], 's3cret\nn3w\nn3w\n');
  t.is(mod.code, 0, mod.stdout + mod.stderr);
  t.is((await withStdin(['encryption', 'enter-passphrase', '-p', 'n3w'], '')).code, 0);
});

test.serial('create-passphrase refuses two different answers without calling the controller', async (t) => {
  const r = await withStdin(['encryption', 'create-passphrase'], 'a\nb\n');
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /Passphrase doesn't match\./);
});
