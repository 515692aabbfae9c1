/**
 * Issue items 3 and 4 with the real CSI node service (controller, satellite, FILE_THIN loop
 * devices, real mkfs and mounts): node calls act only on paths the plugin itself staged or
 * published for that volume, never unmount a mount of another device, never remove what the
 * plugin did not create, take the device from the controller rather than from the request,
 * and never format a device that holds data. A tmpfs in the test's folder stands in for /proc.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { startPlugin } from '../../plugins/nomad-csi/plugin.js';
import { csiClient, MiB, mountCap, startCsiEnv, storageParams, uniq, type CsiEnv } from '../csi/harness.js';

let env: CsiEnv;
test.before(async () => { env = await startCsiEnv(1); });
test.after.always(async () => { await env?.teardown(); });

const ctl = (m: string, r: unknown = {}) => env.clients[0]!.call('controller', m, r);
const node = (m: string, r: unknown = {}) => env.clients[0]!.call('node', m, r);
const code = async (p: Promise<unknown>) => { try { await p; return status.OK; } catch (e) { return (e as { code: number }).code; } };
const isMount = (p: string) => spawnSync('findmnt', ['--mountpoint', p]).status === 0;
const blkid = (dev: string) => spawnSync('blkid', ['-p', '-o', 'export', dev], { encoding: 'utf8' }).stdout;

async function volume(params: Record<string, string> = {}) {
  const v = (await ctl('CreateVolume', { name: uniq('sv'), capacity_range: { required_bytes: String(32n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env, 0, params) })).volume as { volume_id: string; volume_context: Record<string, string> };
  const nodeId = (await node('NodeGetInfo')).node_id as string;
  const pub = await ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: nodeId, volume_capability: mountCap() });
  return { ...v, device: pub.publish_context.devicePath as string, publishContext: pub.publish_context as Record<string, string> };
}

/** An MBR with one Linux partition (sectors 2048..34815), written straight to the device. */
function writeDosPartitionTable(device: string): void {
  const mbr = Buffer.alloc(512);
  const entry = 446;
  mbr[entry + 4] = 0x83;
  mbr.writeUInt32LE(2048, entry + 8);
  mbr.writeUInt32LE(32768, entry + 12);
  mbr.writeUInt32LE(0x1234abcd, 440); // disk signature
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  const fd = openSync(device, 'r+');
  try { writeSync(fd, mbr, 0, 512, 0); fsyncSync(fd); } finally { closeSync(fd); }
}

/** A folder in the test's tree with a tmpfs mounted on it holding one file: the stand-in for /proc. */
function foreignMount(t: import('ava').ExecutionContext): string {
  const dir = join(env.dir, uniq('proc-standin'));
  mkdirSync(dir, { recursive: true });
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
  if (m.status !== 0) throw new Error(`cannot mount the stand-in tmpfs: ${m.stderr}`);
  t.teardown(() => { spawnSync('umount', ['-l', dir]); });
  writeFileSync(join(dir, 'cpuinfo'), 'not yours\n');
  return dir;
}

test('NodeUnpublishVolume and NodeUnstageVolume leave a path the plugin never used alone, whatever the volume id', async (t) => {
  const v = await volume();
  const foreign = foreignMount(t);
  const empty = join(env.dir, uniq('empty-dir'));
  mkdirSync(empty);
  for (const id of [v.volume_id, 'never-created-volume']) {
    t.is(await code(node('NodeUnpublishVolume', { volume_id: id, target_path: foreign })), status.OK, 'idempotent no-op');
    t.is(await code(node('NodeUnstageVolume', { volume_id: id, staging_target_path: foreign })), status.OK);
    t.is(await code(node('NodeUnpublishVolume', { volume_id: id, target_path: empty })), status.OK);
  }
  t.true(isMount(foreign), 'the foreign mount is still there');
  t.is(readFileSync(join(foreign, 'cpuinfo'), 'utf8'), 'not yours\n');
  t.true(existsSync(empty), 'a folder the plugin did not create is not removed');
  // System paths are refused by the same rule (unit-tested in inbox-rules); tests never aim at them.
  for (const bad of ['relative/path', `${empty}/../x`, `${empty}/./x`, `${empty}/x\n`]) {
    t.is(await code(node('NodeUnpublishVolume', { volume_id: v.volume_id, target_path: bad })), status.INVALID_ARGUMENT, bad);
  }
});

test('a recorded target that now holds another mount is not unmounted; one volume cannot unpublish another', async (t) => {
  const a = await volume();
  const b = await volume();
  const base = join(env.dir, uniq('pub'));
  const staging = join(base, 'staging');
  const target = join(base, 'target');
  t.teardown(() => { for (const p of [target, staging]) spawnSync('umount', ['-l', p]); });
  await node('NodeStageVolume', { volume_id: a.volume_id, staging_target_path: staging, volume_capability: mountCap(), volume_context: a.volume_context });
  await node('NodePublishVolume', { volume_id: a.volume_id, staging_target_path: staging, target_path: target, volume_capability: mountCap() });
  t.is(await code(node('NodeUnpublishVolume', { volume_id: b.volume_id, target_path: target })), status.OK);
  t.true(isMount(target), "b's unpublish did not touch a's target");
  // Someone else unmounts a's target and mounts a tmpfs there: the plugin must not unmount it.
  spawnSync('umount', [target]);
  t.is(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]).status, 0);
  t.is(await code(node('NodeUnpublishVolume', { volume_id: a.volume_id, target_path: target })), status.FAILED_PRECONDITION);
  t.true(isMount(target), 'the foreign tmpfs is still mounted');
  spawnSync('umount', [target]);
  await node('NodeUnpublishVolume', { volume_id: a.volume_id, target_path: target });
  t.false(existsSync(target), 'the target folder the plugin made is removed once its own mount is gone');
  await node('NodeUnstageVolume', { volume_id: a.volume_id, staging_target_path: staging });
  t.false(isMount(staging));
  t.false(existsSync(base), 'staging folders the plugin made are removed too');
});

test('a restarted plugin still knows what it staged and published (records in its state folder)', async (t) => {
  const v = await volume();
  const stateDir = join(env.dir, uniq('state'));
  const sock = join(env.dir, uniq('restart'), 'csi.sock');
  const start = () => startPlugin({ endpoint: `unix://${sock}`, nodeName: env.cluster.nodes[0]!.name, linstorEndpoint: env.cluster.ctl.url, deviceWaitMs: 30_000, stateDir, log: env.plugins[0]!.ctx.log });
  const base = join(env.dir, uniq('rs'));
  const staging = join(base, 'staging');
  const target = join(base, 'target');
  t.teardown(() => { for (const p of [target, staging]) spawnSync('umount', ['-l', p]); });
  let p = await start();
  let c = csiClient(p.socketPath);
  await c.call('node', 'NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: mountCap(), volume_context: v.volume_context });
  await c.call('node', 'NodePublishVolume', { volume_id: v.volume_id, staging_target_path: staging, target_path: target, volume_capability: mountCap() });
  c.close();
  await p.stop();
  p = await start();
  c = csiClient(p.socketPath);
  t.teardown(async () => { c.close(); await p.stop(); });
  await c.call('node', 'NodeUnpublishVolume', { volume_id: v.volume_id, target_path: target });
  await c.call('node', 'NodeUnstageVolume', { volume_id: v.volume_id, staging_target_path: staging });
  t.false(isMount(target));
  t.false(isMount(staging));
  t.false(existsSync(base));
});

test("staging volume A with volume B's device path in publish_context formats and mounts A's own device, never B's", async (t) => {
  const a = await volume();
  const b = await volume();
  t.is(blkid(b.device), '', 'b starts blank');
  const staging = join(env.dir, uniq('st'), 'staging');
  t.teardown(() => { spawnSync('umount', ['-l', staging]); });
  await node('NodeStageVolume', { volume_id: a.volume_id, staging_target_path: staging, volume_capability: mountCap(), volume_context: a.volume_context, publish_context: { ...a.publishContext, devicePath: b.device } });
  t.is(blkid(b.device), '', 'b was not formatted');
  t.regex(blkid(a.device), /TYPE=ext4/);
  t.is(spawnSync('findmnt', ['-n', '-o', 'SOURCE', '--mountpoint', staging], { encoding: 'utf8' }).stdout.trim(), a.device);
  await node('NodeUnstageVolume', { volume_id: a.volume_id, staging_target_path: staging });
});

test('a device holding a partition table is not formatted; staging fails and the table survives', async (t) => {
  const v = await volume();
  writeDosPartitionTable(v.device);
  t.regex(blkid(v.device), /PTTYPE=dos/);
  const staging = join(env.dir, uniq('pt'), 'staging');
  t.teardown(() => { spawnSync('umount', ['-l', staging]); });
  t.is(await code(node('NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: mountCap(), volume_context: v.volume_context })), status.FAILED_PRECONDITION);
  t.regex(blkid(v.device), /PTTYPE=dos/, 'the partition table is still there');
  t.false(isMount(staging));
});

test('postMountXfsOpts is an extent size, not any xfs_io command; fsOpts and mountOpts cannot name files', async (t) => {
  for (const [key, value] of [['postMountXfsOpts', 'chattr +i'], ['postMountXfsOpts', 'pwrite 0 4096'], ['fsOpts', `-d ${env.dir}`], ['mountOpts', 'bind'], ['mountOpts', 'loop=/dev/loop0']]) {
    const created = await code(ctl('CreateVolume', { name: uniq('bad'), capacity_range: { required_bytes: String(32n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env, 0, { [key!]: value! }) }));
    t.is(created, status.INVALID_ARGUMENT, `CreateVolume ${key}=${value}`);
  }
  // A volume_context that never went through CreateVolume (the CO hands it back): refused at stage too.
  const v = await volume();
  const staging = join(env.dir, uniq('xfs'), 'staging');
  t.teardown(() => { spawnSync('umount', ['-l', staging]); });
  const xfs = mountCap('SINGLE_NODE_WRITER', 'xfs');
  t.is(await code(node('NodeStageVolume', { volume_id: v.volume_id, staging_target_path: staging, volume_capability: xfs, volume_context: { ...v.volume_context, postMountXfsOpts: 'chattr +i' } })), status.INVALID_ARGUMENT);
  t.false(isMount(staging));
  t.is(blkid(v.device), '', 'nothing was formatted');
});
