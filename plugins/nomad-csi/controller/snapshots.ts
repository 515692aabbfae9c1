/**
 * CreateSnapshot, DeleteSnapshot, ListSnapshots, GetSnapshot. snapshot_id is the LINSTOR
 * snapshot name (unique across resource definitions for snapshots made here).
 */
import { status } from '@grpc/grpc-js';
import type { Snapshot } from '../../../core/client/index.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, CsiError, isNotFound, notFound } from '../errors.js';
import { PROP, snapshotNameCandidates } from '../names.js';
import { findSnapshot, kibToBytes, pageAfter, requireId, requireVolume } from './lookup.js';
import { deleteGroupIfDerived } from './volumes.js';

function csiSnapshot(s: Snapshot): Record<string, unknown> {
  const created = Math.min(...(s.snapshots ?? []).map((n) => n.create_timestamp ?? Date.now()), Date.now());
  return {
    snapshot_id: s.name,
    source_volume_id: s.resource_name,
    size_bytes: kibToBytes(s.volume_definitions?.find((v) => (v.volume_number ?? 0) === 0)?.size_kib),
    creation_time: { seconds: String(Math.floor(created / 1000)), nanos: (created % 1000) * 1e6 },
    ready_to_use: (s.flags ?? []).includes('SUCCESSFUL'),
  };
}

export async function createSnapshot(ctx: PluginContext, req: { name?: string; source_volume_id?: string }): Promise<unknown> {
  const name = requireId(req.name, 'name');
  const source = requireId(req.source_volume_id, 'source_volume_id');
  const snapName = snapshotNameCandidates(name)[0]!;
  return ctx.locks.with([`snap:${snapName}`, `vol:${source}`], async () => {
    const existing = await findSnapshot(ctx, snapName);
    if (existing) {
      if (existing.resource_name?.toUpperCase() !== source.toUpperCase()) throw alreadyExists(`snapshot '${name}' exists for another volume (${existing.resource_name})`);
      return { snapshot: csiSnapshot(existing) };
    }
    await requireVolume(ctx, source);
    try {
      await ctx.client.snapshots.create(source, snapName);
    } catch (e) {
      // A snapshot that failed on a node stays registered in LINSTOR; remove it so that it
      // neither shows in ListSnapshots nor keeps its volume's definition alive.
      await ctx.client.snapshots.delete(source, snapName).catch(() => {});
      throw e;
    }
    const s = await ctx.client.snapshots.get(source, snapName);
    return { snapshot: csiSnapshot(s) };
  });
}

/** A snapshot that does not exist is deleted already. The last snapshot of a deleted volume
 *  takes the hidden definition with it. */
export async function deleteSnapshot(ctx: PluginContext, req: { snapshot_id?: string }): Promise<unknown> {
  const id = requireId(req.snapshot_id, 'snapshot_id');
  return ctx.locks.with([`snap:${id}`], async () => {
    const c = ctx.client;
    const s = await findSnapshot(ctx, id);
    if (!s) return {};
    const rdName = s.resource_name!;
    await c.snapshots.delete(rdName, s.name!).catch((e) => { if (!isNotFound(e)) throw e; });
    const rd = await c.resourceDefinitions.get(rdName).catch(() => undefined);
    if (rd?.props?.[PROP.deleted] === 'true' && (await c.snapshots.list(rdName)).length === 0) {
      await c.resourceDefinitions.delete(rdName).catch(() => {});
      await deleteGroupIfDerived(ctx, rd.resource_group_name);
    }
    return {};
  });
}

export async function listSnapshots(ctx: PluginContext, req: { max_entries?: number; starting_token?: string; source_volume_id?: string; snapshot_id?: string }): Promise<unknown> {
  let all = await ctx.client.snapshots.view();
  if (req.snapshot_id) all = all.filter((s) => s.name === req.snapshot_id);
  if (req.source_volume_id) all = all.filter((s) => s.resource_name === req.source_volume_id);
  const keyOf = (s: Snapshot) => `${s.resource_name}/${s.name}`;
  all.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const { page, nextToken } = pageAfter(all, keyOf, req.starting_token, req.max_entries);
  return { entries: page.map((s) => ({ snapshot: csiSnapshot(s) })), next_token: nextToken };
}

export async function getSnapshot(ctx: PluginContext, req: { snapshot_id?: string }): Promise<unknown> {
  const id = requireId(req.snapshot_id, 'snapshot_id');
  const s = await findSnapshot(ctx, id);
  if (!s) throw notFound(`snapshot ${id} does not exist`);
  return { snapshot: csiSnapshot(s) };
}
