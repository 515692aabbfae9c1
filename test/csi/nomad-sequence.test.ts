/**
 * The calls Nomad makes for `nomad volume create`, a job claiming the volume, the alloc
 * stopping, `nomad volume snapshot create`, a volume created from that snapshot, a job
 * reading it back, `nomad volume create` with a bigger capacity_min, and `nomad volume delete`,
 * on real FILE_THIN loop devices with real mkfs and mount, at the paths Nomad uses.
 * No DRBD here: the volumes use layerList=storage, so every stage happens on a node holding
 * a replica; attaching on a node without one is refused (it needs DRBD).
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { MiB, mountCap, startCsiEnv, uniq, unmountAllUnder, type CsiEnv } from './harness.js';

let env: CsiEnv;
test.before(async () => { env = await startCsiEnv(3); });
test.after.always(async () => { await env?.teardown(); });

/** Nomad's staging and per-alloc paths under the plugin's mount_dir. */
function nomadPaths(volId: string, mode = 'single-node-writer') {
  const mountDir = join(env.dir, 'nomad-csi');
  const usage = `rw-file-system-${mode}`;
  const staging = join(mountDir, 'staging', 'default', volId, usage);
  const target = join(mountDir, 'per-alloc', randomUUID(), volId, usage);
  mkdirSync(staging, { recursive: true });
  mkdirSync(join(target, '..'), { recursive: true });
  return { staging, target };
}

test.serial('nomad volume create, a job writing, snapshot, a volume from the snapshot read back, expand, delete', async (t) => {
  t.teardown(() => unmountAllUnder(join(env.dir, 'nomad-csi')));
  const [n1, n2] = env.cluster.nodes;
  const plugin = (i: number) => env.clients[i]!;
  const ctl = (m: string, r: unknown) => plugin(0).call('controller', m, r);
  const cap = mountCap('SINGLE_NODE_WRITER', 'ext4');
  const params = { layerList: 'storage', storagePool: env.pool, placementCount: '1', nodeList: n1!.name, mountOpts: 'noatime' };

  // nomad volume create (id "mysql", name "mysql[0]" as per-alloc volumes are named)
  const created = await ctl('CreateVolume', { name: `mysql[${uniq('0')}]`, capacity_range: { required_bytes: String(32n * MiB), limit_bytes: String(64n * MiB) }, volume_capabilities: [cap], parameters: params });
  const vol = created.volume;
  t.true(BigInt(vol.capacity_bytes) >= 32n * MiB && BigInt(vol.capacity_bytes) <= 64n * MiB);

  // the job is placed on n1: claim → ControllerPublish → NodeStage → NodePublish
  const nodeId = (await plugin(0).call('node', 'NodeGetInfo', {})).node_id;
  t.is(nodeId, n1!.name);
  const pub = await ctl('ControllerPublishVolume', { volume_id: vol.volume_id, node_id: nodeId, volume_capability: cap, readonly: false, volume_context: vol.volume_context });
  const p1 = nomadPaths(vol.volume_id);
  await plugin(0).call('node', 'NodeStageVolume', { volume_id: vol.volume_id, publish_context: pub.publish_context, staging_target_path: p1.staging, volume_capability: cap, volume_context: vol.volume_context });
  await plugin(0).call('node', 'NodePublishVolume', { volume_id: vol.volume_id, publish_context: pub.publish_context, staging_target_path: p1.staging, target_path: p1.target, volume_capability: cap, readonly: false, volume_context: vol.volume_context });
  writeFileSync(join(p1.target, 'data.sql'), 'INSERT 42;');

  // alloc stops: NodeUnpublish → NodeUnstage → ControllerUnpublish
  await plugin(0).call('node', 'NodeUnpublishVolume', { volume_id: vol.volume_id, target_path: p1.target });
  await plugin(0).call('node', 'NodeUnstageVolume', { volume_id: vol.volume_id, staging_target_path: p1.staging });
  await ctl('ControllerUnpublishVolume', { volume_id: vol.volume_id, node_id: nodeId });

  // a job placed on n2 cannot use it: no replica there and no DRBD to reach it over the network
  const refused = await plugin(1).call('controller', 'ControllerPublishVolume', { volume_id: vol.volume_id, node_id: n2!.name, volume_capability: cap }).catch((e) => e);
  t.is(refused.code, status.FAILED_PRECONDITION);

  // nomad volume snapshot create
  const snap = await ctl('CreateSnapshot', { source_volume_id: vol.volume_id, name: uniq('mysql-snap'), parameters: {} });
  const snapshotId: string = snap.snapshot.snapshot_id;
  t.true(snap.snapshot.ready_to_use);
  const listed = await ctl('ListSnapshots', { source_volume_id: vol.volume_id });
  t.deepEqual(listed.entries.map((e: any) => e.snapshot.snapshot_id), [snapshotId]);

  // nomad volume create with snapshot_id; the restored replica is where the snapshot is (n1)
  const restored = (await ctl('CreateVolume', { name: uniq('mysql-restored'), capacity_range: { required_bytes: String(32n * MiB) }, volume_capabilities: [cap], parameters: params, volume_content_source: { snapshot: { snapshot_id: snapshotId } } })).volume;
  const holder = restored.accessible_topology[0].segments['linbit.com/hostname'];
  const idx = env.cluster.nodes.findIndex((n) => n.name === holder);
  t.true(idx >= 0, `restored replica on ${holder}`);
  const rpub = await ctl('ControllerPublishVolume', { volume_id: restored.volume_id, node_id: holder, volume_capability: cap, volume_context: restored.volume_context });
  const p2 = nomadPaths(restored.volume_id);
  await plugin(idx).call('node', 'NodeStageVolume', { volume_id: restored.volume_id, publish_context: rpub.publish_context, staging_target_path: p2.staging, volume_capability: cap, volume_context: restored.volume_context });
  await plugin(idx).call('node', 'NodePublishVolume', { volume_id: restored.volume_id, staging_target_path: p2.staging, target_path: p2.target, volume_capability: cap, readonly: false, volume_context: restored.volume_context });
  t.is(readFileSync(join(p2.target, 'data.sql'), 'utf8'), 'INSERT 42;', 'the file written before the snapshot reads back');
  await plugin(idx).call('node', 'NodeUnpublishVolume', { volume_id: restored.volume_id, target_path: p2.target });
  await plugin(idx).call('node', 'NodeUnstageVolume', { volume_id: restored.volume_id, staging_target_path: p2.staging });
  await ctl('ControllerUnpublishVolume', { volume_id: restored.volume_id, node_id: holder });
  await ctl('DeleteVolume', { volume_id: restored.volume_id });

  // nomad volume create again with a bigger capacity_min: ControllerExpandVolume (+ NodeExpand at next claim)
  const grown = await ctl('ControllerExpandVolume', { volume_id: vol.volume_id, capacity_range: { required_bytes: String(96n * MiB) }, volume_capability: cap });
  t.true(BigInt(grown.capacity_bytes) >= 96n * MiB);
  t.true(grown.node_expansion_required);
  await ctl('ControllerPublishVolume', { volume_id: vol.volume_id, node_id: nodeId, volume_capability: cap });
  const p3 = nomadPaths(vol.volume_id);
  await plugin(0).call('node', 'NodeStageVolume', { volume_id: vol.volume_id, staging_target_path: p3.staging, volume_capability: cap, volume_context: vol.volume_context });
  await plugin(0).call('node', 'NodePublishVolume', { volume_id: vol.volume_id, staging_target_path: p3.staging, target_path: p3.target, volume_capability: cap });
  const ex = await plugin(0).call('node', 'NodeExpandVolume', { volume_id: vol.volume_id, volume_path: p3.target, staging_target_path: p3.staging, capacity_range: { required_bytes: String(96n * MiB) }, volume_capability: cap });
  t.true(BigInt(ex.capacity_bytes) >= 96n * MiB);
  const stats = await plugin(0).call('node', 'NodeGetVolumeStats', { volume_id: vol.volume_id, volume_path: p3.target });
  t.true(BigInt(stats.usage[0].total) > 80n * MiB, `filesystem is ${stats.usage[0].total} bytes`);
  t.is(readFileSync(join(p3.target, 'data.sql'), 'utf8'), 'INSERT 42;');
  await plugin(0).call('node', 'NodeUnpublishVolume', { volume_id: vol.volume_id, target_path: p3.target });
  await plugin(0).call('node', 'NodeUnstageVolume', { volume_id: vol.volume_id, staging_target_path: p3.staging });
  await ctl('ControllerUnpublishVolume', { volume_id: vol.volume_id, node_id: nodeId });

  // nomad volume snapshot delete; nomad volume delete
  await ctl('DeleteSnapshot', { snapshot_id: snapshotId });
  await ctl('DeleteVolume', { volume_id: vol.volume_id });
  t.is((await ctl('ListVolumes', {})).entries.filter((e: any) => e.volume.volume_id === vol.volume_id).length, 0);
  await t.throwsAsync(env.plugins[0]!.ctx.client.resourceDefinitions.get(vol.volume_id), undefined, 'the resource definition is gone');
});

test.serial('autoPlace with placementCount places replicas through LINSTOR\'s autoplacer', async (t) => {
  const ctl = (m: string, r: unknown) => env.clients[0]!.call('controller', m, r);
  const r = await ctl('CreateVolume', { name: uniq('auto'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: { layerList: 'storage', storagePool: env.pool, placementCount: '2' } });
  const holders = r.volume.accessible_topology.map((s: any) => s.segments['linbit.com/hostname']);
  t.is(new Set(holders).size, 2, `two replicas on two nodes: ${holders}`);
  const placed = await env.plugins[0]!.ctx.client.resources.view({ resources: [r.volume.volume_id] });
  t.deepEqual(placed.map((x) => x.node_name).sort(), [...holders].sort(), 'LINSTOR holds exactly the replicas CSI reports');
  await ctl('DeleteVolume', { volume_id: r.volume.volume_id });
});
