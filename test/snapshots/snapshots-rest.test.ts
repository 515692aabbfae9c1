import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomSuffix } from '../helpers/satellite.js';
import { checksum, writePattern } from './fs-pool.js';
import { call, deploy, devices, hasError, messages, startSnapshotCluster, waitFor, type SnapCluster } from './snapshot-cluster.js';

let c: SnapCluster;
test.before(async () => { c = await startSnapshotCluster(); });
test.after.always(async () => { await c?.teardown(); });

const MIB = 8;

test.serial('a snapshot taken on xfs and ext4 nodes restores into a new resource with the data as it was', async (t) => {
  const rd = `vm-${randomSuffix()}`;
  const [n1, n2] = c.nodes.map((n) => n.name) as [string, string];
  const dev = await deploy(c, rd, 32 * 1024, [n1, n2]);
  for (const n of [n1, n2]) writePattern(dev[n]!, `orig-${n}`, MIB);
  const orig = Object.fromEntries([n1, n2].map((n) => [n, checksum(dev[n]!, MIB)]));

  const s = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'snap1' });
  t.is(s.status, 201, JSON.stringify(s.body));
  t.is(messages(s.body)[0], `New snapshot 'snap1' of resource '${rd}' registered.`);
  t.true(messages(s.body).includes(`Took snapshot of '${rd}' on '${n1}'`));
  const got = await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots/snap1`);
  t.deepEqual(got.body.flags, ['SUCCESSFUL']);
  t.deepEqual(got.body.nodes, [n1, n2]);
  t.is(got.body.volume_definitions[0].size_kib, 32 * 1024);
  t.is(typeof got.body.snapshots[0].create_timestamp, 'number');
  t.true(existsSync(join(c.nodes[0]!.pool.dir, `${rd}_00000_snap1.img`)));
  const pools = await call(c.ctl, 'GET', `/v1/nodes/${n1}/storage-pools/thin`);
  t.is(pools.body.static_traits.SupportsSnapshots, 'true');

  for (const n of [n1, n2]) writePattern(dev[n]!, `new-${n}`, MIB);

  const target = `${rd}-r`;
  const vd = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-restore-volume-definition/snap1`, { to_resource: target });
  t.is(vd.status, 200, JSON.stringify(vd.body));
  const rs = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-restore-resource/snap1`, { to_resource: target });
  t.is(rs.status, 200, JSON.stringify(rs.body));
  t.false(hasError(rs.body), JSON.stringify(rs.body));
  const restored = await devices(c, target, [n1, n2]);
  for (const n of [n1, n2]) t.is(checksum(restored[n]!, MIB), orig[n], `restored data on ${n}`);

  const view = await call(c.ctl, 'GET', `/v1/view/snapshots?resources=${rd}`);
  t.deepEqual(view.body.map((x: { name: string }) => x.name), ['snap1']);
});

test.serial('rollback goes only to the most recent snapshot and brings the data back; the definition keeps its snapshots', async (t) => {
  const rd = `db-${randomSuffix()}`;
  const [n1, n2] = c.nodes.map((n) => n.name) as [string, string];
  const dev = await deploy(c, rd, 16 * 1024, [n1, n2]);
  writePattern(dev[n1]!, 'v1', MIB);
  const v1 = checksum(dev[n1]!, MIB);
  t.is((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'first' })).status, 201);
  writePattern(dev[n1]!, 'v2', MIB);
  t.is((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'second' })).status, 201);
  writePattern(dev[n1]!, 'v3', MIB);

  const older = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-rollback/first`);
  t.is(older.status, 500);
  t.is(messages(older.body)[0], `Cannot roll back resource '${rd}' to snapshot 'first' because it is not the most recent snapshot.`);
  t.regex(older.body[0].correction, /Delete the newer snapshots first/);

  const rdDel = await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  t.is(rdDel.status, 500);
  t.is(messages(rdDel.body)[0], `Cannot delete resource definition '${rd}' because it has snapshots.`);

  t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/snapshots/second`)).status, 200);
  t.false(existsSync(join(c.nodes[0]!.pool.dir, `${rd}_00000_second.img`)));
  const rb = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-rollback/first`);
  t.is(rb.status, 200, JSON.stringify(rb.body));
  t.false(hasError(rb.body), JSON.stringify(rb.body));
  t.is(checksum(dev[n1]!, MIB), v1, 'data is back to the snapshot, on the same device');

  // Deleting a resource keeps its snapshots.
  t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/resources/${n2}`)).status, 200);
  await waitFor('volume file removed', () => !existsSync(join(c.nodes[1]!.pool.dir, `${rd}_00000.img`)));
  t.true(existsSync(join(c.nodes[1]!.pool.dir, `${rd}_00000_first.img`)));
  t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots/first`)).body.nodes, [n1, n2]);
  // Deleting the snapshot on node 2 alone removes its data there only.
  t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/snapshots/first?nodes=${n2}`)).status, 200);
  t.false(existsSync(join(c.nodes[1]!.pool.dir, `${rd}_00000_first.img`)));
  t.true(existsSync(join(c.nodes[0]!.pool.dir, `${rd}_00000_first.img`)));
});

test.serial('a resource definition cloned through the clone API reports CLONING then COMPLETE and holds the same data', async (t) => {
  const rd = `tpl-${randomSuffix()}`;
  const [n1, n2] = c.nodes.map((n) => n.name) as [string, string];
  const dev = await deploy(c, rd, 16 * 1024, [n1, n2]);
  for (const n of [n1, n2]) writePattern(dev[n]!, `tpl-${n}`, MIB);
  const sums = Object.fromEntries([n1, n2].map((n) => [n, checksum(dev[n]!, MIB)]));
  const cl = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/clone`, { name: `${rd}-c` });
  t.is(cl.status, 201, JSON.stringify(cl.body));
  t.is(cl.body.location, `/v1/resource-definitions/${rd}/clone/${rd}-c`);
  t.is(cl.body.clone_name, `${rd}-c`);
  const status = await waitFor('clone finished', async () => {
    const st = (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/clone/${rd}-c`)).body.status as string;
    return st === 'CLONING' ? undefined : st;
  }, 30_000);
  t.is(status, 'COMPLETE');
  const cdev = await devices(c, `${rd}-c`, [n1, n2]);
  for (const n of [n1, n2]) t.is(checksum(cdev[n]!, MIB), sums[n]);
  t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body, [], 'the clone snapshot is removed');
  t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}-c/sync-status`)).body, { synced_on_all: true });
});

test.serial('multi-snapshot takes one snapshot of several resources at once', async (t) => {
  const a = `ma-${randomSuffix()}`;
  const b = `mb-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  await deploy(c, a, 8 * 1024, [n1]);
  await deploy(c, b, 8 * 1024, [n1]);
  const r = await call(c.ctl, 'POST', '/v1/actions/snapshot/multi', { snapshots: [{ name: 'both', resource_name: a }, { name: 'both', resource_name: b }] });
  t.is(r.status, 201, JSON.stringify(r.body));
  for (const rd of [a, b]) t.deepEqual((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots/both`)).body.flags, ['SUCCESSFUL']);
});

test.serial('a snapshot of a resource on a thick FILE pool is refused with LINSTOR\'s message', async (t) => {
  const n1 = c.nodes[0]!.name;
  const dir = join(c.nodes[0]!.pool.dir, '..', `thick-${randomSuffix()}`);
  (await import('node:fs')).mkdirSync(dir);
  t.is((await call(c.ctl, 'POST', `/v1/nodes/${n1}/storage-pools`, { storage_pool_name: 'thick', provider_kind: 'FILE', props: { 'StorDriver/FileDir': dir } })).status, 201);
  const pool = await call(c.ctl, 'GET', `/v1/nodes/${n1}/storage-pools/thick`);
  t.is(pool.body.static_traits.SupportsSnapshots, 'false');
  const rd = `fat-${randomSuffix()}`;
  await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: n1, props: { StorPoolName: 'thick' } }, layer_list: ['STORAGE'] }]);
  const s = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'nope' });
  t.is(s.status, 500);
  t.is(messages(s.body)[0], "Storage driver 'FILE' does not support snapshots.");
  t.is(s.body[0].details, `Used for storage pool 'thick' on '${n1}'.`);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body.length, 0);
});

test.serial('snapshots survive a controller restart and are never re-taken from newer data', async (t) => {
  const rd = `keep-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  const dev = await deploy(c, rd, 8 * 1024, [n1]);
  writePattern(dev[n1]!, 'before', MIB);
  const before = checksum(dev[n1]!, MIB);
  t.is((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'kept' })).status, 201);
  writePattern(dev[n1]!, 'after', MIB);
  await c.ctl.restart();
  await waitFor('node online again', async () => (await call(c.ctl, 'GET', `/v1/nodes/${n1}`)).body.connection_status === 'ONLINE');
  const s = await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots/kept`);
  t.deepEqual(s.body.flags, ['SUCCESSFUL']);
  const rs = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-restore-resource/kept`, { to_resource: `${rd}-r`, nodes: [n1] });
  t.is(rs.status, 200, JSON.stringify(rs.body));
  const restored = await devices(c, `${rd}-r`, [n1]);
  t.is(checksum(restored[n1]!, MIB), before);
});
