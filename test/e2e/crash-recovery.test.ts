import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loopDevicesUnder, randomSuffix } from '../helpers/satellite.js';
import { call as rawCall } from '../helpers/controller-rest.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

let cluster: Cluster;
test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

const MiB = 1024;

async function defineResource(rd: string, volumesKib: number[]): Promise<void> {
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  for (const size of volumesKib) await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: size } });
}

const createBody = (node: string) => ({ resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });

/** Device paths of the resource's volumes once the satellite reports them all. */
async function devicesReady(rd: string, node: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  return waitFor(`${count} devices of ${rd} on ${node}`, async () => {
    const r = await call<Array<Record<string, any>>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
    if (r.status !== 200) return undefined;
    const devs = r.body.map((v) => v.device_path).filter((d) => typeof d === 'string' && d.startsWith('/dev/loop'));
    return devs.length === count ? devs as string[] : undefined;
  }, timeoutMs);
}

/** Backing files of attached loop devices for `rd` on node `i`, and the files in its pool folder. */
function footprint(i: number, rd: string): { loops: string[]; files: string[] } {
  const dir = cluster.nodes[i]!.poolDir;
  return {
    loops: loopDevicesUnder(dir).map((l) => l.backFile).filter((f) => f.includes(rd)).sort(),
    files: readdirSync(dir).filter((f) => f.includes(rd)).sort(),
  };
}

function sizeBytes(dev: string): number {
  return Number(spawnSync('blockdev', ['--getsize64', dev], { encoding: 'utf8' }).stdout.trim());
}

test.serial('a satellite killed with -9 in the middle of an apply converges after restart without orphaned files or loop devices', async (t) => {
  const rd = `crash${randomSuffix()}`;
  const i = 1;
  const n = cluster.nodes[i]!;
  await defineResource(rd, [8 * MiB, 8 * MiB, 8 * MiB]);
  const from = n.sat.logs.length;
  const pending = rawCall(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${n.name}`, createBody(n.name));
  // Kill it right after its first command for this resource: some steps done, others not.
  await waitFor('first command of the apply', () => n.sat.logs.slice(from).some((l) => l.includes('"cmd"') && l.includes(rd)), 20_000, 5);
  await n.sat.kill9();
  const answer = await pending;
  // As LINSTOR: the resource is stored (201) and a WARN_NOT_CONNECTED entry says the satellite gets it once back.
  t.is(answer.status, 201, answer.text);
  t.regex(answer.body[0].message, new RegExp(`New resource '${rd}' on node '${n.name}' registered`));
  const warn = /"ret_code":(-?\d+),"message":"No active connection to satellite '([^']+)'/.exec(answer.text);
  t.truthy(warn, answer.text);
  const rc = BigInt.asUintN(64, BigInt(warn![1]!));
  t.is(rc >> 62n, 2n, 'a warning, not an error');
  t.is(rc & 0x7fffn, 1002n, 'WARN_NOT_CONNECTED');
  t.is(warn![2], n.name);
  await n.restart();
  const devs = await devicesReady(rd, n.name, 3);
  t.is(new Set(devs).size, 3);
  const fp = footprint(i, rd);
  t.is(fp.loops.length, 3, `one loop device per volume, no extra: ${fp.loops.join(', ')}`);
  t.is(fp.files.length, 3, `one file per volume, no extra: ${fp.files.join(', ')}`);
  // And it cleans up fully afterwards.
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  await waitFor('all gone', () => { const f = footprint(i, rd); return f.loops.length === 0 && f.files.length === 0; }, 20_000);
});

test.serial('the controller killed with -9 while pushing converges after restart: what it stored exists, nothing else', async (t) => {
  const rd = `ctlcrash${randomSuffix()}`;
  await defineResource(rd, [8 * MiB]);
  const from = cluster.nodes.map((n) => n.sat.logs.length);
  const pending = call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, cluster.nodes.map((n) => createBody(n.name))).catch(() => undefined);
  await waitFor('a satellite started applying', () => cluster.nodes.some((n, k) => n.sat.logs.slice(from[k]).some((l) => l.includes('"cmd"') && l.includes(rd))), 20_000, 5);
  await cluster.ctl.kill(true);
  await pending;
  await cluster.ctl.restart();
  const { body: stored } = await call<Array<{ node_name: string }>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources`);
  const storedOn = new Set(stored.map((r) => r.node_name));
  t.true(storedOn.size > 0, 'the commit happened before the push, so the resources were stored');
  for (const [k, n] of cluster.nodes.entries()) {
    if (storedOn.has(n.name)) {
      await devicesReady(rd, n.name, 1);
      t.is(footprint(k, rd).loops.length, 1, `${n.name}: exactly one loop device`);
    } else {
      await new Promise((r) => setTimeout(r, 1000));
      t.deepEqual(footprint(k, rd), { loops: [], files: [] }, `${n.name}: nothing that the controller does not know`);
    }
  }
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  await waitFor('all gone', () => cluster.nodes.every((_, k) => footprint(k, rd).loops.length === 0), 20_000);
});

test.serial('a restarted satellite gets its state pushed again: the device stays, and a change made while it was down is applied', async (t) => {
  const rd = `restart${randomSuffix()}`;
  const i = 2;
  const n = cluster.nodes[i]!;
  await defineResource(rd, [16 * MiB]);
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${n.name}`, createBody(n.name));
  const [dev] = await devicesReady(rd, n.name, 1);
  await n.sat.kill9();
  await waitFor('OFFLINE', async () => (await cluster.nodeStatus(n.name)) === 'OFFLINE', 10_000);
  // Grow while the satellite is down: stored now, applied once it is back.
  const grow = await call<Array<{ ret_code: number; message: string }>>(cluster.ctl, 'PUT', `/v1/resource-definitions/${rd}/volume-definitions/0`, { size_kib: 40 * MiB });
  t.true(grow.status < 300, JSON.stringify(grow.body));
  await n.restart();
  await waitFor('ONLINE', async () => (await cluster.nodeStatus(n.name)) === 'ONLINE', 15_000);
  const [again] = await devicesReady(rd, n.name, 1);
  t.is(again, dev, 'the same loop device is reported again');
  await waitFor('device grown to the new size', () => sizeBytes(dev!) >= 40 * 1024 * 1024, 20_000);
  t.is(footprint(i, rd).loops.length, 1);
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  await waitFor('all gone', () => footprint(i, rd).loops.length === 0, 20_000);
});
