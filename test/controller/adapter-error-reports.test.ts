/**
 * `POST /v1/error-reports`: how the adapters (Cinder API, CSI plugin) file their error
 * reports on a real controller. The controller picks id and time, keeps adapters out of the
 * CONTROLLER and SATELLITE modules, and masks secrets the adapter let through. A report no
 * controller took waits in the adapter's outbox folder and is filed later.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { MAX_BYTES, MAX_PENDING } from '../../core/client/adapter-outbox.js';
import { AdapterErrorReporter } from '../../core/client/adapter-reports.js';
import { LinstorClient } from '../../core/client/index.js';
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

test('an adapter\'s reports that no controller takes wait in its outbox folder (at most 50, each cut to 64 KiB) and are filed once a controller answers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-outbox-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const outboxDir = join(dir, 'outbox');
  const log = pino({ level: 'silent' });
  // Nothing listens there (this suite's loopback range): the controller is away.
  const away = new LinstorClient({ controllers: [`http://127.0.34.${2 + Math.floor(Math.random() * 200)}:${34000 + Math.floor(Math.random() * 999)}`], timeoutMs: 2000 });
  const node = `outbox-${Date.now().toString(36)}`;
  const offline = new AdapterErrorReporter(away, 'CSI', log, { node, outboxDir });
  for (let i = 0; i < MAX_PENDING + 5; i++) t.is(await offline.report(new Error(`failure ${i}`), { action: `NodeStageVolume vol-${i}` }), undefined);
  t.is(await offline.report(new Error(`huge ${'x'.repeat(200_000)}`), { action: 'NodeStageVolume huge' }), undefined);
  const pending = readdirSync(outboxDir).filter((f) => f.startsWith('pending-'));
  t.is(pending.length, MAX_PENDING, 'bounded count: the oldest went');
  for (const f of pending) t.true(statSync(join(outboxDir, f)).size <= MAX_BYTES + 2048, f);
  const online = new AdapterErrorReporter(new LinstorClient({ controllers: [ctl.url] }), 'CSI', log, { node, outboxDir });
  t.is(await online.flush(), MAX_PENDING);
  t.is(readdirSync(outboxDir).filter((f) => f.startsWith('pending-')).length, 0);
  const filed = (await call<any[]>(ctl, 'GET', `/v1/error-reports?nodes=${node}&withContent=true`)).body;
  t.is(filed.length, MAX_PENDING);
  const messages = filed.map((r) => r.exception_message as string);
  t.false(messages.includes('failure 0'), 'the oldest were dropped');
  t.true(messages.includes(`failure ${MAX_PENDING + 4}`));
  t.true(filed.some((r) => /cut: the report was larger than/.test(r.text)));
});
