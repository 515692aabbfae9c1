import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';

/**
 * Lists served after writes are patched from the change feed (only changed objects are
 * rendered again). `?offset=0` takes the other path, a build from scratch, so after every
 * kind of write both must be the same document, and the gzip form must decode to it.
 */
let cluster: Cluster;
const suffix = randomSuffix();
const rds = Array.from({ length: 12 }, (_, i) => `lp${suffix}${i}`);

test.before(async () => {
  cluster = await startCluster(1);
  const node = cluster.nodes[0]!.name;
  for (const [i, rd] of rds.entries()) {
    await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, props: { 'Aux/idx': String(i % 3) } } });
    await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
    const r = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, { resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
});
test.after.always(async () => { await cluster?.teardown(); });

async function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  // fetch would decode gzip by itself; node's http module shows the bytes on the wire.
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http.get(`${cluster.ctl.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/** The patched list equals a fresh build, and its gzip form (decoded by gzip(1)) equals it too. */
async function assertConsistent(t: any, path: string, what: string): Promise<unknown[]> {
  const sep = path.includes('?') ? '&' : '?';
  const patched = await raw(path);
  const fresh = await raw(`${path}${sep}offset=0`);
  t.is(patched.status, 200, what);
  t.deepEqual(JSON.parse(patched.bytes.toString()), JSON.parse(fresh.bytes.toString()), `${what}: ${path} patched equals rebuilt`);
  const gz = await raw(path, { 'accept-encoding': 'gzip' });
  if (patched.bytes.length < 1024) {
    t.is(gz.headers.get('content-encoding'), null, `${what}: under 1 KiB stays plain`);
    return JSON.parse(patched.bytes.toString()) as unknown[];
  }
  t.is(gz.headers.get('content-encoding'), 'gzip', `${what}: gzip when asked`);
  const gunzip = spawnSync('gzip', ['-dc'], { input: gz.bytes });
  t.is(gunzip.status, 0, `${what}: gzip -t accepts it: ${gunzip.stderr}`);
  t.deepEqual(gunzip.stdout, patched.bytes, `${what}: the gzip form decodes to the same bytes`);
  return JSON.parse(patched.bytes.toString()) as unknown[];
}

const PATHS = ['/v1/view/resources', '/v1/view/resources?props=Aux/idx=1', '/v1/resource-definitions', '/v1/resource-definitions?props=Aux/idx=2'];

test.serial('after every kind of write, patched lists equal a fresh build and gzip decodes to them', async (t) => {
  const node = cluster.nodes[0]!.name;
  const check = async (what: string) => { for (const p of PATHS) await assertConsistent(t, p, what); };
  await check('initial');
  t.true((await raw('/v1/view/resources')).bytes.length >= 1024, 'the whole list is big enough to be compressed');
  // Devices reported by the satellite arrive after the create returned: a report-only change.
  await waitFor('devices reported', async () => {
    const view = (await call<Array<{ name: string; volumes: Array<{ device_path?: string }> }>>(cluster.ctl, 'GET', '/v1/view/resources')).body;
    return view.filter((r) => rds.includes(r.name)).every((r) => r.volumes[0]?.device_path?.startsWith('/dev/loop'));
  });
  await check('after reports');
  await call(cluster.ctl, 'PUT', `/v1/resource-definitions/${rds[1]}`, { override_props: { 'Aux/idx': '1', 'Aux/changed': 'yes' } });
  await check('definition props changed (its resource moves into a filter)');
  await call(cluster.ctl, 'PUT', `/v1/resource-definitions/${rds[2]}/resources/${node}`, { override_props: { 'Aux/idx': '1' } });
  await check('resource props changed');
  await call(cluster.ctl, 'POST', '/v1/controller/properties', { override_props: { 'Aux/everywhere': suffix } });
  await check('controller props (every effective_props changes)');
  await call(cluster.ctl, 'PUT', '/v1/resource-groups/DfltRscGrp', { override_props: { 'Aux/grp': suffix } });
  await check('resource group props');
  await call(cluster.ctl, 'PUT', `/v1/nodes/${node}/storage-pools/${cluster.pool}`, { override_props: { 'Aux/pool': suffix } });
  await check('storage pool props');
  const del = await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rds[3]}`);
  t.true(del.status < 300, JSON.stringify(del.body));
  await check('definition deleted');
  const view = await assertConsistent(t, '/v1/view/resources', 'after delete') as Array<{ name: string }>;
  t.false(view.some((r) => r.name === rds[3]), 'the deleted resource is gone from the patched list');
  // Created again under the same name: it goes to the end, as in a fresh build.
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rds[3] } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rds[3]}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rds[3]}/resources/${node}`, { resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });
  await check('created again');
  await call(cluster.ctl, 'DELETE', '/v1/controller/properties', undefined);
});

test.serial('small responses stay plain; a client that refuses gzip (q=0) gets plain JSON', async (t) => {
  const small = await raw('/v1/controller/version', { 'accept-encoding': 'gzip' });
  t.is(small.headers.get('content-encoding'), null);
  const refused = await raw('/v1/view/resources', { 'accept-encoding': 'gzip;q=0, identity' });
  t.is(refused.headers.get('content-encoding'), null);
  t.true(Array.isArray(JSON.parse(refused.bytes.toString())));
  // curl --compressed, a real client, asks for it and decodes it.
  const curl = spawnSync('curl', ['-sS', '--compressed', '-D', '-', `${cluster.ctl.url}/v1/view/resources`], { encoding: 'utf8' });
  t.is(curl.status, 0, curl.stderr);
  t.regex(curl.stdout, /content-encoding: gzip/i);
  const body = curl.stdout.slice(curl.stdout.indexOf('\r\n\r\n') + 4);
  t.true((JSON.parse(body) as unknown[]).length >= rds.length);
});
