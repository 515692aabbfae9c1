import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, suffix } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('a key-value store is created by its first PUT, modified by the next, and read back as a one-element list', async (t) => {
  const name = `kv_${suffix()}`;
  const c = await call(ctl, 'PUT', `/v1/key-value-store/${name}`, { override_props: { 'csi/volume-1': 'pvc-1', other: 'x' } });
  t.is(c.status, 200);
  t.is(c.body[0].message, `New key value store '${name}' created.`);
  const m = await call(ctl, 'PUT', `/v1/key-value-store/${name.toUpperCase()}`, { override_props: { 'csi/volume-2': 'pvc-2' }, delete_props: ['other'] });
  t.is(m.body[0].message, `Key value store '${name}' modified.`);
  const one = await call(ctl, 'GET', `/v1/key-value-store/${name}`);
  t.is(one.status, 200);
  t.true(Array.isArray(one.body));
  t.deepEqual(one.body, [{ name, props: { 'csi/volume-1': 'pvc-1', 'csi/volume-2': 'pvc-2' } }]);
  const ns = await call(ctl, 'PUT', `/v1/key-value-store/${name}`, { delete_namespaces: ['csi'] });
  t.is(ns.status, 200);
  t.deepEqual((await call(ctl, 'GET', `/v1/key-value-store/${name}`)).body[0].props, {});
  t.true((await call(ctl, 'GET', '/v1/key-value-store')).body.some((k: any) => k.name === name));
  t.is((await call(ctl, 'DELETE', `/v1/key-value-store/${name}`)).status, 200);
});

test('a missing key-value store answers 404 with FAIL_NOT_FOUND_KVS', async (t) => {
  for (const method of ['GET', 'DELETE']) {
    const r = await call(ctl, method, '/v1/key-value-store/nothere');
    t.is(r.status, 404);
    t.is(BigInt.asUintN(64, BigInt(r.text.match(/"ret_code":(-?\d+)/)![1]!)) & 0x7fffn, 316n);
  }
});

test('hostile store names and keys are refused and nothing is stored', async (t) => {
  for (const name of ['kv;ls', '$(id)', 'kvä', 'k'.repeat(49), 'k']) {
    const r = await call(ctl, 'PUT', `/v1/key-value-store/${encodeURIComponent(name)}`, { override_props: { a: 'b' } });
    t.is(r.status, 500, name);
    t.truthy(r.body[0].correction);
  }
  const name = `kv_${suffix()}`;
  for (const override_props of [{ '': 'x' }, { '/abs': 'x' }, { 'a\nb': 'x' }, { a: [1] }, { a: 'x'.repeat(20000) }]) {
    const r = await call(ctl, 'PUT', `/v1/key-value-store/${name}`, { override_props });
    // A list where a string belongs does not parse (400, as Jackson); the others break a rule (500).
    t.is(r.status, Array.isArray(Object.values(override_props)[0]) ? 400 : 500);
  }
  t.is((await call(ctl, 'GET', `/v1/key-value-store/${name}`)).status, 404);
  // A number is a value LINSTOR stores as its string (Jackson), not a hostile one.
  const num = `kv_${suffix()}`;
  t.is((await call(ctl, 'PUT', `/v1/key-value-store/${num}`, { override_props: { a: 1 } })).status, 200);
  t.is((await call(ctl, 'GET', `/v1/key-value-store/${num}`)).body[0].props.a, '1');
});
