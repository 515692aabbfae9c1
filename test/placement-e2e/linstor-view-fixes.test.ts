/**
 * Answers the real linstor-client crashed on or that differed from LINSTOR, on three real
 * satellites started with --drbd-dry-run (no DRBD kernel module here: the controller's
 * decisions and views are real, the DRBD commands are planned), FILE_THIN pools:
 * - storage-pool delete is refused while a spawned (auto-placed) volume lives in the pool;
 * - diskless volumes report allocated_size_kib 0, STORAGE-only resources report in_use false
 *   (`node describe` / `resource involved` read both);
 * - volume definitions made by snapshot restore and by clone get a DRBD minor (`volume-definition
 *   list` reads layer_data[0].data.minor_number), and the restored definition and its
 *   resources have the snapshot's layer stack.
 */
import test from 'ava';
import { RC } from '../../core/model/apiconsts.js';
import { parseExact } from '../compat/replay.js';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from './cluster.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(3, { drbdDryRun: true, firstAddress: 31 }); });
test.after.always(async () => { await c?.teardown(); });

type Json = Record<string, any>;
const MiB = 1024;
const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
const code = (rc: number | bigint): bigint => BigInt.asUintN(64, BigInt(rc)) & RC.MASK_BITS_CODE;

async function spawn(rg: string, rd: string): Promise<void> {
  const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [4 * MiB] });
  if (isError(r.body)) throw new Error(JSON.stringify(r.body));
}

const minors = async (rd: string): Promise<unknown[]> =>
  (await call<Json[]>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/volume-definitions`)).body.map((v) => v.layer_data?.find((l: Json) => l.type === 'DRBD')?.data?.minor_number);

test.serial('storage-pool delete is refused while a spawned volume lives in the pool', async (t) => {
  const rg = uniq('rgd');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const rd = uniq('sd');
  await spawn(rg, rd);
  const [where] = await placed(c, rd);
  // Read with exact int64s: a double would round the return code's low bits.
  const res = await fetch(`${c.ctl.url}/v1/nodes/${where!.node}/storage-pools/${c.pool}`, { method: 'DELETE' });
  const body = parseExact<Array<{ ret_code: bigint; message: string }>>(await res.text());
  t.is(res.status, 500);
  t.is(code(body[0]!.ret_code), code(RC.FAIL_IN_USE), body[0]!.message);
  t.is((await call(c.ctl, 'GET', `/v1/nodes/${where!.node}/storage-pools/${c.pool}`)).status, 200, 'the pool is still there');
});

test.serial('a diskless volume reports allocated_size_kib 0 and a STORAGE-only resource reports in_use false', async (t) => {
  const rg = uniq('rgv');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool });
  const rd = uniq('dv');
  await spawn(rg, rd); // two diskful replicas and a diskless tie-breaker on the third node
  const view = (await call<Json[]>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body;
  const diskless = view.filter((r) => (r.flags ?? []).includes('DISKLESS'));
  t.is(diskless.length, 1, JSON.stringify(view.map((r) => [r.node_name, r.flags])));
  t.is(diskless[0]!.volumes[0].allocated_size_kib, 0);

  const srg = uniq('rgs');
  await makeGroup(c, srg, { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] });
  const srd = uniq('so');
  await spawn(srg, srd);
  const [storageOnly] = (await call<Json[]>(c.ctl, 'GET', `/v1/view/resources?resources=${srd}`)).body;
  t.is(storageOnly!.state?.in_use, false);
});

test.serial('volume definitions made by snapshot restore and by clone get DRBD minors; the restored definition keeps the snapshot\'s layers', async (t) => {
  const rg = uniq('rgr');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['DRBD', 'STORAGE'] });
  const src = uniq('src');
  await spawn(rg, src);
  const [srcMinor] = await minors(src);
  t.is(typeof srcMinor, 'number');

  const snap = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${src}/snapshots`, { name: 'snap1' });
  t.false(isError(snap.body), JSON.stringify(snap.body));
  await waitFor('snapshot taken', async () => {
    const s = (await call<Json>(c.ctl, 'GET', `/v1/resource-definitions/${src}/snapshots/snap1`)).body;
    return (s.flags ?? []).includes('SUCCESSFUL');
  }, 60_000);

  // What `linstor snapshot resource restore` sends: new definition, volume definitions, resources.
  const to = uniq('rst');
  t.is((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: to } })).status, 201);
  const vd = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${src}/snapshot-restore-volume-definition/snap1`, { to_resource: to });
  t.false(isError(vd.body), JSON.stringify(vd.body));
  const [restoredMinor] = await minors(to);
  t.is(typeof restoredMinor, 'number', 'volume-definition list reads minor_number');
  t.not(restoredMinor, srcMinor);
  const rs = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${src}/snapshot-restore-resource/snap1`, { to_resource: to });
  t.false(isError(rs.body), JSON.stringify(rs.body));
  const rdView = (await call<Json>(c.ctl, 'GET', `/v1/resource-definitions/${to}`)).body;
  t.deepEqual(rdView.layer_data.map((l: Json) => l.type), ['DRBD', 'STORAGE']);
  const restored = (await call<Json[]>(c.ctl, 'GET', `/v1/view/resources?resources=${to}`)).body;
  t.true(restored.length >= 2);
  for (const r of restored) t.is(r.layer_object?.type, 'DRBD', `${r.node_name} has the snapshot's DRBD layer`);

  const clone = uniq('cln');
  const cl = await call<Json>(c.ctl, 'POST', `/v1/resource-definitions/${src}/clone`, { name: clone });
  t.true(cl.status < 300, JSON.stringify(cl.body));
  await waitFor('clone complete', async () => (await call<Json>(c.ctl, 'GET', `/v1/resource-definitions/${src}/clone/${clone}`)).body.status === 'COMPLETE', 60_000);
  const [cloneMinor] = await minors(clone);
  t.is(typeof cloneMinor, 'number');
  t.not(cloneMinor, srcMinor);
  t.not(cloneMinor, restoredMinor);
});
