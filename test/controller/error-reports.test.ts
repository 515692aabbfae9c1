import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, seedStore } from '../helpers/controller-rest.js';
import { satelliteReport } from '../../core/controller/errors/satellite-reports.js';

let ctl: TestController;
const T0 = Date.UTC(2026, 0, 1);
function report(id: string, node: string, time: number, exception = 'Error', version = '1.28.0') {
  return { table: 'error_reports' as const, key: id, value: {
    id, nodeName: node, time, module: 'CONTROLLER', version, exception, exceptionMessage: `boom ${id}`,
    originFile: 'x.ts', originMethod: 'f', originLine: 7, text: `ERROR REPORT ${id}\nstack...`,
  } };
}

test.before(async () => {
  ctl = await startController();
  // Error reports are written on unexpected failures; seeding them makes the filters testable.
  await seedStore(ctl, [
    report('AAAA-00000-000001', 'ctrl1', T0), report('AAAA-00000-000002', 'ctrl1', T0 + 1000, 'TypeError'),
    report('AAAA-00000-000003', 'sat1', T0 + 2000), report('AAAA-00000-000004', 'sat2', T0 + 3000, 'Error', '1.0.0'),
  ]);
});
test.after.always(async () => { await ctl?.stop(); });

test.serial('error reports are listed without their text unless asked, with LINSTOR file names', async (t) => {
  const r = await call(ctl, 'GET', '/v1/error-reports');
  t.is(r.status, 200);
  t.is(r.body.length, 4);
  t.is(r.body[0].filename, 'ErrorReport-AAAA-00000-000001.log');
  t.is(r.body[0].error_time, T0);
  t.is(r.body[0].text, undefined);
  t.is(r.body[0].exception_message, 'boom AAAA-00000-000001');
  const withText = await call(ctl, 'GET', '/v1/error-reports?withContent=true&limit=1&offset=1');
  t.is(withText.body.length, 1);
  t.regex(withText.body[0].text, /ERROR REPORT AAAA-00000-000002/);
});

test.serial('error reports filter by node and time range', async (t) => {
  t.deepEqual((await call(ctl, 'GET', '/v1/error-reports?node=sat1')).body.map((e: any) => e.node_name), ['sat1']);
  const range = await call(ctl, 'GET', `/v1/error-reports?since=${T0 + 500}&to=${T0 + 2000}`);
  t.deepEqual(range.body.map((e: any) => e.filename), ['ErrorReport-AAAA-00000-000002.log', 'ErrorReport-AAAA-00000-000003.log']);
  t.is((await call(ctl, 'GET', '/v1/error-reports?since=yesterday')).status, 500);
});

test.serial('one error report is shown with its text as a one-element list, and deleted', async (t) => {
  const one = await call(ctl, 'GET', '/v1/error-reports/AAAA-00000-000003');
  t.is(one.body.length, 1);
  t.regex(one.body[0].text, /ERROR REPORT AAAA-00000-000003/);
  t.is((await call(ctl, 'DELETE', '/v1/error-reports/AAAA-00000-000003')).status, 200);
  t.deepEqual((await call(ctl, 'GET', '/v1/error-reports/AAAA-00000-000003')).body, []);
  const gone = await call(ctl, 'DELETE', '/v1/error-reports/AAAA-00000-000003');
  t.is(gone.status, 200);
  t.regex(gone.body[0].message, /not found/);
});

test.serial('a range of error reports is deleted by exception, version and time', async (t) => {
  const byExc = await call(ctl, 'PATCH', '/v1/error-reports', { exception: 'TypeError' });
  t.is(byExc.status, 200);
  t.is(byExc.body[0].message, 'Deleted 1 error report.');
  const byVersion = await call(ctl, 'PATCH', '/v1/error-reports', { version: '1.0.0', nodes: ['sat2'] });
  t.is(byVersion.body[0].message, 'Deleted 1 error report.');
  const none = await call(ctl, 'PATCH', '/v1/error-reports', { since: T0 + 10_000 });
  t.regex(none.body[0].message, /nothing was deleted/);
  // Not a number: LINSTOR's JSON parser refuses it (400); a negative time is refused by the check (500).
  t.is((await call(ctl, 'PATCH', '/v1/error-reports', { since: 'soon' })).status, 400);
  t.is((await call(ctl, 'PATCH', '/v1/error-reports', { since: -5 })).status, 500);
  const left = await call(ctl, 'GET', '/v1/error-reports');
  t.deepEqual(left.body.map((e: any) => e.filename), ['ErrorReport-AAAA-00000-000001.log']);
  t.is((await call(ctl, 'GET', '/v1/stats/error-reports')).body.count, 1);
});

test('a satellite\'s report is stored under the link\'s node name, never the one it claims; malformed ones are refused', (t) => {
  const ok = satelliteReport('node-a', { id: '0A1B2C3D-ABCDE-000001', time: T0, nodeName: 'controller', module: 'SATELLITE', exception: 'ExecError', exceptionMessage: 'm', text: 'ERROR REPORT' });
  t.is(typeof ok === 'object' && ok.nodeName, 'node-a');
  t.regex(String(satelliteReport('node-a', { id: '../../etc', time: T0, text: 'x' })), /is not XXXXXXXX-XXXXX-NNNNNN/);
  t.regex(String(satelliteReport('node-a', { id: '0A1B2C3D-ABCDE-000001', time: 'now', text: 'x' })), /time/);
  t.regex(String(satelliteReport('node-a', { id: '0A1B2C3D-ABCDE-000001', time: T0 })), /no text/);
});
