/** NodeGetInfo, NodeGetCapabilities, NodeGetVolumeStats, NodeExpandVolume. */
import { existsSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { status } from '@grpc/grpc-js';
import { sleep, type PluginContext } from '../context.js';
import { CsiError, notFound } from '../errors.js';
import { existingVolumeId, localDevice, mountedDeviceNumber, requirePath, requireVolumeId } from './device.js';
import { deviceSize, mountAt } from './mounts.js';

export function nodeGetCapabilities(): unknown {
  return { capabilities: ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME'].map((type) => ({ rpc: { type } })) };
}

/** node_id is the LINSTOR node name; topology has linbit.com/hostname and one label per storage pool. */
export async function nodeGetInfo(ctx: PluginContext): Promise<unknown> {
  const segments: Record<string, string> = { 'linbit.com/hostname': ctx.nodeName };
  // Pool labels are a courtesy: a controller that does not answer quickly must not block registration.
  const pools = await Promise.race([
    ctx.client.storagePools.listOnNode(ctx.nodeName, { cached: true }).catch(() => []),
    sleep(5000).then(() => []),
  ]);
  for (const p of pools) if (p.provider_kind !== 'DISKLESS') segments[`linbit.com/sp-${p.storage_pool_name}`] = 'true';
  return { node_id: ctx.nodeName, max_volumes_per_node: '0', accessible_topology: { segments } };
}

/** Stats and growth act only on a path this plugin staged or published for the volume. */
function requireOwnPath(ctx: PluginContext, id: string, path: string): void {
  const rec = ctx.records.get(id);
  const known = rec?.staged?.path === path || rec?.published.some((p) => p.path === path);
  if (!known) throw notFound(`volume ${id} is not staged or published at ${path} by this plugin`);
}

export async function nodeGetVolumeStats(ctx: PluginContext, req: { volume_id?: string; volume_path?: string }): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const path = requirePath(req.volume_path, 'volume_path');
  requireOwnPath(ctx, existingVolumeId(id), path);
  if (!existsSync(path)) throw notFound(`volume path ${path} does not exist`);
  const m = await mountAt(ctx.runner, path);
  if (!m) throw notFound(`volume ${id} is not mounted at ${path}`);
  if (!statSync(path).isDirectory()) {
    // A block target is the device node itself (bind-mounted from devtmpfs).
    return { usage: [{ unit: 'BYTES', total: (await deviceSize(ctx.runner, path)).toString() }] };
  }
  const s = await statfs(path, { bigint: true });
  const total = s.blocks * s.bsize;
  const available = s.bavail * s.bsize;
  return {
    usage: [
      { unit: 'BYTES', total: total.toString(), available: available.toString(), used: ((s.blocks - s.bfree) * s.bsize).toString() },
      { unit: 'INODES', total: s.files.toString(), available: s.ffree.toString(), used: (s.files - s.ffree).toString() },
    ],
  };
}

/**
 * Grows the filesystem to the device's size (the satellite grows the device after
 * ControllerExpandVolume; we wait for it). Repeating it is harmless: the tools no-op.
 */
export async function nodeExpandVolume(ctx: PluginContext, req: { volume_id?: string; volume_path?: string; capacity_range?: { required_bytes?: string } | null }): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const path = requirePath(req.volume_path, 'volume_path');
  requireOwnPath(ctx, existingVolumeId(id), path);
  return ctx.locks.with([`vol:${id}`], async () => {
    const m = await mountAt(ctx.runner, path);
    if (!m) throw notFound(`volume ${id} is not mounted at ${path}`);
    const own = await localDevice(ctx, id);
    if (mountedDeviceNumber(path) !== own.rdev) throw notFound(`the mount at ${path} is not volume ${id}'s device`);
    const isDir = statSync(path).isDirectory();
    const dev = own.path;
    const want = BigInt(req.capacity_range?.required_bytes ?? '0');
    const end = Date.now() + ctx.deviceWaitMs;
    let size = await deviceSize(ctx.runner, dev);
    while (size < want) {
      if (Date.now() > end) throw new CsiError(status.UNAVAILABLE, `device ${dev} is ${size} bytes, not yet ${want}`);
      await sleep(200);
      size = await deviceSize(ctx.runner, dev);
    }
    if (isDir) {
      if (m.fstype === 'xfs') await ctx.runner.run(['xfs_growfs', path]);
      else if (m.fstype.startsWith('ext')) {
        await ctx.runner.run(['resize2fs', dev], { timeoutMs: 300_000 }).catch((e: unknown) => {
          // Online ext4 growth needs CAP_SYS_RESOURCE; without it the volume grows at its next stage.
          if (/Permission denied to resize/.test((e as Error).message)) {
            throw new CsiError(status.FAILED_PRECONDITION, `online resize of ${dev} refused (the plugin lacks CAP_SYS_RESOURCE); unstage and stage the volume to grow it offline`);
          }
          throw e;
        });
      } else throw new CsiError(status.INVALID_ARGUMENT, `cannot grow filesystem ${m.fstype}`);
    }
    return { capacity_bytes: size.toString() };
  });
}
