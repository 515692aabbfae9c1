/**
 * The typed REST client every adapter uses, against a real controller process.
 */
import test from 'ava';
import { LinstorClient, LinstorApiError, LinstorConnectionError, CurlRequested } from '../../core/client/index.js';
import { RC } from '../../core/model/apiconsts.js';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });
const uniq = (p: string): string => `${p}${Math.random().toString(36).slice(2, 8)}`;

test('an adapter creates and reads back a node and a resource definition through the typed client', async (t) => {
  const c = new LinstorClient({ controllers: [ctl.url] });
  const node = uniq('cl-');
  const rcs = await c.nodes.create({ name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.8', satellite_port: 1 }] });
  t.is(typeof rcs[0]!.ret_code, 'bigint');
  t.is((await c.nodes.get(node)).net_interfaces?.[0]?.address, '127.0.0.8');
  t.true((await c.nodes.list({ nodes: [node] })).some((n) => n.name === node));
  const rd = uniq('clrd');
  const created = await c.resourceDefinitions.create({ resource_definition: { name: rd } });
  t.is(created[0]!.obj_refs?.RscDfn, rd);
  t.is((await c.resourceDefinitions.get(rd)).name, rd);
  t.truthy((await c.controller.version()).rest_api_version);
});

test('an error status becomes a LinstorApiError carrying the exact ApiCallRc list', async (t) => {
  const c = new LinstorClient({ controllers: [ctl.url] });
  const e = await t.throwsAsync(c.nodes.get('no-such-node'), { instanceOf: LinstorApiError });
  t.is(e!.status, 404);
  t.is(e!.message, "Node 'no-such-node' not found.");
  t.is(typeof e!.rcs[0]!.ret_code, 'bigint');
  t.true(e!.hasCode(RC.FAIL_NOT_FOUND_NODE));
  t.false(e!.hasCode(RC.FAIL_NOT_FOUND_RSC_DFN));
});

test('the client tries the controllers in order and sticks with the one that answered', async (t) => {
  const c = new LinstorClient({ controllers: ['http://127.0.0.1:1', ctl.url] });
  await c.nodes.list();
  t.is(c.transport.controller, ctl.url);
  const dead = new LinstorClient({ controllers: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] });
  const e = await t.throwsAsync(dead.nodes.list(), { instanceOf: LinstorConnectionError });
  t.deepEqual(e!.controllers, ['http://127.0.0.1:1', 'http://127.0.0.1:2']);
});

test('curl mode returns the equivalent command, formatted as python-linstor prints it, instead of sending (dry run)', async (t) => {
  const c = new LinstorClient({ controllers: [ctl.url], curl: true });
  const e = await t.throwsAsync(c.resources.makeAvailable('vm-1', 'alpha', { diskful: false }), { instanceOf: CurlRequested });
  t.is(e!.command, `curl -X POST -H "Content-Type: application/json" -d '{"diskful": false}' ${ctl.url}/v1/resource-definitions/vm-1/resources/alpha/make-available`);
});
