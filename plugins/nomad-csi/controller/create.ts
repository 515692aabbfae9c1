/**
 * CreateVolume, in the order linstor-csi uses against LINSTOR: resource group (created if
 * missing), resource definition carrying the CSI metadata, volume definition (or a restore
 * from a snapshot, or a clone), then placement (manual node list or autoplace).
 * Idempotent: a second call with the same name finds the definition by its Aux/csi/name
 * and answers the same volume; a different size, source or parameters is ALREADY_EXISTS.
 */
import { parseMutableParameters } from './modify.js';
import { status } from '@grpc/grpc-js';
import { isDisklessResource, LinstorApiError, type ResourceDefinition, RC } from '../../../core/client/index.js';
import { requireCapabilities, type VolumeCapability } from '../capabilities.js';
import { sleep, type PluginContext } from '../context.js';
import { alreadyExists, CsiError, invalid, notFound, orUndefined } from '../errors.js';
import { PROP } from '../names.js';
import { canAttachRemotely, groupSettings, parseParameters, volumeContext, type VolumeParameters } from '../params.js';
import { bytesToKib, findSnapshot, kibToBytes, requireId, resolveName } from './lookup.js';

export const DEFAULT_SIZE_BYTES = 64n * 1024n * 1024n;
const HOSTNAME_KEY = 'linbit.com/hostname';

interface Topology { segments?: Record<string, string> }
export interface CreateVolumeRequest {
  name?: string;
  capacity_range?: { required_bytes?: string; limit_bytes?: string } | null;
  volume_capabilities?: VolumeCapability[];
  parameters?: Record<string, string>;
  mutable_parameters?: Record<string, string>;
  volume_content_source?: { snapshot?: { snapshot_id?: string } | null; volume?: { volume_id?: string } | null; type?: string } | null;
  accessibility_requirements?: { requisite?: Topology[]; preferred?: Topology[] } | null;
}

/** Swallows "already exists" answers so every step can be repeated after a crash. */
async function tolerate(fn: () => Promise<unknown>, ...codes: bigint[]): Promise<void> {
  try { await fn(); } catch (e) { if (!(e instanceof LinstorApiError && codes.some((c) => e.hasCode(c)))) throw e; }
}

function sourceKey(req: CreateVolumeRequest): string {
  const s = req.volume_content_source;
  if (s?.snapshot?.snapshot_id) return `snapshot:${s.snapshot.snapshot_id}`;
  if (s?.volume?.volume_id) return `volume:${s.volume.volume_id}`;
  return '';
}

/** Parameters compared as a set of key=value pairs: the order a CO sends them in does not matter. */
function canonicalParams(p: Record<string, string>): string {
  return JSON.stringify(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function hostsOf(list: Topology[] | undefined): string[] {
  return (list ?? []).map((t) => t.segments?.[HOSTNAME_KEY]).filter((x): x is string => !!x);
}

export async function createVolume(ctx: PluginContext, req: CreateVolumeRequest): Promise<unknown> {
  const name = requireId(req.name, 'name');
  requireCapabilities(req.volume_capabilities);
  // Checked before anything is made; applied with the definition's own props (they take precedence, spec).
  parseMutableParameters(req.mutable_parameters ?? {});
  const params = parseParameters(req.parameters ?? {});
  const required = BigInt(req.capacity_range?.required_bytes ?? '0');
  const limit = BigInt(req.capacity_range?.limit_bytes ?? '0');
  if (limit > 0n && required > limit) throw new CsiError(status.OUT_OF_RANGE, `required_bytes ${required} exceeds limit_bytes ${limit}`);
  let wantBytes = required > 0n ? required : DEFAULT_SIZE_BYTES;
  if (limit > 0n && wantBytes > limit) wantBytes = limit;
  const sizeKib = bytesToKib(wantBytes);

  return ctx.locks.with([`name:${name}`], async () => {
    const { rdName, existing } = await resolveName(ctx, name);
    if (existing?.props?.['Aux/csi/provisioned'] === 'true') {
      const vd = await orUndefined(() => ctx.client.resourceDefinitions.getVolumeDefinition(rdName, 0));
      const have = BigInt(vd?.size_kib ?? 0) * 1024n;
      if (have < required || (limit > 0n && have > limit)) throw alreadyExists(`volume '${name}' exists with size ${have} bytes, not within [${required}, ${limit || '∞'}]`);
      if ((existing.props?.['Aux/csi/source'] ?? '') !== sourceKey(req)) throw alreadyExists(`volume '${name}' exists with a different content source`);
      const stored = existing.props?.[PROP.params];
      if (stored !== undefined && canonicalParams(JSON.parse(stored) as Record<string, string>) !== canonicalParams(req.parameters ?? {})) {
        throw alreadyExists(`volume '${name}' exists with other parameters (${stored})`);
      }
      return { volume: await describe(ctx, rdName, req, params) };
    }
    const fresh = !existing;
    try {
      await provision(ctx, rdName, name, sizeKib, req, params);
    } catch (e) {
      // A volume that never finished is removed again, so a failed create leaves nothing behind.
      if (fresh) await ctx.client.resourceDefinitions.delete(rdName).catch(() => {});
      throw e;
    }
    return { volume: await describe(ctx, rdName, req, params) };
  });
}

async function ensureGroup(ctx: PluginContext, p: VolumeParameters): Promise<void> {
  const rg = await orUndefined(() => ctx.client.resourceGroups.get(p.resourceGroup));
  if (rg) return;
  const { select_filter, props } = groupSettings(p);
  await tolerate(() => ctx.client.resourceGroups.create({ name: p.resourceGroup, select_filter, props, description: 'created by linstor-csi' }), RC.FAIL_EXISTS_RSC_GRP);
}

async function provision(ctx: PluginContext, rdName: string, csiName: string, sizeKib: number, req: CreateVolumeRequest, p: VolumeParameters): Promise<void> {
  const c = ctx.client;
  await ensureGroup(ctx, p);
  const props: Record<string, string> = {
    [PROP.name]: csiName, [PROP.createdBy]: ctx.pluginName, [PROP.params]: JSON.stringify(req.parameters ?? {}),
    'Aux/csi/source': sourceKey(req),
    ...parseMutableParameters(req.mutable_parameters ?? {}).set,
  };
  const src = req.volume_content_source;
  if (src?.volume?.volume_id) return cloneVolume(ctx, rdName, src.volume.volume_id, sizeKib, props, p);
  let snap;
  if (src?.snapshot?.snapshot_id) {
    snap = await findSnapshot(ctx, src.snapshot.snapshot_id);
    if (!snap) throw notFound(`source snapshot ${src.snapshot.snapshot_id} does not exist`);
  }
  const rd: ResourceDefinition = { name: rdName, resource_group_name: p.resourceGroup, props };
  await tolerate(() => c.resourceDefinitions.create({ resource_definition: rd }), RC.FAIL_EXISTS_RSC_DFN);
  if (snap) {
    const srcRd = snap.resource_name!;
    if ((await c.resourceDefinitions.listVolumeDefinitions(rdName)).length === 0) {
      await c.snapshots.restoreVolumeDefinition(srcRd, snap.name!, { to_resource: rdName });
    }
    if ((await c.resources.list(rdName)).length === 0) {
      // The snapshot's data lives on the nodes that took it: restore there.
      const nodes = snap.nodes?.length ? snap.nodes : (snap.snapshots ?? []).map((s) => s.node_name!).filter(Boolean);
      await c.snapshots.restoreResource(srcRd, snap.name!, { to_resource: rdName, nodes });
    }
    const vd = await c.resourceDefinitions.getVolumeDefinition(rdName, 0);
    if (vd.size_kib < sizeKib) await c.resourceDefinitions.modifyVolumeDefinition(rdName, 0, { size_kib: sizeKib });
  } else {
    if (!(await orUndefined(() => c.resourceDefinitions.getVolumeDefinition(rdName, 0)))) {
      await tolerate(() => c.resourceDefinitions.createVolumeDefinition(rdName, { volume_definition: { volume_number: 0, size_kib: sizeKib } }), RC.FAIL_EXISTS_VLM_DFN);
    }
    await place(ctx, rdName, req, p);
  }
  await c.resourceDefinitions.modify(rdName, { override_props: { 'Aux/csi/provisioned': 'true' } });
}

async function place(ctx: PluginContext, rdName: string, req: CreateVolumeRequest, p: VolumeParameters): Promise<void> {
  const c = ctx.client;
  const resourceProps = (pool?: string): Record<string, string> => (pool ? { StorPoolName: pool } : {});
  if (p.placementPolicy === 'Manual') {
    for (const node of p.nodeList) {
      await tolerate(() => c.resources.createOnNode(rdName, node, { resource: { node_name: node, props: resourceProps(p.storagePool) }, layer_list: p.layerList }), RC.FAIL_EXISTS_RSC);
    }
    for (const node of p.clientList) {
      await tolerate(() => c.resources.createOnNode(rdName, node, {
        resource: { node_name: node, props: resourceProps(p.disklessStoragePool), flags: ['DRBD_DISKLESS'] }, layer_list: p.layerList,
      }), RC.FAIL_EXISTS_RSC);
    }
    return;
  }
  const { select_filter } = groupSettings(p);
  const requisite = hostsOf(req.accessibility_requirements?.requisite);
  const preferred = hostsOf(req.accessibility_requirements?.preferred);
  if (p.placementPolicy !== 'AutoPlace' && preferred.length) {
    // First replica where the CO would like to run the workload, when that node can take one.
    await c.resources.autoplace(rdName, { select_filter: { ...select_filter, place_count: 1, node_name_list: [preferred[0]!] } }).catch((e) => {
      ctx.log.debug({ err: (e as Error).message, rdName }, 'preferred node could not take a replica');
    });
  }
  const filter = { ...select_filter, place_count: p.placementCount || 1, ...(requisite.length && p.placementPolicy !== 'AutoPlace' ? { node_name_list: requisite } : {}) };
  const have = (await c.resources.list(rdName)).filter((r) => !isDisklessResource(r.flags)).length;
  if (have < filter.place_count) await c.resources.autoplace(rdName, { select_filter: filter, diskless_on_remaining: p.disklessOnRemaining || undefined });
}

async function cloneVolume(ctx: PluginContext, rdName: string, srcId: string, sizeKib: number, props: Record<string, string>, p: VolumeParameters): Promise<void> {
  const c = ctx.client;
  const src = await orUndefined(() => c.resourceDefinitions.get(srcId));
  if (!src || src.props?.[PROP.deleted] === 'true') throw notFound(`source volume ${srcId} does not exist`);
  if (!(await orUndefined(() => c.resourceDefinitions.get(rdName)))) {
    await c.resourceDefinitions.clone(srcId, { name: rdName, resource_group: p.resourceGroup });
  }
  for (let i = 0; ; i++) {
    const st = await c.resourceDefinitions.cloneStatus(srcId, rdName);
    if (st.status === 'COMPLETE') break;
    if (st.status === 'FAILED') throw new CsiError(status.INTERNAL, `cloning ${srcId} to ${rdName} failed`);
    if (i > 600) throw new CsiError(status.DEADLINE_EXCEEDED, `cloning ${srcId} did not finish`);
    await sleep(200);
  }
  await c.resourceDefinitions.modify(rdName, { override_props: props });
  const vd = await c.resourceDefinitions.getVolumeDefinition(rdName, 0);
  if (vd.size_kib < sizeKib) await c.resourceDefinitions.modifyVolumeDefinition(rdName, 0, { size_kib: sizeKib });
  await c.resourceDefinitions.modify(rdName, { override_props: { 'Aux/csi/provisioned': 'true' } });
}

/** The CSI Volume message for a provisioned definition. */
async function describe(ctx: PluginContext, rdName: string, req: CreateVolumeRequest, p: VolumeParameters): Promise<unknown> {
  const vd = await ctx.client.resourceDefinitions.getVolumeDefinition(rdName, 0);
  const resources = await ctx.client.resources.list(rdName);
  const diskful = resources.filter((r) => !isDisklessResource(r.flags)).map((r) => r.node_name!);
  const src = req.volume_content_source;
  return {
    volume_id: rdName,
    capacity_bytes: kibToBytes(vd.size_kib),
    volume_context: volumeContext(req.parameters ?? {}, p),
    content_source: src?.snapshot?.snapshot_id ? { snapshot: { snapshot_id: src.snapshot.snapshot_id } }
      : src?.volume?.volume_id ? { volume: { volume_id: src.volume.volume_id } } : undefined,
    // Without a network layer the data is reachable only where a replica is.
    accessible_topology: canAttachRemotely(p) ? [] : diskful.map((n) => ({ segments: { [HOSTNAME_KEY]: n } })),
  };
}
