/**
 * Auto-quorum (guide §3.16) through the controller, read from the .res files four real
 * satellites wrote (--drbd-dry-run: no DRBD kernel module here, the files and `drbdadm dump`
 * are real).
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from '../placement-e2e/cluster.js';
import { drbdadmDump, resFile, section } from './helpers.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(4, { drbdDryRun: true, firstAddress: 1 }); });
test.after.always(async () => { await c?.teardown(); });

const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
const node = (name: string) => c.nodes.find((n) => n.name === name)!;

/** The `options` section of each node's .res once every node's file satisfies `ok`. */
async function optionsEverywhere(rd: string, ok: (options: string) => boolean): Promise<Map<string, string>> {
  return waitFor(`${rd} options converge`, async () => {
    const where = await placed(c, rd);
    const out = new Map<string, string>();
    for (const p of where) {
      const text = await resFile(node(p.node), rd);
      if (!text) return undefined;
      const opts = section(text, /^\s*options\s*$/)?.body ?? '';
      if (!ok(opts)) return undefined;
      out.set(p.node, opts);
    }
    return out.size ? out : undefined;
  }, 20_000, 250);
}

async function spawnIn(rg: string, rd: string): Promise<void> {
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4096] });
  if (isError(r.body)) throw new Error(JSON.stringify(r.body));
}

test.serial('(dry run) three replicas (two diskful and a tie-breaker) get quorum majority with on-no-quorum suspend-io; the controller default policy can be changed', async (t) => {
  const rg = uniq('rgq');
  const rd = uniq('q3');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  await spawnIn(rg, rd);
  const where = await placed(c, rd);
  t.is(where.length, 3, JSON.stringify(where));
  t.true(where.some((p) => p.flags.includes('TIE_BREAKER')));
  const opts = await optionsEverywhere(rd, (o) => /quorum majority;/.test(o));
  for (const [n, o] of opts) {
    t.regex(o, /on-no-quorum suspend-io;/, n);
    t.is((await drbdadmDump(node(n), rd)).code, 0);
  }
  // The controller-level policy reaches every satellite.
  const set = await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { 'DrbdOptions/auto-quorum': 'io-error' } });
  t.true(set.status < 300, JSON.stringify(set.body));
  t.teardown(async () => { await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['DrbdOptions/auto-quorum'] }); });
  const after = await optionsEverywhere(rd, (o) => /on-no-quorum io-error;/.test(o));
  t.is(after.size, 3);
});

test.serial('(dry run) deleting a replica below three turns quorum off on the remaining nodes', async (t) => {
  const rg = uniq('rgd');
  const rd = uniq('qd');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  await spawnIn(rg, rd);
  await optionsEverywhere(rd, (o) => /quorum majority;/.test(o));
  const victim = (await placed(c, rd)).find((p) => !p.flags.includes('DISKLESS'))!.node;
  const del = await call<Rc>(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/resources/${victim}`);
  t.false(isError(del.body), JSON.stringify(del.body));
  const left = await placed(c, rd);
  t.is(left.length, 1, 'one diskful replica: the tie-breaker went too');
  const opts = await optionsEverywhere(rd, (o) => /quorum off;/.test(o));
  t.notRegex(opts.get(left[0]!.node)!, /on-no-quorum/);
  t.is(await resFile(node(victim), rd), undefined, 'the deleted replica has no .res file any more');
  // Adding replicas back to three turns it on again.
  const add = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/autoplace`, { select_filter: { place_count: 3, storage_pool: c.pool } });
  t.false(isError(add.body), JSON.stringify(add.body));
  await optionsEverywhere(rd, (o) => /quorum majority;/.test(o));
  t.true((await placed(c, rd)).length >= 3);
});

test.serial('(dry run) an explicit DrbdOptions/Resource/quorum wins over auto-quorum, and auto-quorum disabled leaves quorum alone', async (t) => {
  const rg = uniq('rge');
  await makeGroup(c, rg, { place_count: 3, storage_pool: c.pool });
  const rd = uniq('qx');
  await spawnIn(rg, rd);
  t.true((await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'DrbdOptions/Resource/quorum': '2', 'DrbdOptions/Resource/on-no-quorum': 'io-error' } })).status < 300);
  const opts = await optionsEverywhere(rd, (o) => /quorum 2;/.test(o));
  for (const o of opts.values()) {
    t.regex(o, /on-no-quorum io-error;/);
    t.notRegex(o, /majority/);
  }
  const rg2 = uniq('rgo');
  await makeGroup(c, rg2, { place_count: 3, storage_pool: c.pool });
  t.true((await call(c.ctl, 'PUT', `/v1/resource-groups/${rg2}`, { override_props: { 'DrbdOptions/auto-quorum': 'disabled' } })).status < 300);
  const rd2 = uniq('qn');
  await spawnIn(rg2, rd2);
  await new Promise((r) => setTimeout(r, 500));
  const off = await optionsEverywhere(rd2, () => true);
  t.is(off.size, 3);
  for (const o of off.values()) t.notRegex(o, /quorum/);
});
