import test from 'ava';
import { createServer, type Server, type Socket } from 'node:net';
import { helloIdentity, newNodeKey } from '../../core/model/pairing.js';
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, startCluster, waitFor, type Cluster } from './cluster.js';

let cluster: Cluster;
test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

test.serial('three satellites on 127.0.0.1-3 go Online and show their providers, layers, uname and pool capacity', async (t) => {
  for (const n of cluster.nodes) {
    const { body: node } = await call(cluster.ctl, 'GET', `/v1/nodes/${n.name}`);
    t.is(node.connection_status, 'ONLINE');
    t.true(node.storage_providers.includes('FILE_THIN'), `providers of ${n.name}: ${node.storage_providers}`);
    t.true(node.resource_layers.includes('STORAGE'));
    t.truthy(node.props.NodeUname, 'NodeUname from the satellite hello');
    t.truthy(node.unsupported_layers?.DRBD, 'DRBD is unsupported here and says why');
    const pool = await cluster.poolOf(n.name);
    t.true(pool.free_capacity > 0 && pool.total_capacity >= pool.free_capacity);
  }
});

test.serial('a satellite killed with -9 shows OFFLINE, and once restarted is Online again with its pool re-pushed', async (t) => {
  const n = cluster.nodes[1]!;
  await n.sat.kill9();
  await waitFor('OFFLINE', async () => (await cluster.nodeStatus(n.name)) === 'OFFLINE', 10_000);
  const offlinePool = await cluster.poolOf(n.name);
  t.is(offlinePool.total_capacity, undefined, 'an offline node\'s capacity is unknown');
  t.regex(JSON.stringify(offlinePool.reports), /No active connection/);
  await n.restart();
  await waitFor('ONLINE again', async () => (await cluster.nodeStatus(n.name)) === 'ONLINE', 15_000);
  // The fresh satellite knows nothing of its own: a capacity report proves it got the pool again.
  await waitFor('pool reported by the new process', async () => (await cluster.poolOf(n.name)).total_capacity > 0);
});

test.serial('a controller restart reconnects every satellite and the pools report again', async (t) => {
  await cluster.ctl.restart();
  for (const n of cluster.nodes) {
    await waitFor(`${n.name} ONLINE after controller restart`, async () => (await cluster.nodeStatus(n.name)) === 'ONLINE', 15_000);
    await waitFor(`${n.name} capacity after restart`, async () => (await cluster.poolOf(n.name)).total_capacity > 0);
    t.is(await cluster.nodeStatus(n.name), 'ONLINE');
  }
});

/** A peer that accepts the controller's connection and answers as scripted. */
async function fakeSatellite(onLine: (s: Socket, msg: any) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) { const l = buf.slice(0, nl); buf = buf.slice(nl + 1); if (l.trim()) onLine(s, JSON.parse(l)); }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

async function withController(t: { teardown(fn: () => Promise<void> | void): void }): Promise<TestController> {
  const ctl = await startController({ env: FAST_LINK_ENV });
  t.teardown(() => ctl.stop());
  return ctl;
}

/** A fake satellite's hello; it pairs like a real one (its key handed over once, then proven). */
function fakeHello() {
  const nodeKey = newNodeKey();
  let paired = false;
  return (version: string, m: { clusterId?: string; nonce?: string }) => {
    const h = { type: 'hello', version, nodeName: 'x', uname: 'fakehost', providers: ['FILE_THIN'], layers: ['STORAGE'], unsupportedProviders: {}, unsupportedLayers: {},
      ...helloIdentity(nodeKey, !paired, String(m.clusterId), String(m.nonce)) };
    paired = true;
    return h;
  };
}

test('a satellite of another protocol major version shows VERSION_MISMATCH (fake satellite speaking the protocol)', async (t) => {
  const hello = fakeHello();
  const fake = await fakeSatellite((s, m) => { if (m.type === 'hello') s.write(`${JSON.stringify(hello('2.0', m))}\n`); });
  t.teardown(() => { for (const s of fake.sockets) s.destroy(); fake.server.close(); });
  const ctl = await withController(t);
  const name = `vm-${randomSuffix()}`;
  await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: fake.port }] });
  await waitFor('VERSION_MISMATCH', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'VERSION_MISMATCH');
  t.is((await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status, 'VERSION_MISMATCH', 'it stays refused: no reconnect loop turns it ONLINE');
});

test('a satellite that stops answering pings is shown OFFLINE (fake satellite speaking the protocol)', async (t) => {
  let silent = false;
  const hello = fakeHello();
  const fake = await fakeSatellite((s, m) => {
    if (silent) return;
    if (m.type === 'hello') s.write(`${JSON.stringify(hello('1.0', m))}\n`);
    if (m.type === 'ping') s.write('{"type":"pong"}\n');
    if (m.type === 'apply') s.write(`${JSON.stringify({ type: 'report', seq: m.seq, report: { nodeName: 'x', storagePools: [], resources: [] } })}\n`);
  });
  t.teardown(() => { for (const s of fake.sockets) s.destroy(); fake.server.close(); });
  const ctl = await withController(t);
  const name = `dead-${randomSuffix()}`;
  await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: fake.port }] });
  await waitFor('ONLINE', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'ONLINE');
  silent = true; // TCP stays open, but nothing answers any more
  await waitFor('OFFLINE', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'OFFLINE', 10_000);
  silent = false; // the peer answers again: the controller reconnects and the node comes back
  await waitFor('ONLINE again', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'ONLINE', 15_000);
  t.is((await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status, 'ONLINE');
});

test('an unreachable satellite stays OFFLINE and the node becomes Online as soon as its satellite starts listening (fake satellite speaking the protocol)', async (t) => {
  const ctl = await withController(t);
  // Reserve a port, close it, register the node there, then start listening.
  const probe = await fakeSatellite(() => {});
  const port = probe.port;
  await new Promise<void>((r) => probe.server.close(() => r()));
  const name = `late-${randomSuffix()}`;
  await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: port }] });
  await new Promise((r) => setTimeout(r, 600));
  t.is((await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status, 'OFFLINE');
  const hello = fakeHello();
  const late = createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => {
      for (const l of d.toString().split('\n').filter(Boolean)) {
        const m = JSON.parse(l);
        if (m.type === 'hello') s.write(`${JSON.stringify(hello('1.0', m))}\n`);
        if (m.type === 'ping') s.write('{"type":"pong"}\n');
      }
    });
  });
  await new Promise<void>((r) => late.listen(port, '127.0.0.1', () => r()));
  t.teardown(() => { late.close(); });
  await waitFor('ONLINE after the satellite appears', async () => (await call(ctl, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'ONLINE', 10_000);
  t.is((await call(ctl, 'GET', `/v1/nodes/${name}`)).body.props?.NodeUname, 'fakehost', 'the node shows what its satellite said in its hello');
});
