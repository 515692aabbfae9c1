/**
 * "A satellite serves one controller", on plain links, with real controller and satellite
 * processes and real FILE_THIN volumes: a rogue peer's `apply` is refused, a second
 * controller is refused until the operator resets the pairing, and the satellite's identity
 * survives restarts.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startController } from '../helpers/controller.js';
import { makeTempDir, randomSuffix, removeTempDir, satelliteStateDir, startSatellite } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';
import { rawPeer } from './raw-peer.js';

const SATELLITE_MAIN = join(import.meta.dirname, '..', '..', 'core', 'satellite', 'main.js');
const MiB = 1024;
let c: Cluster;

test.before(async () => { c = await startCluster(1); });
test.after.always(async () => { await c?.teardown(); });

/** A STORAGE-only resource with one volume on the cluster's node; resolves with its device. */
async function deployed(rd: string): Promise<string> {
  const rg = `rg_${randomSuffix()}`;
  const node = c.nodes[0]!.name;
  for (const [path, body] of [
    ['/v1/resource-groups', { name: rg, select_filter: { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] } }],
    [`/v1/resource-groups/${rg}/volume-groups`, { volume_number: 0 }],
  ] as const) {
    const r = await call(c.ctl, 'POST', path, body);
    if (r.status >= 300) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
  }
  // On a loaded machine a short ping timeout can drop the link for a moment (and the pool's
  // report with it): spawn once the pool is placeable.
  await waitFor('spawned', async () => (await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [8 * MiB] })).status < 300, 30_000, 500);
  return waitFor('the volume\'s device', async () => {
    const v = (await call<any[]>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}&nodes=${node}`)).body;
    return v[0]?.volumes?.[0]?.device_path as string | undefined;
  }, 30_000);
}

function clusterIdOf(dir: string): string {
  const db = new Database(join(dir, 'linstor.db'), { readonly: true, fileMustExist: true });
  try {
    return JSON.parse((db.prepare("SELECT value FROM secrets WHERE key = 'cluster/id'").get() as { value: string }).value) as string;
  } finally { db.close(); }
}

test.serial('the rogue peer\'s {"type":"apply","state":{"resources":[]}} is refused and deletes nothing', async (t) => {
  const n = c.nodes[0]!;
  const rd = `keep_${randomSuffix()}`;
  const device = await deployed(rd);
  const backing = spawnSync('losetup', ['--noheadings', '-O', 'BACK-FILE', device], { encoding: 'utf8' }).stdout.trim();
  t.true(existsSync(backing), `backing file ${backing}`);

  const rogue = await rawPeer(n.address, n.sat.port);
  rogue.send('{"type":"apply","state":{"resources":[]}}');
  await rogue.closed;
  t.deepEqual(rogue.received, [], 'not a word back, the connection is closed');
  await n.sat.waitForLog(/refusing a message from a peer that has not authenticated/);

  // A rogue that knows the cluster id (it is no secret) still has no key: hello, then apply.
  const sniffer = await rawPeer(n.address, n.sat.port);
  sniffer.send({ type: 'hello', version: '1.0', controllerId: 'rogue', clusterId: clusterIdOf(c.ctl.dir), nonce: 'aa'.repeat(16), nodeName: n.name });
  const hello = await sniffer.next((m) => m.type === 'hello');
  t.falsy(hello.identity?.nodeKey, 'a paired satellite never hands its key out again');
  sniffer.send('{"type":"apply","seq":99999999999999,"state":{"nodeName":"x","props":{},"storagePools":[],"resources":[]}}');
  await sniffer.closed;
  t.false(sniffer.received.some((m) => m.type === 'report'), 'no apply ran');

  // A wrong proof is refused as well.
  const guesser = await rawPeer(n.address, n.sat.port);
  guesser.send({ type: 'hello', version: '1.0', controllerId: 'rogue', clusterId: clusterIdOf(c.ctl.dir), nonce: 'bb'.repeat(16), nodeName: n.name });
  await guesser.next((m) => m.type === 'hello');
  guesser.send({ type: 'auth', proof: '00'.repeat(32) });
  t.is((await guesser.next((m) => m.type === 'refused')).reason, 'AUTHENTICATION_ERROR');

  // Another cluster is told so.
  const other = await rawPeer(n.address, n.sat.port);
  other.send({ type: 'hello', version: '1.0', controllerId: 'other', clusterId: 'feedface'.repeat(4), nonce: 'cc'.repeat(16), nodeName: n.name });
  t.is((await other.next((m) => m.type === 'refused')).reason, 'OTHER_CONTROLLER');

  // Wait past a periodic report: the volume and its file are still there, and the node is Online.
  await new Promise((r) => setTimeout(r, 1500));
  t.true(existsSync(backing));
  const v = (await call<any[]>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body;
  t.is(v[0]?.volumes?.[0]?.device_path, device);
  t.is(await c.nodeStatus(n.name), 'ONLINE');
});

test.serial('the pairing survives a satellite restart and a controller restart', async (t) => {
  const n = c.nodes[0]!;
  await n.restart();
  await waitFor('ONLINE after the satellite restart', async () => (await c.nodeStatus(n.name)) === 'ONLINE', 30_000);
  await c.ctl.restart();
  await waitFor('ONLINE after the controller restart', async () => (await c.nodeStatus(n.name)) === 'ONLINE', 30_000);
  // Paired again, the satellite reports to the restarted controller.
  await waitFor('pool capacity reported after the restarts', async () => (await c.poolOf(n.name)).total_capacity > 0, 30_000);
  t.is(await c.nodeStatus(n.name), 'ONLINE');
});

test('a satellite serves one controller: a second one gets OTHER_CONTROLLER until the operator resets the pairing', async (t) => {
  const name = `one-${randomSuffix()}`;
  const pool = makeTempDir('pair-pool-');
  const stateDirectory = satelliteStateDir(name);
  let sat = await startSatellite({ address: '127.0.0.2', nodeName: name, stateDirectory });
  const first = await startController({ env: FAST_LINK_ENV });
  const second = await startController({ env: FAST_LINK_ENV });
  t.teardown(async () => { await sat.kill9(); await first.stop(); await second.stop(); removeTempDir(pool); });
  const register = (ctl: typeof first) => call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.2', satellite_port: sat.port }] });
  const status = async (ctl: typeof first) => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status as string;

  t.is((await register(first)).status, 201);
  await waitFor('first controller ONLINE', async () => (await status(first)) === 'ONLINE');
  t.is((await register(second)).status, 201);
  await waitFor('second controller OTHER_CONTROLLER', async () => (await status(second)) === 'OTHER_CONTROLLER');
  t.is(await status(first), 'ONLINE', 'the paired controller is not disturbed');
  t.regex(await second.waitForLog(/serves another LINSTOR cluster.*reset-pairing/), /serves another LINSTOR cluster.*reset-pairing/);

  // The operator moves the satellite: stop it, reset its pairing, start it again.
  const port = sat.port;
  await sat.stop();
  const reset = spawnSync(process.execPath, [SATELLITE_MAIN, '--reset-pairing', '--state-directory', stateDirectory], { encoding: 'utf8' });
  t.is(reset.status, 0, reset.stderr);
  t.regex(reset.stdout, /Pairing removed/);
  // The first controller can no longer talk to it: it refuses the fresh key, it never pairs.
  await call(first, 'DELETE', `/v1/nodes/${name}`);
  sat = await startSatellite({ address: '127.0.0.2', port, nodeName: name, stateDirectory });
  await waitFor('second controller ONLINE after the reset', async () => (await status(second)) === 'ONLINE', 30_000);
  t.is((await register(first)).status, 201);
  await waitFor('now the first one is the other controller', async () => (await status(first)) === 'OTHER_CONTROLLER');
});

test('a reinstalled satellite (fresh identity) is refused until "linstor node reset-pairing NODE"', async (t) => {
  const name = `re-${randomSuffix()}`;
  const stateDirectory = satelliteStateDir(name);
  let sat = await startSatellite({ address: '127.0.0.3', nodeName: name, stateDirectory });
  const ctl = await startController({ env: FAST_LINK_ENV });
  t.teardown(async () => { await sat.kill9(); await ctl.stop(); });
  t.is((await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.3', satellite_port: sat.port }] })).status, 201);
  const status = async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status as string;
  await waitFor('ONLINE', async () => (await status()) === 'ONLINE');
  // Reinstall: the machine comes back with nothing on its disk.
  const port = sat.port;
  await sat.kill9();
  spawnSync(process.execPath, [SATELLITE_MAIN, '--reset-pairing', '--state-directory', stateDirectory]);
  sat = await startSatellite({ address: '127.0.0.3', port, nodeName: name, stateDirectory });
  await waitFor('AUTHENTICATION_ERROR', async () => (await status()) === 'AUTHENTICATION_ERROR');
  t.regex(await ctl.waitForLog(/offers a new identity.*linstor node reset-pairing/), /offers a new identity.*linstor node reset-pairing/);
  const cli = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'core', 'cli', 'main.js'), '--controllers', ctl.url, 'node', 'reset-pairing', name], { encoding: 'utf8' });
  t.is(cli.status, 0, cli.stderr);
  t.regex(cli.stdout, /Pairing of node .* reset/);
  await waitFor('ONLINE with the new identity', async () => (await status()) === 'ONLINE', 30_000);
});
