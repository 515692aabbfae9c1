/**
 * Snapshot shipping inside one cluster (LINSTOR's `snapshot ship` REST call and the
 * `SnapshotShipping/*` properties): a real controller, two real satellites with FILE_THIN pools
 * on loop-mounted xfs and ext4, the source satellite streaming straight to the target one.
 * Data is compared by SHA-256 of the devices after restoring the shipped snapshot on the target.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { randomSuffix } from '../helpers/satellite.js';
import { checksum, writePattern } from './fs-pool.js';
import { call, deploy, devices, hasError, messages, startSnapshotCluster, waitFor, type SnapCluster } from './snapshot-cluster.js';

const MIB = 1024 * 1024;
let c: SnapCluster;
let n1: string;
let n2: string;
// Test hook: SnapshotShipping/RunEvery counts seconds instead of minutes in this controller.
test.before(async () => {
  c = await startSnapshotCluster({ LINSTOR_AUTO_SNAPSHOT_RUN_EVERY_IN_SECONDS: '1' }, ['127.0.31.1', '127.0.31.2']);
  n1 = c.nodes[0]!.name;
  n2 = c.nodes[1]!.name;
});
test.after.always(async () => { await c?.teardown(); });

interface Snap { name: string; nodes: string[]; flags: string[]; props?: Record<string, string> }
const snapshots = async (rd: string): Promise<Snap[]> => (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Snap[];
const ship = (rd: string, body: unknown) => call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-shipping`, body);
/** Bytes n1's satellite sent for each volume it shipped of `rd` ("volume shipped" log lines), in order. */
const shippedBytes = (rd: string): number[] => c.nodes[0]!.sat.logs.filter((l) => l.includes('"volume shipped"'))
  .map((l) => JSON.parse(l) as { resource: string; bytes: number }).filter((x) => x.resource === rd).map((x) => x.bytes);
/** Snapshot files of `rd` in a node's pool directory. */
const files = (i: number, rd: string): string[] => readdirSync(c.nodes[i]!.pool.dir).filter((f) => f.startsWith(`${rd}_00000_`)).sort();

async function restoreOnTarget(rd: string, snap: string): Promise<string> {
  const to = `${rd}-${snap}`;
  const vd = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-restore-volume-definition/${snap}`, { to_resource: to });
  if (vd.status !== 200) throw new Error(JSON.stringify(vd.body));
  const rs = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/snapshot-restore-resource/${snap}`, { to_resource: to, nodes: [n2] });
  if (rs.status !== 200 || hasError(rs.body)) throw new Error(JSON.stringify(rs.body));
  return (await devices(c, to, [n2]))[n2]!;
}

test.serial('`snapshot ship` (REST) copies a snapshot from one node to another; restored on the target it holds the source\'s data; the next one is incremental', async (t) => {
  const rd = `sh-${randomSuffix()}`;
  const dev = await deploy(c, rd, 16 * 1024, [n1, n2]);
  writePattern(dev[n1]!, 'source-data', 12);
  writePattern(dev[n2]!, 'target-own', 2);
  const want = checksum(dev[n1]!, 16);
  const targetOwn = checksum(dev[n2]!, 16);

  const r = await ship(rd, { from_node: n1, to_node: n2 });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.false(hasError(r.body), JSON.stringify(r.body));
  t.true(messages(r.body).some((m) => m === `Full: snapshot 'ship0' of '${rd}' shipped from node '${n1}' to node '${n2}'.`), JSON.stringify(messages(r.body)));
  t.true(messages(r.body).some((m) => /Snapshot-shipping is deprecated/.test(m)), 'LINSTOR\'s deprecation warning');

  let snaps = await snapshots(rd);
  t.deepEqual(snaps.map((s) => s.name), ['ship0']);
  t.deepEqual(snaps[0]!.nodes, [n1, n2], 'both nodes hold the shipped snapshot');
  t.true(snaps[0]!.flags.includes('SHIPPED') && snaps[0]!.flags.includes('SUCCESSFUL'), JSON.stringify(snaps[0]!.flags));
  t.deepEqual(files(1, rd), [`${rd}_00000_ship0.img`], 'the target node has the snapshot file');
  t.is(checksum(dev[n2]!, 16), targetOwn, 'the target\'s own resource is left as it was');
  const list = await call(c.ctl, 'GET', `/v1/view/snapshot-shippings?resources=${rd}`);
  t.is(list.status, 200);
  t.deepEqual(list.body.map((x: any) => [x.snapshot.name, x.from_node_name, x.to_node_name, x.status]), [['ship0', n1, n2, 'Complete']]);

  t.is(checksum(await restoreOnTarget(rd, 'ship0'), 16), want, 'restored on the target, the snapshot holds the source\'s data');

  // 1 MiB changes: the second shipment sends only that (the full one sent the 12 MiB written).
  writePattern(dev[n1]!, 'changed', 1, 5);
  const want2 = checksum(dev[n1]!, 16);
  const r2 = await ship(rd, { from_node: n1, to_node: n2 });
  t.is(r2.status, 200, JSON.stringify(r2.body));
  t.true(messages(r2.body).some((m) => m.startsWith(`Incremental (on 'ship0'): snapshot 'ship1'`)), JSON.stringify(messages(r2.body)));
  const [full, incr] = shippedBytes(rd);
  t.true(full! > 0 && incr! < full! / 4, `incremental ${incr} bytes vs full ${full}`);
  t.is(checksum(await restoreOnTarget(rd, 'ship1'), 16), want2, 'the incremental snapshot holds the changed data on the target');
  snaps = await snapshots(rd);
  t.deepEqual(snaps.map((s) => s.name), ['ship0', 'ship1'], 'without SnapshotShipping/Keep every shipped snapshot stays');
});

test.serial('SnapshotShipping/RunEvery ships by itself, incrementally after the first, and Keep removes older shipped snapshots on both nodes', async (t) => {
  const rd = `auto-${randomSuffix()}`;
  const dev = await deploy(c, rd, 16 * 1024, [n1, n2]);
  writePattern(dev[n1]!, 'periodic', 10);
  const set = await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: {
    'SnapshotShipping/SourceNode': n1, 'SnapshotShipping/TargetNode': n2, 'SnapshotShipping/RunEvery': '1', 'SnapshotShipping/Keep': '2',
  } });
  t.is(set.status, 200, JSON.stringify(set.body));
  await waitFor('four shipments', async () => Number((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props?.SnapshotShippingNextId ?? 0) >= 4, 60_000, 250);
  await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { delete_props: ['SnapshotShipping/RunEvery'] });
  // The last one settles (shipped, then Keep applied).
  await waitFor('no shipment running', async () => (await snapshots(rd)).every((s) => !s.flags.includes('SHIPPING')), 30_000, 250);
  await new Promise((r) => setTimeout(r, 1500));

  const snaps = await snapshots(rd);
  const next = Number((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props.SnapshotShippingNextId);
  t.deepEqual(snaps.map((s) => s.name), [`ship${next - 2}`, `ship${next - 1}`], 'only the newest two shipped snapshots stay');
  for (const s of snaps) t.deepEqual(s.nodes, [n1, n2]);
  const names = snaps.map((s) => `${rd}_00000_${s.name}.img`).sort();
  t.deepEqual(files(0, rd), names, 'the source node holds exactly those');
  t.deepEqual(files(1, rd), names, 'and so does the target node');
  const bytes = shippedBytes(rd);
  t.true(bytes.length >= 4, JSON.stringify(bytes));
  for (const b of bytes.slice(1)) t.true(b < bytes[0]! / 4, `unchanged data: incremental ${b} bytes vs the first, full ${bytes[0]}`);
  t.is(checksum(await restoreOnTarget(rd, snaps[1]!.name), 16), checksum(dev[n1]!, 16));
});

test.serial('bad input is refused with a clear error before anything is created', async (t) => {
  const rd = `bad-${randomSuffix()}`;
  await deploy(c, rd, 8 * 1024, [n1]);
  // HTTP statuses as LINSTOR maps its return codes: not found 404, invalid 500, unparseable 400.
  const cases: Array<[unknown, number, RegExp]> = [
    [{ from_node: n1, to_node: 'no-such-node' }, 404, /Node 'no-such-node' not found|no-such-node/],
    [{ from_node: n1, to_node: n1 }, 500, /source and target of .* are the same node/],
    [{ from_node: n1, to_node: n2 }, 404, new RegExp(`Node '${n2}' holds no diskful resource '${rd}'`)],
    [{ from_node: n2, to_node: n1 }, 404, new RegExp(`Node '${n2}' holds no active diskful resource '${rd}' to ship from`)],
    [{ from_node: n1 }, 500, /'to_node' must be set/],
    [{ from_node: n1, to_node: { x: 1 } }, 400, /'to_node' must be a string/],
    [[1, 2], 400, /must be a JSON object/],
  ];
  for (const [body, status, re] of cases) {
    const r = await ship(rd, body);
    t.true(r.status >= 400, `${JSON.stringify(body)} → ${r.status}`);
    t.is(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    t.regex(messages(r.body).join(' '), re);
  }
  t.is((await ship(`nope-${randomSuffix()}`, { from_node: n1, to_node: n2 })).status, 404, 'an unknown resource definition');
  t.deepEqual(await snapshots(rd), [], 'no snapshot was created');
  t.deepEqual(files(0, rd), [], 'no snapshot file on the source');
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).body.props?.SnapshotShippingNextId, undefined, 'no shipment was counted');

  // The properties alone: a missing TargetNode is logged as a failed run, and nothing is created.
  await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'SnapshotShipping/RunEvery': '1' } });
  await new Promise((r) => setTimeout(r, 3000));
  await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { delete_props: ['SnapshotShipping/RunEvery'] });
  t.deepEqual(await snapshots(rd), []);
});

test.serial('a shipment cut off by a controller crash is removed on both nodes when the controller starts again', async (t) => {
  const rd = `cut-${randomSuffix()}`;
  const dev = await deploy(c, rd, 160 * 1024, [n1, n2]);
  // Random data (gzip cannot shrink it) keeps the transfer running long enough to be cut.
  const fd = openSync(dev[n1]!, 'r+');
  try { for (let i = 0; i < 150; i++) writeSync(fd, randomBytes(MIB), 0, MIB, i * MIB); fsyncSync(fd); } finally { closeSync(fd); }
  const pending = ship(rd, { from_node: n1, to_node: n2 }).catch(() => undefined);
  await waitFor('the shipment under way', async () => (await snapshots(rd).catch(() => [] as Snap[])).some((s) => s.flags.includes('SHIPPING') && s.nodes.length === 2), 30_000, 20);
  await c.ctl.kill(true);
  await pending;
  // The target satellite closes the receive job with the controller link (no one could commit it).
  await c.nodes[1]!.sat.waitForLog(/receive job aborted: its controller link closed/, 15_000);
  await c.ctl.restart();
  await waitFor('the cut-off snapshot removed', async () => (await snapshots(rd)).length === 0, 60_000, 250);
  await waitFor('no snapshot files left on either node', async () => files(0, rd).length === 0 && files(1, rd).length === 0, 60_000, 250);
  t.true(c.ctl.logs().includes('snapshot shipping interrupted by a controller stop'));
  await waitFor('nothing staged left on the target', async () => readdirSync(c.nodes[1]!.pool.dir).filter((f) => f.startsWith('.backup-')).length === 0, 30_000, 250);
  // Both nodes back: the next shipment is a full one and arrives.
  await waitFor('nodes online', async () => (await Promise.all([n1, n2].map((n) => call(c.ctl, 'GET', `/v1/nodes/${n}`)))).every((r) => r.body.connection_status === 'ONLINE'), 30_000);
  const r = await ship(rd, { from_node: n1, to_node: n2 });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.true(messages(r.body).some((m) => m.startsWith('Full: snapshot')), JSON.stringify(messages(r.body)));
});

test.serial('after the volume grew, the next shipment is still incremental and restores all data at the new size on the target', async (t) => {
  const rd = `grow-${randomSuffix()}`;
  const dev = await deploy(c, rd, 4 * 1024, [n1, n2]);
  writePattern(dev[n1]!, 'small', 3);
  t.is((await ship(rd, { from_node: n1, to_node: n2 })).status, 200);
  const grow = await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/volume-definitions/0`, { size_kib: 8 * 1024 });
  t.is(grow.status, 200, JSON.stringify(grow.body));
  const big = await waitFor('grown device', async () => {
    const d = (await devices(c, rd, [n1]))[n1]!;
    return Number(spawnSync('blockdev', ['--getsize64', d], { encoding: 'utf8' }).stdout.trim()) >= 8 * MIB ? d : undefined;
  }, 30_000, 200);
  writePattern(big, 'grown', 1, 6);
  const want = checksum(big, 8);
  const r = await ship(rd, { from_node: n1, to_node: n2 });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.true(messages(r.body).some((m) => m.startsWith(`Incremental (on 'ship0'): snapshot 'ship1'`)), JSON.stringify(messages(r.body)));
  t.is(checksum(await restoreOnTarget(rd, 'ship1'), 8), want);
});

test.serial('SnapshotShipping/TcpPortRange: the target listens on the first free port of the range; none free or a bad range is refused and leaves nothing', async (t) => {
  const rd = `port-${randomSuffix()}`;
  await deploy(c, rd, 4 * 1024, [n1, n2]);
  const target = c.nodes[1]!;
  const taken: Server[] = [];
  const occupy = (port: number) => new Promise<void>((res, rej) => { const s = createServer(); s.once('error', rej); s.listen(port, target.sat.address, () => { taken.push(s); res(); }); });
  t.teardown(async () => {
    for (const s of taken) s.close();
    await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['SnapshotShipping/TcpPortRange'] });
  });
  const setRange = async (v: string) => t.is((await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { 'SnapshotShipping/TcpPortRange': v } })).status, 201);
  await setRange('31510-31511');
  await occupy(31510);
  const r = await ship(rd, { from_node: n1, to_node: n2 });
  t.is(r.status, 200, JSON.stringify(r.body));
  const line = target.sat.logs.filter((l) => l.includes('"receiving a shipment"') && l.includes(`"resource":"${rd}"`)).pop();
  t.is(line ? (JSON.parse(line) as { port: number }).port : undefined, 31511, 'the taken port was skipped');

  await occupy(31511);
  const full = await ship(rd, { from_node: n1, to_node: n2 });
  t.true(full.status >= 400);
  t.regex(messages(full.body).join(' '), /No TCP\/IP port number could be allocated for snapshot shipping: ports 31510-31511/);
  await setRange('5-2');
  const bad = await ship(rd, { from_node: n1, to_node: n2 });
  t.true(bad.status >= 400);
  t.regex(messages(bad.body).join(' '), /SnapshotShipping\/TcpPortRange '5-2' is not a port range/);
  t.deepEqual((await snapshots(rd)).map((s) => s.name), ['ship0'], 'the refused shipments left no snapshot');
  t.deepEqual(files(1, rd), [`${rd}_00000_ship0.img`]);
  t.deepEqual(readdirSync(target.pool.dir).filter((f) => f.startsWith('.backup-')), [], 'nothing staged on the target');
});

test.serial('without a source node the first active replica on another node than the target ships', async (t) => {
  const rd = `src-${randomSuffix()}`;
  const dev = await deploy(c, rd, 4 * 1024, [n1, n2]);
  writePattern(dev[n2]!, 'from-n2', 2);
  const r = await ship(rd, { to_node: n1 });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.true(messages(r.body).some((m) => m === `Full: snapshot 'ship0' of '${rd}' shipped from node '${n2}' to node '${n1}'.`), JSON.stringify(messages(r.body)));
});
