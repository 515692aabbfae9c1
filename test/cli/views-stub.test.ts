/**
 * Resource and volume tables need satellites reporting device states, which the tests here
 * do not start; a tiny in-memory controller answers instead, and the tests say so.
 */
import test from 'ava';
import { startStubController, type Stub } from './stub-controller.js';
import { linstor } from './helpers.js';

let stub: Stub;
test.before(async () => {
  stub = await startStubController();
  await linstor(['--controllers', stub.url, 'n', 'c', 'alpha', '10.0.0.1']);
  await linstor(['--controllers', stub.url, 'rd', 'c', 'web']);
});
test.after.always(async () => { await stub?.stop(); });
const L = (...args: string[]) => linstor(['--controllers', stub.url, ...args]);

test('`linstor r l` shows ResourceName, Node, Port, Usage, Conns, State, CreatedOn (stub controller)', async (t) => {
  const r = await L('r', 'l');
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.regex(lines[1]!, /^┊ ResourceName ┊ Node +┊ Port ┊ Usage +┊ Conns ┊ State +┊ CreatedOn +┊$/);
  t.regex(lines[3]!, /^┊ web +┊ alpha ┊ 7000 ┊ Unused ┊ Ok +┊ UpToDate ┊ 2026-01-0\d \d\d:04:05 ┊$/);
});

test('`linstor v l` shows volumes with minor number, device and allocated size in human units (stub controller)', async (t) => {
  const r = await L('v', 'l');
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.regex(lines[1]!, /^┊ Node +┊ Resource ┊ StoragePool ┊ VolNr ┊ MinorNr ┊ DeviceName +┊ Allocated ┊ InUse +┊ State +┊$/);
  t.regex(lines[3]!, /^┊ alpha ┊ web +┊ pool1 +┊ 0 +┊ 1000 +┊ \/dev\/drbd1000 ┊ 1 GiB +┊ Unused ┊ UpToDate ┊$/);
});

test('`linstor sp l` prints capacities in GiB like linstor-client (stub controller)', async (t) => {
  const r = await L('sp', 'l');
  t.regex(r.stdout, /┊ pool1 +┊ alpha ┊ FILE_THIN ┊ \/var\/lib\/pool1 ┊ 9 GiB +┊ 10 GiB +┊ true +┊ Ok +┊ alpha;pool1 ┊/);
});

test('`-m r l` prints the /v1/view/resources array unchanged (stub controller)', async (t) => {
  const r = await L('-m', 'r', 'l');
  const data = JSON.parse(r.stdout) as { name: string; volumes: { device_path: string }[] }[][];
  t.is(data[0]![0]!.name, 'web');
  t.is(data[0]![0]!.volumes[0]!.device_path, '/dev/drbd1000');
});

test('list filters travel as repeated query parameters (stub controller)', async (t) => {
  await L('r', 'l', '-n', 'alpha', 'beta', '-r', 'web');
  t.true(stub.requests.some((q) => q.path === '/v1/view/resources?nodes=alpha&nodes=beta&resources=web'), JSON.stringify(stub.requests.map((q) => q.path)));
});
