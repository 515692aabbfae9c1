/**
 * `linstor node interface create/modify/list/delete` and `linstor node info` against a real
 * controller process (no satellite here: the nodes stay offline, which `node info` must say).
 */
import test, { type ExecutionContext } from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { linstor, type CliResult } from './helpers.js';

let ctl: TestController;
const uniq = (p: string): string => `${p}${Math.random().toString(36).slice(2, 8)}`;
const L = (...args: string[]) => linstor(['--controllers', ctl.url, ...args]);
async function ok(t: ExecutionContext, run: Promise<CliResult>): Promise<CliResult> {
  const r = await run;
  t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}
const rowOf = (out: string, first: string): string[] | undefined =>
  out.split('\n').map((l) => l.split('|').map((c) => c.trim()).filter(Boolean)).find((cells) => cells[1] === first || cells[0] === first);

test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('an operator adds a second network interface, changes its address and port, and removes it again', async (t) => {
  const node = uniq('nif-');
  await ok(t, L('node', 'create', node, '127.0.0.2', '--port', '1'));
  const c = await ok(t, L('node', 'interface', 'create', node, 'data', '10.1.0.1'));
  t.regex(c.stdout, new RegExp(`New network interface 'data' on node '${node}' created\\.`));

  const l1 = await ok(t, L('n', 'i', 'l', node));
  // linstor-client's shape: the node name heads the first column; the satellite connection is marked.
  t.regex(l1.stdout, new RegExp(`\\| ${node} +\\| NetInterface +\\| IP +\\| Port +\\| EncryptionType +\\|`));
  t.deepEqual(rowOf(l1.stdout, 'default'), ['+ StltCon', 'default', '127.0.0.2', '1', 'PLAIN']);
  t.deepEqual(rowOf(l1.stdout, 'data')?.slice(0, 3), ['+', 'data', '10.1.0.1']);

  const m = await ok(t, L('node', 'interface', 'modify', node, 'data', '--ip', '10.1.0.9', '--port', '3367', '--communication-type', 'ssl'));
  t.regex(m.stdout, new RegExp(`Network interface 'data' on node '${node}' modified\\.`));
  const l2 = await ok(t, L('n', 'i', 'l', node));
  t.deepEqual(rowOf(l2.stdout, 'data'), ['+', 'data', '10.1.0.9', '3367', 'SSL']);

  const d = await ok(t, L('node', 'interface', 'delete', node, 'data'));
  t.regex(d.stdout, new RegExp(`Network interface 'data' on node '${node}' deleted\\.`));
  const l3 = await ok(t, L('n', 'i', 'l', node));
  t.is(rowOf(l3.stdout, 'data'), undefined);
});

test('`node interface modify --active` moves the satellite connection to that interface', async (t) => {
  const node = uniq('act-');
  await ok(t, L('node', 'create', node, '127.0.0.2', '--port', '1'));
  await ok(t, L('node', 'interface', 'create', node, 'repl', '127.0.0.3', '--port', '2'));
  await ok(t, L('node', 'interface', 'modify', node, 'repl', '--active'));
  const l = await ok(t, L('-m', 'node', 'interface', 'list', node));
  // -m prints the node list, as linstor-client does (GET /v1/nodes?nodes=NODE).
  const nifs = JSON.parse(l.stdout)[0][0].net_interfaces as Array<{ name: string; is_active?: boolean }>;
  t.true(nifs.find((n) => n.name === 'repl')?.is_active);
  t.falsy(nifs.find((n) => n.name === 'default')?.is_active);
  // The active interface can not be deleted: the controller reaches the satellite through it.
  const d = await L('node', 'interface', 'delete', node, 'repl');
  t.is(d.code, 10);
  t.regex(d.stdout + d.stderr, /active satellite connection/);
});

test('deleting several interfaces at once reports each, and an unknown one is an error', async (t) => {
  const node = uniq('multi-');
  await ok(t, L('node', 'create', node, '127.0.0.2', '--port', '1'));
  await ok(t, L('n', 'i', 'c', node, 'a1', '10.2.0.1'));
  await ok(t, L('n', 'i', 'c', node, 'a2', '10.2.0.2'));
  const d = await ok(t, L('n', 'i', 'd', node, 'a1', 'a2'));
  t.is(d.stdout.match(/SUCCESS:/g)?.length, 2);
  const bad = await L('n', 'i', 'd', node, 'nope');
  t.is(bad.code, 10, bad.stdout + bad.stderr);
  t.regex(bad.stdout + bad.stderr, /Network interface 'nope' not found/);
  const badType = await L('n', 'i', 'c', node, 'a3', '10.2.0.3', '--port', '5', '--communication-type', 'tls');
  t.is(badType.code, 2);
  t.regex(badType.stderr, /invalid choice: 'tls'/);
});

test('`node info` lists providers and layers as +/- tables and, with --full, says an offline node is offline', async (t) => {
  const node = uniq('info-');
  await ok(t, L('node', 'create', node, '127.0.0.2', '--port', '1'));
  const r = await ok(t, L('node', 'info', '--full', '--nodes', node));
  const lines = r.stdout.split('\n');
  t.regex(lines[1]!, /^\| Node +\| Diskless +\| LVM +\| LVMThin +\| ZFS\/Thin +\| File\/Thin +\| SPDK +\| EXOS +\| Remote SPDK +\| Storage Spaces +\| Storage Spaces\/Thin +\|$/);
  t.deepEqual(rowOf(r.stdout, node), [node, ...Array(10).fill('-')]);
  t.regex(r.stdout, new RegExp(`Unsupported storage providers:\\n ${node}: NODE IS OFFLINE!\\n`));
  t.regex(r.stdout, /\| Node +\| DRBD +\| LUKS +\| NVMe +\| Cache +\| BCache +\| WriteCache +\| Storage +\|/);
  t.regex(r.stdout, new RegExp(`Unsupported resource layers:\\n ${node}: NODE IS OFFLINE!\\n`));
  const short = await ok(t, L('node', 'info', '--nodes', node));
  t.false(short.stdout.includes('Unsupported'), 'the reasons only with --full');
  const m = await ok(t, L('-m', 'node', 'info', '--nodes', node));
  t.is((JSON.parse(m.stdout)[0] as Array<{ name: string }>)[0]?.name, node);
});
