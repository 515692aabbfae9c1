import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from './cluster.js';

let c: PCluster;
// The test hook counts AutoEvictAfterTime in seconds instead of minutes.
test.before(async () => { c = await startPlacementCluster(4, { env: { LINSTOR_AUTO_EVICT_AFTER_SECONDS: '2', LINSTOR_AUTOMATISMS_TICK_MS: '300' } }); });
test.after.always(async () => { await c?.teardown(); });

test.serial('a satellite offline longer than AutoEvictAfterTime is EVICTED and its replica re-placed on another node', async (t) => {
  const rg = `rgx_${c.suffix}`;
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = `evict_${c.suffix}`;
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4096] });
  t.false(isError(r.body), JSON.stringify(r.body));
  const before = (await placed(c, rd)).map((p) => p.node);
  const victim = c.nodes.find((n) => n.name === before[0])!;
  await victim.sat.kill9();
  await waitFor('node evicted', async () => ((await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).body.flags ?? []).includes('EVICTED'), 30_000);
  const after = await waitFor('replica re-placed', async () => {
    const p = (await placed(c, rd)).map((x) => x.node);
    return p.length === 2 && !p.includes(victim.name) ? p : undefined;
  }, 30_000);
  t.true(after.includes(before[1]!), 'the surviving replica stays');
  // Back online: restore takes the EVICTED flag away.
  await victim.start();
  const rs = await call<Rc>(c.ctl, 'PUT', `/v1/nodes/${victim.name}/restore`, {});
  t.false(isError(rs.body), JSON.stringify(rs.body));
  t.false(((await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).body.flags ?? []).includes('EVICTED'));
});

test.serial('nothing is evicted while AutoEvictAllowEviction is false on the node', async (t) => {
  const victim = c.nodes[3]!;
  const mod = await call(c.ctl, 'PUT', `/v1/nodes/${victim.name}`, { override_props: { 'DrbdOptions/AutoEvictAllowEviction': 'false' } });
  t.is(mod.status, 200, JSON.stringify(mod.body));
  await victim.sat.kill9();
  await new Promise((r) => setTimeout(r, 4000));
  t.false(((await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).body.flags ?? []).includes('EVICTED'));
});
