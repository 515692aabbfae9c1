/**
 * Issue item 8: the Cinder API answers hostile input as Cinder does: sizes outside
 * 1..DB_MAX_INT (2^31-1 GiB) and non-integers are 400 (parameter_types.volume_size), unknown
 * sort keys (`__proto__` too) are 400, bodies over osapi_max_request_body_size (112 KiB) are
 * 413 overLimit (oslo.middleware sizelimit), and an OpenStack-API-Version header without a
 * well-formed `volume X.Y` entry is 400 (wsgi.Request.set_api_version_request). Real
 * controller and satellite behind the service; raw sockets send the exact header bytes.
 */
import test from 'ava';
import { connect } from 'node:net';
import { http, startStack, type Stack } from '../cinder/harness.js';

let stack: Stack;
test.before(async () => { stack = await startStack({ nodes: 1, tune: (c) => { c.linstor.defaultRedundancy = 1; } }); });
test.after.always(async () => { await stack?.stop(); });

/** Sends `head` (and `body`) as raw bytes; resolves with the status code and body text. */
function rawRequest(head: Buffer, body: Buffer = Buffer.alloc(0)): Promise<{ status: number; text: string }> {
  const url = new URL(stack.api.url);
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed socket lets the server drop an answer that is not ready yet.
    const s = connect({ host: url.hostname, port: Number(url.port) }, () => s.write(Buffer.concat([head, body])));
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const versionHeader = (value: Buffer): Buffer => Buffer.concat([
  Buffer.from('GET /v3/volumes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: tester:demo\r\nConnection: close\r\nOpenStack-API-Version: ', 'latin1'),
  value, Buffer.from('\r\n\r\n', 'latin1'),
]);

test('sizes outside 1..2147483647 GiB, fractions and non-digit strings are 400 before anything is created', async (t) => {
  for (const size of [2 ** 63, 1e308, 2147483648, '99999999999', 1.5, 0, -1, '1e3', ' 1', true, [1], { n: 1 }]) {
    const r = await http(stack.api, 'POST', '/v3/volumes', { body: { volume: { size, name: 'hostile' } } });
    t.is(r.status, 400, `size ${JSON.stringify(size)}: ${JSON.stringify(r.body)}`);
    t.regex(r.body?.badRequest?.message ?? '', /Invalid input for field\/attribute size/, JSON.stringify(size));
  }
  const list = await http(stack.api, 'GET', '/v3/volumes');
  t.deepEqual(list.body.volumes.filter((v: { name: string }) => v.name === 'hostile'), [], 'nothing was created');
});

test('sort keys are checked against the known ones only: __proto__ and constructor are 400, not 500', async (t) => {
  for (const q of ['sort_key=__proto__', 'sort_key=constructor', 'sort=__proto__:asc', 'sort=toString', 'sort_key=hasOwnProperty&sort_dir=asc']) {
    const r = await http(stack.api, 'GET', `/v3/volumes/detail?${q}`);
    t.is(r.status, 400, `${q}: ${JSON.stringify(r.body)}`);
  }
});

test('a body over 112 KiB is 413 overLimit, whatever its size; below the limit it is read', async (t) => {
  for (const bytes of [120 * 1024, 2 * 1024 * 1024]) {
    const body = JSON.stringify({ volume: { size: 1, description: 'x'.repeat(bytes) } });
    const r = await http(stack.api, 'POST', '/v3/volumes', { body: JSON.parse(body) });
    t.is(r.status, 413, `${bytes} bytes`);
    t.is(r.body?.overLimit?.code, 413);
    t.regex(r.body.overLimit.message, /Request is too large/);
  }
  const small = await http(stack.api, 'POST', '/v3/volumes', { body: { volume: { size: 'not a size', description: 'x'.repeat(100 * 1024) } } });
  t.is(small.status, 400, 'a 100 KiB body is read (and its bad size answered)');
  t.regex(small.body?.badRequest?.message ?? '', /field\/attribute size/);
});

test('OpenStack-API-Version: entries without a volume version, malformed or non-ASCII versions are 400, not silently 3.0', async (t) => {
  const bad = [Buffer.from('volume'), Buffer.from('compute 2.1'), Buffer.from('volume 03.1'), Buffer.from('volume 3.5 extra'),
    Buffer.from('volume 3.'), Buffer.from('volume 3.\xef\xbc\x95', 'latin1'), Buffer.from('v\xc3\xb6lume 3.5', 'latin1')];
  for (const value of bad) {
    const r = await rawRequest(versionHeader(value));
    t.is(r.status, 400, `${value.toString('latin1')}: ${r.text}`);
    t.regex(r.text, /"badRequest"/);
  }
  for (const [value, version] of [['volume 3.5, compute 2.1', '3.5'], ['compute 2.1, volume latest', '3.71'], ['volume 3.0', '3.0']] as const) {
    const r = await rawRequest(versionHeader(Buffer.from(value)));
    t.is(r.status, 200, `${value}: ${r.text}`);
    t.regex(r.text, /"volumes"/, version);
  }
  const none = await http(stack.api, 'GET', '/v3/volumes');
  t.is(none.status, 200, 'no header at all is 3.0');
  t.is(none.headers.get('openstack-api-version'), 'volume 3.0');
});
