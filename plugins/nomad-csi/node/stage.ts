/**
 * NodeStageVolume / NodeUnstageVolume: the volume's filesystem mounted once per node at the
 * staging path (mkfs first when the device is blank). Block volumes need no staging: the
 * device is bind-mounted straight to the target at publish time.
 */
import { mkdirSync } from 'node:fs';
import { isBlock, requireCapability, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, invalid } from '../errors.js';
import { nodeOptions } from '../params.js';
import { localDevice } from './device.js';
import { deviceSize, fsTypeOf, mkfs, mount, mountAt, umount } from './mounts.js';

export interface NodeStageRequest {
  volume_id?: string; staging_target_path?: string; volume_capability?: VolumeCapability | null;
  publish_context?: Record<string, string>; volume_context?: Record<string, string>;
}

export function requireArg(v: string | undefined, what: string): string {
  if (!v) throw invalid(`${what} missing in request`);
  return v;
}

/** Staging again at the same path with the same device is success; another device there is ALREADY_EXISTS. */
export async function nodeStageVolume(ctx: PluginContext, req: NodeStageRequest): Promise<unknown> {
  const id = requireArg(req.volume_id, 'volume_id');
  const staging = requireArg(req.staging_target_path, 'staging_target_path');
  const cap = requireCapability(req.volume_capability);
  return ctx.locks.with([`vol:${id}`], async () => {
    const dev = await localDevice(ctx, id, req.publish_context);
    if (isBlock(cap)) return {};
    const run = ctx.runner;
    const current = await mountAt(run, staging);
    if (current) {
      if (current.source === dev) return {};
      throw alreadyExists(`staging path ${staging} already has ${current.source} mounted, not ${dev}`);
    }
    const opts = nodeOptions(req.volume_context);
    const wanted = cap.mount?.fs_type || 'ext4';
    let fs = await fsTypeOf(run, dev);
    if (!fs) {
      await mkfs(run, wanted, dev, opts.fsOpts);
      fs = wanted;
    }
    else if (fs.startsWith('ext')) await growExtOffline(ctx, dev);
    mkdirSync(staging, { recursive: true });
    const options = [...(cap.mount?.mount_flags ?? []), ...(opts.mountOpts ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
    // Restored snapshots share the XFS UUID of their origin; without nouuid the second mount fails.
    if (fs === 'xfs' && !options.includes('nouuid')) options.push('nouuid');
    await mount(run, dev, staging, { fstype: fs, options });
    if (fs === 'xfs' && opts.postMountXfsOpts) await run.run(['xfs_io', '-c', opts.postMountXfsOpts, staging]);
    ctx.log.info({ volume: id, dev, staging, fs }, 'volume staged');
    return {};
  });
}

/** Unstaging a path that is not mounted is success. */
export async function nodeUnstageVolume(ctx: PluginContext, req: { volume_id?: string; staging_target_path?: string }): Promise<unknown> {
  const id = requireArg(req.volume_id, 'volume_id');
  const staging = requireArg(req.staging_target_path, 'staging_target_path');
  return ctx.locks.with([`vol:${id}`], async () => {
    while (await mountAt(ctx.runner, staging)) await umount(ctx.runner, staging);
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
