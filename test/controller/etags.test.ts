/**
 * ETags on GET answers and 304 Not Modified for a matching If-None-Match (RFC 9110), seen by
 * curl against a real controller: on segmented lists (patched from the change feed), whole
 * pages (limit/offset) and single objects, plain and gzip'd, GET and HEAD. A client that sends
 * no If-None-Match (linstor-client) gets the same answer as before plus the header.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { call } from '../e2e/cluster.js';
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix } from '../helpers/satellite.js';

let ctl: TestController;
const suffix = randomSuffix();
const rds = Array.from({ length: 20 }, (_, i) => `et${suffix}${i}`);

test.before(async () => {
  ctl = await startController();
  // Enough definitions that the list is over 1 KiB (so it is gzip'd when asked).
  for (const rd of rds) {
    const r = await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, props: { 'Aux/owner': 'etag-test' } } });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
});
test.after.always(async () => { await ctl?.stop(); });

interface Curl { status: number; headers: Record<string, string | undefined>; body: string }

/** One request with curl (a real client); headers lower-cased, the body decoded by curl. */
function curl(path: string, opts: { head?: boolean; gzip?: boolean; headers?: Record<string, string> } = {}): Curl {
  // -I prints the headers itself (with -D - as well they would come twice).
  const args = ['-sS', ...(opts.head ? ['-I'] : ['-D', '-']), ...(opts.gzip ? ['--compressed'] : [])];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
  const r = spawnSync('curl', [...args, `${ctl.url}${path}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`curl failed: ${r.stderr}`);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split).split('\r\n');
  const headers: Record<string, string | undefined> = {};
  for (const line of head.slice(1)) { const i = line.indexOf(':'); headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim(); }
  return { status: Number(head[0]!.split(' ')[1]), headers, body: r.stdout.slice(split + 4) };
}

const LISTS = ['/v1/resource-definitions', '/v1/resource-definitions?limit=50&offset=0'];

for (const path of LISTS) {
  test.serial(`${path}: an ETag, 304 without a body for it (plain, gzip, HEAD), a new one after a change`, async (t) => {
    const first = curl(path);
    t.is(first.status, 200);
    const etag = first.headers.etag!;
    t.regex(etag, /^W\/"[0-9a-z]+-[0-9a-z]+"$/, 'a weak tag');
    t.true((JSON.parse(first.body) as unknown[]).length >= rds.length);
    t.is(curl(path).headers.etag, etag, 'the same document, the same tag');

    const gz = curl(path, { gzip: true });
    t.is(gz.headers['content-encoding'], 'gzip', 'over 1 KiB: gzip when asked');
    t.is(gz.headers.etag, etag, 'the gzip form carries the same (weak) tag');
    t.deepEqual(JSON.parse(gz.body), JSON.parse(first.body));

    for (const opts of [{}, { gzip: true }, { head: true }]) {
      const again = curl(path, { ...opts, headers: { 'If-None-Match': etag } });
      t.is(again.status, 304, JSON.stringify(opts));
      t.is(again.headers.etag, etag, '304 carries the tag');
      t.is(again.body, '', '304 has no body');
      t.is(again.headers['content-encoding'], undefined);
    }
    const head = curl(path, { head: true });
    t.is(head.status, 200);
    t.is(head.headers.etag, etag, 'HEAD answers with the GET\'s tag');

    // Weak comparison, lists and `*` (RFC 9110 13.1.2); a different tag gets the body.
    const opaque = etag.slice(2);
    t.is(curl(path, { headers: { 'If-None-Match': opaque } }).status, 304, 'a strong form of the same tag matches weakly');
    t.is(curl(path, { headers: { 'If-None-Match': `"nope", ${etag}` } }).status, 304, 'any tag of a list');
    t.is(curl(path, { headers: { 'If-None-Match': '*' } }).status, 304);
    const other = curl(path, { headers: { 'If-None-Match': 'W/"0-0", "x"' } });
    t.is(other.status, 200);
    t.is(other.body, first.body);

    // A change: the list's tag changes and the old tag gets the new document.
    const rd = rds[path.includes('limit') ? 1 : 0]!;
    t.is((await call(ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'Aux/changed': path } })).status, 200);
    const changed = curl(path, { headers: { 'If-None-Match': etag } });
    t.is(changed.status, 200, 'changed since: the whole answer');
    t.not(changed.headers.etag, etag);
    t.true(changed.body.includes(path), 'the new property is in it');
    t.is(curl(path, { gzip: true, headers: { 'If-None-Match': changed.headers.etag! } }).status, 304);
  });
}

test.serial('a single object has its own tag; a property set changes it; deleting the object ends it', async (t) => {
  const path = `/v1/resource-definitions/${rds[5]}`;
  const a = curl(path);
  t.is(a.status, 200);
  t.is(curl(path, { headers: { 'If-None-Match': a.headers.etag! } }).status, 304);
  await call(ctl, 'PUT', path, { override_props: { 'Aux/x': '1' } });
  const b = curl(path, { headers: { 'If-None-Match': a.headers.etag! } });
  t.is(b.status, 200);
  t.not(b.headers.etag, a.headers.etag);
  await call(ctl, 'DELETE', path);
  const gone = curl(path, { headers: { 'If-None-Match': b.headers.etag! } });
  t.is(gone.status, 404, 'If-None-Match never hides that the object is gone');
  t.is(gone.headers.etag, undefined, 'an error answer has no tag');
});

test.serial('without If-None-Match nothing changes but the header; writes and errors carry no tag', async (t) => {
  const version = curl('/v1/controller/version');
  t.is(version.status, 200);
  t.truthy(version.headers.etag);
  t.is(JSON.parse(version.body).rest_api_version, '1.28.0');
  const post = spawnSync('curl', ['-sS', '-D', '-', '-o', '/dev/null', '-X', 'POST', '-H', 'Content-Type: application/json', '-d', JSON.stringify({ resource_definition: { name: `et${suffix}new` } }), `${ctl.url}/v1/resource-definitions`], { encoding: 'utf8' });
  t.regex(post.stdout, /^HTTP\/1\.1 201/);
  t.notRegex(post.stdout, /^etag:/im, 'a write\'s answer has no tag');
  // If-None-Match on a write is not ours to answer with 304.
  const put = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'If-None-Match: *', '-H', 'Content-Type: application/json', '-d', '{"override_props":{"Aux/y":"2"}}', `${ctl.url}/v1/resource-definitions/et${suffix}new`], { encoding: 'utf8' });
  t.is(put.stdout, '200');
  t.is(curl('/v1/nodes/nonexistent').headers.etag, undefined);
});
