/**
 * LDAP users, `[ldap]` exactly as LINSTOR's guide writes it, against a real slapd started
 * by the test (throw-away database, ldap:// and ldaps:// with the test CA). alice is inside
 * the search filter, bob outside it. HTTP basic credentials as linstor-client sends them.
 */
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { TestPki } from '../helpers/pki.js';
import { BASE, slapdAvailable, startSlapd, USERS, type Slapd } from '../helpers/slapd.js';
import { get } from './tls-request.js';

const pki = new TestPki();
let slapd: Slapd;
const started: TestController[] = [];

const ldapToml = (uri: string, extra = '') => `[ldap]
  enabled = true
  allow_public_access = false
  uri = "${uri}"
  dn = "uid={user},ou=users,${BASE}"
  search_base = "${BASE}"
  search_filter = "(&(uid={user})(employeeType=storage-admin))"
${extra}`;

async function controller(toml: string): Promise<TestController> {
  const c = await startController({ extraToml: toml, env: { LINSTOR_LOG_LEVEL: 'info' } });
  started.push(c);
  return c;
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

(slapdAvailable ? test.before : test.before.skip)(async () => { slapd = await startSlapd(pki.issue('ldap-server')); });
test.after.always(async () => {
  for (const c of started) await c.stop().catch(() => {});
  await slapd?.stop();
  pki.cleanup();
});

const t0 = slapdAvailable ? test.serial : test.skip;

t0('allow_public_access = false: only version and health without a user; alice (inside the filter) passes, bob and bad passwords do not', async (t) => {
  const c = await controller(ldapToml(slapd.ldapUri));
  const anon = await get(`${c.url}/v1/nodes`);
  t.is(anon.status, 401);
  t.regex(anon.headers['www-authenticate'] as string, /^Basic/);
  t.regex(JSON.parse(anon.text)[0].message, /Login required/);
  t.is((await get(`${c.url}/v1/controller/version`)).status, 200);
  t.is((await get(`${c.url}/health`)).status, 200);
  t.is((await get(`${c.url}/metrics`)).status, 401, 'everything else needs a user');

  t.is((await get(`${c.url}/v1/nodes`, { headers: basic('alice', USERS.alice) })).status, 200);
  const created = await get(`${c.url}/v1/resource-groups`, { method: 'POST', body: JSON.stringify({ name: 'ldap_rg' }), headers: basic('alice', USERS.alice) });
  t.is(created.status, 201, created.text);

  for (const [user, pw, why] of [
    ['alice', 'not-her-password', 'wrong password'],
    ['bob', USERS.bob, 'right password, outside the search filter'],
    ['nobody', 'x', 'unknown user'],
    ['alice', '', 'empty password (would be an anonymous bind)'],
    ['*', USERS.alice, 'a wildcard as user name'],
    ['alice)(uid=*', USERS.alice, 'filter injection'],
  ] as const) {
    const r = await get(`${c.url}/v1/nodes`, { headers: basic(user, pw) });
    t.is(r.status, 401, `${why}: ${r.text}`);
    t.is(JSON.parse(r.text)[0].ret_code < 0, true);
  }
  const bearer = await get(`${c.url}/v1/nodes`, { headers: { Authorization: 'Bearer abc' } });
  t.is(bearer.status, 401);
  t.regex(JSON.parse(bearer.text)[0].message, /only 'Basic' supported/);

  // The failures are logged with user and address, never with a password.
  const logs = await c.waitForLog(/"user":"bob".*failed login/);
  t.regex(logs, /"user":"bob".*failed login/);
  t.regex(logs, /"peer":"[^"]*127\.0\.0\.1".*failed login/);
  for (const secret of [USERS.alice, USERS.bob, 'not-her-password', Buffer.from(`alice:${USERS.alice}`).toString('base64')]) t.false(logs.includes(secret), 'no credential in the log');
  const reports = await get(`${c.url}/v1/error-reports`, { headers: basic('alice', USERS.alice) });
  for (const secret of [USERS.alice, USERS.bob, 'not-her-password']) t.false(reports.text.includes(secret), 'no credential in error reports');
});

t0('allow_public_access = true over ldaps:// (the test CA in trusted_ca): anonymous works, given credentials are still checked', async (t) => {
  const c = await controller(ldapToml(slapd.ldapsUri, `  trusted_ca = "${pki.ca.certFile}"\n`).replace('allow_public_access = false', 'allow_public_access = true'));
  t.is((await get(`${c.url}/v1/nodes`)).status, 200);
  t.is((await get(`${c.url}/v1/nodes`, { headers: basic('alice', USERS.alice) })).status, 200, 'alice over ldaps');
  t.is((await get(`${c.url}/v1/nodes`, { headers: basic('alice', 'wrong') })).status, 401);
  t.is((await get(`${c.url}/v1/nodes`, { headers: basic('bob', USERS.bob) })).status, 401);
});

t0('failed logins are rate-limited: after five, even the right password waits (429, Retry-After)', async (t) => {
  const c = await controller(ldapToml(slapd.ldapUri));
  for (let i = 0; i < 5; i++) t.is((await get(`${c.url}/v1/nodes`, { headers: basic('alice', `guess-${i}`) })).status, 401);
  const locked = await get(`${c.url}/v1/nodes`, { headers: basic('alice', USERS.alice) });
  t.is(locked.status, 429);
  t.true(Number(locked.headers['retry-after']) > 0);
  t.regex(await c.waitForLog(/too many failed logins/), /too many failed logins/);
});

t0('an unreachable LDAP server is a 503, not a wrong password', async (t) => {
  const c = await controller(ldapToml('ldap://127.0.0.1:1'));
  const r = await get(`${c.url}/v1/nodes`, { headers: basic('alice', USERS.alice) });
  t.is(r.status, 503);
  t.regex(JSON.parse(r.text)[0].message, /cannot be reached/);
});
