/**
 * NodePublishVolume / NodeUnpublishVolume: a bind mount of the staging path (or of the block
 * device, onto a file) at the per-allocation target path, read-only when asked.
 */
import { existsSync, mkdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isBlock, isReadOnlyMode, requireCapability, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, invalid, precondition } from '../errors.js';
import { localDevice } from './device.js';
import { mount, mountAt, remountReadOnly, umount } from './mounts.js';
import { requireArg } from './stage.js';

export interface NodePublishRequest {
  volume_id?: string; staging_target_path?: string; target_path?: string; volume_capability?: VolumeCapability | null;
  readonly?: boolean; publish_context?: Record<string, string>; volume_context?: Record<string, string>;
}

/** Publishing again with the same options is success; the same target with other options is ALREADY_EXISTS. */
export async function nodePublishVolume(ctx: PluginContext, req: NodePublishRequest): Promise<unknown> {
  const id = requireArg(req.volume_id, 'volume_id');
  const target = requireArg(req.target_path, 'target_path');
  const cap = requireCapability(req.volume_capability);
  const ro = !!req.readonly || isReadOnlyMode(cap);
  const block = isBlock(cap);
  if (!block && !req.staging_target_path) throw invalid('staging_target_path missing in request');
  return ctx.locks.with([`vol:${id}`], async () => {
    const run = ctx.runner;
    const current = await mountAt(run, target);
    if (current) {
      if (current.options.includes('ro') === ro) return {};
      throw alreadyExists(`target ${target} is already published ${current.options.includes('ro') ? 'read-only' : 'read-write'}`);
    }
    let source: string;
    if (block) {
      source = await localDevice(ctx, id, req.publish_context);
      mkdirSync(dirname(target), { recursive: true });
      if (!existsSync(target)) writeFileSync(target, '');
    } else {
      const staged = await mountAt(run, req.staging_target_path!);
      if (!staged) throw precondition(`volume ${id} is not staged at ${req.staging_target_path} (NodeStageVolume first)`);
      source = req.staging_target_path!;
      mkdirSync(target, { recursive: true });
    }
    await mount(run, source, target, { bind: true });
    if (ro) await remountReadOnly(run, target);
    ctx.log.info({ volume: id, target, ro, block }, 'volume published');
    return {};
  });
}

/** Unpublishing removes the mount and the target path; a target that is gone is success. */
export async function nodeUnpublishVolume(ctx: PluginContext, req: { volume_id?: string; target_path?: string }): Promise<unknown> {
  const id = requireArg(req.volume_id, 'volume_id');
  const target = requireArg(req.target_path, 'target_path');
  return ctx.locks.with([`vol:${id}`], async () => {
    while (await mountAt(ctx.runner, target)) await umount(ctx.runner, target);
    if (existsSync(target)) {
      // Only the empty mount point (or the block target file) is removed, never data.
      if (statSync(target).isDirectory()) rmdirSync(target);
      else rmSync(target, { force: true });
    }
    return {};
  });
}
