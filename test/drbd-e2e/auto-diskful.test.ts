/**
 * Auto-diskful through the controller with four --drbd-dry-run satellites. A dry run never
 * promotes anything, so the test-only resource prop `Aux/test/primary=true` makes the dry-run
 * DRBD layer report that resource as Primary (in use) — it stands in for a real `drbdadm primary`
 * and the satellite's plan says so. Everything the controller does with it is real.
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from '../placement-e2e/cluster.js';
import { resFile, section } from './helpers.js';

let c: PCluster;
// auto-diskful counts seconds instead of minutes here (the prop must still be set to turn it on).
test.before(async () => {
  c = await startPlacementCluster(4, { drbdDryRun: true, firstAddress: 8, env: { LINSTOR_AUTO_DISKFUL_AFTER_SECONDS: '1', LINSTOR_AUTOMATISMS_TICK_MS: '300' } });
});
test.after.always(async () => { await c?.teardown(); });

const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
type Json = Record<string, any>;
const diskless = (p: { flags: string[] }) => p.flags.includes('DISKLESS');

async function clientInUse(rgProps: Record<string, string>): Promise<{ rd: string; client: string }> {
  const rg = uniq('rga');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: c.nodes.slice(0, 2).map((n) => n.name) });
  if (Object.keys(rgProps).length) {
    const m = await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { override_props: rgProps });
    if (m.status >= 300) throw new Error(JSON.stringify(m.body));
  }
  const rd = uniq('ad');
  const sp = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4096] });
  if (isError(sp.body)) throw new Error(JSON.stringify(sp.body));
  const client = c.nodes[3]!.name;
  const cr = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: client, flags: ['DRBD_DISKLESS'], props: { 'Aux/test/primary': 'true' } } }]);
  if (isError(cr.body)) throw new Error(JSON.stringify(cr.body));
  return { rd, client };
}

test.serial('(dry run, Aux/test/primary stands in for a Primary) a diskless client in use longer than auto-diskful becomes diskful, and with cleanup an unused replica goes', async (t) => {
  const { rd, client } = await clientInUse({ 'DrbdOptions/auto-diskful': '1', 'DrbdOptions/auto-diskful-allow-cleanup': 'true' });
  const inUse = await waitFor('client reported in use', async () => {
    const r = await call<Json>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${client}`);
    return r.body.state?.in_use === true ? r.body : undefined;
  });
  t.true(inUse.state.in_use);
  const clientNode = c.nodes.find((n) => n.name === client)!;
  const after = await waitFor('client diskful, one spare replica removed', async () => {
    const p = await placed(c, rd);
    const me = p.find((x) => x.node === client);
    return me && !diskless(me) && p.filter((x) => !diskless(x)).length === 2 ? p : undefined;
  }, 30_000, 300);
  t.true(after.some((p) => p.node === client && !diskless(p)));
  t.is(after.filter((p) => !diskless(p)).length, 2, 'the place count of two is kept by removing an unused replica');
  // The client's own .res now gives it a disk.
  const text = await waitFor('client .res with a disk', async () => {
    const f = await resFile(clientNode, rd);
    return f && !/disk none;/.test(section(f, new RegExp(`^\\s*on "${client}"\\s*$`))?.body ?? 'disk none;') ? f : undefined;
  });
  t.regex(text, /meta-disk internal;/);
});

test.serial('(dry run, Aux/test/primary stands in for a Primary) without DrbdOptions/auto-diskful an in-use diskless client stays diskless', async (t) => {
  const { rd, client } = await clientInUse({});
  await waitFor('client reported in use', async () => (await call<Json>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${client}`)).body.state?.in_use === true);
  await new Promise((r) => setTimeout(r, 2500));
  const me = (await placed(c, rd)).find((p) => p.node === client)!;
  t.true(diskless(me));
});
