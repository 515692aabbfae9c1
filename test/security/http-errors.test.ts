/**
 * Issue item 7: every error the REST edge produces, including body-parser and routing errors,
 * is LINSTOR's JSON ApiCallRc list without a stack or a path of the server; an unexpected one
 * gets an error report id. Real controller process over HTTP (node:http, so the bytes sent are
 * exactly what the test says), plus the middleware in an in-test app for the unexpected case.
 */
import test from 'ava';
import express from 'express';
import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { ErrorReporter } from '../../core/controller/errors/reporter.js';
import { httpErrorHandler } from '../../core/controller/http/error-handler.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import type { Store } from '../../core/store/store.js';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

interface Raw { status: number; type: string; text: string }

function send(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(text));
    let out = '';
    s.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

/** A LINSTOR error answer: JSON ApiCallRc list with a message, no HTML, no stack, no server path. */
function assertRcError(t: import('ava').ExecutionContext, r: Raw, status: number, what: string): Array<Record<string, unknown>> {
  t.is(r.status, status, `${what}: ${r.text.slice(0, 300)}`);
  t.regex(r.type, /application\/json/, what);
  t.notRegex(r.text, /<html|<pre|\bat [\w.<>]+ \(|node_modules|\/work\/|dist\/core/i, `${what} leaks a page or a stack`);
  const body = JSON.parse(r.text) as Array<Record<string, unknown>>;
  t.true(Array.isArray(body) && body.length > 0 && typeof body[0]!.message === 'string' && (body[0]!.ret_code as number) < 0, what);
  return body;
}

test('routing, body-parser and size errors answer JSON ApiCallRc lists, never Express HTML pages', async (t) => {
  const p = ctl.port;
  assertRcError(t, await send(p, 'GET', '/v1/nodes/%ff', {}), 400, 'undecodable path parameter');
  assertRcError(t, await send(p, 'GET', '/v1/resource-definitions/%E0%A4%A/resources', {}), 400, 'truncated percent escape');
  const json = { 'content-type': 'application/json' };
  assertRcError(t, await send(p, 'POST', '/v1/nodes', { ...json, 'content-encoding': 'bogus' }, '{"name":"x"}'), 415, 'unknown Content-Encoding');
  assertRcError(t, await send(p, 'POST', '/v1/nodes', { ...json, 'content-encoding': 'gzip' }, 'not gzip at all'), 400, 'gzip that is not gzip');
  assertRcError(t, await send(p, 'POST', '/v1/nodes', { ...json, 'content-type': 'application/json; charset=klingon' }, '{}'), 415, 'unknown charset');
  assertRcError(t, await send(p, 'POST', '/v1/nodes', json, '{"name": '), 400, 'truncated JSON');
  assertRcError(t, await send(p, 'PUT', '/v1/key-value-store/kv1', json, `{"delete_props":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400, 'nesting 5000 levels deep');
  const big = Buffer.alloc(17 * 1024 * 1024, 0x20);
  assertRcError(t, await send(p, 'POST', '/v1/nodes', { ...json, 'content-length': big.length }, big), 413, 'body over the limit');
  // A gzip body is still understood (LINSTOR's clients may compress).
  const ok = await send(p, 'POST', '/v1/nodes', { ...json, 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ name: 'gz-node', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.254', satellite_port: 3366 }] })));
  t.is(ok.status, 201, ok.text);
  // Not even HTTP: Node's parser refuses it, and the answer is still LINSTOR's JSON.
  const garbage = await rawSocket(p, 'GARBAGE / NOT-HTTP\r\n\r\n');
  t.regex(garbage, /^HTTP\/1\.1 400 /);
  t.regex(garbage, /"message":"The request is not valid HTTP\."/);
  const hugeHeaders = await rawSocket(p, `GET /v1/nodes HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.regex(hugeHeaders, /^HTTP\/1\.1 431 [^]*"ret_code"/);
  const health = await send(p, 'GET', '/health', {});
  t.is(health.status, 200, 'the controller is still up');
});

test('an unexpected error reaching the error middleware writes an error report and answers 500 with its id', async (t) => {
  const store: Store = { kind: 'sqlite', schemaVersion: async () => 1, loadAll: async () => ({}) as never, commit: async () => {}, isEmpty: async () => true, replaceAll: async () => {}, close: async () => {} };
  const state = new ClusterState(store);
  const reporter = new ErrorReporter(state, 'ctrl', pino({ level: 'silent' }));
  const app = express();
  app.get('/boom', () => { throw new TypeError('cannot read properties of undefined'); });
  app.use(httpErrorHandler(reporter));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => server.close());
  const r = await send((server.address() as AddressInfo).port, 'GET', '/boom', {});
  const [e] = assertRcError(t, r, 500, 'unexpected error');
  const ids = e!.error_report_ids as string[];
  t.is(ids.length, 1);
  t.is(state.errorReports.get(ids[0]!)?.exceptionMessage, 'cannot read properties of undefined', 'the report is stored under that id');
});
