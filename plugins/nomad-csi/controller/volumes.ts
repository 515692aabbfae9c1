/**
 * DeleteVolume, ValidateVolumeCapabilities, ListVolumes, GetCapacity, ControllerGetVolume,
 * ControllerExpandVolume. Each says what a repeated call does.
 */
import { status } from '@grpc/grpc-js';
import { isDisklessResource, type ResourceDefinition } from '../../../core/client/index.js';
import { isBlock, unsupportedReason, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { CsiError, invalid, isNotFound, precondition } from '../errors.js';
import { PROP } from '../names.js';
import { kibToBytes, bytesToKib, pageAfter, paramsOf, publishedNodes, requireId, requireVolume } from './lookup.js';
import { volumeContext } from '../params.js';


/** Deleting a volume that is gone is success. A volume with snapshots loses its replicas
 *  but its definition stays (hidden) until the last snapshot is deleted. */
export async function deleteVolume(ctx: PluginContext, req: { volume_id?: string }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  return ctx.locks.with([`vol:${id}`], async () => {
    const c = ctx.client;
    let rd: ResourceDefinition;
    try { rd = await c.resourceDefinitions.get(id); } catch (e) { if (isNotFound(e)) return {}; throw e; }
    const resources = await c.resources.list(id).catch((e) => { if (isNotFound(e)) return []; throw e; });
    const inUse = resources.find((r) => r.state?.in_use);
    if (inUse) throw precondition(`volume ${id} is in use on node ${inUse.node_name}`);
    const snaps = await c.snapshots.list(id).catch(() => []);
    if (snaps.length) {
      for (const r of [...resources.filter((x) => isDisklessResource(x.flags)), ...resources.filter((x) => !isDisklessResource(x.flags))]) {
        await c.resources.delete(id, r.node_name!).catch((e) => { if (!isNotFound(e)) throw e; });
      }
      await c.resourceDefinitions.modify(id, { override_props: { [PROP.deleted]: 'true' } });
      return {};
    }
    await c.resourceDefinitions.delete(id).catch((e) => { if (!isNotFound(e)) throw e; });
    await deleteGroupIfDerived(ctx, rd.resource_group_name);
    return {};
  });
}

/** Groups named sc-<hash> were made by this plugin; LINSTOR refuses to delete one still used. */
export async function deleteGroupIfDerived(ctx: PluginContext, rg: string | undefined): Promise<void> {
  if (!rg || !rg.startsWith('sc-')) return;
  await ctx.client.resourceGroups.delete(rg).catch(() => {});
}

export async function validateVolumeCapabilities(ctx: PluginContext, req: { volume_id?: string; volume_capabilities?: VolumeCapability[]; volume_context?: Record<string, string>; parameters?: Record<string, string> }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  if (!req.volume_capabilities?.length) throw invalid('volume_capabilities missing in request');
  await requireVolume(ctx, id);
  const why = req.volume_capabilities.map(unsupportedReason).find(Boolean);
  if (why) return { message: why };
  return { confirmed: { volume_context: req.volume_context ?? {}, volume_capabilities: req.volume_capabilities, parameters: req.parameters ?? {} } };
}

function csiVolumes(rds: ResourceDefinition[]): ResourceDefinition[] {
  return rds.filter((rd) => rd.props?.[PROP.name] !== undefined && rd.props?.[PROP.deleted] !== 'true' && !rd.flags?.includes('DELETE'))
    .sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
}

async function conditionOf(ctx: PluginContext, rdName: string): Promise<{ abnormal: boolean; message: string }> {
  const view = await ctx.client.resources.view({ resources: [rdName] });
  const bad = view.flatMap((r) => (r.volumes ?? []).map((v) => ({ node: r.node_name, state: v.state?.disk_state })))
    .filter((x) => x.state && /Failed|Inconsistent|Outdated|DUnknown/i.test(x.state));
  return bad.length ? { abnormal: true, message: bad.map((b) => `${b.node}: ${b.state}`).join(', ') } : { abnormal: false, message: 'volume is healthy' };
}

export async function listVolumes(ctx: PluginContext, req: { max_entries?: number; starting_token?: string }): Promise<unknown> {
  const all = csiVolumes(await ctx.client.resourceDefinitions.list({ with_volume_definitions: true }));
  const { page, nextToken } = pageAfter(all, (rd) => rd.name!, req.starting_token, req.max_entries);
  return {
    entries: page.map((rd) => ({
      volume: { volume_id: rd.name, capacity_bytes: kibToBytes(rd.volume_definitions?.find((v) => (v.volume_number ?? 0) === 0)?.size_kib), volume_context: volumeContext(JSON.parse(rd.props?.[PROP.params] ?? '{}') as Record<string, string>, paramsOf(rd)) },
      status: { published_node_ids: [...publishedNodes(rd).keys()] },
    })),
    next_token: nextToken,
  };
}

export async function getCapacity(ctx: PluginContext, req: { volume_capabilities?: VolumeCapability[]; parameters?: Record<string, string>; accessible_topology?: { segments?: Record<string, string> } | null }): Promise<unknown> {
  if (req.volume_capabilities?.some((c) => unsupportedReason(c))) return { available_capacity: '0' };
  const p = paramsOf({ props: { [PROP.params]: JSON.stringify(req.parameters ?? {}) } });
  const host = req.accessible_topology?.segments?.['linbit.com/hostname'];
  const spLabels = Object.keys(req.accessible_topology?.segments ?? {}).filter((k) => k.startsWith('linbit.com/sp-')).map((k) => k.slice('linbit.com/sp-'.length));
  const pools = await ctx.client.storagePools.list({ cached: true, ...(host ? { nodes: [host] } : {}) });
  let kib = 0;
  let largest = 0;
  for (const sp of pools) {
    if (sp.provider_kind === 'DISKLESS') continue;
    if (host && sp.node_name !== host) continue;
    if (p.storagePool && sp.storage_pool_name !== p.storagePool) continue;
    if (spLabels.length && !spLabels.includes(sp.storage_pool_name)) continue;
    kib += sp.free_capacity ?? 0;
    largest = Math.max(largest, sp.free_capacity ?? 0);
  }
  return { available_capacity: kibToBytes(kib), maximum_volume_size: { value: kibToBytes(largest) } };
}

export async function controllerGetVolume(ctx: PluginContext, req: { volume_id?: string }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  const v = await requireVolume(ctx, id);
  return {
    volume: { volume_id: v.name, capacity_bytes: kibToBytes(v.sizeKib), volume_context: volumeContext(JSON.parse(v.rd.props?.[PROP.params] ?? '{}') as Record<string, string>, paramsOf(v.rd)) },
    status: { published_node_ids: [...publishedNodes(v.rd).keys()], volume_condition: await conditionOf(ctx, id) },
  };
}

/** Grows the volume definition (never shrinks); repeating with the same size changes nothing. */
export async function controllerExpandVolume(ctx: PluginContext, req: { volume_id?: string; capacity_range?: { required_bytes?: string; limit_bytes?: string } | null; volume_capability?: VolumeCapability | null }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  if (!req.capacity_range) throw invalid('capacity_range missing in request');
  const required = BigInt(req.capacity_range.required_bytes ?? '0');
  const limit = BigInt(req.capacity_range.limit_bytes ?? '0');
  if (limit > 0n && required > limit) throw new CsiError(status.OUT_OF_RANGE, `required_bytes ${required} exceeds limit_bytes ${limit}`);
  return ctx.locks.with([`vol:${id}`], async () => {
    const v = await requireVolume(ctx, id);
    const want = bytesToKib(required);
    if (want > v.sizeKib) await ctx.client.resourceDefinitions.modifyVolumeDefinition(id, 0, { size_kib: want });
    const block = req.volume_capability ? isBlock(req.volume_capability) : false;
    return { capacity_bytes: kibToBytes(Math.max(want, v.sizeKib)), node_expansion_required: !block };
  });
}
