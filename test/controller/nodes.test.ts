import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

const post = (path: string, body: unknown) => fetch(`${ctl.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

test('a node registered with an IP is listed with its default interface, and a second one with the same name is refused', async (t) => {
  const r1 = await post('/v1/nodes', { name: 'alpha', type: 'Satellite', net_interfaces: [{ name: 'default', address: '127.0.0.9' }] });
  t.is(r1.status, 201);
  const r2 = await post('/v1/nodes', { name: 'ALPHA', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.9' }] });
  t.is(r2.status, 500);
  const body = await r2.text();
  t.regex(body, /already exists/);
  const list = await (await fetch(`${ctl.url}/v1/nodes?nodes=alpha`)).json() as Array<Record<string, unknown>>;
  t.is(list.length, 1);
  t.is(list[0]!.name, 'alpha');
  t.is(list[0]!.type, 'SATELLITE');
  t.deepEqual((list[0]!.net_interfaces as Array<Record<string, unknown>>)[0]!.address, '127.0.0.9');
});

test('hostile node names are refused with a correction and nothing is stored', async (t) => {
  for (const name of ['a;rm -rf /', '$(reboot)', 'ünïcode', 'x'.repeat(300), '', '-lead']) {
    const r = await post('/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.9' }] });
    t.is(r.status, 500, name);
    const [rc] = await r.json() as Array<{ message: string; correction?: string }>;
    t.truthy(rc!.correction, name);
  }
  const list = await (await fetch(`${ctl.url}/v1/nodes`)).json() as unknown[];
  t.false(JSON.stringify(list).includes('reboot'));
});
