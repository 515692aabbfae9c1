/**
 * The controller's log, read from a real controller process: a satellite link that keeps
 * failing is logged once per state change (retries only at debug), the REST access log is at
 * debug level, and the level follows `[logging] level` (at start and on SIGHUP) and
 * `linstor controller set-log-level` live.
 */
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { linstor } from '../cli/helpers.js';
import { startController, type TestController } from '../helpers/controller.js';
import { freePort } from '../helpers/db-servers.js';
import { makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, startCluster, waitFor } from './cluster.js';

interface LogLine { level: number; msg: string; node?: string; module?: string; url?: string; method?: string; status?: number }

function lines(ctl: TestController): LogLine[] {
  return ctl.logs().split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l) as LogLine; } catch { return undefined; } })
    .filter((l): l is LogLine => l !== undefined);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a satellite that stays unreachable is logged once, not at every retry; coming online and going away once each', async (t) => {
  const ctl = await startController({ env: { ...FAST_LINK_ENV, LINSTOR_LOG_LEVEL: 'info' } });
  let sat: SatelliteProcess | undefined;
  t.teardown(async () => { await sat?.kill9().catch(() => {}); await ctl.stop(); });
  const name = `log-${randomSuffix()}`;
  const port = await freePort();
  await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.7', satellite_port: port }] });
  const about = () => lines(ctl).filter((l) => l.node?.toLowerCase() === name.toLowerCase() && l.level >= 30);
  // 50..400 ms backoff: 3 s are many retries.
  await sleep(3000);
  t.deepEqual(about().map((l) => l.msg), ['cannot reach the satellite; retrying (further attempts are logged at debug level)']);

  sat = await startSatellite({ address: '127.0.0.7', port, nodeName: name });
  await waitFor('ONLINE', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'ONLINE');
  await sat.kill9();
  sat = undefined;
  await waitFor('OFFLINE', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'OFFLINE');
  await sleep(3000);
  const msgs = about().map((l) => l.msg);
  t.is(msgs.filter((m) => m === 'satellite online').length, 1, msgs.join('\n'));
  t.is(msgs.filter((m) => /^satellite connection lost/.test(m)).length, 1, msgs.join('\n'));
  t.is(msgs.filter((m) => /^cannot reach the satellite/.test(m)).length, 1, msgs.join('\n'));
});

test('REST requests are logged at debug only; controller set-log-level DEBUG turns that on live, INFO off again', async (t) => {
  const ctl = await startController({ env: { LINSTOR_LOG_LEVEL: 'info' } });
  t.teardown(() => ctl.stop());
  const cli = (...args: string[]) => linstor(['--controllers', ctl.url.replace(/^http:\/\//, ''), ...args]);
  const accessLines = () => lines(ctl).filter((l) => l.msg === 'REST request');

  await call(ctl, 'GET', '/v1/nodes?nodes=quiet');
  await sleep(300);
  t.deepEqual(accessLines(), [], 'nothing at info level');

  const set = await cli('controller', 'set-log-level', 'DEBUG');
  t.is(set.code, 0, set.stderr);
  t.is((await call(ctl, 'GET', '/v1/controller/config')).body.log.level, 'DEBUG');
  await call(ctl, 'GET', '/v1/nodes?nodes=loud');
  const line = (await waitFor('access log line', () => accessLines().find((l) => l.url === '/v1/nodes?nodes=loud'), 10_000));
  t.is(line.level, 20);
  t.is(line.method, 'GET');
  t.is(line.status, 200);

  t.is((await cli('controller', 'set-log-level', 'INFO')).code, 0);
  await call(ctl, 'GET', '/v1/nodes?nodes=quiet-again');
  await sleep(300);
  t.falsy(accessLines().find((l) => l.url === '/v1/nodes?nodes=quiet-again'));
});

test('[logging] level = "debug" in linstor.toml logs REST requests from the start (over LINSTOR_LOG_LEVEL)', async (t) => {
  const ctl = await startController({ env: { LINSTOR_LOG_LEVEL: 'warn' }, extraToml: '[logging]\nlevel = "debug"\n' });
  t.teardown(() => ctl.stop());
  await call(ctl, 'GET', '/v1/resource-definitions');
  const line = await waitFor('access log line', () => lines(ctl).find((l) => l.msg === 'REST request' && l.url === '/v1/resource-definitions'), 10_000);
  t.is(line.status, 200);
  t.is((await call(ctl, 'GET', '/v1/controller/config')).body.log.level, 'DEBUG');
});

test('SIGHUP (systemctl reload) makes the controller re-read [logging] level, written in capitals as in LINSTOR\'s guide', async (t) => {
  const ctl = await startController({ env: { LINSTOR_LOG_LEVEL: 'warn' }, extraToml: '[logging]\nlevel = "INFO"\n' });
  t.teardown(() => ctl.stop());
  await call(ctl, 'GET', '/v1/nodes?nodes=before-hup');
  const toml = join(ctl.dir, 'linstor.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace('level = "INFO"', 'level = "DEBUG"'));
  ctl.proc.kill('SIGHUP');
  await ctl.waitForLog(/log level reloaded/);
  await call(ctl, 'GET', '/v1/nodes?nodes=after-hup');
  await waitFor('access log after reload', () => lines(ctl).find((l) => l.msg === 'REST request' && l.url === '/v1/nodes?nodes=after-hup'), 10_000);
  t.falsy(lines(ctl).find((l) => l.url === '/v1/nodes?nodes=before-hup'), 'nothing was logged at INFO');
  t.is((await call(ctl, 'GET', '/v1/controller/config')).body.log.level, 'DEBUG');
});

test('SIGHUP makes the satellite re-read [logging] level of linstor_satellite.toml', async (t) => {
  const dir = makeTempDir('sat-log-cfg-');
  t.teardown(() => removeTempDir(dir));
  writeFileSync(join(dir, 'linstor_satellite.toml'), '[logging]\nlevel = "info"\n');
  const sat = await startSatellite({ address: '127.0.0.8', configDirectory: dir });
  t.teardown(() => sat.stop());
  const connects = () => sat.logs.filter((l) => l.includes('"controller connected"')).length;
  const touch = async () => { const s = createConnection({ host: '127.0.0.8', port: sat.port }); await once(s, 'connect'); s.destroy(); await sleep(300); };
  await touch();
  t.is(connects(), 1, 'info: a connection is logged');
  writeFileSync(join(dir, 'linstor_satellite.toml'), '[logging]\nlevel = "WARN"\n');
  sat.proc.kill('SIGHUP');
  await sat.waitForLog(/log level reloaded/);
  await touch();
  t.is(connects(), 1, 'warn: the next one is not');
});

test('node set-log-level changes a running satellite\'s level live; controller set-log-level --global changes every satellite', async (t) => {
  const cluster = await startCluster(1, { env: { LINSTOR_LOG_LEVEL: 'info' } });
  t.teardown(() => cluster.teardown());
  const n = cluster.nodes[0]!;
  const cli = (...args: string[]) => linstor(['--controllers', cluster.ctl.url.replace(/^http:\/\//, ''), ...args]);
  const connects = () => n.sat.logs.filter((l) => l.includes('"controller connected"')).length;
  const touch = async () => { const s = createConnection({ host: n.address, port: n.sat.port }); await once(s, 'connect'); s.destroy(); await sleep(300); };

  t.is((await call(cluster.ctl, 'GET', `/v1/nodes/${n.name}/config`)).body.log.level, 'INFO');
  const set = await cli('node', 'set-log-level', n.name, 'WARN');
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, new RegExp(`Log level of satellite '${n.name}' set to WARN`));
  t.is((await call(cluster.ctl, 'GET', `/v1/nodes/${n.name}/config`)).body.log.level, 'WARN');
  const before = connects();
  await touch();
  t.is(connects(), before, 'at WARN the satellite no longer logs connections');

  const global = await cli('controller', 'set-log-level', '--global', 'INFO');
  t.is(global.code, 0, global.stderr);
  t.is((await call(cluster.ctl, 'GET', `/v1/nodes/${n.name}/config`)).body.log.level, 'INFO');
  await touch();
  t.is(connects(), before + 1, 'back at INFO');
  t.is((await call(cluster.ctl, 'PUT', `/v1/nodes/${n.name}/config`, { log: { level_linstor: 'LOUD' } })).status, 500);
});
