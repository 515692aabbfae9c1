/**
 * `POST /v1/error-reports`: how the adapters (Cinder API, CSI plugin) file their error
 * reports on a real controller. The controller picks id and time, keeps adapters out of the
 * CONTROLLER and SATELLITE modules, and masks secrets the adapter let through.
 */
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

const valid = { module: 'CSI', node_name: 'node-a', version: '1.28.0', exception: 'TypeError', exception_message: 'x is undefined', origin_file: 'stage.js', origin_method: 'nodeStageVolume', origin_line: 42, text: 'Call backtrace:\n  at nodeStageVolume (stage.js:42:7)' };

test('an adapter\'s report is stored under an id and time the controller picks, and listed with its module and node', async (t) => {
  const before = Date.now();
  const out = await call<any[]>(ctl, 'POST', '/v1/error-reports', { ...valid, id: 'AAAAAAAA-00000-000001', time: 1 });
  t.is(out.status, 201);
  const id = out.body[0].obj_refs.ErrorReport as string;
  t.regex(id, /^[0-9A-F]{8}-[0-9A-F]{5}-\d{6}$/);
  t.not(id, 'AAAAAAAA-00000-000001');
  const [shown] = (await call<any[]>(ctl, 'GET', `/v1/error-reports/${id}`)).body;
  t.like(shown, { node_name: 'node-a', module: 'CSI', exception: 'TypeError', exception_message: 'x is undefined', origin_line: 42, filename: `ErrorReport-${id}.log` });
  t.true(shown.error_time >= before);
  const listed = (await call<any[]>(ctl, 'GET', '/v1/error-reports?nodes=node-a')).body;
  t.true(listed.some((e) => e.filename === `ErrorReport-${id}.log`));
});

test('reports claiming the controller\'s or a satellite\'s module, a node name that is not a host name, or no text are refused with 400', async (t) => {
  for (const body of [{ ...valid, module: 'CONTROLLER' }, { ...valid, module: 'SATELLITE' }, { ...valid, module: 'csi lower' }, { ...valid, node_name: '../etc' }, { ...valid, text: undefined }, [valid]]) {
    const out = await call<any[]>(ctl, 'POST', '/v1/error-reports', body);
    t.is(out.status, 400, JSON.stringify(body).slice(0, 80));
    t.regex(out.body[0].message, /^Error report refused: /);
  }
});

test('secrets an adapter let through are masked by the controller', async (t) => {
  const out = await call<any[]>(ctl, 'POST', '/v1/error-reports', { ...valid, exception_message: 'login failed password=hunter2', text: 'cryptsetup --passphrase hunter2 open' });
  t.is(out.status, 201);
  const [r] = (await call<any[]>(ctl, 'GET', `/v1/error-reports/${out.body[0].obj_refs.ErrorReport}`)).body;
  t.false(JSON.stringify(r).includes('hunter2'));
  t.is(r.exception_message, 'login failed password=***');
});
