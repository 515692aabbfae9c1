/**
 * The GUI's files at /ui on the controller's own REST port: right content types, security
 * headers, and no way out of the GUI's folder (paths sent as-is, not normalised by a client).
 */
import test from 'ava';
import { request } from 'node:http';
import { startController, type TestController } from '../helpers/controller.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

/** A GET with the path exactly as given (fetch and curl would resolve the dots first). */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ctl.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/ui/ is the GUI page, /ui redirects there, and the modules are JavaScript', async (t) => {
  const page = await rawGet('/ui/');
  t.is(page.status, 200);
  t.regex(String(page.headers['content-type']), /^text\/html; charset=utf-8/);
  t.regex(page.body, /<script type="module" src="main\.js"><\/script>/);
  t.regex(String(page.headers['content-security-policy']), /script-src 'self'/);
  t.is(page.headers['x-content-type-options'], 'nosniff');

  const bare = await rawGet('/ui');
  t.is(bare.status, 301);
  t.is(bare.headers.location, '/ui/');

  const js = await rawGet('/ui/main.js');
  t.is(js.status, 200);
  t.regex(String(js.headers['content-type']), /^text\/javascript/);
  t.regex(js.body, /from '\.\/api\.js'/);
  const css = await rawGet('/ui/style.css');
  t.regex(String(css.headers['content-type']), /^text\/css/);
  // Every module main.js pulls in is served (an import the build forgot would break the page).
  for (const m of js.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) t.is((await rawGet(`/ui/${m[1]}`)).status, 200, m[1]);
});

test('paths that try to leave the GUI folder get 404, never a file from elsewhere', async (t) => {
  for (const p of ['/ui/../package.json', '/ui/../../package.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/..%2f..%2fpackage.json',
    '/ui/..\\..\\package.json', '/ui//etc/passwd', '/ui/main.js.map', '/ui/../server/static.js', '/ui/%2E%2E/server/static.js', '/ui/main.js%00.html']) {
    const r = await rawGet(p);
    t.is(r.status, 404, p);
    t.notRegex(r.body, /"name": "linstor-ts"|root:|readdirSync/, p);
  }
});

test('only GET and HEAD; unknown names are 404; the API beside it still answers', async (t) => {
  t.is((await rawGet('/ui/main.js', 'POST')).status, 405);
  const head = await rawGet('/ui/main.js', 'HEAD');
  t.is(head.status, 200);
  t.is(head.body, '');
  t.is((await rawGet('/ui/nope.js')).status, 404);
  t.is((await rawGet('/v1/controller/version')).status, 200);
});
