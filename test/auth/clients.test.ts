/**
 * Clients with TLS and users: the `linstor` CLI (--certfile/--keyfile/--cafile, --user/
 * --password, --allow-insecure-auth, linstor-client.conf), and the adapters' own options
 * (Proxmox apica/apicrt/apikey, CSI LS_* variables, Cinder [linstor], OpenNebula datastore
 * attributes) against real controllers (HTTPS with client certificates, LDAP with a real slapd).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinstorClient, clientTlsFromFiles } from '../../core/client/index.js';
import { csiClientAccess } from '../../plugins/nomad-csi/plugin.js';
import { loadConfig as loadCinderConfig } from '../../plugins/openstack-cinder/config.js';
import { datastoreConfig } from '../../plugins/opennebula/lib/datastore-config.js';
import { OneLinstor } from '../../plugins/opennebula/lib/linstor.js';
import { parseXml } from '../../plugins/opennebula/lib/xml.js';
import { connect, NoControllerError } from '../../plugins/proxmox/connect.js';
import type { LinstorStorage } from '../../plugins/proxmox/linstor-storage.js';
import { startController, type TestController } from '../helpers/controller.js';
import { TestPki } from '../helpers/pki.js';
import { BASE, slapdAvailable, startSlapd, USERS, type Slapd } from '../helpers/slapd.js';

const CLI = join(import.meta.dirname, '..', '..', 'core', 'cli', 'main.js');
const a = new TestPki('CA of site A');
const b = new TestPki('CA of site B');
const clientA = a.issue('client-a');
const clientB = b.issue('client-b');
const work = mkdtempSync(join(tmpdir(), 'linstor-clients-'));
let slapd: Slapd;
/** HTTPS with client certificates and LDAP users (public access off). */
let secure: TestController;
/** Plain HTTP with LDAP users. */
let plain: TestController;
/** HTTPS with client certificates of CA A, and of CA B, no users. */
let siteA: TestController;
let siteB: TestController;

const ldap = (uri: string) => `[ldap]\nenabled = true\nallow_public_access = false\nuri = "${uri}"\ndn = "uid={user},ou=users,${BASE}"\nsearch_base = "${BASE}"\nsearch_filter = "(&(uid={user})(employeeType=storage-admin))"\n`;
const https = (pki: TestPki, name: string) => {
  const ks = pki.keystore(pki.issue(name), 'linstor');
  const ts = pki.truststore([pki.ca.certFile], 'linstor', `${name}-trust`);
  return `[https]\nport = 0\nlisten_addr = "127.0.0.1"\nkeystore = "${ks}"\nkeystore_password = "linstor"\ntruststore = "${ts}"\ntruststore_password = "linstor"\n`;
};

test.before(async () => {
  if (slapdAvailable) slapd = await startSlapd(a.issue('ldap'));
  secure = await startController({ extraToml: https(a, 'secure') + (slapd ? ldap(slapd.ldapUri) : ''), env: { LINSTOR_LOG_LEVEL: 'info' } });
  plain = await startController({ extraToml: slapd ? ldap(slapd.ldapUri) : '', env: { LINSTOR_LOG_LEVEL: 'info' } });
  siteA = await startController({ extraToml: https(a, 'site-a') });
  siteB = await startController({ extraToml: https(b, 'site-b') });
});
test.after.always(async () => {
  for (const c of [secure, plain, siteA, siteB]) await c?.stop().catch(() => {});
  await slapd?.stop();
  a.cleanup(); b.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the real CLI with only the given client config (or none). */
function linstor(args: string[], conf?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const confFile = join(work, `conf-${Math.random().toString(36).slice(2)}.conf`);
  if (conf !== undefined) writeFileSync(confFile, conf);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LINSTOR_CLIENT_CONF: confFile, LS_CONTROLLERS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ldapTest = slapdAvailable ? test.serial : test.skip;

ldapTest('linstor --cafile --certfile --user --password reaches HTTPS through the HTTP redirect (client certificate and LDAP user)', async (t) => {
  const combined = a.combinedPem(clientA);
  const base = ['--controllers', `127.0.0.1:${secure.port}`, '--cafile', a.ca.certFile, '--certfile', combined];
  const ok = await linstor([...base, '--user', 'alice', '--password', USERS.alice, '-m', 'node', 'list']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(JSON.parse(ok.stdout), [[]]);
  const direct = await linstor(['--controllers', `linstor+ssl://localhost:${secure.httpsPort}`, '--cafile', a.ca.certFile, '--certfile', clientA.certFile, '--keyfile', clientA.keyFile, '-u', 'alice', '-P', USERS.alice, 'node', 'list']);
  t.is(direct.code, 0, direct.stderr);

  const wrong = await linstor([...base, '--user', 'alice', '--password', 'nope', 'node', 'list']);
  t.is(wrong.code, 10, 'API error');
  t.regex(wrong.stdout + wrong.stderr, /Sign-in failed/);
  const noUser = await linstor([...base, 'node', 'list']);
  t.is(noUser.code, 10);
  t.regex(noUser.stdout + noUser.stderr, /Login required/);
  const noCert = await linstor(['--controllers', `127.0.0.1:${secure.port}`, '--cafile', a.ca.certFile, '--user', 'alice', '--password', USERS.alice, 'node', 'list']);
  t.is(noCert.code, 20, 'no client certificate: the TLS handshake fails');
});

ldapTest('linstor-client.conf [global] gives the same options; the command line overrides it', async (t) => {
  const conf = `[global]\ncontrollers = 127.0.0.1:${secure.port}\ncafile = ${a.ca.certFile}\ncertfile = ${clientA.certFile}\nkeyfile = ${clientA.keyFile}\nuser = alice\npassword = ${USERS.alice}\n`;
  const ok = await linstor(['resource-group', 'list'], conf);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /DfltRscGrp/);
  t.is((await linstor(['--password', 'nope', 'node', 'list'], conf)).code, 10);
  t.is((await linstor(['--disable-config', '--controllers', `127.0.0.1:${secure.port}`, 'node', 'list'], conf)).code, 20, 'without the file: no client certificate, no connection');
});

ldapTest('a password is not sent over plain HTTP unless --allow-insecure-auth', async (t) => {
  const refused = await linstor(['--controllers', `127.0.0.1:${plain.port}`, '--user', 'alice', '--password', 'wrong-pw-never-sent', 'node', 'list']);
  t.is(refused.code, 20);
  t.regex(refused.stderr, /Password authentication with HTTP not allowed, until explicitly enabled/);
  t.notRegex(plain.logs(), /failed login/, 'the controller never saw the credentials');
  const allowed = await linstor(['--controllers', `127.0.0.1:${plain.port}`, '--allow-insecure-auth', '--user', 'alice', '--password', USERS.alice, 'node', 'list']);
  t.is(allowed.code, 0, allowed.stderr);
  const conf = await linstor(['--controllers', `127.0.0.1:${plain.port}`, '--user', 'alice', '--password', USERS.alice, 'node', 'list'], '[global]\nallow-insecure-auth\n');
  t.is(conf.code, 0, 'a bare allow-insecure-auth key in the config file is the flag');
});

const storage = (storeid: string, port: number, pki: TestPki, leaf: typeof clientA): LinstorStorage => ({
  storeid, controllers: [`localhost:${port}`], resourceGroup: 'DfltRscGrp', preferLocal: true, exactSize: false, allowTwoPrimaries: true,
  statusCacheSec: 0, apiCa: pki.ca.certFile, apiCrt: leaf.certFile, apiKey: leaf.keyFile, content: ['images'], shared: true, disabled: false,
});

test.serial('two Proxmox storages with different certificates work side by side in one process (apica, apicrt, apikey)', async (t) => {
  const [ca, cb] = await Promise.all([connect(storage('site-a', siteA.httpsPort!, a, clientA)), connect(storage('site-b', siteB.httpsPort!, b, clientB))]);
  const [la, lb] = await Promise.all([ca.nodes.list(), cb.nodes.list(), ca.nodes.list(), cb.nodes.list()]);
  t.deepEqual([la, lb], [[], []]);
  // Swapped certificates are refused: each storage really uses its own.
  await t.throwsAsync(connect(storage('mixed', siteA.httpsPort!, a, clientB), { healthTimeoutMs: 3000 }), { instanceOf: NoControllerError });
});

test.serial('CSI (LS_USER_CERTIFICATE, LS_USER_KEY, LS_ROOT_CA, --linstor-skip-tls-verification), Cinder [linstor] and OpenNebula attributes pass TLS through', async (t) => {
  const url = `https://localhost:${siteA.httpsPort}`;
  const env = { LS_USER_CERTIFICATE: clientA.cert, LS_USER_KEY: clientA.key, LS_ROOT_CA: a.ca.cert };
  t.deepEqual(await new LinstorClient({ controllers: [url], ...csiClientAccess(env) }).nodes.list(), []);
  const wrongCa = { ...env, LS_ROOT_CA: b.ca.cert };
  await t.throwsAsync(new LinstorClient({ controllers: [url], ...csiClientAccess(wrongCa) }).nodes.list());
  t.deepEqual(await new LinstorClient({ controllers: [url], ...csiClientAccess(wrongCa, true) }).nodes.list(), [], 'skip verification');
  t.throws(() => csiClientAccess({ LS_USER_CERTIFICATE: clientA.cert }), { message: /together/ });

  const cinderToml = join(work, 'cinder.toml');
  writeFileSync(cinderToml, `[linstor]\nlinstor_uris = "${url}"\nlinstor_trusted_ca = "${a.ca.certFile}"\nlinstor_client_cert = "${clientA.certFile}"\nlinstor_client_key = "${clientA.keyFile}"\n`);
  const cc = loadCinderConfig(cinderToml);
  t.is(cc.auth.strategy, 'token', 'the Cinder service trusts only configured tokens unless told otherwise');
  t.false(cc.auth.noauthAdmin);
  t.deepEqual(await new LinstorClient({ controllers: [cc.controllers!], tls: clientTlsFromFiles(cc.linstor.tls) }).nodes.list(), []);

  const ds = await parseXml(`<DATASTORE><ID>7</ID><NAME>ds</NAME><TYPE>0</TYPE><TEMPLATE><LINSTOR_RESOURCE_GROUP>rg</LINSTOR_RESOURCE_GROUP>
    <LINSTOR_CONTROLLERS>${url}</LINSTOR_CONTROLLERS><LINSTOR_CAFILE>${a.ca.certFile}</LINSTOR_CAFILE>
    <LINSTOR_CERTFILE>${clientA.certFile}</LINSTOR_CERTFILE><LINSTOR_KEYFILE>${clientA.keyFile}</LINSTOR_KEYFILE></TEMPLATE></DATASTORE>`);
  const one = new OneLinstor(datastoreConfig((ds as { DATASTORE: Record<string, unknown> }).DATASTORE, { warn: false }));
  t.deepEqual(await one.client.nodes.list(), []);
});
