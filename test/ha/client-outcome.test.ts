/**
 * Client fail-over never repeats a change blindly (issue 18, item 4): a create or delete whose
 * controller "died" mid-request is decided by re-reading the state. A real controller behind two
 * proxies (test/helpers/http-cut-proxy.ts): the first loses an answer or a request the way a
 * killed leader does, the second is the next controller in the client's list.
 */
import test from 'ava';
import { LinstorClient, LinstorOutcomeUnknownError } from '../../core/client/index.js';
import { call } from '../e2e/cluster.js';
import { startController, type TestController } from '../helpers/controller.js';
import { HttpCutProxy } from '../helpers/http-cut-proxy.js';
import { randomSuffix } from '../helpers/satellite.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

async function setup(t: { teardown(fn: () => Promise<void>): void }) {
  const dying = await HttpCutProxy.start(ctl.port);
  const next = await HttpCutProxy.start(ctl.port);
  t.teardown(() => dying.stop());
  t.teardown(() => next.stop());
  return { dying, next, client: new LinstorClient({ controllers: [dying.url, next.url], timeoutMs: 10_000 }) };
}
const posts = (p: HttpCutProxy) => p.forwarded.filter((r) => r.startsWith('POST '));
const deletes = (p: HttpCutProxy) => p.forwarded.filter((r) => r.startsWith('DELETE '));
const definitionNames = async () => (await call<Array<{ name: string }>>(ctl, 'GET', '/v1/resource-definitions')).body.map((d) => d.name);

test.serial('a create and a delete whose answers were lost are not sent again: the state is re-read and they succeed', async (t) => {
  const { dying, next, client } = await setup(t);
  const name = `lost_answer_${randomSuffix()}`;

  dying.loseAnswer('POST');
  const created = await client.resourceDefinitions.create({ resource_definition: { name } });
  t.regex(created[0]!.message, /was applied; the controller that received it went away before answering/);
  t.is(posts(dying).length, 1, 'the create reached the controller once');
  t.deepEqual(posts(next), [], 'and was not resent to the next controller');
  t.is((await definitionNames()).filter((n) => n === name).length, 1);

  dying.loseAnswer('DELETE');
  const deleted = await client.resourceDefinitions.delete(name);
  t.regex(deleted[0]!.message, /was applied/);
  t.is(deletes(dying).length + deletes(next).length, 1, 'the delete was sent once');
  t.false((await definitionNames()).includes(name));
});

test.serial('a create that never arrived is sent again, once, and the controller\'s own answer comes back', async (t) => {
  const { dying, next, client } = await setup(t);
  const name = `lost_request_${randomSuffix()}`;

  dying.loseRequest('POST');
  const created = await client.resourceDefinitions.create({ resource_definition: { name } });
  t.is(created[0]!.obj_refs?.RscDfn, name, 'the answer is the controller\'s, not a confirmation');
  t.is(posts(dying).length + posts(next).length, 1, 'exactly one create reached the controller');
  t.is((await definitionNames()).filter((n) => n === name).length, 1);
});

test.serial('a change the client cannot check is not repeated: the caller learns the outcome is unknown', async (t) => {
  const { dying, next, client } = await setup(t);
  const key = `Aux/outcome_${randomSuffix()}`;

  dying.loseRequest('POST');
  const err = await t.throwsAsync(client.controller.setProperties({ override_props: { [key]: 'x' } }), { instanceOf: LinstorOutcomeUnknownError });
  t.regex(err!.message, /may or may not have been applied, so it was not repeated/);
  t.deepEqual([...posts(dying), ...posts(next)], [], 'nothing was sent again');
  const props = (await call<Record<string, string>>(ctl, 'GET', '/v1/controller/properties')).body;
  t.false(key in props);
});
