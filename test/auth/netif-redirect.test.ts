/**
 * The net-interface redirect attack: changing a node's satellite address through the REST
 * API so that its desired state, decrypted LUKS volume keys included, goes to a listener of
 * the attacker's. Real controller and satellites (in their own UTS/mount namespaces, LUKS
 * open as a dry run: no device-mapper here); the attacker is a TCP listener that records
 * every byte and plays an unpaired satellite offering its own key.
 */
import test from 'ava';
import { call, makeGroup, startPlacementCluster, waitFor, type PCluster } from '../placement-e2e/cluster.js';
import { recordingListener, type RecordingListener } from './raw-peer.js';

process.env.LINSTOR_LUKS_FORMAT_ARGS = '--pbkdf pbkdf2 --pbkdf-force-iterations 1000';
const MiB = 1024;
let c: PCluster;
let attacker: RecordingListener;

test.before(async () => {
  c = await startPlacementCluster(2, { drbdDryRun: true, firstAddress: 40 });
  attacker = await recordingListener('127.0.0.50');
  const r = await call(c.ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'master-passphrase-for-tests' });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  // An encrypted volume on node 1: its desired state carries the decrypted volume key.
  const rg = `rgl_${c.suffix}`;
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['LUKS', 'STORAGE'], node_name_list: [c.nodes[0]!.name] });
  const sp = await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: `enc_${c.suffix}`, volume_sizes: [16 * MiB] });
  if (sp.status >= 300) throw new Error(JSON.stringify(sp.body));
});
test.after.always(async () => { await attacker?.close(); await c?.teardown(); });

const netIf = async (node: string) => (await call<any>(c.ctl, 'GET', `/v1/nodes/${node}/net-interfaces/default`)).body;
const status = async (node: string) => (await call<any>(c.ctl, 'GET', `/v1/nodes/${node}`)).body.connection_status as string;

/** The attacker got hellos at most: no desired state, no auth, nothing resembling a key. */
function attackerGotNothing(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void; notRegex: (s: string, r: RegExp, m?: string) => void }): void {
  t.deepEqual([...new Set(attacker.lines.map((l) => l.type))].filter((x) => x !== 'hello' && x !== 'ping'), [], 'only hello (and ping) reached the attacker');
  t.notRegex(attacker.raw(), /"apply"|"luks"|"auth"|"storagePools"/, 'no desired state and no key');
}

test.serial('an online node\'s address cannot be moved to a listener that is not its satellite', async (t) => {
  const n1 = c.nodes[0]!;
  const before = await netIf(n1.name);
  const r = await call<any[]>(c.ctl, 'PUT', `/v1/nodes/${n1.name}/net-interfaces/default`, { name: 'default', address: '127.0.0.50', satellite_port: attacker.port });
  t.true(r.status >= 400, JSON.stringify(r.body));
  t.regex(r.body[0]!.message, /did not prove to be node/);
  t.deepEqual(await netIf(n1.name), before, 'the interface is unchanged');
  t.is(await status(n1.name), 'ONLINE');
  t.true(attacker.lines.some((l) => l.type === 'hello'), 'the controller did ask the new address who it is');
  attackerGotNothing(t);
});

test.serial('nor to another node\'s real satellite (paired with this cluster, but under another key)', async (t) => {
  const [n1, n2] = c.nodes;
  const r = await call<any[]>(c.ctl, 'PUT', `/v1/nodes/${n1!.name}/net-interfaces/default`, { name: 'default', address: n2!.address, satellite_port: n2!.sat.port });
  t.true(r.status >= 400, JSON.stringify(r.body));
  t.regex(r.body[0]!.cause ?? '', /not the one the node is paired with/);
  t.is(await status(n1!.name), 'ONLINE');
  t.is(await status(n2!.name), 'ONLINE');
});

test.serial('an offline node pointed at the listener shows AUTHENTICATION_ERROR and sends it nothing', async (t) => {
  const n1 = c.nodes[0]!;
  const real = await netIf(n1.name);
  await n1.sat.kill9();
  await waitFor('OFFLINE', async () => (await status(n1.name)) === 'OFFLINE', 15_000);
  const r = await call(c.ctl, 'PUT', `/v1/nodes/${n1.name}/net-interfaces/default`, { name: 'default', address: '127.0.0.50', satellite_port: attacker.port });
  t.is(r.status, 200, 'an offline node may move (its satellite proves itself at the next connect)');
  await waitFor('AUTHENTICATION_ERROR', async () => (await status(n1.name)) === 'AUTHENTICATION_ERROR', 15_000);
  await new Promise((res) => setTimeout(res, 1000));
  attackerGotNothing(t);
  // Back to the real address and satellite: the pairing still holds.
  t.is((await call(c.ctl, 'PUT', `/v1/nodes/${n1.name}/net-interfaces/default`, { name: 'default', address: real.address, satellite_port: real.satellite_port })).status, 200);
  await n1.start();
  await waitFor('ONLINE again with its own satellite', async () => (await status(n1.name)) === 'ONLINE', 30_000);
  attackerGotNothing(t);
});
