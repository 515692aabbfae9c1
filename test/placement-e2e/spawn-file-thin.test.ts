import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from './cluster.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(3); });
test.after.always(async () => { await c?.teardown(); });

const MiB = 1024;
const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;

async function devicePath(rd: string, node: string): Promise<string> {
  return waitFor(`device of ${rd} on ${node}`, async () => {
    const v = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
    const d = v.body?.[0]?.device_path;
    return typeof d === 'string' && d.startsWith('/dev/') ? d : undefined;
  }, 30_000);
}

test.serial('spawning from a group with place count 2 puts two real FILE_THIN replicas on two of the three nodes', async (t) => {
  const rg = uniq('rg');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['STORAGE'] }, 2);
  const rd = uniq('res');
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [8 * MiB, 4 * MiB] });
  t.is(r.status, 201, JSON.stringify(r.body));
  t.false(isError(r.body), JSON.stringify(r.body));
  t.true(r.body.some((e) => /successfully autoplaced on 2 nodes/.test(e.message)));
  const where = await placed(c, rd);
  t.is(where.length, 2);
  for (const w of where) t.regex(await devicePath(rd, w.node), /^\/dev\/loop/);
  const vds = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/volume-definitions`);
  t.deepEqual(vds.body.map((v) => [v.volume_number, v.size_kib]), [[0, 8 * MiB], [1, 4 * MiB]]);
  const def = await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}`);
  t.is(def.body.resource_group_name, rg);
});

test.serial('the same name spawned twice at once gives exactly one definition; the loser gets "already exists"', async (t) => {
  const rg = uniq('rgc');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('race');
  const body = { resource_definition_name: rd, volume_sizes: [4 * MiB] };
  const [a, b] = await Promise.all([0, 1].map(() => call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, body)));
  const outcomes = [a!, b!].map((x) => isError(x.body) ? 'error' : 'ok').sort();
  t.deepEqual(outcomes, ['error', 'ok']);
  const loser = [a!, b!].find((x) => isError(x.body))!;
  t.regex(loser.body[0]!.message, /already exists/);
  const list = await call<Array<Record<string, any>>>(c.ctl, 'GET', '/v1/resource-definitions');
  t.is(list.body.filter((d) => d.name === rd).length, 1);
  t.is((await placed(c, rd)).length, 2, 'the winner is complete: two replicas');
});

test.serial('spawns of different names at once all succeed and each gets its replicas', async (t) => {
  const rg = uniq('rgp');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const names = [0, 1, 2, 3].map(() => uniq('par'));
  const res = await Promise.all(names.map((n) => call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: n, volume_sizes: [2 * MiB] })));
  for (const r of res) t.false(isError(r.body), JSON.stringify(r.body));
  for (const n of names) t.is((await placed(c, n)).length, 2);
});

test.serial('a spawn that cannot be placed names the failed constraint and leaves nothing behind', async (t) => {
  const rg = uniq('rgf');
  await makeGroup(c, rg, { place_count: 4, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('nope');
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4 * MiB] });
  t.is(r.status, 500);
  t.regex(r.body[0]!.message, /Not enough available nodes/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404, 'no half-made definition');
});

test.serial('DRBD resources are refused on satellites without the DRBD module, with a message saying so', async (t) => {
  const rg = uniq('rgd');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  const rd = uniq('drbd');
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4 * MiB] });
  t.true(isError(r.body));
  t.regex(JSON.stringify(r.body), /DRBD/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404);
});

test.serial('autoplace: --auto-place 3 tops up to three replicas, then +1 says there is no fourth node', async (t) => {
  const rg = uniq('rga');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('auto');
  t.false(isError((await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [2 * MiB] })).body));
  t.is((await placed(c, rd)).length, 1);
  const three = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/autoplace`, { select_filter: { place_count: 3 } });
  t.false(isError(three.body), JSON.stringify(three.body));
  t.is((await placed(c, rd)).length, 3);
  const more = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/autoplace`, { select_filter: { additional_place_count: 1 } });
  t.true(isError(more.body));
  t.regex(more.body[0]!.message, /Not enough available nodes/);
});

test.serial('autoplace +1 adds exactly one replica; do-not-place-with keeps two resources apart', async (t) => {
  const rg = uniq('rgb');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const a = uniq('apart');
  await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: a, volume_sizes: [2 * MiB] });
  const plus = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${a}/autoplace`, { select_filter: { additional_place_count: 1 } });
  t.false(isError(plus.body), JSON.stringify(plus.body));
  const aNodes = (await placed(c, a)).map((p) => p.node);
  t.is(aNodes.length, 2);
  const b = uniq('other');
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: b, volume_sizes: [2 * MiB], select_filter: { not_place_with_rsc: [a] } });
  t.false(isError(r.body), JSON.stringify(r.body));
  const bNodes = (await placed(c, b)).map((p) => p.node);
  t.deepEqual(bNodes.filter((n) => aNodes.includes(n)), []);
});

test.serial('size queries: query-size-info, query-all-size-info (Proxmox) and query-max-volume-size answer from reported capacity', async (t) => {
  const rg = uniq('rgs');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const info = await call<Record<string, any>>(c.ctl, 'POST', `/v1/resource-groups/${rg}/query-size-info`, {});
  t.is(info.status, 200);
  t.true(info.body.space_info.max_vlm_size_in_kib > 0);
  t.true(info.body.space_info.capacity_in_kib > 0);
  t.is(info.body.space_info.next_spawn_result.length, 2);
  t.is(info.body.space_info.next_spawn_result[0].stor_pool_name, c.pool);
  const all = await call<Record<string, any>>(c.ctl, 'POST', '/v1/queries/resource-groups/query-all-size-info', {});
  t.true(all.body.result[rg].space_info.max_vlm_size_in_kib > 0);
  const mx = await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-groups/${rg}/query-max-volume-size`);
  t.is(mx.body.candidates[0].storage_pool, c.pool);
  t.is(mx.body.candidates[0].node_names.length, 2);
  t.true(mx.body.candidates[0].all_thin);
  const opt = await call<Record<string, any>>(c.ctl, 'OPTIONS', '/v1/query-max-volume-size', { place_count: 3 });
  t.is(opt.body.candidates[0].node_names.length, 3);
  const four = await call<Record<string, any>>(c.ctl, 'POST', `/v1/resource-groups/${rg}/query-size-info`, { select_filter: { place_count: 4 } });
  t.is(four.body.space_info.max_vlm_size_in_kib, 0);
  t.regex(four.body.reports[0].message, /Not enough available nodes/);
});

test.serial('adjust applies a raised place count of the group to its existing resources', async (t) => {
  const rg = uniq('rgj');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('adj');
  await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [2 * MiB] });
  t.is((await placed(c, rd)).length, 1);
  const mod = await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { select_filter: { place_count: 2 } });
  t.is(mod.status, 200, JSON.stringify(mod.body));
  const adj = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/adjust`, {});
  t.false(isError(adj.body), JSON.stringify(adj.body));
  t.is((await placed(c, rd)).length, 2);
});

test.serial('make-available diskful:true on a node without the resource creates a diskful replica in the autoplacer\'s pool', async (t) => {
  const rg = uniq('rgm');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('mk');
  await call(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [2 * MiB] });
  const first = (await placed(c, rd))[0]!.node;
  const other = c.nodes.find((n) => n.name !== first)!.name;
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${other}/make-available`, { diskful: true, layer_list: ['STORAGE'] });
  t.false(isError(r.body), JSON.stringify(r.body));
  const vol = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${other}/volumes`);
  t.is(vol.body[0]!.storage_pool_name, c.pool);
  t.regex(await devicePath(rd, other), /^\/dev\/loop/);
  const again = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${other}/make-available`, { diskful: true });
  t.regex(again.body[0]!.message, /already exists/);
});
