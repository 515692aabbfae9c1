/**
 * Restoring a snapshot into another resource definition: its volume definitions (sizes as
 * when the snapshot was taken), then resources on the nodes that hold the snapshot (all, or
 * those named). Each new volume carries RestoreFromResource/RestoreFromSnapshot, which makes
 * the satellite create it as a copy of the snapshot instead of an empty volume.
 */
import { randomUUID } from 'node:crypto';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { KEY_VLM_RESTORE_FROM_RESOURCE, KEY_VLM_RESTORE_FROM_SNAPSHOT } from '../../model/apiconsts.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { LayerKind, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, resourceKey } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { drbdSecret } from '../services/resource-definitions.js';
import { allocateMinor, allocateTcpPort } from '../services/numbers.js';
import { createResourcesInTx } from '../services/resources.js';
import type { Transaction } from '../state/cluster-state.js';
import { getSnapshot } from './common.js';
import { DFLT_STOR_POOL } from '../../model/defaults.js';

export interface RestoreRequest {
  toResource: string;
  nodes: string[];
  storPoolRename: Record<string, string>;
}

/** A validated SnapshotRestore (core/api/rules.ts checks the target name). */
export function toRestoreRequest(body: api.SnapshotRestore): RestoreRequest {
  return { toResource: body.to_resource, nodes: body.nodes ?? [], storPoolRename: body.stor_pool_rename ?? {} };
}

/** The target definition, created like the source (group, layers) when it does not exist yet. */
function targetDefinition(ctx: ControllerContext, tx: Transaction, src: ResourceDefinition, to: string, opts: { flags?: string[]; layerStack?: LayerKind[]; resourceGroup?: string } = {}): ResourceDefinition {
  const { state } = ctx;
  const existing = state.resourceDefinitions.get(nameKey(to));
  if (existing) return existing;
  const stack = opts.layerStack ?? src.layerStack;
  const rd: ResourceDefinition = {
    name: to, resourceGroup: opts.resourceGroup ?? src.resourceGroup, props: {}, flags: opts.flags ?? [], layerStack: [...stack],
    drbd: stack.includes('DRBD') ? { port: allocateTcpPort(state), secret: drbdSecret(), peerSlots: src.drbd?.peerSlots, transportType: src.drbd?.transportType } : undefined,
    volumeDefinitions: [], uuid: randomUUID(),
  };
  tx.put(state.resourceDefinitions, nameKey(to), rd);
  return rd;
}

function restoreVdsInTx(ctx: ControllerContext, tx: Transaction, snap: Snapshot, target: ResourceDefinition, required: boolean): ResourceDefinition {
  if (target.volumeDefinitions.length) {
    if (!required) return target;
    throw new ApiError('FAIL_EXISTS_VLM_DFN', `Resource definition '${target.name}' already has volume definitions.`, {
      obj: 'VLM_DFN', op: 'CRT', correction: 'Restore into a new or empty resource definition.', objRefs: { RscDfn: target.name },
    });
  }
  // A DRBD definition's volumes need minors, as a created one gets (volume-definition list reads them).
  const minors: number[] = [];
  const vds: VolumeDefinition[] = snap.volumeDefinitions.map((v) => {
    const minorNumber = target.layerStack.includes('DRBD') ? allocateMinor(ctx.state, undefined, minors) : undefined;
    if (minorNumber !== undefined) minors.push(minorNumber);
    return { volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: { ...v.props }, flags: [], uuid: randomUUID(), ...(minorNumber !== undefined ? { minorNumber } : {}) };
  });
  const rd = { ...target, volumeDefinitions: vds };
  tx.put(ctx.state.resourceDefinitions, nameKey(rd.name), rd);
  return rd;
}

export async function restoreVolumeDefinitions(ctx: ControllerContext, rdName: string, snapName: string, body: api.SnapshotRestore): Promise<ApiCallRc[]> {
  const req = toRestoreRequest(body);
  const src = getResourceDefinition(ctx.state, rdName);
  const snap = getSnapshot(ctx.state, src.name, snapName);
  const rd = await ctx.state.mutate((tx) => restoreVdsInTx(ctx, tx, snap, targetDefinition(ctx, tx, src, req.toResource, { layerStack: snapshotLayers(snap) }), true));
  return rd.volumeDefinitions.map((v) => rcEntry('CREATED', `New volume definition with number '${v.volumeNumber}' of resource definition '${rd.name}' created.`, {
    obj: 'VLM_DFN', op: 'CRT', objRefs: { RscDfn: rd.name, VlmNr: String(v.volumeNumber) },
  }));
}

/** Creates the resources of `to` from the snapshot inside one transaction (also used by clone). */
export function restoreResourcesInTx(ctx: ControllerContext, tx: Transaction, src: ResourceDefinition, snap: Snapshot, req: RestoreRequest, rdOpts: Parameters<typeof targetDefinition>[4] = {}): { rd: ResourceDefinition; rc: ApiCallRc[]; nodes: string[] } {
  if (!snap.flags.includes('SUCCESSFUL')) {
    throw new ApiError('FAIL_SNAPSHOT_NOT_UPTODATE', `Snapshot '${snap.name}' of resource '${src.name}' was not taken successfully; it cannot be restored.`, { obj: 'SNAPSHOT' });
  }
  const holders = req.nodes.length
    ? req.nodes.map((n) => {
      const h = snap.nodes.find((x) => nameKey(x.nodeName) === nameKey(n));
      if (!h) throw Errors.notFound('FAIL_NOT_FOUND_SNAPSHOT', 'Snapshot', `${snap.name}' on node '${n}`, { obj: 'SNAPSHOT', objRefs: { RscDfn: src.name, Snapshot: snap.name, Node: n } });
      return h;
    })
    : snap.nodes;
  let rd = targetDefinition(ctx, tx, src, req.toResource, { layerStack: snapshotLayers(snap), ...rdOpts });
  if ([...ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)].length) {
    throw new ApiError('FAIL_EXISTS_RSC', `Resource definition '${rd.name}' already has resources; a snapshot can only be restored into an undeployed resource definition.`, {
      obj: 'RSC', op: 'CRT', objRefs: { RscDfn: rd.name }, correction: 'Restore into a new resource definition.',
    });
  }
  rd = restoreVdsInTx(ctx, tx, snap, withLayers(ctx, tx, rd, rdOpts.layerStack ?? snapshotLayers(snap)), false);
  const reqs = holders.map((h) => {
    const pool = h.storagePools[String(snap.volumeDefinitions[0]?.volumeNumber ?? 0)] ?? DFLT_STOR_POOL;
    return { nodeName: h.nodeName, props: { StorPoolName: req.storPoolRename[pool] ?? pool }, diskless: false, layerList: h.layerStack as LayerKind[] };
  });
  const { created, rc } = createResourcesInTx(ctx, tx, rd.name, reqs, ctx.clock());
  for (const r of created) {
    const volumes = Object.fromEntries(Object.entries(r.volumes).map(([nr, v]) => [nr, {
      ...v, props: { ...v.props, [KEY_VLM_RESTORE_FROM_RESOURCE]: src.name, [KEY_VLM_RESTORE_FROM_SNAPSHOT]: snap.name },
    }]));
    tx.put(ctx.state.resources, resourceKey(rd.name, r.nodeName), { ...r, volumes });
  }
  return { rd, rc, nodes: created.map((r) => r.nodeName) };
}

/**
 * The restored definition takes the snapshot's layer stack (as its restored resources do), also
 * when `snapshot volume-definition restore` made it first; an undeployed definition only.
 */
function withLayers(ctx: ControllerContext, tx: Transaction, rd: ResourceDefinition, stack: LayerKind[] | undefined): ResourceDefinition {
  if (!stack || stack.join(',') === rd.layerStack.join(',')) return rd;
  const drbd = stack.includes('DRBD') ? rd.drbd ?? { port: allocateTcpPort(ctx.state), secret: drbdSecret() } : rd.drbd;
  const minors: number[] = [];
  const volumeDefinitions = rd.volumeDefinitions.map((vd) => {
    if (!stack.includes('DRBD') || vd.minorNumber !== undefined) return vd;
    const minorNumber = allocateMinor(ctx.state, undefined, minors);
    minors.push(minorNumber);
    return { ...vd, minorNumber };
  });
  const next: ResourceDefinition = { ...rd, layerStack: [...stack], drbd, volumeDefinitions };
  tx.put(ctx.state.resourceDefinitions, nameKey(rd.name), next);
  return next;
}

/** The layers the snapshotted resources had: the restored ones get the same (their data layout). */
function snapshotLayers(snap: Snapshot): LayerKind[] | undefined {
  const stack = snap.nodes[0]?.layerStack;
  return stack?.length ? stack as LayerKind[] : undefined;
}

export async function restoreResources(ctx: ControllerContext, rdName: string, snapName: string, body: api.SnapshotRestore): Promise<ApiCallRc[]> {
  const req = toRestoreRequest(body);
  const src = getResourceDefinition(ctx.state, rdName);
  const snap = getSnapshot(ctx.state, src.name, snapName);
  const { rd, rc, nodes } = await ctx.state.mutate((tx) => restoreResourcesInTx(ctx, tx, src, snap, req));
  const applied = await applyAndReport(ctx, nodes.map((n) => ({ rdName: rd.name, nodeName: n })), 'create');
  return [...rc, ...applied];
}
