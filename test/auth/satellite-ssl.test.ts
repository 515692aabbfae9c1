/**
 * Satellite links over SSL (port 3367 style), configured as LINSTOR's guide writes it:
 * `[netcom] type="ssl"` with PKCS#12 server_certificate/trusted_certificates (made by
 * openssl here) or PEM files, and the controller's own keystore/truststore in linstor.toml.
 * Real controller and satellite processes; certificates made in the test's folder.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { TestPki } from '../helpers/pki.js';
import { makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { rawPeer } from './raw-peer.js';

const pki = new TestPki();
const other = new TestPki('not our CA');
let ctl: TestController;
const cleanup: Array<() => Promise<void> | void> = [];

test.before(async () => {
  const ctlCert = pki.issue('controller');
  const ks = pki.keystore(ctlCert, 'linstor');
  const ts = pki.truststore([pki.ca.certFile], 'linstor');
  ctl = await startController({
    env: FAST_LINK_ENV,
    extraToml: `[netcom]\nserver_certificate = "${ks}"\ntrusted_certificates = "${ts}"\nkey_password = "linstor"\nkeystore_password = "linstor"\ntruststore_password = "linstor"\nssl_protocol = "TLSv1.2"\n`,
  });
});
test.after.always(async () => {
  for (const f of cleanup.reverse()) await f();
  await ctl?.stop();
  pki.cleanup();
  other.cleanup();
});

/** An SSL satellite on `address`, its [netcom] section written as the guide does (or with PEM files). */
async function sslSatellite(address: string, opts: { pem?: boolean; ca?: TestPki } = {}): Promise<SatelliteProcess & { name: string }> {
  const ca = opts.ca ?? pki;
  const name = `ssl-${randomSuffix()}`;
  const cert = ca.issue(name, { ips: [address] });
  const cfg = makeTempDir('sat-ssl-cfg-');
  const netcom = opts.pem
    ? `certificate = "${cert.certFile}"\n  private_key = "${cert.keyFile}"\n  trusted_ca = "${pki.ca.certFile}"\n`
    : `server_certificate = "${ca.keystore(cert, 'linstor')}"\n  trusted_certificates = "${ca.truststore([pki.ca.certFile], 'linstor', `${name}-trust`)}"\n`
      + '  key_password = "linstor"\n  keystore_password = "linstor"\n  truststore_password = "linstor"\n  ssl_protocol = "TLSv1.2"\n';
  writeFileSync(join(cfg, 'linstor_satellite.toml'), `[netcom]\n  type = "ssl"\n  port = 0\n  bind_address = "${address}"\n  ${netcom}`);
  const sat = await startSatellite({ configDirectory: cfg, portFromConfig: true, nodeName: name });
  cleanup.push(async () => { await sat.kill9(); removeTempDir(cfg); });
  return Object.assign(sat, { name });
}

async function register(sat: SatelliteProcess & { name: string }, encryption: 'SSL' | 'PLAIN'): Promise<void> {
  const r = await call(ctl, 'POST', '/v1/nodes', { name: sat.name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: sat.address, satellite_port: sat.port, satellite_encryption_type: encryption }] });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
}
const status = async (name: string) => (await call<any>(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status as string;

test('node create --communication-type SSL: the satellite comes Online over mutually authenticated TLS', async (t) => {
  const sat = await sslSatellite('127.0.0.61');
  await register(sat, 'SSL');
  await waitFor('ONLINE over SSL', async () => (await status(sat.name)) === 'ONLINE', 30_000);
  await sat.waitForLog(/"tls":true.*controller authenticated/);
  const nif = (await call<any>(ctl, 'GET', `/v1/nodes/${sat.name}/net-interfaces/default`)).body;
  t.is(nif.satellite_encryption_type, 'SSL');
});

test('PEM alternatives (certificate, private_key, trusted_ca) work the same', async (t) => {
  const sat = await sslSatellite('127.0.0.62', { pem: true });
  await register(sat, 'SSL');
  await waitFor('ONLINE over SSL (PEM)', async () => (await status(sat.name)) === 'ONLINE', 30_000);
  await sat.waitForLog(/"tls":true.*controller authenticated/);
  t.is((await call<any>(ctl, 'GET', `/v1/nodes/${sat.name}/net-interfaces/default`)).body.satellite_encryption_type, 'SSL');
});

test('an SSL satellite refuses a peer with an unknown certificate, one without any, and a plain-text peer', async (t) => {
  const sat = await sslSatellite('127.0.0.63');
  const stranger = other.issue('stranger');
  const unknown = await rawPeer(sat.address, sat.port, { ca: pki.ca.cert, cert: stranger.cert, key: stranger.key })
    .then(async (p) => { p.send('{"type":"apply","state":{"resources":[]}}'); await p.closed; return p.received; }, (e: Error) => e.message);
  t.true(typeof unknown === 'string' || (Array.isArray(unknown) && unknown.length === 0), `unknown CA: ${JSON.stringify(unknown)}`);
  const none = await rawPeer(sat.address, sat.port, { ca: pki.ca.cert })
    .then(async (p) => { p.send('{"type":"apply","state":{"resources":[]}}'); await p.closed; return p.received; }, (e: Error) => e.message);
  t.true(typeof none === 'string' || (Array.isArray(none) && none.length === 0), `no certificate: ${JSON.stringify(none)}`);
  const plain = await rawPeer(sat.address, sat.port);
  plain.send('{"type":"apply","state":{"resources":[]}}');
  await plain.closed;
  t.deepEqual(plain.received, [], 'plain text gets nothing back');
  await sat.waitForLog(/refused a peer in the TLS handshake/);
});

test('the rogue apply is refused on an SSL link too, even from a peer holding a trusted certificate', async (t) => {
  const sat = await sslSatellite('127.0.0.64');
  await register(sat, 'SSL');
  await waitFor('paired', async () => (await status(sat.name)) === 'ONLINE', 30_000);
  const insider = pki.issue(`insider-${randomSuffix()}`);
  const p = await rawPeer(sat.address, sat.port, { ca: pki.ca.cert, cert: insider.cert, key: insider.key });
  p.send('{"type":"apply","state":{"resources":[]}}');
  await p.closed;
  t.deepEqual(p.received, []);
  await sat.waitForLog(/refusing a message from a peer that has not authenticated/);
  t.is(await status(sat.name), 'ONLINE');
});

test('the controller checks the satellite\'s certificate and never falls back to plain text', async (t) => {
  const foreign = await sslSatellite('127.0.0.65', { ca: other });
  await register(foreign, 'SSL');
  const plainToSsl = await sslSatellite('127.0.0.66');
  await register(plainToSsl, 'PLAIN');
  await new Promise((r) => setTimeout(r, 2500));
  t.not(await status(foreign.name), 'ONLINE', 'a satellite certificate from another CA is not trusted');
  t.not(await status(plainToSsl.name), 'ONLINE', 'a PLAIN link to an SSL satellite does not come up');
  t.false(foreign.logs.some((l) => /controller authenticated/.test(l)));
});
