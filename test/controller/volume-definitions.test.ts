import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => {
  ctl = await startController();
  await call('POST', '/v1/nodes', { name: 'vdnode', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: 1 }] });
  await call('POST', '/v1/nodes/vdnode/storage-pools', { storage_pool_name: 'DfltStorPool', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/tmp/unused' } });
});
test.after.always(async () => { await ctl?.stop(); });

type Rc = { ret_code: number; message: string; correction?: string; details?: string; obj_refs?: Record<string, string> };
type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${ctl.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}
const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 8)}`;
async function rd(): Promise<string> {
  const name = uniq('vd');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
  return name;
}

test('volume definitions get the lowest free number, a DRBD minor, and answer 200 as LINSTOR does', async (t) => {
  const name = await rd();
  const r0 = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 102400 } });
  t.is(r0.status, 200);
  t.is((r0.body as Rc[])[0]!.message, `New volume definition with number '0' of resource definition '${name}' created.`);
  t.deepEqual((r0.body as Rc[])[0]!.obj_refs, { RscDfn: name, VlmNr: '0' });
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { volume_number: 2, size_kib: 4096 } });
  const r1 = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 8192, props: { 'Aux/x': 'y' } } });
  t.is((r1.body as Rc[])[0]!.obj_refs!.VlmNr, '1');
  const list = await call('GET', `/v1/resource-definitions/${name}/volume-definitions`);
  t.deepEqual(list.body.map((v: Json) => v.volume_number), [0, 1, 2]);
  const minors = list.body.map((v: Json) => v.layer_data[0].data.minor_number);
  t.is(new Set(minors).size, 3);
  t.true(minors.every((m: number) => m >= 1000));
  const one = await call('GET', `/v1/resource-definitions/${name}/volume-definitions/1`);
  t.is(one.body.size_kib, 8192);
  t.deepEqual(one.body.props, { 'Aux/x': 'y' });
  t.deepEqual(one.body.layer_data[1], { type: 'STORAGE' });
  t.is((await call('GET', `/v1/resource-definitions/${name}/volume-definitions/7`)).status, 404);
  const dup = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { volume_number: 2, size_kib: 4096 } });
  t.is(dup.status, 500);
  t.regex((dup.body as Rc[])[0]!.message, /already exists/);
});

test('zero, negative, huge and non-numeric sizes are refused and nothing is stored', async (t) => {
  const name = await rd();
  // 0.5 is read as 0 (Jackson truncates fractions where an integer belongs).
  for (const size_kib of [0, -1, 2 ** 60, null, '0', 0.5]) {
    const r = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib } });
    t.is(r.status, 500, String(size_kib));
    t.regex((r.body as Rc[])[0]!.message, /Volume size .* is invalid/);
    t.truthy((r.body as Rc[])[0]!.correction);
  }
  // Not a number at all: LINSTOR's JSON parser refuses the body (400) before any check.
  for (const size_kib of ['10G', [4096], { kib: 4096 }]) {
    const r = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib } });
    t.is(r.status, 400, JSON.stringify(size_kib));
    t.is((r.body as Rc[])[0]!.message, 'Unable to parse input json.');
    t.regex((r.body as Rc[])[0]!.details!, /size_kib' must be integer/);
  }
  t.deepEqual((await call('GET', `/v1/resource-definitions/${name}/volume-definitions`)).body, []);
  const missing = await call('POST', '/v1/resource-definitions/nosuchrd/volume-definitions', { volume_definition: { size_kib: 4096 } });
  t.is(missing.status, 404);
});

test('a volume definition without resources may shrink; with resources it may only grow', async (t) => {
  const name = await rd();
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 20480 } });
  const shrink = await call('PUT', `/v1/resource-definitions/${name}/volume-definitions/0`, { size_kib: 10240 });
  t.is(shrink.status, 200);
  t.is((shrink.body as Rc[])[0]!.message, `Volume definition with number '0' of resource definition '${name}' modified.`);
  const placed = await call('POST', `/v1/resource-definitions/${name}/resources/vdnode`, { resource: {} });
  t.is(placed.status, 201);
  const refused = await call('PUT', `/v1/resource-definitions/${name}/volume-definitions/0`, { size_kib: 8192 });
  t.is(refused.status, 500);
  t.is((refused.body as Rc[])[0]!.message, 'Deployed volumes can only grow in size, not shrink.');
  const grow = await call('PUT', `/v1/resource-definitions/${name}/volume-definitions/0`, { size_kib: 40960, flags: ['GROSS_SIZE'] });
  t.is(grow.status, 200);
  const got = await call('GET', `/v1/resource-definitions/${name}/volume-definitions/0`);
  t.is(got.body.size_kib, 40960);
  t.deepEqual(got.body.flags, ['GROSS_SIZE']);
  await call('PUT', `/v1/resource-definitions/${name}/volume-definitions/0`, { flags: ['-GROSS_SIZE'] });
  t.false('flags' in (await call('GET', `/v1/resource-definitions/${name}/volume-definitions/0`)).body);
});

test('a volume definition added to a deployed definition gives every resource the new volume', async (t) => {
  const name = await rd();
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  await call('POST', `/v1/resource-definitions/${name}/resources/vdnode`, { resource: {} });
  const r = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 8192 } });
  t.is(r.status, 200);
  const vols = await call('GET', `/v1/resource-definitions/${name}/resources/vdnode/volumes`);
  t.deepEqual(vols.body.map((v: Json) => [v.volume_number, v.storage_pool_name]), [[0, 'DfltStorPool'], [1, 'DfltStorPool']]);
  const del = await call('DELETE', `/v1/resource-definitions/${name}/volume-definitions/1`);
  t.is(del.status, 200);
  t.regex((del.body as Rc[]).at(-1)!.message, /Volume definition with number '1' of resource definition '.*' deleted\./);
  const after = await call('GET', `/v1/resource-definitions/${name}/resources/vdnode/volumes`);
  t.deepEqual(after.body.map((v: Json) => v.volume_number), [0]);
  t.is((await call('DELETE', `/v1/resource-definitions/${name}/volume-definitions/1`)).status, 404);
});
