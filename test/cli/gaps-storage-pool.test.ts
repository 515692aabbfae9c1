/**
 * `linstor storage-pool list --groupby` and the parts of `linstor physical-storage` that need
 * no satellite (argument checks, offline nodes), against a real controller process. The
 * real-device path is in test/e2e/physical-storage.test.ts.
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

test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('`storage-pool list --groupby node storagepool` orders rows by node, then pool', async (t) => {
  const [n1, n2] = [uniq('zz-'), uniq('aa-')];
  for (const n of [n1, n2]) {
    await ok(t, L('node', 'create', n, '127.0.0.2', '--port', '1'));
    await ok(t, L('sp', 'c', 'filethin', n, 'pool2', '/tmp/p2'));
    await ok(t, L('sp', 'c', 'filethin', n, 'pool10', '/tmp/p10'));
  }
  const g = await ok(t, L('sp', 'l', '--nodes', n1, n2, '-g', 'Node', 'StoragePool'));
  const rows = cellsOf(g.stdout).slice(1).map((r) => `${r[1]}/${r[0]}`);
  // Natural order as linstor-client's natsort: pool2 before pool10.
  t.deepEqual(rows, [`${n2}/DfltDisklessStorPool`, `${n2}/pool2`, `${n2}/pool10`, `${n1}/DfltDisklessStorPool`, `${n1}/pool2`, `${n1}/pool10`]);
  // Without --groupby the first column (StoragePool) orders the rows.
  const d = await ok(t, L('sp', 'l', '--nodes', n1, n2));
  t.deepEqual(cellsOf(d.stdout).slice(1).map((r) => r[0]), ['DfltDisklessStorPool', 'DfltDisklessStorPool', 'pool2', 'pool2', 'pool10', 'pool10']);
  const bad = await L('sp', 'l', '-g', 'size');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /argument -g\/--groupby: invalid choice: 'size'/);
});

test('`physical-storage list` with no satellite online prints an empty table, not an error', async (t) => {
  await ok(t, L('node', 'create', uniq('off-'), '127.0.0.2', '--port', '1'));
  const r = await ok(t, L('physical-storage', 'list'));
  t.deepEqual(cellsOf(r.stdout), [['Size', 'Rotational', 'Nodes']]);
  const m = await ok(t, L('-m', 'ps', 'l'));
  t.deepEqual(JSON.parse(m.stdout), [[]]);
});

test('`create-device-pool` checks its arguments before anything reaches a node', async (t) => {
  const node = uniq('cdp-');
  await ok(t, L('node', 'create', node, '127.0.0.2', '--port', '1'));
  const noPool = await L('ps', 'create-device-pool', 'lvm', node, '/dev/sdx');
  t.is(noPool.code, 2);
  t.regex(noPool.stderr, /--pool-name/);
  const badKind = await L('ps', 'cdp', 'btrfs', node, '/dev/sdx', '--pool-name', 'vg1');
  t.is(badKind.code, 2);
  t.regex(badKind.stderr, /invalid choice: 'btrfs'/);
  for (const dev of ['/dev/sdx;reboot', 'sdx', '/dev/../etc/passwd', '/dev/sd x']) {
    const r = await L('ps', 'cdp', 'lvm', node, dev, '--pool-name', 'vg1');
    t.is(r.code, 10, dev);
    t.regex(r.stdout + r.stderr, /Device path .* is invalid/, dev);
  }
  const badStorPool = await L('ps', 'cdp', 'lvmthin', node, '/dev/sdx', '--pool-name', 'vg1', '--storage-pool', '1bad');
  t.is(badStorPool.code, 10);
  t.regex(badStorPool.stdout + badStorPool.stderr, /Storage pool name '1bad' is invalid/);
  // A valid request to an offline node: LINSTOR's not-connected error.
  const offline = await L('ps', 'cdp', 'lvm', node, '/dev/sdx', '--pool-name', 'vg1');
  t.is(offline.code, 10);
  t.regex(offline.stdout + offline.stderr, new RegExp(`No active connection to satellite '${node}'`));
  const missing = await call(ctl, 'POST', `/v1/physical-storage/${uniq('ghost-')}`, { provider_kind: 'LVM', device_paths: ['/dev/sdx'] });
  t.is(missing.status, 404);
});
