/**
 * Behaviour that differed from LINSTOR, each checked with the request the real client sends
 * (test/fixtures/linstor-client/requests-1.27.txt) against a real controller process.
 */
import test from 'ava';
import { RC } from '../../core/model/apiconsts.js';
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix } from '../helpers/satellite.js';
import { call } from '../e2e/cluster.js';
import { parseExact } from '../compat/replay.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

async function raw(method: string, path: string, body?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${ctl.url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body });
  const text = await res.text();
  return { status: res.status, body: text ? parseExact(text) : undefined };
}
const u = (code: bigint | number): bigint => BigInt.asUintN(64, BigInt(code));

test('resource-group create with place_count "2" (linstor-client 1.27) is stored as the number 2', async (t) => {
  const rg = `rg_${randomSuffix()}`;
  const r = await raw('POST', '/v1/resource-groups', `{"name": "${rg}", "select_filter": {"place_count": "2", "storage_pool_list": ["fpool"], "layer_stack": ["storage"]}}`);
  t.is(r.status, 201);
  const got = await call(ctl, 'GET', `/v1/resource-groups/${rg}`);
  t.is(got.body.select_filter.place_count, 2);
});

test('storage-pool create on a missing node answers STOR_POOL|CRT|FAIL_NOT_FOUND_NODE, as LINSTOR', async (t) => {
  const r = await raw('POST', '/v1/nodes/nosuchnode/storage-pools', '{"storage_pool_name": "fp2", "provider_kind": "FILE_THIN", "props": {"StorDriver/StorPoolName": "/nonexistent/x"}}');
  t.is(r.status, 404);
  t.is(u(r.body[0].ret_code), u(RC.FAIL_NOT_FOUND_NODE | RC.MASK_STOR_POOL | RC.MASK_CRT));
});

test('deleting a resource definition that is gone is a WARN_NOT_FOUND with HTTP 200', async (t) => {
  const r = await raw('DELETE', `/v1/resource-definitions/gone${randomSuffix()}`);
  t.is(r.status, 200);
  t.is(u(r.body[0].ret_code) >> 62n, 2n, 'MASK_WARN');
  t.is(u(r.body[0].ret_code) & RC.MASK_BITS_CODE, u(RC.WARN_NOT_FOUND) & RC.MASK_BITS_CODE);
});

test('a node created while its satellite is offline already has CurStltConnName', async (t) => {
  const name = `off-${randomSuffix()}`;
  const r = await raw('POST', '/v1/nodes', `{"name": "${name}", "type": "satellite", "net_interfaces": [{"name": "default", "address": "127.0.0.250", "satellite_port": 1, "satellite_encryption_type": "plain", "is_active": true}]}`);
  t.is(r.status, 201);
  const n = await call(ctl, 'GET', `/v1/nodes/${name}`);
  t.is(n.body.connection_status, 'OFFLINE');
  t.is(n.body.props.CurStltConnName, 'default');
});

test('controller set-log-level changes the level the controller reports and logs with', async (t) => {
  const r = await raw('PUT', '/v1/controller/config', '{"log": {"level_linstor": "DEBUG"}}');
  t.is(r.status, 200);
  t.is((await call(ctl, 'GET', '/v1/controller/config')).body.log.level_linstor, 'DEBUG');
  const back = await raw('PUT', '/v1/controller/config', '{"log": {"level_linstor": "WARN"}}');
  t.is(back.status, 200);
  t.is((await call(ctl, 'GET', '/v1/controller/config')).body.log.level, 'WARN');
  const bad = await raw('PUT', '/v1/controller/config', '{"log": {"level": "LOUD"}}');
  t.is(bad.status, 500);
});

test('space-reporting query answers a report text with a checksum', async (t) => {
  const r = await call(ctl, 'GET', '/v1/space-report');
  t.is(r.status, 200);
  t.regex(r.body.reportText, /^LINSTOR space report/);
  t.regex(r.body.reportText, /SHA-256: [0-9a-f]{64}\n$/);
});

test('query-size-info on a group without a place count reports FAIL_INVLD_PLACE_COUNT, as its spawn places nothing', async (t) => {
  const rg = `rg_${randomSuffix()}`;
  t.is((await raw('POST', '/v1/resource-groups', `{"name": "${rg}", "select_filter": {"storage_pool_list": ["fpool"]}}`)).status, 201);
  const q = await raw('POST', `/v1/resource-groups/${rg}/query-size-info`, '{"select_filter": {}}');
  t.is(q.status, 200);
  t.is(q.body.space_info, undefined);
  t.is(u(q.body.reports[0].ret_code) & RC.MASK_BITS_CODE, u(RC.FAIL_INVLD_PLACE_COUNT) & RC.MASK_BITS_CODE);
  t.is(q.body.reports[0].message, 'Replica count is required for this operation');
  const spawn = await raw('POST', `/v1/resource-groups/${rg}/spawn`, '{"resource_definition_name": "r' + randomSuffix() + '", "volume_sizes": [10240], "partial": false, "definitions_only": false, "select_filter": {}}');
  t.is(spawn.status, 201);
  t.true(spawn.body.some((e: any) => (u(e.ret_code) & RC.MASK_BITS_CODE) === (u(RC.INFO_NO_RSC_SPAWNED) & RC.MASK_BITS_CODE)));
});

test('a Proxmox-style number property value is stored as its string', async (t) => {
  const rd = `pm-${randomSuffix()}`;
  t.is((await raw('POST', '/v1/resource-definitions', `{"resource_definition":{"name":"${rd}"}}`)).status, 201);
  t.is((await raw('PUT', `/v1/resource-definitions/${rd}`, '{"override_props":{"Aux/pm/vmid":100}}')).status, 200);
  t.is((await call(ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props['Aux/pm/vmid'], '100');
});

test('a 20-digit number property value keeps every digit, as Jackson stores the token text', async (t) => {
  const rd = `big-${randomSuffix()}`;
  t.is((await raw('POST', '/v1/resource-definitions', `{"resource_definition":{"name":"${rd}"}}`)).status, 201);
  // JSON.parse would make this 12345678901234567000.
  t.is((await raw('PUT', `/v1/resource-definitions/${rd}`, '{"override_props":{"Aux/id":12345678901234567890}}')).status, 200);
  t.is((await call(ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props['Aux/id'], '12345678901234567890');
});

test('query parameters read as JAX-RS reads them: a repeated name is a list, a value is never split', async (t) => {
  const a = `qa-${randomSuffix()}`;
  const b = `qb-${randomSuffix()}`;
  for (const rd of [a, b]) t.is((await raw('POST', '/v1/resource-definitions', `{"resource_definition":{"name":"${rd}","props":{"Aux/q":"x,y"}}}`)).status, 201);
  const both = await raw('GET', `/v1/resource-definitions?resource_definitions=${a}&resource_definitions=${b}`);
  t.deepEqual(both.body.map((d: { name: string }) => d.name).sort(), [a, b].sort());
  // qs's `a[0]=` objects and comma lists are not LINSTOR's: no such names, so nothing matches.
  t.deepEqual((await raw('GET', `/v1/resource-definitions?resource_definitions=${a},${b}`)).body, []);
  t.deepEqual((await raw('GET', `/v1/resource-definitions?resource_definitions[0]=${a}`)).body.filter((d: { name: string }) => d.name === a).length, 1,
    'an unknown parameter name filters nothing');
  const byProp = await raw('GET', `/v1/resource-definitions?resource_definitions=${a}&props=Aux/q=x,y`);
  t.deepEqual(byProp.body.map((d: { name: string }) => d.name), [a]);
});

test('drbd-options answer one entry per changed object, not one per option', async (t) => {
  const rg = `rg_${randomSuffix()}`;
  const rd = `do-${randomSuffix()}`;
  t.is((await raw('POST', '/v1/resource-groups', `{"name": "${rg}"}`)).status, 201);
  t.is((await raw('POST', '/v1/resource-definitions', `{"resource_definition": {"name": "${rd}", "resource_group_name": "${rg}"}}`)).status, 201);
  // As `linstor resource-group drbd-options --verify-alg crc32c --protocol C` and the rd variant send them.
  const two = '"override_props": {"DrbdOptions/Net/verify-alg": "crc32c", "DrbdOptions/Net/protocol": "C"}';
  const g = await raw('PUT', `/v1/resource-groups/${rg}`, `{"select_filter": {}, ${two}}`);
  t.is(g.status, 200);
  t.deepEqual(g.body.map((e: { message: string }) => e.message), [`Resource group '${rg}' modified.`]);
  const d = await raw('PUT', `/v1/resource-definitions/${rd}`, `{${two}}`);
  t.is(d.status, 200);
  t.deepEqual(d.body.map((e: { message: string }) => e.message), [`Resource definition '${rd}' modified.`]);
});

test('every route with a body validates it: evacuate, restore and snapshot rollback too', async (t) => {
  // Jackson cannot read a string as NodeEvacuate.target (a list): 400 before anything happens.
  const ev = await raw('PUT', '/v1/nodes/nosuchnode/evacuate', '{"target": "n2"}');
  t.is(ev.status, 400);
  t.is(u(ev.body[0].ret_code), u(RC.API_CALL_PARSE_ERROR));
  // No body, as linstor-client sends it: the node lookup answers.
  t.is((await raw('PUT', '/v1/nodes/nosuchnode/evacuate')).status, 404);
  t.is((await raw('PUT', '/v1/nodes/nosuchnode/restore', '{"delete_resources": {"a": 1}}')).status, 400);
  t.is((await raw('POST', '/v1/resource-definitions/nors/snapshot-rollback/s1', '{"zfs_rollback_strategy": ["clone"]}')).status, 400);
  t.is((await raw('POST', '/v1/resource-definitions/nors/snapshot-rollback/s1', '{}')).status, 404);
});
