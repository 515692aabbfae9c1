import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { startController, type TestController } from '../helpers/controller.js';
import { LineProxy } from '../helpers/line-proxy.js';
import {
  loopDevicesUnder, makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess,
} from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, startCluster, waitFor, type Cluster } from './cluster.js';

/**
 * The incremental protocol end to end: a real controller and real satellites (debug logging,
 * so every command the satellite runs is in its log), FILE_THIN pools on real loop devices.
 */
const MiB = 1024;

async function createResource(ctl: TestController, rd: string, node: string, pool: string): Promise<{ status: number; body: any }> {
  await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4 * MiB } });
  return call(ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, { resource: { node_name: node, props: { StorPoolName: pool } }, layer_list: ['STORAGE'] });
}

async function deviceOf(ctl: TestController, rd: string, node: string): Promise<string> {
  return waitFor(`device of ${rd}`, async () => {
    const r = await call<Array<{ device_path?: string }>>(ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
    const d = r.status === 200 ? r.body[0]?.device_path : undefined;
    return d?.startsWith('/dev/loop') ? d : undefined;
  }, 30_000);
}

/** Commands the satellite ran since log line `from` (LocalRunner logs each one). */
function commandsSince(sat: SatelliteProcess, from: number): string[] {
  return sat.logs.slice(from).filter((l) => l.includes('"cmd"')).map((l) => (JSON.parse(l) as { cmd: string }).cmd);
}

function fullApplies(sat: SatelliteProcess): number {
  return sat.logs.filter((l) => l.includes('full apply scheduled')).length;
}

test.serial('a change reaches the satellite as an update and runs commands for its own resource only', async (t) => {
  const cluster: Cluster = await startCluster(1, { satelliteArgs: ['--log-level', 'debug'] });
  t.teardown(() => cluster.teardown());
  const node = cluster.nodes[0]!;
  const s = randomSuffix();
  const others = Array.from({ length: 8 }, (_, i) => `inc${s}o${i}`);
  for (const rd of others) t.is((await createResource(cluster.ctl, rd, node.name, cluster.pool)).status, 201);
  const devices = new Map<string, string>();
  for (const rd of others) devices.set(rd, await deviceOf(cluster.ctl, rd, node.name));
  const fullBefore = fullApplies(node.sat);
  const aboutOthers = (cmds: string[], except: string) =>
    cmds.filter((c) => others.some((o) => o !== except && (c.includes(`${o}_`) || c.split(' ').includes(devices.get(o)!))));

  // A create: one attach for the new volume; no listing, nothing about the other eight.
  let from = node.sat.logs.length;
  const fresh = `inc${s}new`;
  t.is((await createResource(cluster.ctl, fresh, node.name, cluster.pool)).status, 201);
  await deviceOf(cluster.ctl, fresh, node.name);
  let cmds = commandsSince(node.sat, from);
  t.true(cmds.some((c) => c.startsWith('losetup --find --show') && c.includes(`${fresh}_00000.img`)), `the new volume was attached: ${cmds.join(' | ')}`);
  t.deepEqual(aboutOthers(cmds, ''), [], 'no command touched another resource');
  t.false(cmds.some((c) => c.startsWith('losetup --json --list') || c.startsWith('losetup -j')), `the loop inventory is cached: ${cmds.join(' | ')}`);

  // A property change on one definition: its resource is walked again, which needs no command.
  from = node.sat.logs.length;
  const mod = await call<Array<{ ret_code: number; message: string }>>(cluster.ctl, 'PUT', `/v1/resource-definitions/${others[3]}`, { override_props: { 'Aux/touched': 'yes' } });
  t.true(mod.status < 300 && mod.body.some((e) => /Updated resource/.test(e.message)), JSON.stringify(mod.body));
  t.deepEqual(commandsSince(node.sat, from), [], 'an unchanged volume costs no command');

  // Growing one volume: commands for that volume's device only.
  from = node.sat.logs.length;
  const grow = await call(cluster.ctl, 'PUT', `/v1/resource-definitions/${others[5]}/volume-definitions/0`, { size_kib: 8 * MiB });
  t.true(grow.status < 300, JSON.stringify(grow.body));
  cmds = commandsSince(node.sat, from);
  t.true(cmds.includes(`losetup -c ${devices.get(others[5]!)}`), `the grown volume's device re-read its size: ${cmds.join(' | ')}`);
  t.deepEqual(aboutOthers(cmds, others[5]!), []);

  // Deleting one: its device is detached, nothing else.
  from = node.sat.logs.length;
  const del = await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${others[2]}`);
  t.true(del.status < 300, JSON.stringify(del.body));
  cmds = commandsSince(node.sat, from);
  t.true(cmds.includes(`losetup -d ${devices.get(others[2]!)}`), cmds.join(' | '));
  t.deepEqual(aboutOthers(cmds, others[2]!), []);
  t.is(fullApplies(node.sat), fullBefore, 'all of it went as updates, no full apply');
  t.false(existsSync(`${node.poolDir}/${others[2]}_00000.img`));
});

test.serial('a lost update and two updates swapped on the wire are detected by their version and healed by a full apply', async (t) => {
  const ctl = await startController({ env: FAST_LINK_ENV });
  t.teardown(() => ctl.stop());
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const sat = await startSatellite({ address: '127.0.0.2', reportIntervalMs: 1000, extraArgs: ['--log-level', 'debug'] });
  t.teardown(() => sat.kill9());
  const proxy = await LineProxy.start('127.0.0.2', '127.0.0.2', sat.port);
  t.teardown(() => proxy.close());
  const node = sat.nodeName;
  t.is((await call(ctl, 'POST', '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.2', satellite_port: proxy.port }] })).status, 201);
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } })).status, 201);
  await waitFor('pool reported', async () => ((await call<any>(ctl, 'GET', `/v1/nodes/${node}/storage-pools/pool1`)).body.total_capacity ?? 0) > 0);
  const s = randomSuffix();
  const fullBefore = fullApplies(sat);

  // Lost: the update creating A never arrives. The next ping names a newer seq than the
  // satellite has; it asks for the full state and A is created.
  proxy.dropNext((m) => m.type === 'update');
  const a = await createResource(ctl, `lost${s}`, node, 'pool1');
  t.is(a.status, 201, JSON.stringify(a.body));
  await deviceOf(ctl, `lost${s}`, node);
  t.true(proxy.log.some((l) => l.startsWith('drop update')));
  await sat.waitForLog(/asking for the full state: the controller sent \d+, this satellite has \d+/);
  t.true(fullApplies(sat) > fullBefore, 'healed by a full apply');

  // Swapped: B's update is held back and arrives after C's, which builds on B.
  const fullMid = fullApplies(sat);
  proxy.holdNext((m) => m.type === 'update');
  const b = createResource(ctl, `first${s}`, node, 'pool1');
  await waitFor('B held', () => proxy.log.some((l) => l.startsWith('hold update')));
  const c = await createResource(ctl, `second${s}`, node, 'pool1');
  t.is(c.status, 201, JSON.stringify(c.body));
  t.is((await b).status, 201);
  await sat.waitForLog(/asking for the full state: update \d+ builds on \d+, this satellite has \d+/);
  t.true(fullApplies(sat) > fullMid);
  for (const rd of [`lost${s}`, `first${s}`, `second${s}`]) await deviceOf(ctl, rd, node);
  t.deepEqual(loopDevicesUnder(dir).map((l) => l.backFile.split('/').pop()).sort(), [`first${s}_00000.img`, `lost${s}_00000.img`, `second${s}_00000.img`]);
});

test.serial('a satellite killed mid-stream (updates in flight) converges after restart: every resource once, nothing else', async (t) => {
  const cluster: Cluster = await startCluster(1);
  t.teardown(() => cluster.teardown());
  const node = cluster.nodes[0]!;
  const s = randomSuffix();
  const names = Array.from({ length: 6 }, (_, i) => `mid${s}${i}`);
  const from = node.sat.logs.length;
  const pending = names.map((rd) => createResource(cluster.ctl, rd, node.name, cluster.pool).catch(() => undefined));
  await waitFor('some attached', () => node.sat.logs.slice(from).filter((l) => l.includes('losetup --find --show')).length >= 2, 30_000, 5);
  await node.restart();
  await Promise.all(pending);
  for (const rd of names) await deviceOf(cluster.ctl, rd, node.name);
  const files = readdirSync(node.poolDir).filter((f) => f.startsWith(`mid${s}`)).sort();
  t.deepEqual(files, names.map((n) => `${n}_00000.img`).sort());
  t.deepEqual(loopDevicesUnder(node.poolDir).map((l) => l.backFile.split('/').pop()).sort(), files, 'one loop device per volume');
});
