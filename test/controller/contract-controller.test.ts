import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, seedStore, suffix } from '../helpers/controller-rest.js';
import { assertMatchesSpec } from '../helpers/openapi.js';

let ctl: TestController;
test.before(async () => {
  ctl = await startController();
  await seedStore(ctl, [{ table: 'error_reports', key: 'BBBB-00000-000001', value: {
    id: 'BBBB-00000-000001', nodeName: 'ctrl', time: Date.now(), module: 'CONTROLLER', version: '1.28.0', exception: 'Error',
    exceptionMessage: 'boom', originFile: 'a.ts', originMethod: 'f', originLine: 1, text: 'ERROR REPORT',
  } }]);
});
test.after.always(async () => { await ctl?.stop(); });

test('controller endpoints answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  const props = '/v1/controller/properties';
  let r = await call(ctl, 'POST', props, { override_props: { 'Aux/k/1': 'v' } });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', props, 201, r.body);
  r = await call(ctl, 'POST', props, { override_props: { NotAKey: 'v' } });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', props, 500, r.body);
  r = await call(ctl, 'GET', props);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', props, 200, r.body);
  r = await call(ctl, 'DELETE', `${props}/Aux/k/1`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', `${props}/{key}`, 200, r.body);
  r = await call(ctl, 'GET', `${props}/info`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', `${props}/info`, 200, r.body);
  r = await call(ctl, 'GET', `${props}/info/all`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', `${props}/info/all`, 200, r.body);
  r = await call(ctl, 'GET', '/v1/controller/config');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/controller/config', 200, r.body);
  // Exports land in the controller's backup folder (its config folder's backups/ here) under plain names.
  const tag = suffix();
  r = await call(ctl, 'POST', '/v1/controller/database/export', { backup_name: `a-${tag}.db` });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', '/v1/controller/database/export', 201, r.body);
  r = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: `b-${tag}.db` });
  t.is(r.status, 201); assertMatchesSpec(t, 'POST', '/v1/controller/backup/db', 201, r.body);
  r = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: `b-${tag}.db` });
  t.is(r.status, 500); assertMatchesSpec(t, 'POST', '/v1/controller/backup/db', 500, r.body);
  for (const s of ['nodes', 'resources', 'resource-definitions', 'error-reports']) {
    r = await call(ctl, 'GET', `/v1/stats/${s}`);
    t.is(r.status, 200); assertMatchesSpec(t, 'GET', `/v1/stats/${s}`, 200, r.body);
  }
});

test('key-value store endpoints answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  const name = `kv_${suffix()}`;
  const one = '/v1/key-value-store/{instance}';
  let r = await call(ctl, 'PUT', `/v1/key-value-store/${name}`, { override_props: { a: 'b' } });
  t.is(r.status, 200); assertMatchesSpec(t, 'PUT', one, 200, r.body);
  r = await call(ctl, 'GET', '/v1/key-value-store');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/key-value-store', 200, r.body);
  r = await call(ctl, 'GET', `/v1/key-value-store/${name}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', one, 200, r.body);
  r = await call(ctl, 'GET', '/v1/key-value-store/nokvs');
  t.is(r.status, 404); assertMatchesSpec(t, 'GET', one, 404, r.body);
  r = await call(ctl, 'DELETE', `/v1/key-value-store/${name}`);
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', one, 200, r.body);
});

test('error report endpoints answer with the statuses and bodies of the OpenAPI spec', async (t) => {
  let r = await call(ctl, 'GET', '/v1/error-reports?withContent=true');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/error-reports', 200, r.body);
  t.is(r.body.length, 1);
  r = await call(ctl, 'GET', '/v1/error-reports/BBBB-00000-000001');
  t.is(r.status, 200); assertMatchesSpec(t, 'GET', '/v1/error-reports/{reportid}', 200, r.body);
  r = await call(ctl, 'PATCH', '/v1/error-reports', { since: 0, to: 1 });
  t.is(r.status, 200); assertMatchesSpec(t, 'PATCH', '/v1/error-reports', 200, r.body);
  r = await call(ctl, 'DELETE', '/v1/error-reports/BBBB-00000-000001');
  t.is(r.status, 200); assertMatchesSpec(t, 'DELETE', '/v1/error-reports/{reportid}', 200, r.body);
});

test('the spec check itself rejects bodies of the wrong shape and accepts upper-case node types', (t) => {
  const failures: string[] = [];
  const probe = { true: () => {}, pass: () => {}, fail: (m?: string) => { failures.push(m ?? ''); } };
  assertMatchesSpec(probe, 'GET', '/v1/resource-groups', 200, [{ name: 5 }]);
  assertMatchesSpec(probe, 'GET', '/v1/key-value-store', 200, { name: 'not-a-list' });
  assertMatchesSpec(probe, 'POST', '/v1/resource-groups', 500, [{ message: 'no ret_code' }]);
  t.is(failures.length, 3, failures.join('\n'));
  failures.length = 0;
  assertMatchesSpec(probe, 'GET', '/v1/nodes', 200, [{ name: 'n1', type: 'SATELLITE' }, { name: 'n2', type: 'Combined' }]);
  assertMatchesSpec(probe, 'GET', '/v1/nodes', 200, [{ name: 'n3', type: 'NO_SUCH_TYPE' }]);
  t.is(failures.length, 1, 'only the unknown node type fails');
});
