/**
 * NodePublishVolume / NodeUnpublishVolume: a bind mount of the staging path (or of the block
 * device, onto a file) at the per-allocation target path, read-only when asked. Unpublish acts
 * only on a target this plugin published for that volume (records.ts), unmounts only a mount
 * of the volume's own device, and removes only the folder or file the plugin made there.
 */
import { isBlock, isReadOnlyMode, requireCapability, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, invalid, precondition } from '../errors.js';
import { existingVolumeId, localDevice, mountedDeviceNumber, requirePath, requireVolumeId } from './device.js';
import { makeDirs, makeFile, removeDirsIfEmpty, removeFileIfEmpty } from './made-paths.js';
import { mount, mountAt, remountReadOnly, umount } from './mounts.js';
import type { PublishRecord } from './records.js';

export interface NodePublishRequest {
  volume_id?: string; staging_target_path?: string; target_path?: string; volume_capability?: VolumeCapability | null;
  readonly?: boolean; publish_context?: Record<string, string>; volume_context?: Record<string, string>;
}

/** Publishing again with the same options is success; the same target with other options is ALREADY_EXISTS. */
export async function nodePublishVolume(ctx: PluginContext, req: NodePublishRequest): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const target = requirePath(req.target_path, 'target_path');
  const cap = requireCapability(req.volume_capability);
  const ro = !!req.readonly || isReadOnlyMode(cap);
  const block = isBlock(cap);
  if (!block && !req.staging_target_path) throw invalid('staging_target_path missing in request');
  const staging = block ? undefined : requirePath(req.staging_target_path, 'staging_target_path');
  existingVolumeId(id);
  return ctx.locks.with([`vol:${id}`], async () => {
    const run = ctx.runner;
    const dev = await localDevice(ctx, id);
    const rec = ctx.records.get(id);
    const current = await mountAt(run, target);
    if (current) {
      const mine = rec?.published.find((p) => p.path === target);
      if (!mine || mountedDeviceNumber(target) !== dev.rdev) throw alreadyExists(`target ${target} already has a mount that this plugin did not publish for volume ${id}`);
      if (current.options.includes('ro') === ro) return {};
      throw alreadyExists(`target ${target} is already published ${current.options.includes('ro') ? 'read-only' : 'read-write'}`);
    }
    let source: string;
    const entry: PublishRecord = { path: target, block, readonly: ro, createdParents: [] };
    if (block) {
      source = dev.path;
      const made = makeFile(target);
      entry.createdParents = made.createdParents;
      if (made.createdFile) entry.created = 'file';
    } else {
      if (rec?.staged?.path !== staging || !(await mountAt(run, staging!)) || mountedDeviceNumber(staging!) !== dev.rdev) {
        throw precondition(`volume ${id} is not staged at ${staging} (NodeStageVolume first)`);
      }
      source = staging!;
      const made = makeDirs(target);
      if (made.length) { entry.created = 'dir'; entry.createdParents = made.slice(1); }
    }
    // Recorded before mounting: a crash right after the mount still leaves the plugin knowing it.
    ctx.records.update(id, (r) => { r.device = dev.path; r.rdev = String(dev.rdev); r.published = [...r.published.filter((p) => p.path !== target), entry]; });
    await mount(run, source, target, { bind: true });
    if (ro) await remountReadOnly(run, target);
    ctx.log.info({ volume: id, target, ro, block }, 'volume published');
    return {};
  });
}

/** Unpublishing a target this plugin did not publish (or already unpublished) is success and touches nothing. */
export async function nodeUnpublishVolume(ctx: PluginContext, req: { volume_id?: string; target_path?: string }): Promise<unknown> {
  const id = requireVolumeId(req.volume_id);
  const target = requirePath(req.target_path, 'target_path');
  existingVolumeId(id);
  return ctx.locks.with([`vol:${id}`], async () => {
    const rec = ctx.records.get(id);
    const entry = rec?.published.find((p) => p.path === target);
    if (!rec || !entry) return {};
    const own = new Set([rec.rdev]);
    while (await mountAt(ctx.runner, target)) {
      const mounted = mountedDeviceNumber(target);
      if (!own.has(String(mounted))) {
        const now = await localDevice(ctx, id).catch(() => undefined);
        if (!now || now.rdev !== mounted) throw precondition(`${target} has a mount that is not volume ${id}'s device; it is left alone`);
        own.add(String(now.rdev));
      }
      await umount(ctx.runner, target);
    }
    if (entry.created === 'dir') removeDirsIfEmpty([target]);
    if (entry.created === 'file') removeFileIfEmpty(target);
    removeDirsIfEmpty(entry.createdParents);
    ctx.records.update(id, (r) => { r.published = r.published.filter((p) => p.path !== target); });
    return {};
  });
}
