import { createServer, type Server, type Socket } from 'node:net';
import test from 'ava';
import { helloIdentity, newNodeKey } from '../../core/model/pairing.js';
import { startController, type TestController } from '../helpers/controller.js';

/**
 * A fake satellite (no real devices): speaks the controller–satellite protocol on 127.0.0.1,
 * reports the pool capacities the test sets and answers every apply with a report, failing
 * resources whose name starts with "fail".
 */
interface FakeSatellite { port: number; server: Server; pools: Map<string, { free: number; total: number }>; applies: number }
async function fakeSatellite(nodeName: string): Promise<FakeSatellite> {
  const fake: FakeSatellite = { port: 0, server: undefined as unknown as Server, pools: new Map(), applies: 0 };
  const sockets = new Set<Socket>();
  const nodeKey = newNodeKey();
  let paired = false;
  fake.server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const send = (m: unknown) => sock.write(`${JSON.stringify(m)}\n`);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.type === 'hello') {
          send({ type: 'hello', version: '1.0', nodeName, uname: nodeName, providers: ['DISKLESS', 'FILE', 'FILE_THIN'], layers: ['DRBD', 'STORAGE'], unsupportedProviders: {}, unsupportedLayers: {}, ...helloIdentity(nodeKey, !paired, msg.clusterId, msg.nonce) });
          paired = true;
        } else if (msg.type === 'ping') {
          send({ type: 'pong' });
        } else if (msg.type === 'apply') {
          fake.applies++;
          const st = msg.state;
          send({
            type: 'report', seq: msg.seq, report: {
              nodeName,
              storagePools: st.storagePools.map((p: { name: string; providerKind: string }) => ({
                name: p.name, providerKind: p.providerKind, supportsSnapshots: false,
                freeCapacityKib: fake.pools.get(p.name)?.free ?? 0, totalCapacityKib: fake.pools.get(p.name)?.total ?? 0,
              })),
              resources: st.resources.filter((r: { flags: string[] }) => !r.flags.includes('DELETE')).map((r: { name: string; volumes: Array<{ volumeNumber: number; sizeKib: number }> }) => (r.name.startsWith('fail')
                ? { name: r.name, ready: false, volumes: [], error: { message: `Failed to create volume of resource '${r.name}'`, cause: 'losetup: no free loop device (fake)' } }
                : { name: r.name, ready: true, inUse: false, volumes: r.volumes.map((v) => ({ volumeNumber: v.volumeNumber, devicePath: '/dev/loop99', allocatedSizeKib: v.sizeKib, usableSizeKib: v.sizeKib, diskState: 'UpToDate' })) })),
            },
          });
        }
      }
    });
  });
  await new Promise<void>((res) => fake.server.listen(0, '127.0.0.1', () => res()));
  fake.port = (fake.server.address() as { port: number }).port;
  const close = fake.server.close.bind(fake.server);
  fake.server.close = ((cb?: (err?: Error) => void) => { for (const s of sockets) s.destroy(); return close(cb); }) as typeof fake.server.close;
  return fake;
}

let ctl: TestController;
let sat: FakeSatellite;
test.before(async () => {
  sat = await fakeSatellite('cap1');
  sat.pools.set('thick', { free: 100_000, total: 200_000 });
  sat.pools.set('thin', { free: 10_000, total: 10_000 });
  ctl = await startController({ env: { LINSTOR_SATELLITE_RECONNECT_MIN_MS: '50' } });
  await call('POST', '/v1/nodes', { name: 'cap1', type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: sat.port }] });
  await call('POST', '/v1/nodes/cap1/storage-pools', { storage_pool_name: 'thick', provider_kind: 'FILE', props: { 'StorDriver/FileDir': '/tmp/unused-thick' } });
  await call('POST', '/v1/nodes/cap1/storage-pools', { storage_pool_name: 'thin', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/tmp/unused-thin' } });
  for (let i = 0; i < 100; i++) {
    const pools = (await call('GET', '/v1/nodes/cap1/storage-pools')).body as Array<{ storage_pool_name: string; free_capacity?: number }>;
    const node = (await call('GET', '/v1/nodes/cap1')).body as { connection_status: string };
    if (node.connection_status === 'ONLINE' && pools.some((p) => p.storage_pool_name === 'thin' && p.free_capacity !== undefined)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
test.after.always(async () => {
  await ctl?.stop();
  await new Promise((r) => sat?.server.close(() => r(undefined)));
});

type Rc = { ret_code: number; message: string; cause?: string; obj_refs?: Record<string, string> };
async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${ctl.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}
const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 8)}`;
async function rd(prefix: string, sizeKib: number): Promise<string> {
  const name = uniq(prefix);
  await call('POST', '/v1/resource-definitions', { resource_definition: { name, layer_data: [{ type: 'STORAGE' }] } });
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: sizeKib } });
  return name;
}

test.serial('a volume larger than a thick pool\'s reported free space fails and creates nothing (fake satellite)', async (t) => {
  const name = await rd('big', 150_000);
  const r = await call('POST', `/v1/resource-definitions/${name}/resources/cap1`, { resource: { props: { StorPoolName: 'thick' } } });
  t.is(r.status, 500);
  const [rc] = r.body as Rc[];
  t.is(rc!.message, `Not enough free space available for volume 0 of resource '${name}'.`);
  t.regex(rc!.cause!, /'thick' on node 'cap1' can take 100000 KiB/);
  t.deepEqual((await call('GET', `/v1/resource-definitions/${name}/resources`)).body, []);
});

test.serial('a fitting volume is created and the satellite\'s report shows in the volume list (fake satellite)', async (t) => {
  const name = await rd('fit', 50_000);
  const r = await call('POST', `/v1/resource-definitions/${name}/resources/cap1`, { resource: { props: { StorPoolName: 'thick' } } });
  t.is(r.status, 201);
  t.is((r.body as Rc[]).at(-1)!.message, `Created resource '${name}' on 'cap1'`);
  const v = (await call('GET', `/v1/resource-definitions/${name}/resources/cap1/volumes/0`)).body;
  t.is(v.device_path, '/dev/loop99');
  t.is(v.allocated_size_kib, 50_000);
  t.is(v.state.disk_state, 'UpToDate');
  const rsc = (await call('GET', `/v1/resource-definitions/${name}/resources/cap1`)).body;
  t.deepEqual(rsc.state, { in_use: false });
  const del = await call('DELETE', `/v1/resource-definitions/${name}`);
  t.is(del.status, 200);
  t.true((del.body as Rc[]).some((e) => e.message === `Deleted '${name}' on 'cap1'`));
});

test.serial('thin pools may be oversubscribed up to the ratio, not beyond (fake satellite)', async (t) => {
  // 10,000 KiB free x MaxOversubscriptionRatio 20 = 200,000 KiB.
  const ok = await rd('thin', 150_000);
  t.is((await call('POST', `/v1/resource-definitions/${ok}/resources/cap1`, { resource: { props: { StorPoolName: 'thin' } } })).status, 201);
  const tooMuch = await rd('thin', 60_000);
  const r = await call('POST', `/v1/resource-definitions/${tooMuch}/resources/cap1`, { resource: { props: { StorPoolName: 'thin' } } });
  t.is(r.status, 500);
  t.regex((r.body as Rc[])[0]!.message, /Not enough free space/);
});

test.serial('a satellite\'s deployment failure comes back as an error entry and the resource is kept (fake satellite)', async (t) => {
  const name = uniq('fail');
  await call('POST', '/v1/resource-definitions', { resource_definition: { name, layer_data: [{ type: 'STORAGE' }] } });
  await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 1000 } });
  const r = await call('POST', `/v1/resource-definitions/${name}/resources/cap1`, { resource: { props: { StorPoolName: 'thick' } } });
  t.is(r.status, 500);
  const err = (r.body as Rc[]).at(-1)!;
  t.is(err.message, `(cap1) Failed to create volume of resource '${name}'`);
  t.is(err.cause, 'losetup: no free loop device (fake)');
  t.is((r.body as Rc[])[0]!.message, `New resource '${name}' on node 'cap1' registered.`);
  t.is((await call('GET', `/v1/resource-definitions/${name}/resources/cap1`)).status, 200);
});
