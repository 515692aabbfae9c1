/**
 * Auto-evict with DrbdOptions/AutoEvictMinReplicaCount: four real satellites (FILE_THIN pools
 * on loop devices), one killed; AutoEvictAfterTime counts seconds here (test hook).
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from '../placement-e2e/cluster.js';

let c: PCluster;
test.before(async () => {
  c = await startPlacementCluster(4, { firstAddress: 12, env: { LINSTOR_AUTO_EVICT_AFTER_SECONDS: '2', LINSTOR_AUTOMATISMS_TICK_MS: '300' } });
});
test.after.always(async () => { await c?.teardown(); });

type Json = Record<string, any>;

test.serial('an evicted node\'s replicas are re-placed only for resources left below AutoEvictMinReplicaCount', async (t) => {
  const [n1, n2, n3] = c.nodes.map((n) => n.name);
  const pinned = [n1!, n2!, n3!];
  // Both definitions on n1..n3, so the fourth node is the only place for a new replica.
  const rgKeep = `rgk_${c.suffix}`;
  const rgTop = `rgt_${c.suffix}`;
  await makeGroup(c, rgKeep, { place_count: 3, storage_pool: c.pool, layer_stack: ['STORAGE'], node_name_list: pinned });
  await makeGroup(c, rgTop, { place_count: 3, storage_pool: c.pool, layer_stack: ['STORAGE'], node_name_list: pinned });
  t.true((await call(c.ctl, 'PUT', `/v1/resource-groups/${rgKeep}`, { override_props: { 'DrbdOptions/AutoEvictMinReplicaCount': '2' } })).status < 300);
  const keep = `keep_${c.suffix}`;
  const top = `top_${c.suffix}`;
  for (const [rg, rd] of [[rgKeep, keep], [rgTop, top]] as const) {
    const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4096] });
    t.false(isError(r.body), JSON.stringify(r.body));
  }
  // Re-placement may use any node: lift the pin now that the replicas sit on n1..n3.
  for (const rg of [rgKeep, rgTop]) t.true((await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { select_filter: { node_name_list: [] } })).status < 300);

  const victim = c.nodes[0]!;
  await victim.sat.kill9();
  await waitFor('node evicted', async () => ((await call<Json>(c.ctl, 'GET', `/v1/nodes/${victim.name}`)).body.flags ?? []).includes('EVICTED'), 30_000);
  const topAfter = await waitFor('top re-placed to three', async () => {
    const p = (await placed(c, top)).map((x) => x.node);
    return p.length === 3 && !p.includes(victim.name) ? p : undefined;
  }, 30_000);
  t.true(topAfter.includes(c.nodes[3]!.name), 'the group\'s place count (3) is restored on the fourth node');
  const keepAfter = await waitFor('keep settled', async () => {
    const p = (await placed(c, keep)).map((x) => x.node);
    return !p.includes(victim.name) ? p : undefined;
  }, 30_000);
  t.deepEqual(keepAfter.sort(), [n2!, n3!].sort(), 'two replicas left meet AutoEvictMinReplicaCount=2: no new one');
});
