/**
 * NodeStageVolume / NodeUnstageVolume: the volume's filesystem mounted once per node at the
 * staging path. The device comes from the controller (device.ts), mkfs runs only on a device
 * that holds no signature at all, and unstaging touches only a staging the plugin recorded,
 * unmounting only a mount of the volume's own device. Block volumes need no staging: the
 * device is bind-mounted straight to the target at publish time.
 */
import { isBlock, requireCapability, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, invalid, precondition } from '../errors.js';
import { nodeOptions } from '../params.js';
import { existingVolumeId, localDevice, mountedDeviceNumber, requirePath, requireVolumeId, type VolumeDevice } from './device.js';
import { checkFsOptions } from './fs-options.js';
import { makeDirs, removeDirsIfEmpty } from './made-paths.js';
import { deviceSignatures, deviceSize, mkfs, mount, mountAt, umount } from './mounts.js';

export interface NodeStageRequest {
  volume_id?: string; staging_target_path?: string; volume_capability?: VolumeCapability | null;
  publish_context?: Record<string, string>; volume_context?: Record<string, string>;
}

export function requireArg(v: string | undefined, what: string): string {
  if (!v) throw invalid(`${what} missing in request`);
  return v;
}

/** Staging again at the same path with the same device is success; another mount there is ALREADY_EXISTS. */
export async function nodeStageVolume(ctx: PluginContext, req: NodeStageRequest): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const staging = requirePath(req.staging_target_path, 'staging_target_path');
  const cap = requireCapability(req.volume_capability);
  const opts = checkFsOptions(nodeOptions(req.volume_context));
  existingVolumeId(id);
  return ctx.locks.with([`vol:${id}`], async () => {
    const dev = await localDevice(ctx, id);
    if (isBlock(cap)) return {};
    const run = ctx.runner;
    if (await mountAt(run, staging)) {
      const rec = ctx.records.get(id);
      if (mountedDeviceNumber(staging) === dev.rdev && rec?.staged?.path === staging) return {};
      throw alreadyExists(`staging path ${staging} already has something mounted that this plugin did not stage for volume ${id}`);
    }
    const wanted = cap.mount?.fs_type || 'ext4';
    let fs = await fsOnDevice(ctx, dev);
    if (!fs) {
      await mkfs(run, wanted, dev.path, opts.mkfsArgs);
      fs = wanted;
    } else if (fs.startsWith('ext')) await growExtOffline(ctx, dev.path);
    const createdDirs = makeDirs(staging);
    const options = [...(cap.mount?.mount_flags ?? []), ...opts.mountOptions].map((s) => s.trim()).filter(Boolean);
    // Restored snapshots share the XFS UUID of their origin; without nouuid the second mount fails.
    if (fs === 'xfs' && !options.includes('nouuid')) options.push('nouuid');
    try {
      await mount(run, dev.path, staging, { fstype: fs, options });
    } catch (e) {
      removeDirsIfEmpty(createdDirs);
      throw e;
    }
    ctx.records.update(id, (r) => { r.device = dev.path; r.rdev = String(dev.rdev); r.staged = { path: staging, fs, createdDirs }; });
    if (fs === 'xfs' && opts.xfsIoCommand) await run.run(['xfs_io', '-c', opts.xfsIoCommand, staging]);
    ctx.log.info({ volume: id, dev: dev.path, staging, fs }, 'volume staged');
    return {};
  });
}

/**
 * The filesystem the device holds ('' when it holds nothing at all). A partition table, LVM,
 * LUKS, RAID or any other signature is data: the device is not formatted, and staging fails.
 */
async function fsOnDevice(ctx: PluginContext, dev: VolumeDevice): Promise<string> {
  const sig = await deviceSignatures(ctx.runner, dev.path);
  if (sig.TYPE && sig.USAGE === 'filesystem') return sig.TYPE;
  const what = sig.PTTYPE ? `a ${sig.PTTYPE} partition table` : sig.TYPE ? `${sig.TYPE} data` : undefined;
  if (what) throw precondition(`device ${dev.path} holds ${what}, not a filesystem: it is not formatted (that would destroy it)`);
  return '';
}

/** Unstaging a path that this plugin did not stage (or that is not mounted) is success and touches nothing. */
export async function nodeUnstageVolume(ctx: PluginContext, req: { volume_id?: string; staging_target_path?: string }): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const staging = requirePath(req.staging_target_path, 'staging_target_path');
  existingVolumeId(id);
  return ctx.locks.with([`vol:${id}`], async () => {
    const rec = ctx.records.get(id);
    if (!rec?.staged || rec.staged.path !== staging) return {};
    const own = new Set([rec.rdev]);
    while (await mountAt(ctx.runner, staging)) {
      const mounted = mountedDeviceNumber(staging);
      if (!own.has(String(mounted))) {
        // Re-read the volume's device: after a restart of the satellite it may have a new number.
        const now = await localDevice(ctx, id).catch(() => undefined);
        if (!now || now.rdev !== mounted) throw precondition(`${staging} has a mount that is not volume ${id}'s device; it is left alone`);
        own.add(String(now.rdev));
      }
      await umount(ctx.runner, staging);
    }
    removeDirsIfEmpty(rec.staged.createdDirs);
    ctx.records.update(id, (r) => { delete r.staged; });
    return {};
  });
}

/**
 * A volume expanded while it was not staged (or where online growth is not permitted) has a
 * filesystem smaller than its device: grow it now, before it is mounted.
 */
async function growExtOffline(ctx: PluginContext, dev: string): Promise<void> {
  const info = await ctx.runner.run(['dumpe2fs', '-h', dev], { quiet: true });
  const count = /^Block count:\s+(\d+)/m.exec(info.stdout)?.[1];
  const bsize = /^Block size:\s+(\d+)/m.exec(info.stdout)?.[1];
  if (!count || !bsize) return;
  const fsBytes = BigInt(count) * BigInt(bsize);
  if ((await deviceSize(ctx.runner, dev)) - fsBytes < BigInt(bsize) * 64n) return;
  await ctx.runner.run(['e2fsck', '-f', '-p', dev], { okExitCodes: [0, 1], timeoutMs: 300_000 });
  await ctx.runner.run(['resize2fs', dev], { timeoutMs: 300_000 });
  ctx.log.info({ dev }, 'filesystem grown offline before mounting');
}
