/**
 * Concurrent REST mutations against a controller on a real PostgreSQL (commits take a network
 * round trip, so many requests overlap): no change is lost, no name is created twice.
 */
import test from 'ava';
import { call } from '../e2e/cluster.js';
import { startController, type TestController } from '../helpers/controller.js';
import { dbServerInstalled, startPostgres, type DbServer } from '../helpers/db-servers.js';

let server: DbServer;
let ctl: TestController;
const run = dbServerInstalled('postgresql') ? test.serial : test.skip;

test.before(async () => {
  if (!dbServerInstalled('postgresql')) return;
  server = await startPostgres();
  ctl = await startController({ dbToml: server.toml(await server.fresh()) });
});
test.after.always(async () => {
  await ctl?.stop();
  await server?.stop();
});

run('40 concurrent property changes of one resource definition all land', async (t) => {
  t.is((await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'shared' } })).status, 201);
  const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    call(ctl, 'PUT', '/v1/resource-definitions/shared', { override_props: { [`Aux/k${i}`]: String(i) } })));
  t.deepEqual(replies.map((r) => r.status), Array(40).fill(200));
  const props = (await call<{ props: Record<string, string> }>(ctl, 'GET', '/v1/resource-definitions/shared')).body.props;
  for (let i = 0; i < 40; i++) t.is(props[`Aux/k${i}`], String(i));
});

run('20 concurrent creates of one name give one definition and 19 "already exists"', async (t) => {
  const replies = await Promise.all(Array.from({ length: 20 }, () => call<Array<{ message: string }>>(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'contested' } })));
  t.is(replies.filter((r) => r.status === 201).length, 1);
  const losers = replies.filter((r) => r.status !== 201);
  t.is(losers.length, 19);
  for (const r of losers) t.regex(r.body[0]!.message, /already exists/);
});

run('concurrent key-value store and controller property changes keep every key', async (t) => {
  const kvs = Array.from({ length: 25 }, (_, i) => call(ctl, 'PUT', '/v1/key-value-store/appdata', { override_props: { [`key${i}`]: `v${i}` } }));
  const ctrl = Array.from({ length: 25 }, (_, i) => call(ctl, 'POST', '/v1/controller/properties', { override_props: { [`Aux/c${i}`]: `v${i}` } }));
  const replies = await Promise.all([...kvs, ...ctrl]);
  t.true(replies.every((r) => r.status < 300), JSON.stringify(replies.filter((r) => r.status >= 300).map((r) => r.body)));
  const k = (await call<Array<{ props: Record<string, string> }>>(ctl, 'GET', '/v1/key-value-store/appdata')).body[0]!.props;
  const c = (await call<Record<string, string>>(ctl, 'GET', '/v1/controller/properties')).body;
  for (let i = 0; i < 25; i++) { t.is(k[`key${i}`], `v${i}`); t.is(c[`Aux/c${i}`], `v${i}`); }
});
