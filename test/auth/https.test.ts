/**
 * REST over HTTPS on a real controller process, with certificates made by openssl (and
 * keytool) in the test's folder: keystore, certificate-only truststore, PEM alternatives,
 * the HTTP→HTTPS redirect and client certificates checked in the TLS handshake.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { hasKeytool, TestPki } from '../helpers/pki.js';
import { get } from './tls-request.js';

const pki = new TestPki();
const other = new TestPki('some other CA');
const server = pki.issue('controller');
const client = pki.issue('client1');
const stranger = other.issue('stranger');
const started: TestController[] = [];

test.after.always(async () => {
  for (const c of started) await c.stop().catch(() => {});
  pki.cleanup();
  other.cleanup();
});

async function controller(https: string): Promise<TestController> {
  const c = await startController({ extraToml: `[https]\nport = 0\nlisten_addr = "127.0.0.1"\n${https}` });
  started.push(c);
  return c;
}

test.serial('HTTPS from an openssl PKCS#12 keystore; plain /v1 is redirected, /health and /metrics stay on HTTP', async (t) => {
  const ks = pki.keystore(server, 's3cret');
  const c = await controller(`keystore = "${ks}"\nkeystore_password = "s3cret"\n`);
  t.truthy(c.httpsPort);
  const v = await get(`${c.httpsUrl}/v1/controller/version`, { ca: pki.ca.cert });
  t.is(v.status, 200);
  t.is(JSON.parse(v.text).rest_api_version.split('.')[0], '1');
  // The server really is the keystore's certificate: without our CA the client refuses it.
  await t.throwsAsync(get(`${c.httpsUrl}/v1/controller/version`), { message: /self-signed|unable to verify|issuer/i });

  const probe = await get(`${c.url}/v1/controller/version`);
  t.is(probe.status, 302, 'python-linstor looks for this 302 to find the HTTPS port');
  t.is(probe.headers.location, `https://127.0.0.1:${c.httpsPort}/v1/controller/version`);
  const post = await get(`${c.url}/V1/nodes`, { method: 'POST', body: JSON.stringify({ name: 'sneaky', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.9' }] }) });
  t.is(post.status, 302, 'any spelling of /v1 is redirected, mutations too');
  const nodes = await get(`${c.httpsUrl}/v1/nodes`, { ca: pki.ca.cert });
  t.deepEqual(JSON.parse(nodes.text), [], 'the redirected POST created nothing');

  t.is((await get(`${c.url}/health`)).status, 200);
  const metrics = await get(`${c.url}/metrics`);
  t.is(metrics.status, 200);
  t.regex(metrics.text, /linstor_objects/);
});

test.serial('with a truststore, a client without a trusted certificate is refused in the TLS handshake', async (t) => {
  const ks = pki.keystore(server, 'linstor');
  const ts = pki.truststore([pki.ca.certFile], 'trustpw');
  const c = await controller(`keystore = "${ks}"\nkeystore_password = "linstor"\ntruststore = "${ts}"\ntruststore_password = "trustpw"\n`);
  const url = `${c.httpsUrl}/v1/controller/version`;
  const none = await get(url, { ca: pki.ca.cert }).then((a) => `answered ${a.status}`, (e: Error) => e.message);
  t.regex(none, /certificate required|handshake|socket hang up|ECONNRESET|alert/i, 'no certificate: no HTTP answer at all');
  const foreign = await get(url, { ca: pki.ca.cert, cert: stranger.cert, key: stranger.key }).then((a) => `answered ${a.status}`, (e: Error) => e.message);
  t.regex(foreign, /unknown ca|handshake|socket hang up|ECONNRESET|alert/i, 'a certificate from another CA is refused');
  const ok = await get(url, { ca: pki.ca.cert, cert: client.cert, key: client.key });
  t.is(ok.status, 200);
  t.regex(await c.waitForLog(/refused in the TLS handshake/), /refused in the TLS handshake/);
});

test.serial('curl and openssl s_client (real clients) over HTTPS with client certificates: with one they get in, without one the handshake fails', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const ks = pki.keystore(server, 'linstor');
  const ts = pki.truststore([pki.ca.certFile], 'linstor', 'truststore-real-clients');
  const c = await controller(`keystore = "${ks}"\nkeystore_password = "linstor"\ntruststore = "${ts}"\ntruststore_password = "linstor"\n`);
  const url = `${c.httpsUrl}/v1/controller/version`;
  const curl = (...extra: string[]) => spawnSync('curl', ['-sS', '--max-time', '20', '--cacert', pki.ca.certFile, ...extra, url], { encoding: 'utf8' });
  const inside = curl('--cert', client.certFile, '--key', client.keyFile);
  t.is(inside.status, 0, inside.stderr);
  t.truthy(JSON.parse(inside.stdout).version, 'curl with a trusted client certificate gets the version');
  const outside = curl();
  t.not(outside.status, 0, 'curl without a client certificate gets no answer');
  t.false(outside.stdout.includes('version'), outside.stdout);
  const strangerCurl = curl('--cert', stranger.certFile, '--key', stranger.keyFile);
  t.not(strangerCurl.status, 0, 'curl with a certificate of another CA gets no answer');

  const sClient = (...extra: string[]) => spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${c.httpsPort}`, '-servername', 'localhost', '-CAfile', pki.ca.certFile, '-verify_return_error', ...extra],
    { encoding: 'utf8', input: 'GET /v1/controller/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', timeout: 20_000 });
  const good = sClient('-cert', client.certFile, '-key', client.keyFile, '-ign_eof');
  t.regex(good.stdout, /Verify return code: 0 \(ok\)/, 'the server presents the keystore certificate, signed by the CA');
  t.regex(good.stdout, /HTTP\/1\.1 200/);
  const bad = sClient('-ign_eof');
  t.notRegex(bad.stdout, /HTTP\/1\.1 200/, 'no certificate: no HTTP answer');
  t.regex(bad.stdout + bad.stderr, /alert|certificate required|handshake failure|errno|write:/i);
});

test.serial('PEM alternatives: certificate, private_key (encrypted, key_password) and trusted_ca', async (t) => {
  const pemServer = pki.issue('controller-pem', { encryptKeyWith: 'keypw' });
  const c = await controller(`certificate = "${pemServer.certFile}"\nprivate_key = "${pemServer.keyFile}"\nkey_password = "keypw"\ntrusted_ca = "${pki.ca.certFile}"\n`);
  const url = `${c.httpsUrl}/v1/nodes`;
  t.is((await get(url, { ca: pki.ca.cert, cert: client.cert, key: client.key })).status, 200);
  t.not(await get(url, { ca: pki.ca.cert }).then((a) => a.status, () => 'refused'), 200);
});

test.serial('a legacy (3DES/RC2) PKCS#12 keystore is read as well', async (t) => {
  const ks = pki.keystore(server, 'linstor', { legacy: true });
  const c = await controller(`keystore = "${ks}"\nkeystore_password = "linstor"\n`);
  t.is((await get(`${c.httpsUrl}/health`, { ca: pki.ca.cert })).status, 200);
});

(hasKeytool() ? test.serial : test.skip)('keytool-made keystore and truststore (as the LINSTOR guide creates them)', async (t) => {
  const ks = pki.keytoolKeystore('linstor_controller', 'linstor');
  const clientKs = pki.keytoolKeystore('client1', 'linstor');
  const ts = pki.keytoolTruststore(pki.keytoolExport(clientKs, 'client1', 'linstor'), 'client1', 'linstor');
  const c = await controller(`keystore = "${ks}"\nkeystore_password = "linstor"\ntruststore = "${ts}"\ntruststore_password = "linstor"\n`);
  const serverPem = pki.keytoolExport(ks, 'linstor_controller', 'linstor');
  const { readFileSync } = await import('node:fs');
  const ca = readFileSync(serverPem, 'utf8');
  // The client key comes out of the keytool store the way the guide converts it (openssl pkcs12 -nodes).
  const { spawnSync } = await import('node:child_process');
  const pem = spawnSync('openssl', ['pkcs12', '-in', clientKs, '-nodes', '-passin', 'pass:linstor'], { encoding: 'utf8' }).stdout;
  t.is((await get(`${c.httpsUrl}/v1/nodes`, { ca, cert: pem, key: pem })).status, 200);
  t.not(await get(`${c.httpsUrl}/v1/nodes`, { ca, cert: client.cert, key: client.key }).then((a) => a.status, () => 'refused'), 200);
});

test.serial('a wrong keystore password stops the controller with a clear error that does not show the password', async (t) => {
  const ks = pki.keystore(server, 'right-password');
  const dir = mkdtempSync(join(tmpdir(), 'linstor-ctrl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const e = await t.throwsAsync(startController({ dir, extraToml: `[https]\nport = 0\nkeystore = "${ks}"\nkeystore_password = "wrong-password-xyz"\n` }));
  t.regex(e!.message, /\[https\].*cannot open .*PKCS#12.*password/s);
  t.notRegex(e!.message, /wrong-password-xyz/);
});
