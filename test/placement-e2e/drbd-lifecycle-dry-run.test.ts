/**
 * DRBD placement and node lifecycle on four real satellites started with --drbd-dry-run (no
 * DRBD kernel module here): the controller's decisions are real, the DRBD commands are planned.
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from './cluster.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(4, { drbdDryRun: true, firstAddress: 11 }); });
test.after.always(async () => { await c?.teardown(); });

const MiB = 1024;
const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
const diskful = (p: { flags: string[] }) => !p.flags.includes('DISKLESS');

async function spawn(rg: string, rd: string): Promise<Rc> {
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4 * MiB] });
  return r.body;
}

test.serial('(dry run) a DRBD spawn with two replicas gets a TIE_BREAKER on a third node; deleting a replica removes it', async (t) => {
  const rg = uniq('rgt');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  const rd = uniq('tb');
  const rc = await spawn(rg, rd);
  t.false(isError(rc), JSON.stringify(rc));
  t.true(rc.some((e) => /Tie breaker resource/.test(e.message)));
  let where = await placed(c, rd);
  t.is(where.filter(diskful).length, 2);
  const tb = where.find((p) => p.flags.includes('TIE_BREAKER'));
  t.truthy(tb, JSON.stringify(where));
  const victim = where.find(diskful)!.node;
  const del = await call<Rc>(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/resources/${victim}`);
  t.false(isError(del.body), JSON.stringify(del.body));
  where = await placed(c, rd);
  t.deepEqual(where.filter((p) => p.flags.includes('TIE_BREAKER')), [], 'one diskful replica left: the tie-breaker is pointless');
  t.is(where.length, 1);
});

test.serial('(dry run) two DRBD definitions placed on the same nodes never share a port there', async (t) => {
  const rg = uniq('rgp');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: [c.nodes[0]!.name, c.nodes[1]!.name] });
  const a = uniq('pa');
  const b = uniq('pb');
  { const sp = await spawn(rg, a); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  { const sp = await spawn(rg, b); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  const port = async (rd: string) => (await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.layer_data?.[0]?.data?.port;
  t.not(await port(a), await port(b), 'resources on the same nodes never share a port');
});

test.serial('(dry run) toggle-disk turns a diskless resource diskful and back; migrate-disk moves the disk and drops the source', async (t) => {
  const rg = uniq('rgg');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  const rd = uniq('tg');
  { const sp = await spawn(rg, rd); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  const where = await placed(c, rd);
  const free = c.nodes.map((n) => n.name).find((n) => !where.some((p) => p.node === n))!;
  const mk = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${free}/make-available`, { diskful: false });
  t.false(isError(mk.body), JSON.stringify(mk.body));
  t.true((await placed(c, rd)).find((p) => p.node === free)!.flags.includes('DISKLESS'));
  const on = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${free}/toggle-disk`, { operation: 'INTO_DRBD_DISKFUL' });
  t.false(isError(on.body), JSON.stringify(on.body));
  t.false((await placed(c, rd)).find((p) => p.node === free)!.flags.includes('DISKLESS'));
  const vol = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${free}/volumes`);
  t.is(vol.body[0]!.storage_pool_name, c.pool);
  const off = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${free}/toggle-disk/diskless`, {});
  t.false(isError(off.body), JSON.stringify(off.body));
  t.true((await placed(c, rd)).find((p) => p.node === free)!.flags.includes('DISKLESS'));
  const src = where.find(diskful)!.node;
  const mig = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${free}/migrate-disk/${src}/${c.pool}`, {});
  t.false(isError(mig.body), JSON.stringify(mig.body));
  const after = await placed(c, rd);
  t.false(after.some((p) => p.node === src), 'the source replica is gone');
  t.true(diskful(after.find((p) => p.node === free)!));
  const again = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${free}/toggle-disk`, { operation: 'INTO_DRBD_DISKFUL' });
  t.regex(again.body[0]!.message, /already has a disk/);
});

test.serial('(dry run) evacuate moves replicas off a node and keeps it out of placement until restore', async (t) => {
  const rg = uniq('rge');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  const rd = uniq('ev');
  { const sp = await spawn(rg, rd); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  const node = (await placed(c, rd)).find(diskful)!.node;
  const ev = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${node}/evacuate`, {});
  t.false(isError(ev.body), JSON.stringify(ev.body));
  const after = await placed(c, rd);
  t.false(after.some((p) => p.node === node), JSON.stringify(after));
  t.is(after.filter(diskful).length, 2, 'the replica count is kept');
  const n = await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${node}`);
  t.true(n.body.flags.includes('EVACUATE'));
  const rd2 = uniq('ev2');
  await makeGroup(c, `${rg}x`, { place_count: 3, storage_pool: c.pool });
  { const sp = await spawn(`${rg}x`, rd2); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  t.false((await placed(c, rd2)).some((p) => p.node === node && diskful(p)), 'an evacuating node gets no new replicas');
  const rs = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${node}/restore`, {});
  t.false(isError(rs.body), JSON.stringify(rs.body));
  t.false((await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${node}`)).body.flags?.includes('EVACUATE') ?? false);
});

test.serial('(dry run) evacuate --target and --do-not-target choose where the new replica goes; an unknown node is refused before anything moves', async (t) => {
  const rg = uniq('rgtt');
  const [n1, n2, n3, n4] = c.nodes.map((n) => n.name) as [string, string, string, string];
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: [n1, n2] });
  const rd = uniq('evt');
  { const sp = await spawn(rg, rd); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  // The group's own list (n1, n2) is set aside by neither option: widen it for this test.
  await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { select_filter: { node_name_list: [] } });
  const bad = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/evacuate`, { target: ['no-such-node'] });
  t.true(isError(bad.body));
  t.regex(JSON.stringify(bad.body), /no-such-node/);
  t.false((await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${n1}`)).body.flags?.includes('EVACUATE') ?? false, 'nothing flagged');
  t.teardown(async () => { for (const n of [n1, n2]) await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n}/restore`, {}); });
  // n3 is the only allowed target left once n4 is excluded.
  const ev = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/evacuate`, { do_not_target: [n4] });
  t.false(isError(ev.body), JSON.stringify(ev.body));
  let after = await placed(c, rd);
  t.deepEqual(after.filter(diskful).map((p) => p.node).sort(), [n2, n3].sort(), JSON.stringify(after));
  t.false((await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/restore`, {})).body.some((e) => e.ret_code < 0));
  // --target n1: the replica leaving n2 goes back to n1 (n4 also qualifies without the option).
  const ev2 = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n2}/evacuate`, { target: [n1] });
  t.false(isError(ev2.body), JSON.stringify(ev2.body));
  after = await placed(c, rd);
  t.deepEqual(after.filter(diskful).map((p) => p.node).sort(), [n1, n3].sort(), JSON.stringify(after));
});

test.serial('(dry run) node restore --delete-resources drops the node\'s replicas but keeps a last diskful one; --delete-snapshots drops its snapshots', async (t) => {
  const [n1, n2] = c.nodes.map((n) => n.name) as [string, string];
  const rg = uniq('rgdr');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: [n1, n2] });
  const rgOne = uniq('rgd1');
  await makeGroup(c, rgOne, { place_count: 1, storage_pool: c.pool, node_name_list: [n1] });
  const two = uniq('dr2');
  const one = uniq('dr1');
  for (const [g, rd] of [[rg, two], [rgOne, one]] as const) { const sp = await spawn(g, rd); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  const snap = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${two}/snapshots`, { name: 'before' });
  t.false(isError(snap.body), JSON.stringify(snap.body));
  t.teardown(async () => { await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/restore`, {}); });
  // Nowhere to go (the groups allow n1 and n2 only): both stay on n1, flagged.
  const ev = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/evacuate`, {});
  t.regex(JSON.stringify(ev.body), /stays on node|cannot be moved/);
  t.true((await placed(c, two)).some((p) => p.node === n1));
  const rs = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${n1}/restore`, { delete_resources: true, delete_snapshots: true });
  t.false(isError(rs.body), JSON.stringify(rs.body));
  t.deepEqual((await placed(c, two)).filter(diskful).map((p) => p.node), [n2], 'the replica on the restored node is gone');
  t.deepEqual((await placed(c, one)).map((p) => [p.node, p.flags.includes('EVACUATE')]), [[n1, false]], 'the last copy stays, no longer flagged');
  t.regex(JSON.stringify(rs.body), new RegExp(`Not deleting resource ${one} since it is the last non-deleting diskful resource`));
  const s = await call<Array<{ nodes: string[] }>>(c.ctl, 'GET', `/v1/resource-definitions/${two}/snapshots/before`);
  t.deepEqual((s.body as unknown as { nodes: string[] }).nodes, [n2], 'the snapshot is gone from the restored node only');
});

test.serial('(dry run) no cluster-wide port ceiling: with TcpPortAutoRange of two ports, disjoint node pairs each hold two resources', async (t) => {
  const set = await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { TcpPortAutoRange: '7700-7701' } });
  t.true(set.status < 300, JSON.stringify(set.body));
  t.teardown(async () => { await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['TcpPortAutoRange'] }); });
  const [n1, n2, n3, n4] = c.nodes.map((n) => n.name);
  const pairs = [[n1!, n2!], [n3!, n4!]];
  const rgs = pairs.map((_, i) => uniq(`rgr${i}`));
  for (const [i, p] of pairs.entries()) await makeGroup(c, rgs[i]!, { place_count: 2, storage_pool: c.pool, node_name_list: p, layer_stack: ['DRBD', 'STORAGE'] });
  const made: string[] = [];
  for (const rg of rgs) {
    for (let k = 0; k < 2; k++) {
      const rd = uniq('rng');
      const rc = await spawn(rg, rd);
      t.false(isError(rc), JSON.stringify(rc.filter((e) => e.ret_code < 0)));
      made.push(rd);
    }
  }
  const third = await spawn(rgs[0]!, uniq('full'));
  t.true(isError(third), 'a third resource on the same two nodes finds no free port there');
  t.regex(JSON.stringify(third), /No free TCP port/);
  for (const rd of made) await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
});

test.serial('(dry run) node lost removes the node and its resources without contacting it; peers keep theirs', async (t) => {
  const rg = uniq('rgl');
  const victim = c.nodes[3]!;
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: [c.nodes[2]!.name, victim.name] });
  const rd = uniq('lost');
  { const sp = await spawn(rg, rd); t.false(isError(sp), JSON.stringify(sp.filter((e) => e.ret_code < 0))); }
  await victim.sat.kill9();
  await waitFor('victim offline', async () => (await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).body.connection_status !== 'ONLINE');
  const r = await call<Rc>(c.ctl, 'DELETE', `/v1/nodes/${victim.name}/lost`);
  t.is(r.status, 200, JSON.stringify(r.body));
  t.is((await call(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).status, 404);
  const where = await placed(c, rd);
  t.deepEqual(where.map((p) => p.node), [c.nodes[2]!.name]);
});
