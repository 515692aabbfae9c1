import test from 'ava';
import { readdirSync } from 'node:fs';
import { randomSuffix } from '../helpers/satellite.js';
import { call, deploy, startSnapshotCluster, waitFor, type SnapCluster } from './snapshot-cluster.js';

// Test hook: AutoSnapshot/RunEvery counts seconds instead of minutes in this controller.
let c: SnapCluster;
test.before(async () => { c = await startSnapshotCluster({ LINSTOR_AUTO_SNAPSHOT_RUN_EVERY_IN_SECONDS: '1' }); });
test.after.always(async () => { await c?.teardown(); });

test('automatic snapshots are taken every RunEvery, only the newest Keep are kept, and manual ones are never removed', async (t) => {
  const rd = `auto-${randomSuffix()}`;
  const n1 = c.nodes[0]!.name;
  await deploy(c, rd, 8 * 1024, [n1]);
  t.is((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: 'manual1' })).status, 201);
  const set = await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'AutoSnapshot/RunEvery': '1', 'AutoSnapshot/Keep': '2' } });
  t.is(set.status, 200, JSON.stringify(set.body));

  await waitFor('four automatic snapshots taken', async () =>
    Number((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props?.['AutoSnapshot/NextAutoId'] ?? 0) >= 4, 30_000, 250);
  // Stop the schedule, then look at what is left once the last run settled.
  await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { delete_props: ['AutoSnapshot/RunEvery'] });
  await new Promise((r) => setTimeout(r, 1500));

  const snaps = (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string; flags: string[] }>;
  const names = snaps.map((s) => s.name);
  t.true(names.includes('manual1'), 'the manual snapshot survives');
  const autos = snaps.filter((s) => s.flags.includes('AUTO_SNAPSHOT'));
  t.is(autos.length, 2, JSON.stringify(names));
  for (const a of autos) t.regex(a.name, /^autoSnap\d{5}$/);
  t.false(names.includes('autoSnap00001'), 'the oldest automatic snapshots were deleted');
  const files = readdirSync(c.nodes[0]!.pool.dir).filter((f) => f.startsWith(`${rd}_00000_`)).sort();
  t.deepEqual(files, names.map((n) => `${rd}_00000_${n}.img`).sort(), 'the node holds exactly the listed snapshots');
});
