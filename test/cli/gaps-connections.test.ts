/**
 * `linstor node-connection` and `linstor resource-connection` against a real controller:
 * properties on a pair of nodes and DRBD paths (`Paths/<path>/<node>` = interface), stored
 * the way linstor-client stores them so either client reads what the other wrote.
 */
import test, { type ExecutionContext } from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call } from '../e2e/cluster.js';
import { linstor, type CliResult } from './helpers.js';

let ctl: TestController;
const uniq = (p: string): string => `${p}${Math.random().toString(36).slice(2, 8)}`;
const L = (...args: string[]) => linstor(['--controllers', ctl.url, ...args]);
async function ok(t: ExecutionContext, run: Promise<CliResult>): Promise<CliResult> {
  const r = await run;
  t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}
const cellsOf = (out: string): string[][] => out.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split('|').map((c) => c.trim()).slice(1, -1));

/** Two offline nodes, each with a `data` interface. */
async function twoNodes(t: ExecutionContext): Promise<[string, string]> {
  const a = uniq('na-');
  const b = uniq('nb-');
  for (const [n, ip] of [[a, '127.0.0.2'], [b, '127.0.0.3']] as const) {
    await ok(t, L('node', 'create', n, ip, '--port', '1'));
    await ok(t, L('node', 'interface', 'create', n, 'data', ip.replace('127.0.0', '10.9.0')));
  }
  return [a, b];
}

test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('a node-connection path is created, listed and deleted as Paths/<name>/<node> properties', async (t) => {
  const [a, b] = await twoNodes(t);
  const c = await ok(t, L('node-connection', 'path', 'create', a, b, 'path1', 'data', 'data'));
  t.regex(c.stdout, new RegExp(`Node connection between nodes '${a}' and '${b}' modified\\.`));
  const rest = await call<Array<{ props?: Record<string, string> }>>(ctl, 'GET', `/v1/node-connections?node_a=${a}&node_b=${b}`);
  t.like(rest.body[0]?.props, { [`Paths/path1/${a}`]: 'data', [`Paths/path1/${b}`]: 'data' });

  const l = await ok(t, L('nc', 'p', 'l', b, a));
  t.deepEqual(cellsOf(l.stdout).slice(1), [[`Paths/path1/${a}`, 'data'], [`Paths/path1/${b}`, 'data']]);

  await ok(t, L('nc', 'path', 'delete', a, b, 'path1'));
  const after = await ok(t, L('nc', 'path', 'list', a, b));
  t.is(cellsOf(after.stdout).length, 1, 'only the header is left');
});

test('a path naming an interface the node does not have is refused', async (t) => {
  const [a, b] = await twoNodes(t);
  const r = await L('nc', 'path', 'create', a, b, 'p2', 'data', 'nosuchnic');
  t.is(r.code, 10);
  t.regex(r.stdout + r.stderr, /Network interface 'nosuchnic' not found/);
});

test('node-connection set-property shows up in list-properties and in the list (basename=value, cut at 30)', async (t) => {
  const [a, b] = await twoNodes(t);
  await ok(t, L('node-connection', 'set-property', a, b, 'DrbdOptions/Net/max-buffers', '8000'));
  await ok(t, L('nc', 'sp', a, b, 'note', 'hello', '--aux'));
  const lp = await ok(t, L('nc', 'lp', a, b));
  t.deepEqual(cellsOf(lp.stdout).slice(1), [['Aux/note', 'hello'], ['DrbdOptions/Net/max-buffers', '8000']]);
  const l = await ok(t, L('nc', 'list', a, b));
  const rows = cellsOf(l.stdout);
  t.deepEqual(rows[0], ['Node A', 'Node B', 'Properties']);
  const row = rows.find((r) => [r[0], r[1]].includes(a));
  t.truthy(row, l.stdout);
  t.regex(row![2]!, /^(note=hello,max-buffers=8000|max-buffers=8000,note=hello)$/);
  // Deleting: set-property without a value.
  await ok(t, L('nc', 'sp', a, b, 'note', '--aux'));
  const lp2 = await ok(t, L('nc', 'lp', a, b));
  t.false(lp2.stdout.includes('Aux/note'));
});

test('a resource-connection path between two resources, and its properties, as the guide\'s §3.7.1 shows', async (t) => {
  const [a, b] = await twoNodes(t);
  const rd = uniq('rcx');
  await ok(t, L('rd', 'c', rd));
  await ok(t, L('vd', 'c', rd, '10M'));
  for (const n of [a, b]) await ok(t, L('storage-pool', 'create', 'filethin', n, 'fpool', `/tmp/${rd}`));
  for (const n of [a, b]) {
    const r = await L('resource', 'create', n, rd, '--storage-pool', 'fpool');
    t.not(r.code, 2, r.stderr); // nodes are offline: the controller may warn, but the resource is registered
  }
  const c = await ok(t, L('resource-connection', 'path', 'create', a, b, rd, 'path1', 'data', 'data'));
  t.regex(c.stdout, new RegExp(`Resource connection between nodes '${a}' and '${b}' of resource '${rd}' modified\\.`));
  const pl = await ok(t, L('rc', 'path', 'list', a, b, rd));
  t.deepEqual(cellsOf(pl.stdout).slice(1), [[`Paths/path1/${a}`, 'data'], [`Paths/path1/${b}`, 'data']]);

  await ok(t, L('rc', 'set-property', a, b, rd, 'DrbdOptions/Net/protocol', 'A'));
  const lp = await ok(t, L('rc', 'list-properties', a, b, rd));
  t.true(cellsOf(lp.stdout).some((r) => r[0] === 'DrbdOptions/Net/protocol' && r[1] === 'A'), lp.stdout);

  const l = await ok(t, L('rc', 'l', rd));
  t.deepEqual(cellsOf(l.stdout)[0], ['Source', 'Target', 'Properties', 'Port']);
  t.is(cellsOf(l.stdout).length, 2, l.stdout);

  await ok(t, L('rc', 'path', 'd', a, b, rd, 'path1'));
  const after = await ok(t, L('rc', 'path', 'l', a, b, rd));
  t.is(cellsOf(after.stdout).length, 1);
});

test('`-g` groups connection lists by a column and rejects an unknown one', async (t) => {
  const [a, b] = await twoNodes(t);
  await ok(t, L('nc', 'sp', a, b, 'x', 'y', '--aux'));
  const g = await ok(t, L('nc', 'list', '-g', 'node b'));
  t.true(g.stdout.includes(a));
  const bad = await L('nc', 'list', '-g', 'colour');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /invalid choice: 'colour' \(choose from 'node a', 'node b', 'properties'\)/);
});
