import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

type Rc = { ret_code: number; message: string; cause?: string; correction?: string; details?: string; obj_refs?: Record<string, string> };
type Json = Record<string, any>;
const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${ctl.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, text };
};
const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 8)}`;

test('creating a resource definition answers 201 with LINSTOR\'s message and shows DRBD layer data', async (t) => {
  const name = uniq('web');
  const r = await call('POST', '/v1/resource-definitions', { resource_definition: { name, props: { 'Aux/app': 'web' } } });
  t.is(r.status, 201);
  const [rc] = r.body as Rc[];
  t.is(rc!.message, `New resource definition '${name}' created.`);
  t.is(rc!.obj_refs!.RscDfn, name);
  t.is(rc!.ret_code, 20447233); // MASK_RSC_DFN | MASK_CRT | CREATED
  const got = await call('GET', `/v1/resource-definitions/${name.toUpperCase()}`);
  t.is(got.status, 200);
  t.is(got.body.name, name);
  t.is(got.body.resource_group_name, 'DfltRscGrp');
  t.deepEqual(got.body.props, { 'Aux/app': 'web' });
  t.deepEqual(got.body.layer_data.map((l: Json) => l.type), ['DRBD', 'STORAGE']);
  const drbd = got.body.layer_data[0].data;
  t.true(drbd.port >= 7000 && drbd.port <= 7999);
  t.is(drbd.peer_slots, 7);
  t.is(drbd.transport_type, 'IP');
  t.is(typeof drbd.secret, 'string');
  t.is(drbd.secret.length, 20);
  t.false('volume_definitions' in got.body);
});

test('an external name alone gives a valid derived name, reported in obj_refs.RscDfn', async (t) => {
  const ext = `pvc/${uniq('data')} vol`;
  const r = await call('POST', '/v1/resource-definitions', { resource_definition: { external_name: ext } });
  t.is(r.status, 201);
  const name = (r.body as Rc[])[0]!.obj_refs!.RscDfn!;
  t.regex(name, /^pvc_data[a-z0-9]+_vol$/);
  const got = await call('GET', `/v1/resource-definitions/${name}`);
  t.is(got.body.external_name, ext);
  const uuid = '0b5a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
  const u = await call('POST', '/v1/resource-definitions', { resource_definition: { external_name: uuid } });
  t.is((u.body as Rc[])[0]!.obj_refs!.RscDfn, `LS_${uuid.toUpperCase()}`);
  const again = await call('POST', '/v1/resource-definitions', { resource_definition: { external_name: ext } });
  t.is(again.status, 500);
  t.regex((again.body as Rc[])[0]!.message, /external name/);
});

test('twenty concurrent creates of the same name give exactly one 201 and one definition', async (t) => {
  const name = uniq('race');
  const replies = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/v1/resource-definitions', { resource_definition: { name } })));
  t.is(replies.filter((r) => r.status === 201).length, 1);
  const failed = replies.filter((r) => r.status !== 201);
  t.is(failed.length, 19);
  for (const f of failed) {
    t.is(f.status, 500);
    t.is((f.body as Rc[])[0]!.message, `A resource definition with the name '${name}' already exists.`);
  }
  const list = await call('GET', `/v1/resource-definitions?resource_definitions=${name}`);
  t.is(list.body.length, 1);
});

test('invalid and hostile names are refused with a correction and nothing is stored', async (t) => {
  for (const name of ['a', '1abc', 'a;rm -rf /', '$(reboot)', 'ünïcode', 'x'.repeat(49), '-lead', '12-34']) {
    const r = await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
    t.is(r.status, 500, name);
    const [rc] = r.body as Rc[];
    t.regex(rc!.message, /Resource name .* is invalid/, name);
    t.truthy(rc!.correction, name);
  }
  const missing = await call('POST', '/v1/resource-definitions', { resource_definition: {} });
  t.is(missing.status, 500);
  const parse = await fetch(`${ctl.url}/v1/resource-definitions`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
  t.is(parse.status, 400);
  const all = JSON.stringify((await call('GET', '/v1/resource-definitions')).body);
  t.false(all.includes('reboot'));
  t.false(all.includes('rm -rf'));
});

test('an unknown resource group is 404, and layer stacks follow LINSTOR\'s rules', async (t) => {
  const rg = await call('POST', '/v1/resource-definitions', { resource_definition: { name: uniq('rg'), resource_group_name: 'NoSuchGroup' } });
  t.is(rg.status, 404);
  t.regex((rg.body as Rc[])[0]!.message, /Resource group 'NoSuchGroup' not found/);
  const bad = [[{ type: 'STORAGE' }, { type: 'DRBD' }], [{ type: 'DRBD' }, { type: 'DRBD' }, { type: 'STORAGE' }], [{ type: 'FLOPPY' }, { type: 'STORAGE' }]];
  for (const layer_data of bad) {
    const r = await call('POST', '/v1/resource-definitions', { resource_definition: { name: uniq('ls'), layer_data } });
    t.is(r.status, 500, JSON.stringify(layer_data));
  }
  const name = uniq('plain');
  const ok = await call('POST', '/v1/resource-definitions', { resource_definition: { name, layer_data: [{ type: 'storage' }] } });
  t.is(ok.status, 201);
  const got = await call('GET', `/v1/resource-definitions/${name}`);
  t.deepEqual(got.body.layer_data, [{ type: 'STORAGE' }]);
});

test('listing filters by name and property, pages at the source and can include volume definitions', async (t) => {
  const tag = uniq('t');
  const names = [uniq('la'), uniq('lb'), uniq('lc')];
  for (const name of names) await call('POST', '/v1/resource-definitions', { resource_definition: { name, props: { 'Aux/tag': tag } } });
  await call('POST', `/v1/resource-definitions/${names[0]}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const byProp = await call('GET', `/v1/resource-definitions?props=Aux/tag=${tag}`);
  t.deepEqual(byProp.body.map((d: Json) => d.name), names);
  const page2 = await call('GET', `/v1/resource-definitions?props=Aux/tag=${tag}&offset=1&limit=1`);
  t.deepEqual(page2.body.map((d: Json) => d.name), [names[1]]);
  const two = await call('GET', `/v1/resource-definitions?resource_definitions=${names[0]}&resource_definitions=${names[2]}&with_volume_definitions=true`);
  t.deepEqual(two.body.map((d: Json) => d.name), [names[0], names[2]]);
  t.is(two.body[0].volume_definitions[0].size_kib, 4096);
  t.false('volume_definitions' in two.body[1]);
  // Query parameters as LINSTOR's JAX-RS resources read them: limit <= 0 is the whole list and
  // then offset does nothing; a value that is not an int is JAX-RS's 404; booleans are "true"
  // in any case (python sends "True"), anything else is false; a value is never split at commas.
  const all = await call('GET', `/v1/resource-definitions?props=Aux/tag=${tag}&limit=-1&offset=1`);
  t.deepEqual(all.body.map((d: Json) => d.name), names);
  t.is((await call('GET', '/v1/resource-definitions?limit=ten')).status, 404);
  const pyTrue = await call('GET', `/v1/resource-definitions?resource_definitions=${names[0]}&with_volume_definitions=True`);
  t.is(pyTrue.body[0].volume_definitions[0].size_kib, 4096);
  const one = await call('GET', `/v1/resource-definitions?resource_definitions=${names[0]}&with_volume_definitions=1`);
  t.false('volume_definitions' in one.body[0]);
  t.deepEqual((await call('GET', `/v1/resource-definitions?resource_definitions=${names[0]},${names[2]}`)).body, []);
});

test('modifying a definition changes props, port and peer slots; a taken port is refused', async (t) => {
  const a = uniq('ma');
  const b = uniq('mb');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name: a }, drbd_port: 7900 });
  await call('POST', '/v1/resource-definitions', { resource_definition: { name: b } });
  const taken = await call('POST', '/v1/resource-definitions', { resource_definition: { name: uniq('mc') }, drbd_port: 7900 });
  t.is(taken.status, 500);
  const r = await call('PUT', `/v1/resource-definitions/${b}`, { override_props: { 'DrbdOptions/Net/protocol': 'C' }, drbd_port: 7901, drbd_peer_slots: 4, delete_props: ['Aux/none'] });
  t.is(r.status, 200);
  t.is((r.body as Rc[])[0]!.message, `Resource definition '${b}' modified.`);
  t.regex((r.body as Rc[])[1]!.message, /Could not delete property 'Aux\/none'/);
  const got = await call('GET', `/v1/resource-definitions/${b}`);
  t.is(got.body.props['DrbdOptions/Net/protocol'], 'C');
  t.is(got.body.layer_data[0].data.port, 7901);
  t.is(got.body.layer_data[0].data.peer_slots, 4);
  const clash = await call('PUT', `/v1/resource-definitions/${b}`, { drbd_port: 7900 });
  t.is(clash.status, 500);
  const nope = await call('PUT', '/v1/resource-definitions/nothere', { override_props: {} });
  t.is(nope.status, 404);
});

test('deleting a definition answers LINSTOR\'s messages and it is gone; deleting it again is a warning, as in LINSTOR', async (t) => {
  const name = uniq('del');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
  const r = await call('DELETE', `/v1/resource-definitions/${name}`);
  t.is(r.status, 200);
  const msgs = (r.body as Rc[]).map((e) => e.message);
  t.deepEqual(msgs, [`Resource definition '${name}' marked for deletion.`, `Resource definition '${name}' deleted.`]);
  t.is((await call('GET', `/v1/resource-definitions/${name}`)).status, 404);
  // LINSTOR's CtrlRscDfnDeleteApiCallHandler answers WARN_NOT_FOUND (HTTP 200), so scripts may delete twice.
  const again = await call('DELETE', `/v1/resource-definitions/${name}`);
  t.is(again.status, 200);
  t.is((again.body as Rc[])[0]!.message, `Resource definition '${name}' not found.`);
  t.is(BigInt((again.body as Rc[])[0]!.ret_code) & 0xC000000000000000n, 0x8000000000000000n, 'MASK_WARN: a warning, not an error');
});

test.serial('definitions survive a controller restart', async (t) => {
  const name = uniq('keep');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name }, drbd_peer_slots: 3 });
  const before = (await call('GET', `/v1/resource-definitions/${name}`)).body;
  await ctl.restart();
  const after = (await call('GET', `/v1/resource-definitions/${name}`)).body;
  t.deepEqual(after, before);
});
