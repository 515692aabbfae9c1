/**
 * SOS reports end to end: a real controller and two real satellite processes (one more node
 * whose satellite never runs), reports made through the real `linstor sos-report` CLI and
 * REST, unpacked, and searched for every secret the cluster holds: the master passphrase,
 * an S3 remote's keys, an LDAP and keystore passwords in linstor.toml, a keystore password
 * in linstor_satellite.toml, a DRBD shared secret, a TLS private key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'ava';
import { extract } from 'tar';
import { linstor } from '../cli/helpers.js';
import { call } from '../helpers/controller-rest.js';
import { startController, type TestController } from '../helpers/controller.js';
import { makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';

const sfx = randomSuffix();
const SECRETS = {
  master: `sosMasterPass-${sfx}-9f`,
  ldap: `sosLdapBindPw-${sfx}-71`,
  keystore: `sosKeystorePw-${sfx}-13`,
  satKeystore: `sosSatKeyPw-${sfx}-2c`,
  s3Access: `AKIASOS${sfx.toUpperCase()}ACCESS`,
  s3Secret: `sosS3SecretKey-${sfx}-0b7d`,
  drbd: `sosDrbdSecret${sfx}x`,
};
const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The key's base64 body: no line of it may appear anywhere in a report. */
const pemLines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));

const n1 = `sos-${sfx}-a`;
const n2 = `sos-${sfx}-b`;
const nOff = `sos-${sfx}-off`;
const rd = `sosrd-${sfx}`;
let ctl: TestController;
let sats: SatelliteProcess[] = [];
let work = '';

test.before(async () => {
  work = makeTempDir('sos-test-');
  const ctlConf = join(work, 'ctl');
  mkdirSync(join(ctlConf, 'ssl'), { recursive: true });
  writeFileSync(join(ctlConf, 'ssl', 'netcom-key.pem'), pem, { mode: 0o600 });
  ctl = await startController({
    dir: ctlConf, env: { ...FAST_LINK_ENV, LINSTOR_LOG_LEVEL: 'debug' },
    extraToml: [
      '[encrypt]', `passphrase = "${SECRETS.master}"`,
      '[ldap]', 'enabled = false', 'uri = "ldaps://ldap.invalid"', `bind_password = "${SECRETS.ldap}"`,
      '[netcom]', 'private_key = "ssl/netcom-key.pem"', `keystore_password = "${SECRETS.keystore}"`,
      '[logging]', `sos_directory = "${join(work, 'sos-out')}"`, '',
    ].join('\n'),
  });
  const satConf = join(work, 'sat');
  mkdirSync(satConf);
  writeFileSync(join(satConf, 'linstor_satellite.toml'), `[netcom]\ntype = "plain"\nkeystore_password = "${SECRETS.satKeystore}"\n[logging]\nlevel = "debug"\n`);
  for (const name of [n1, n2]) {
    const sat = await startSatellite({ nodeName: name, configDirectory: satConf, reportIntervalMs: 1000 });
    sats.push(sat);
    const r = await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: sat.port }] });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
  // A node whose satellite is not running: its part is a note, the report is still made.
  await call(ctl, 'POST', '/v1/nodes', { name: nOff, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: 9 }] });
  for (const n of [n1, n2]) await waitFor(`${n} online`, async () => (await call(ctl, 'GET', `/v1/nodes/${n}`)).body.connection_status === 'ONLINE');
  const remote = await call(ctl, 'POST', '/v1/remotes/s3', { remote_name: `s3${sfx}`, endpoint: 'http://127.0.0.1:9', bucket: 'sos-bucket', region: 'us-east-1', access_key: SECRETS.s3Access, secret_key: SECRETS.s3Secret, use_path_style: true });
  if (remote.status !== 201) throw new Error(JSON.stringify(remote.body));
  const d = await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, layer_data: [{ type: 'DRBD' }, { type: 'STORAGE' }] }, drbd_secret: SECRETS.drbd });
  if (d.status !== 201) throw new Error(JSON.stringify(d.body));
  mkdirSync(join(work, 'pool'));
  const pool = await call(ctl, 'POST', `/v1/nodes/${n1}/storage-pools`, { storage_pool_name: 'sospool', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': join(work, 'pool') } });
  if (pool.status !== 201) throw new Error(JSON.stringify(pool.body));
  await waitFor('pool capacity', async () => (await call(ctl, 'GET', `/v1/nodes/${n1}/storage-pools/sospool`)).body.total_capacity > 0);
  await call(ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const res = await call(ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${n1}`, { resource: { node_name: n1, props: { StorPoolName: 'sospool' } }, layer_list: ['STORAGE'] });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
});

test.after.always(async () => {
  await ctl?.stop();
  for (const s of sats) await s.stop().catch(() => {});
  // The resource's loop device goes with its backing file.
  if (work) { const { cleanupLoopDevices } = await import('../helpers/satellite.js'); cleanupLoopDevices(join(work, 'pool')); removeTempDir(work); }
});

const cli = (...args: string[]) => linstor(['--controllers', ctl.url.replace(/^http:\/\//, ''), ...args]);

/** Downloads a report with the CLI into a fresh folder, unpacks it; returns the unpacked top folder and its files. */
async function download(...args: string[]): Promise<{ top: string; files: Map<string, string>; stdout: string }> {
  const dir = join(work, `dl-${randomSuffix()}`);
  mkdirSync(dir);
  const r = await cli('sos-report', 'download', dir, ...args);
  if (r.code !== 0) throw new Error(`download failed (${r.code}): ${r.stdout}${r.stderr}`);
  const archives = readdirSync(dir).filter((f) => f.endsWith('.tar.gz'));
  if (archives.length !== 1) throw new Error(`expected one archive in ${dir}: ${readdirSync(dir).join(', ')}`);
  const out = join(dir, 'x');
  mkdirSync(out);
  await extract({ file: join(dir, archives[0]!), cwd: out });
  const [top] = readdirSync(out);
  return { top: top!, files: readTree(join(out, top!)), stdout: r.stdout };
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p); else files.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return files;
}

test.serial('`sos-report download` brings the controller\'s and every satellite\'s logs, configuration, versions, tool outputs and database, and no secret', async (t) => {
  const { top, files, stdout } = await download();
  t.regex(top, /^sos_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);
  t.regex(stdout, /File saved to: .*sos_.*\.tar\.gz/);
  for (const p of ['README.txt', 'controller/config/linstor.toml', 'controller/version.json', 'controller/logs/controller.log', 'controller/error-reports.json', 'controller/database-export.json']) t.true(files.has(p), p);
  t.regex(files.get('controller/logs/controller.log')!, /"msg":"satellite online"|controller active/, 'the controller\'s own log lines');
  const db = JSON.parse(files.get('controller/database-export.json')!);
  t.deepEqual(db.tables.nodes.map((r: { value: { name: string } }) => r.value.name).sort(), [n1, n2, nOff].sort(), 'the database export holds the nodes');
  t.is(JSON.parse(files.get('controller/version.json')!).component, 'linstor-controller');
  for (const n of [n1, n2]) {
    for (const p of ['config/linstor_satellite.toml', 'version.json', 'logs/satellite.log', 'commands/losetup.txt', 'commands/drbdadm-dump.txt', 'commands/lvs.txt', 'commands/zfs-list.txt', 'commands/summary.json']) t.true(files.has(`nodes/${n}/${p}`), `${n}: ${p}`);
    t.regex(files.get(`nodes/${n}/logs/satellite.log`)!, /controller authenticated/, `${n}: the satellite's own log lines`);
    t.regex(files.get(`nodes/${n}/commands/losetup.txt`)!, /^\$ losetup --list\n/);
    t.is(JSON.parse(files.get(`nodes/${n}/version.json`)!).node, n);
    // A tool a node lacks is recorded, not fatal.
    const summary = JSON.parse(files.get(`nodes/${n}/commands/summary.json`)!) as Array<{ argv: string[]; status: string }>;
    const zfs = summary.find((c) => c.argv[0] === 'zfs')!;
    t.is(zfs.status, existsSync('/sbin/zfs') || existsSync('/usr/sbin/zfs') ? zfs.status : 'missing');
    t.is(summary.find((c) => c.argv[0] === 'losetup')!.status, 'ok');
  }
  t.regex(files.get(`nodes/${n1}/commands/losetup.txt`)!, new RegExp(`${rd}_00000`), 'n1\'s loop device of the resource is listed');
  t.regex(files.get(`nodes/${nOff}/NOT-INCLUDED.txt`)!, /was not online/);
  // Structure kept, values gone.
  t.regex(files.get('controller/config/linstor.toml')!, /bind_password = "\*\*\*"/);
  t.regex(files.get(`nodes/${n1}/config/linstor_satellite.toml`)!, /keystore_password = "\*\*\*"/);
  t.regex(files.get(`nodes/${n1}/config/linstor_satellite.toml`)!, /type = "plain"/);
  for (const [path, text] of files) {
    for (const [what, secret] of Object.entries(SECRETS)) t.false(text.includes(secret), `${what} secret found in ${path}`);
    for (const line of pemLines) t.false(text.includes(line), `TLS private key found in ${path}`);
  }
});

test.serial('filters: --nodes, --resources, --exclude-nodes, --no-controller', async (t) => {
  const only = await download('--nodes', n2);
  t.deepEqual(nodesIn(only.files), [n2]);
  t.true(only.files.has('controller/version.json'), 'the controller is in by default');
  const byRsc = await download('--resources', rd, '--no-controller');
  t.deepEqual(nodesIn(byRsc.files), [n1], 'only the node the resource is deployed on');
  t.false([...byRsc.files.keys()].some((p) => p.startsWith('controller/')), '--no-controller');
  const excl = await download('--exclude-nodes', n1, nOff);
  t.deepEqual(nodesIn(excl.files), [n2]);
  const unknown = await cli('sos-report', 'download', work, '--nodes', 'no-such-node');
  t.is(unknown.code, 10, unknown.stdout + unknown.stderr);
  t.regex(unknown.stdout + unknown.stderr, /no-such-node/);
});

test.serial('`since` leaves out older log lines and error reports', async (t) => {
  const future = Date.now() + 3_600_000;
  const res = await fetch(`${ctl.url}/v1/sos-report/download?since=${future}&nodes=${n1}`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-disposition') ?? '', /^attachment; filename="sos_[^"]+\.tar\.gz"$/);
  const dir = join(work, `since-${randomSuffix()}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'r.tar.gz'), Buffer.from(await res.arrayBuffer()));
  await extract({ file: join(dir, 'r.tar.gz'), cwd: dir });
  const top = readdirSync(dir).find((f) => f.startsWith('sos_'))!;
  const files = readTree(join(dir, top));
  t.is(files.get('controller/logs/controller.log'), '');
  t.is(files.get(`nodes/${n1}/logs/satellite.log`), '');
  t.deepEqual(JSON.parse(files.get('controller/error-reports.json')!), []);
  t.regex(files.get(`nodes/${n1}/commands/journal.txt`)!, /journalctl --no-pager -u linstor-satellite --since @\d+/);
  const bad = await call(ctl, 'GET', '/v1/sos-report?since=yesterday');
  t.regex(JSON.stringify(bad.body), /must be a time in milliseconds/);
});

test.serial('`sos-report create` keeps the archive in the controller\'s SOS folder, owner-only', async (t) => {
  const r = await cli('sos-report', 'create', '--nodes', n1);
  t.is(r.code, 0, r.stdout + r.stderr);
  const m = /SOS Report created on Controller: (\S+\.tar\.gz)/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.true(m![1]!.startsWith(join(work, 'sos-out')));
  t.is(statSync(m![1]!).mode & 0o777, 0o600);
  t.is(statSync(join(work, 'sos-out')).mode & 0o777, 0o700);
  const out = join(work, `create-${randomSuffix()}`);
  mkdirSync(out);
  await extract({ file: m![1]!, cwd: out });
  t.deepEqual(nodesIn(readTree(join(out, readdirSync(out)[0]!))), [n1]);
});

function nodesIn(files: Map<string, string>): string[] {
  return [...new Set([...files.keys()].filter((p) => p.startsWith('nodes/')).map((p) => p.split('/')[1]!))].sort();
}
