import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loopDevicesUnder, randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

/**
 * Between changes a satellite only gets updates and trusts its cached inventory; the periodic
 * consistency check (a full apply, here every 1.5 s instead of 10 min) is what notices
 * devices changed behind its back and repairs them.
 */
let cluster: Cluster;
test.before(async () => { cluster = await startCluster(1, { env: { LINSTOR_SATELLITE_FULL_SYNC_MS: '1500' } }); });
test.after.always(async () => { await cluster?.teardown(); });

async function deviceOf(rd: string): Promise<string> {
  const node = cluster.nodes[0]!.name;
  return waitFor(`device of ${rd}`, async () => {
    const r = await call<Array<{ device_path?: string }>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
    const d = r.status === 200 ? r.body[0]?.device_path : undefined;
    return d?.startsWith('/dev/loop') ? d : undefined;
  });
}

test('a loop device detached and a backing file removed behind the satellite\'s back are repaired by the consistency check', async (t) => {
  const node = cluster.nodes[0]!;
  const s = randomSuffix();
  const [detached, removed, untouched] = ['det', 'rm', 'keep'].map((x) => `drift${s}${x}`) as [string, string, string];
  for (const rd of [detached, removed, untouched]) {
    await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
    await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
    const r = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node.name}`, { resource: { node_name: node.name, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });
    t.is(r.status, 201, JSON.stringify(r.body));
  }
  const fileOf = (rd: string) => join(node.poolDir, `${rd}_00000.img`);
  const devDetached = await deviceOf(detached);
  await deviceOf(removed);
  const devKept = await deviceOf(untouched);
  const checksBefore = node.sat.logs.filter((l) => l.includes('full apply scheduled')).length;

  t.is(spawnSync('losetup', ['-d', devDetached]).status, 0, 'detached behind the satellite\'s back');
  unlinkSync(fileOf(removed));
  t.true(loopDevicesUnder(node.poolDir).some((l) => l.backFile === fileOf(removed)), 'its loop device now points at a deleted file');

  const attachedTo = (file: string) => {
    const r = spawnSync('losetup', ['-j', file], { encoding: 'utf8' });
    return r.stdout.split('\n').map((l) => /^(\/dev\/loop\d+):/.exec(l)?.[1]).filter(Boolean) as string[];
  };
  await waitFor('both repaired', () => attachedTo(fileOf(detached)).length === 1 && existsSync(fileOf(removed)) && attachedTo(fileOf(removed)).length === 1, 30_000, 200);
  // The satellite logged the check before repairing; its line may still sit unread in the pipe.
  const checksRun = () => node.sat.logs.filter((l) => l.includes('full apply scheduled')).length - checksBefore;
  await waitFor('the consistency check in the satellite log', () => checksRun() > 0, 10_000, 50).catch(() => undefined);
  t.true(checksRun() > 0, 'the consistency check ran');
  const deleted = spawnSync('losetup', ['--json', '--list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(node.poolDir) && l.includes('(deleted)'));
  t.deepEqual(deleted, [], 'the loop device of the removed file was detached');
  t.deepEqual(loopDevicesUnder(node.poolDir).map((l) => l.backFile).sort(), [detached, removed, untouched].map(fileOf).sort(), 'one device per volume');
  t.deepEqual(attachedTo(fileOf(untouched)), [devKept], 'the untouched volume kept its device');
  // The controller shows the devices as they are now.
  await waitFor('reported devices match', async () => (await deviceOf(detached)) === attachedTo(fileOf(detached))[0] && (await deviceOf(removed)) === attachedTo(fileOf(removed))[0]);
});
