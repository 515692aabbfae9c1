/**
 * `[auth] strategy = "keystone"` against a real Keystone (Debian's python3-keystone on SQLite,
 * test/helpers/keystone.ts) and a real controller with a satellite: the real `cinder` CLI
 * signs in with a password and finds the service in Keystone's catalog; tokens are validated
 * by Keystone, scoped to their project, roles decide admin rights, and a revoked token stops
 * working once its short cache time is over.
 */
import { execFile } from 'node:child_process';
import test from 'ava';
import { addUser, keystoneAvailable, startKeystone, type Keystone } from '../helpers/keystone.js';
import { http, rows, startStack, waitStatus, type Stack } from './harness.js';

const PW = { alice: 'alice-pw-1', bob: 'bob-pw-1', ops: 'ops-pw-1', cinder: 'cinder-pw-1' };
const CACHE_SECONDS = 3;

let ks: Keystone;
let stack: Stack;
let p1: string, p2: string, aliceId: string;

const run = keystoneAvailable ? test.serial : test.serial.skip;

test.before(async () => {
  if (!keystoneAvailable) return;
  ks = await startKeystone();
  const admin = await ks.adminToken();
  ({ projectId: p1, userId: aliceId } = await addUser(ks, admin, { project: 'p1', user: 'alice', password: PW.alice, role: 'member' }));
  p2 = (await addUser(ks, admin, { project: 'p2', user: 'bob', password: PW.bob, role: 'member' })).projectId;
  await addUser(ks, admin, { project: 'p1', user: 'ops', password: PW.ops, role: 'admin' });
  // The service's own user, with Keystone's `service` role (allowed to validate tokens).
  await addUser(ks, admin, { project: 'service', user: 'cinder', password: PW.cinder, role: 'service' });
  stack = await startStack({
    nodes: 1,
    tune: (c) => {
      c.linstor.defaultRedundancy = 1;
      c.auth.strategy = 'keystone';
      c.auth.noauthAdmin = false;
      c.auth.keystone = {
        authUrl: ks.url, username: 'cinder', password: PW.cinder, userDomainName: 'Default', projectName: 'service',
        projectDomainName: 'Default', tokenCacheTime: CACHE_SECONDS, adminRoles: ['admin'], timeoutMs: 10_000,
      };
    },
  });
  // The catalog entry the cinder CLI looks for, as an operator registers it.
  const svc = await ks.call('POST', '/v3/services', { token: admin, body: { service: { type: 'volumev3', name: 'cinderv3' } } });
  await ks.call('POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: svc.body.service.id, interface: 'public', region_id: 'RegionOne', url: `${stack.api.url}/v3/%(project_id)s` } } });
});
test.after.always(async () => { await stack?.stop(); await ks?.stop(); });

function cinderCli(user: string, password: string, project: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root',
    OS_AUTH_URL: `${ks.url}/v3`, OS_USERNAME: user, OS_PASSWORD: password, OS_PROJECT_NAME: project,
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_IDENTITY_API_VERSION: '3',
    OS_VOLUME_API_VERSION: '3.70', OS_REGION_NAME: 'RegionOne',
  };
  return new Promise((res) => {
    execFile('cinder', args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

run('the cinder CLI signs in to Keystone with a password and works on its project\'s volumes; another project sees none of them', async (t) => {
  const made = await cinderCli('alice', PW.alice, 'p1', ['create', '--name', 'ks-vol', '1']);
  t.is(made.code, 0, made.stderr);
  const list = await cinderCli('alice', PW.alice, 'p1', ['list']);
  t.is(list.code, 0, list.stderr);
  const mine = rows(list.stdout).find((r) => r.Name === 'ks-vol');
  t.truthy(mine, list.stdout);
  await waitStatus(stack.api, 'volumes', mine!.ID!, ['available'], { token: await ks.token('alice', PW.alice, 'p1') });
  const other = await cinderCli('bob', PW.bob, 'p2', ['list']);
  t.is(other.code, 0, other.stderr);
  t.false(other.stdout.includes('ks-vol'));
  // Keystone's user id is the owner, as Cinder records it; the links name Keystone's project id.
  const shown = await http(stack.api, 'GET', `/v3/${p1}/volumes/${mine!.ID}`, { token: await ks.token('alice', PW.alice, 'p1'), version: '3.70' });
  t.is(shown.status, 200);
  t.is(shown.body.volume.user_id, aliceId);
  t.true(shown.body.volume.links[0].href.includes(`/v3/${p1}/volumes/`));
});

run('a token is scoped to its project: another project\'s id in the URL is refused with 400, as Cinder does', async (t) => {
  const alice = await ks.token('alice', PW.alice, 'p1');
  t.is((await http(stack.api, 'GET', `/v3/${p1}/volumes`, { token: alice })).status, 200);
  const foreign = await http(stack.api, 'GET', `/v3/${p2}/volumes`, { token: alice });
  t.is(foreign.status, 400);
  t.is(foreign.body.badRequest.message, `Malformed request URL: URL's project_id '${p2}' doesn't match Context's project_id '${p1}'`);
});

run('Keystone\'s admin role makes a Cinder admin (types, all_tenants); a member is refused with 403', async (t) => {
  const alice = await ks.token('alice', PW.alice, 'p1');
  const refused = await http(stack.api, 'POST', `/v3/${p1}/types`, { token: alice, body: { volume_type: { name: 'ks-type' } } });
  t.is(refused.status, 403);
  t.regex(refused.body.forbidden.message, /Policy doesn't allow volume_extension:types_manage/);
  const ops = await ks.token('ops', PW.ops, 'p1');
  const made = await http(stack.api, 'POST', `/v3/${p1}/types`, { token: ops, body: { volume_type: { name: 'ks-type' } } });
  t.is(made.status, 200, JSON.stringify(made.body));
  // An admin may name another project in the URL.
  t.is((await http(stack.api, 'GET', `/v3/${p2}/volumes`, { token: ops })).status, 200);
});

run('a token Keystone does not know, an unscoped token and no token are refused with 401 naming Keystone', async (t) => {
  const bogus = await http(stack.api, 'GET', '/v3/volumes', { token: 'gAAAAABnot-a-real-token' });
  t.is(bogus.status, 401);
  t.is(bogus.headers.get('www-authenticate'), `Keystone uri="${ks.url}"`);
  const unscoped = await http(stack.api, 'GET', '/v3/volumes', { token: await ks.token('alice', PW.alice) });
  t.is(unscoped.status, 401);
  t.regex(unscoped.body.unauthorized.message, /not scoped to a project/);
  const none = await fetch(`${stack.api.url}/v3/volumes`);
  t.is(none.status, 401);
});

run(`a revoked token keeps working only while it is cached (${CACHE_SECONDS} s here), then gets 401`, async (t) => {
  const bob = await ks.token('bob', PW.bob, 'p2');
  t.is((await http(stack.api, 'GET', '/v3/volumes', { token: bob })).status, 200);
  const admin = await ks.adminToken();
  t.is((await ks.call('DELETE', '/v3/auth/tokens', { token: admin, subject: bob })).status, 204);
  // Still cached: the service does not ask Keystone again yet (keystonemiddleware does the same).
  t.is((await http(stack.api, 'GET', '/v3/volumes', { token: bob })).status, 200);
  // Keystone itself no longer accepts it...
  t.is((await ks.call('GET', '/v3/auth/tokens', { token: admin, subject: bob })).status, 404);
  await new Promise((r) => setTimeout(r, CACHE_SECONDS * 1000 + 500));
  // ...and neither does the service once the cache time is over.
  t.is((await http(stack.api, 'GET', '/v3/volumes', { token: bob })).status, 401);
});

run('wrong service credentials in [auth.keystone] answer 503, not 401: the caller\'s token is not to blame', async (t) => {
  const { KeystoneValidator } = await import('../../plugins/openstack-cinder/http/keystone.js');
  const v = new KeystoneValidator({
    authUrl: `${ks.url}/v3`, username: 'cinder', password: 'wrong', userDomainName: 'Default', projectName: 'service',
    projectDomainName: 'Default', tokenCacheTime: 0, adminRoles: ['admin'], timeoutMs: 10_000,
  });
  const err = await t.throwsAsync(v.validate(await ks.token('alice', PW.alice, 'p1')));
  t.is((err as { status?: number }).status, 503);
  t.regex(err!.message, /cannot sign in to Keystone as 'cinder'/);
  // Keystone not listening at all: 503 as well.
  const { freePort } = await import('../helpers/db-servers.js');
  const gone = new KeystoneValidator({ authUrl: `http://127.0.0.1:${await freePort()}`, serviceToken: 'x', userDomainName: 'Default', projectDomainName: 'Default', tokenCacheTime: 0, adminRoles: ['admin'], timeoutMs: 5_000 });
  const down = await t.throwsAsync(gone.validate('some-token'));
  t.is((down as { status?: number }).status, 503);
  t.regex(down!.message, /temporarily unavailable/);
});

run('with a fixed service_token (here the admin\'s) instead of a service user, tokens are validated the same way', async (t) => {
  const { KeystoneValidator } = await import('../../plugins/openstack-cinder/http/keystone.js');
  const v = new KeystoneValidator({
    authUrl: ks.url, serviceToken: await ks.adminToken(), userDomainName: 'Default', projectDomainName: 'Default',
    tokenCacheTime: 0, adminRoles: ['admin'], timeoutMs: 10_000,
  });
  const id = await v.validate(await ks.token('alice', PW.alice, 'p1'));
  t.deepEqual({ user: id.userId, project: id.projectId, member: id.roles.includes('member'), admin: id.roles.includes('admin') }, { user: aliceId, project: p1, member: true, admin: false });
  await t.throwsAsync(v.validate('not-a-token'), { message: /requires authentication/ });
});

test('[auth.keystone] in the config file: keystonemiddleware\'s names are read, and a section without credentials or URL stops the service at start', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../../plugins/openstack-cinder/config.js');
  const dir = mkdtempSync(join(tmpdir(), 'cinder-ks-conf-'));
  try {
    const file = join(dir, 'cinder-api.toml');
    writeFileSync(file, '[auth]\nstrategy = "keystone"\n[auth.keystone]\nauth_url = "https://ks.example.com:5000/v3"\nusername = "cinder"\npassword = "pw"\nproject_name = "service"\ntoken_cache_time = "30"\nadmin_roles = ["admin", "cloud-admin"]\n');
    t.like(loadConfig(file).auth, { strategy: 'keystone', keystone: { authUrl: 'https://ks.example.com:5000/v3', username: 'cinder', projectName: 'service', userDomainName: 'Default', tokenCacheTime: 30, adminRoles: ['admin', 'cloud-admin'] } });
    writeFileSync(file, '[auth]\nstrategy = "keystone"\n[auth.keystone]\nauth_url = "http://ks:5000"\nusername = "cinder"\n');
    t.throws(() => loadConfig(file), { message: /needs username and password .* or service_token/ });
    writeFileSync(file, '[auth]\nstrategy = "keystone"\n');
    t.throws(() => loadConfig(file), { message: /auth_url must be the Keystone URL/ });
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
