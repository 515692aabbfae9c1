/**
 * csi-sanity's Node checks (contracts/platforms.md §4.3) with real mkfs and mounts on a
 * FILE_THIN loop device, plus the full lifecycle twice (idempotency). The node plugin runs
 * as node 1 of the cluster and the volumes are placed there (storage layer, no DRBD here).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { blockCap, hasCapSysResource, MiB, mountCap, startCsiEnv, storageParams, uniq, type CsiEnv } from './harness.js';

let env: CsiEnv;
test.before(async () => { env = await startCsiEnv(1); });
test.after.always(async () => { await env?.teardown(); });

const ctl = (m: string, r: unknown = {}) => env.clients[0]!.call('controller', m, r);
const node = (m: string, r: unknown = {}) => env.clients[0]!.call('node', m, r);
const code = async (p: Promise<unknown>) => { try { await p; return status.OK; } catch (e) { return (e as { code: number }).code; } };
const isMount = (p: string) => spawnSync('findmnt', ['--mountpoint', p]).status === 0;
function paths() {
  const base = join(env.dir, uniq('t'));
  const staging = join(base, 'staging');
  mkdirSync(staging, { recursive: true });
  return { staging, target: join(base, 'target') };
}
async function volume(bytes = 32n * MiB, cap: object = mountCap()) {
  return (await ctl('CreateVolume', { name: uniq('nv'), capacity_range: { required_bytes: String(bytes) }, volume_capabilities: [cap], parameters: storageParams(env, 0, { fsOpts: '-L csivol', mountOpts: 'noatime' }) })).volume as { volume_id: string; volume_context: Record<string, string> };
}

test('NodeGetCapabilities: stage/unstage, volume stats, expansion', async (t) => {
  const r = await node('NodeGetCapabilities');
  t.deepEqual(r.capabilities.map((c: any) => c.rpc.type).sort(), ['EXPAND_VOLUME', 'GET_VOLUME_STATS', 'STAGE_UNSTAGE_VOLUME']);
});
test('NodeGetInfo: node id is the LINSTOR node name, topology linbit.com/hostname and the pools', async (t) => {
  const r = await node('NodeGetInfo');
  const name = env.cluster.nodes[0]!.name;
  t.is(r.node_id, name);
  t.is(r.max_volumes_per_node, '0');
  t.is(r.accessible_topology.segments['linbit.com/hostname'], name);
  t.is(r.accessible_topology.segments[`linbit.com/sp-${env.pool}`], 'true');
});
test('NodePublishVolume argument checks: volume id, target path, capability are INVALID_ARGUMENT', async (t) => {
  t.is(await code(node('NodePublishVolume', { target_path: '/x', staging_target_path: '/y', volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodePublishVolume', { volume_id: 'v', staging_target_path: '/y', volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodePublishVolume', { volume_id: 'v', target_path: '/x', staging_target_path: '/y' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeUnpublishVolume', { target_path: '/x' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeUnpublishVolume', { volume_id: 'v' })), status.INVALID_ARGUMENT);
});
test('NodeStageVolume / NodeUnstageVolume argument checks are INVALID_ARGUMENT', async (t) => {
  t.is(await code(node('NodeStageVolume', { staging_target_path: '/y', volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeStageVolume', { volume_id: 'v', volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeStageVolume', { volume_id: 'v', staging_target_path: '/y' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeStageVolume', { volume_id: 'v', staging_target_path: '/y', volume_capability: mountCap('MULTI_NODE_MULTI_WRITER') })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeUnstageVolume', { staging_target_path: '/y' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeUnstageVolume', { volume_id: 'v' })), status.INVALID_ARGUMENT);
});
test('NodeGetVolumeStats: missing arguments INVALID_ARGUMENT, unknown volume or path NOT_FOUND', async (t) => {
  t.is(await code(node('NodeGetVolumeStats', { volume_path: '/x' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeGetVolumeStats', { volume_id: 'v' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeGetVolumeStats', { volume_id: 'no-such-volume', volume_path: env.dir })), status.NOT_FOUND);
  const v = await volume();
  t.is(await code(node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: join(env.dir, 'does-not-exist') })), status.NOT_FOUND);
  t.is(await code(node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: env.dir })), status.NOT_FOUND, 'a path where the volume is not mounted');
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('NodeExpandVolume: missing arguments INVALID_ARGUMENT, unknown volume NOT_FOUND', async (t) => {
  t.is(await code(node('NodeExpandVolume', { volume_path: '/x' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeExpandVolume', { volume_id: 'v' })), status.INVALID_ARGUMENT);
  t.is(await code(node('NodeExpandVolume', { volume_id: 'no-such-volume', volume_path: env.dir })), status.NOT_FOUND);
});

test('full lifecycle twice over (ext4, fsOpts and mountOpts applied, read-only publish, stats, expand online where permitted, else at the next stage)', async (t) => {
  const v = await volume();
  const { staging, target } = paths();
  const roTarget = `${target}-ro`;
  t.teardown(() => { for (const p of [target, roTarget, staging]) spawnSync('umount', ['-l', p]); });
  const nodeId = (await node('NodeGetInfo')).node_id;
  const cap = mountCap();
  for (let round = 0; round < 2; round++) {
    const pub = await ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: nodeId, volume_capability: cap });
    await ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: nodeId, volume_capability: cap });
    const stage = { volume_id: v.volume_id, staging_target_path: staging, volume_capability: cap, publish_context: pub.publish_context, volume_context: v.volume_context };
    await node('NodeStageVolume', stage);
    await node('NodeStageVolume', stage);
    t.true(isMount(staging));
    const dev = pub.publish_context.devicePath;
    t.is(spawnSync('blkid', ['-s', 'LABEL', '-o', 'value', dev], { encoding: 'utf8' }).stdout.trim(), 'csivol', 'fsOpts went to mkfs');
    t.regex(spawnSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', staging], { encoding: 'utf8' }).stdout, /noatime/, 'mountOpts applied');
    const publish = { ...stage, target_path: target, staging_target_path: staging };
    await node('NodePublishVolume', publish);
    await node('NodePublishVolume', publish);
    t.is(await code(node('NodePublishVolume', { ...publish, readonly: true })), status.ALREADY_EXISTS, 'same target, other options');
    if (round === 0) writeFileSync(join(target, 'hello.txt'), 'from round 0');
    t.is(readFileSync(join(target, 'hello.txt'), 'utf8'), 'from round 0', 'data survives unstage/stage');
    await node('NodePublishVolume', { ...publish, target_path: roTarget, readonly: true });
    t.throws(() => writeFileSync(join(roTarget, 'nope.txt'), 'x'), { code: 'EROFS' });
    const stats = await node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: target });
    const bytes = stats.usage.find((u: any) => u.unit === 'BYTES');
    t.true(BigInt(bytes.total) > 20n * MiB && BigInt(bytes.available) > 0n);
    if (round === 0) {
      await ctl('ControllerExpandVolume', { volume_id: v.volume_id, capacity_range: { required_bytes: String(64n * MiB) }, volume_capability: cap });
      const ex = await node('NodeExpandVolume', { volume_id: v.volume_id, volume_path: target, capacity_range: { required_bytes: String(64n * MiB) } }).catch((e) => e);
      if (hasCapSysResource()) t.true(BigInt(ex.capacity_bytes) >= 64n * MiB, `online growth: ${ex.details ?? ex.capacity_bytes}`);
      else t.is(ex.code, status.FAILED_PRECONDITION, 'without CAP_SYS_RESOURCE resize2fs cannot grow a mounted ext4: the plugin says so and growth happens at the next stage');
    } else {
      // Round 1 staged the grown device again: the filesystem is grown offline at stage if it was not online.
      t.true(BigInt(bytes.total) > 50n * MiB, `filesystem grew: ${bytes.total}`);
    }
    for (const tp of [target, roTarget]) {
      await node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: tp });
      await node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: tp });
      t.false(existsSync(tp), 'target path removed');
    }
    await node('NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
    await node('NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
    t.false(isMount(staging));
    await ctl('ControllerUnpublishVolume', { volume_id: v.volume_id, node_id: nodeId });
    await ctl('ControllerUnpublishVolume', { volume_id: v.volume_id, node_id: nodeId });
  }
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});

test('an xfs volume is formatted with xfs and grows with xfs_growfs', async (t) => {
  const cap = mountCap('SINGLE_NODE_WRITER', 'xfs');
  const v = await volume(320n * MiB, cap);
  const { staging, target } = paths();
  t.teardown(() => { for (const p of [target, staging]) spawnSync('umount', ['-l', p]); });
  await node('NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: cap, volume_context: v.volume_context });
  t.is(spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '--mountpoint', staging], { encoding: 'utf8' }).stdout.trim(), 'xfs');
  await node('NodePublishVolume', { volume_id: v.volume_id, staging_target_path: staging, target_path: target, volume_capability: cap });
  const before = BigInt((await node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: target })).usage[0].total);
  await ctl('ControllerExpandVolume', { volume_id: v.volume_id, capacity_range: { required_bytes: String(400n * MiB) } });
  await node('NodeExpandVolume', { volume_id: v.volume_id, volume_path: target, capacity_range: { required_bytes: String(400n * MiB) } });
  const total = BigInt((await node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: target })).usage[0].total);
  t.true(total > before + 64n * MiB, `xfs grew from ${before} to ${total}`);
  await node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: target });
  await node('NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
  // The grow was applied while mounted (in use); the satellite notices the unmount at its next
  // periodic report, and Nomad retries DeleteVolume on FAILED_PRECONDITION as done here.
  const deadline = Date.now() + 30_000;
  let last = await code(ctl('DeleteVolume', { volume_id: v.volume_id }));
  while (last === status.FAILED_PRECONDITION && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    last = await code(ctl('DeleteVolume', { volume_id: v.volume_id }));
  }
  t.is(last, status.OK, 'the volume is released once unstaged, and deleted');
});

test('a staged (mounted) volume reports in_use true to LINSTOR, and false once unstaged', async (t) => {
  const v = await volume();
  const { staging } = paths();
  const inUse = async () => {
    const r = await fetch(`${env.cluster.ctl.url}/v1/view/resources?resources=${v.volume_id}`);
    return ((await r.json()) as Array<{ state?: { in_use?: boolean } }>)[0]?.state?.in_use;
  };
  const until = async (want: boolean) => {
    const deadline = Date.now() + 30_000;
    while ((await inUse()) !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    return inUse();
  };
  await node('NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: mountCap(), volume_context: v.volume_context });
  t.true(await until(true), 'the satellite sees the mount at its periodic report');
  t.is(await code(ctl('DeleteVolume', { volume_id: v.volume_id })), status.FAILED_PRECONDITION, 'a mounted volume is not deleted');
  await node('NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
  t.false(await until(false));
  t.is(await code(ctl('DeleteVolume', { volume_id: v.volume_id })), status.OK);
});

test('a block-device volume is bind-mounted as a device file at the target, marked read-only when asked', async (t) => {
  const cap = blockCap();
  const v = await volume(16n * MiB, cap);
  const { staging, target } = paths();
  t.teardown(() => { spawnSync('umount', ['-l', target]); });
  await node('NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: cap });
  t.false(isMount(staging), 'block volumes are not staged');
  await node('NodePublishVolume', { volume_id: v.volume_id, staging_target_path: staging, target_path: target, volume_capability: cap });
  const dd = spawnSync('dd', ['if=/dev/zero', `of=${target}`, 'bs=1M', 'count=1', 'conv=fsync', 'status=none']);
  t.is(dd.status, 0, dd.stderr?.toString());
  const stats = await node('NodeGetVolumeStats', { volume_id: v.volume_id, volume_path: target });
  t.true(BigInt(stats.usage[0].total) >= 16n * MiB);
  const ro = `${target}-ro`;
  t.teardown(() => { spawnSync('umount', ['-l', ro]); });
  await node('NodePublishVolume', { volume_id: v.volume_id, staging_target_path: staging, target_path: ro, volume_capability: cap, readonly: true });
  // The target is a read-only bind mount (the kernel's ro flag does not stop writes through a device node, as with kubelet).
  t.regex(spawnSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', ro], { encoding: 'utf8' }).stdout, /(^|,)ro(,|$)/);
  await node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: ro });
  await node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: target });
  t.false(existsSync(target));
  await node('NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});

test('NodePublishVolume before NodeStageVolume is FAILED_PRECONDITION', async (t) => {
  const v = await volume();
  const { staging, target } = paths();
  t.is(await code(node('NodePublishVolume', { volume_id: v.volume_id, staging_target_path: staging, target_path: target, volume_capability: mountCap() })), status.FAILED_PRECONDITION);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
