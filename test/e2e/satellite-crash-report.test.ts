/**
 * A crashing satellite: a real satellite process throws an uncaught exception (then, restarted,
 * leaves a promise rejection unhandled), writes the report into its spool folder before it
 * exits, and the restarted satellite delivers both to the controller, where `linstor
 * error-reports list/show` show them with the node and the stack. The crash is triggered by
 * LINSTOR_SATELLITE_CRASH_TEST, a test-only environment variable (nothing else sets it; see
 * core/satellite/errors/crash.ts); what happens after the throw is the production path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { linstor } from '../cli/helpers.js';
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix, satelliteStateDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, waitFor } from './cluster.js';

let ctl: TestController;
let sat: SatelliteProcess | undefined;
const node = `crash-${randomSuffix()}`;
const address = '127.0.0.1';
const spool = join(satelliteStateDir(node), 'error-reports');

test.before(async () => { ctl = await startController({ env: FAST_LINK_ENV }); });
test.after.always(async () => {
  await sat?.kill9().catch(() => {});
  await ctl?.stop();
});

const exitOf = (s: SatelliteProcess): Promise<number | null> =>
  s.proc.exitCode !== null ? Promise.resolve(s.proc.exitCode) : new Promise((r) => s.proc.once('exit', (code) => r(code)));
const cli = (...args: string[]) => linstor(['--controllers', ctl.url.replace(/^http:\/\//, ''), ...args]);
const spooled = () => readdirSync(spool).filter((f) => f.endsWith('.json'));

test.serial('a satellite that crashes writes its report to disk before it exits; restarted, it delivers it with node and stack to `linstor error-reports`', async (t) => {
  sat = await startSatellite({ address, nodeName: node, reportIntervalMs: 1000, env: { LINSTOR_SATELLITE_CRASH_TEST: 'exception' } });
  const port = sat.port;
  const created = await call(ctl, 'POST', '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: port }] });
  t.is(created.status, 201, JSON.stringify(created.body));
  // The controller connects, the satellite applies the first desired state and then crashes.
  t.is(await exitOf(sat), 70);
  t.true(sat.logs.some((l) => /crashed \(uncaughtException\), error report [0-9A-F]{8}-/.test(l)), sat.logs.slice(-5).join('\n'));
  t.is(spooled().length, 1, 'the report is on disk before the process is gone');

  // Restarted with a rejection left unhandled this time: a second crash, a second spooled report.
  sat = await startSatellite({ address, port, nodeName: node, reportIntervalMs: 1000, env: { LINSTOR_SATELLITE_CRASH_TEST: 'rejection' } });
  t.is(await exitOf(sat), 70);
  // (The first report may have been delivered before this crash; the new one is on disk.)
  t.true(spooled().some((f) => readFileSync(join(spool, f), 'utf8').includes('crash test: unhandled rejection')));

  // Restarted without the trigger: both reports reach the controller.
  sat = await startSatellite({ address, port, nodeName: node, reportIntervalMs: 1000 });
  const reports = await waitFor('crash reports on the controller', async () => {
    const r = (await call<any[]>(ctl, 'GET', `/v1/error-reports?nodes=${node}&withContent=true`)).body.filter((e) => /Action: +crash: /.test(e.text ?? ''));
    return r.length === 2 ? r : undefined;
  }, 30_000);
  const byAction = (what: string) => reports.find((r) => r.text.includes(`Action:             crash: ${what}`));
  const thrown = byAction('uncaught exception');
  const rejected = byAction('unhandled promise rejection');
  t.truthy(thrown);
  t.truthy(rejected);
  for (const r of [thrown, rejected]) {
    t.is(r.node_name, node);
    t.is(r.module, 'SATELLITE');
    t.regex(r.text, new RegExp(`Node: +${node}`));
    t.regex(r.text, /Call backtrace:\nError: crash test: .*\n +at /);
  }
  t.regex(thrown.text, /Error message: +crash test: uncaught exception/);
  t.regex(rejected.text, /Error message: +crash test: unhandled rejection/);
  // Acknowledged by the controller: the spool is empty again.
  await waitFor('spool emptied', () => spooled().length === 0 || undefined, 10_000);

  const id = String(thrown.filename).replace(/^ErrorReport-|\.log$/g, '');
  const list = await cli('error-reports', 'list', '--nodes', node);
  t.is(list.code, 0, list.stderr);
  t.regex(list.stdout, new RegExp(`${id}.*S\\|${node}`));
  const show = await cli('error-reports', 'show', id);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /crash test: uncaught exception/);
  t.regex(show.stdout, /at Timeout/);
});
