/**
 * The etcd store over TLS, as LINSTOR's guide configures it: `[db] ca_certificate`,
 * `client_certificate`, `client_key_pkcs8_pem`. A real etcd 3.4 serving HTTPS only and
 * demanding a client certificate (`--client-cert-auth`), certificates made by openssl.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { parseEtcdUrl, type DbConfig } from '../../core/store/config.js';
import { openStore } from '../../core/store/open.js';
import { waitFor } from '../e2e/cluster.js';
import { startController } from '../helpers/controller.js';
import { dbServerInstalled, startEtcd, type DbServer } from '../helpers/db-servers.js';
import { TestPki } from '../helpers/pki.js';

const run = dbServerInstalled('etcd') ? test.serial : test.skip;
let pki: TestPki;
let otherPki: TestPki;
let server: DbServer;

test.before(async () => {
  if (!dbServerInstalled('etcd')) return;
  pki = new TestPki('etcd test CA');
  otherPki = new TestPki('another CA');
  server = await startEtcd({ ca: pki.ca, server: pki.issue('etcd-server'), client: pki.issue('linstor-controller') });
});
test.after.always(async () => {
  await server?.stop();
  pki?.cleanup();
  otherPki?.cleanup();
});

/** The keys under the config's prefix, read by a TLS client of our own. */
async function keysUnder(cfg: DbConfig): Promise<string[]> {
  const c = new Etcd3({
    hosts: parseEtcdUrl(cfg.connectionUrl, true),
    credentials: { rootCertificate: readFileSync(cfg.caCertificate!), certChain: readFileSync(cfg.clientCertificate!), privateKey: readFileSync(cfg.clientKeyPkcs8Pem!) },
  });
  try { return await c.getAll().prefix(cfg.etcd.prefix).keys(); } finally { c.close(); }
}

run('a controller configured with the guide\'s TLS keys stores its state in an etcd that demands client certificates', async (t) => {
  const cfg = await server.fresh();
  const toml = server.toml(cfg);
  t.regex(toml, /ca_certificate = .*\nclient_certificate = .*\nclient_key_pkcs8_pem = /);
  const ctl = await startController({ dbToml: toml });
  t.teardown(() => ctl.stop());
  const created = await fetch(`${ctl.url}/v1/resource-definitions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resource_definition: { name: 'over_tls' } }),
  });
  t.is(created.status, 201, await created.text());
  t.true((await keysUnder(cfg)).some((k) => /over_tls/i.test(k)), 'the definition is stored in etcd under the prefix');

  // A controller started again on the same database loads it back over TLS.
  await ctl.restart();
  const got = await waitFor('the restarted controller serves the definition', async () => {
    const r = await fetch(`${ctl.url}/v1/resource-definitions/over_tls`);
    return r.status === 200 ? r.json() as Promise<{ name: string }> : undefined;
  });
  t.is(got.name, 'over_tls');
});

run('without a client certificate, with one from another CA, or without TLS, the store is refused with a clear error', async (t) => {
  const cfg = await server.fresh();
  const stranger = otherPki.issue('stranger');
  const attempts: Array<[string, DbConfig]> = [
    ['no client certificate', { ...cfg, clientCertificate: undefined, clientKeyPkcs8Pem: undefined }],
    ['client certificate from another CA', { ...cfg, clientCertificate: stranger.certFile, clientKeyPkcs8Pem: stranger.keyFile }],
    ['plain etcd:// without TLS settings', { ...cfg, caCertificate: undefined, clientCertificate: undefined, clientKeyPkcs8Pem: undefined }],
  ];
  for (const [what, bad] of attempts) {
    const err = await t.throwsAsync(openStore(bad), undefined, what);
    t.regex(err!.message, /Cannot reach etcd at etcd:\/\/127\.0\.0\.1:\d+/, what);
  }
  t.deepEqual(await keysUnder(cfg), [], 'nothing was written by the refused clients');
  // The same settings with the right certificate work.
  const store = await openStore(cfg);
  t.teardown(() => store.close());
  t.true((await keysUnder(cfg)).some((k) => k.endsWith('_meta/schema_version')));
});
