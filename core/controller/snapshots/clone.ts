/**
 * Resource-definition clone (LINSTOR 1.19+, used by OpenNebula): the clone definition is
 * created at once with the CLONING flag; in the background a temporary snapshot of the source
 * is taken, restored into the clone on the same nodes, and removed. Its status is polled
 * through GET .../clone/{clone}: CLONING, then COMPLETE or FAILED.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, getResourceGroup } from '../lookup.js';
import { applyAndReport, failedNodes } from '../services/apply.js';
import { checkLayerStack } from '../services/layers.js';
import { deriveResourceName, drbdSecret } from '../services/resource-definitions.js';
import { allocateMinor, allocateTcpPort } from '../services/numbers.js';
import { isError } from '../../model/apicallrc.js';
import { createSnapshots } from './create.js';
import { deleteSnapshot } from './delete-rollback.js';
import { getSnapshot } from './common.js';
import { restoreResourcesInTx } from './restore.js';

export interface CloneStarted { location: string; source_name: string; clone_name: string; messages: ApiCallRc[] }

/** The source's volume definitions for the clone; a DRBD clone's get their own minors. */
function cloneVolumeDefinitions(state: ControllerContext['state'], src: ResourceDefinition, drbd: boolean): VolumeDefinition[] {
  const minors: number[] = [];
  return src.volumeDefinitions.filter((v) => !v.flags.includes('DELETE')).map((v) => {
    const minorNumber = drbd ? allocateMinor(state, undefined, minors) : undefined;
    if (minorNumber !== undefined) minors.push(minorNumber);
    return { volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: { ...v.props }, flags: [], uuid: randomUUID(), ...(minorNumber !== undefined ? { minorNumber } : {}) };
  });
}

export async function startClone(ctx: ControllerContext, srcName: string, body: api.ResourceDefinitionCloneRequest): Promise<CloneStarted> {
  const { state } = ctx;
  const src = getResourceDefinition(state, srcName);
  const ext = body.external_name || undefined;
  const given = body.name || undefined;
  if (!given && !ext) throw new ApiError('FAIL_INVLD_RSC_NAME', 'Clone name is missing.', { obj: 'RSC_DFN', op: 'CRT', correction: "Give 'name' or 'external_name'." });
  // The clone is laid out like the source's resources (their layer list may differ from the definition's).
  const firstRsc = [...state.resources.withPrefix(`${nameKey(src.name)}/`)].find((r) => r.layerStack.length);
  const layerStack = checkLayerStack(body.layer_list) ?? firstRsc?.layerStack ?? src.layerStack;
  const rgName = body.resource_group ? getResourceGroup(state, body.resource_group).name : src.resourceGroup;
  const clone = await state.mutate((tx) => {
    const name = given ?? deriveResourceName(ext!, (n) => state.resourceDefinitions.has(nameKey(n)));
    if (state.resourceDefinitions.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', name, { obj: 'RSC_DFN', op: 'CRT', objRefs: { RscDfn: name } });
    const props = applyPropsModify({ ...src.props }, body).props;
    for (const k of Object.keys(props)) if (k.startsWith('AutoSnapshot/NextAutoId')) delete props[k];
    const rd: ResourceDefinition = {
      name, externalName: ext, resourceGroup: rgName, props, flags: ['CLONING'], layerStack: [...layerStack],
      drbd: layerStack.includes('DRBD') ? { port: allocateTcpPort(state), secret: drbdSecret(), peerSlots: src.drbd?.peerSlots, transportType: src.drbd?.transportType } : undefined,
      volumeDefinitions: cloneVolumeDefinitions(state, src, layerStack.includes('DRBD')),
      uuid: randomUUID(),
    };
    tx.put(state.resourceDefinitions, nameKey(name), rd);
    return rd;
  });
  void runClone(ctx, src.name, clone.name).catch((e: unknown) => ctx.log.error({ err: e, source: src.name, clone: clone.name }, 'clone failed'));
  return {
    location: `/v1/resource-definitions/${src.name}/clone/${clone.name}`,
    source_name: src.name, clone_name: clone.name,
    messages: [rcEntry('CREATED', `New resource definition '${clone.name}' created.`, { obj: 'RSC_DFN', op: 'CRT', details: `Cloning from '${src.name}' started.`, objRefs: { RscDfn: clone.name } })],
  };
}

async function runClone(ctx: ControllerContext, srcName: string, cloneName: string): Promise<void> {
  const { state } = ctx;
  const snapName = `CF_${randomBytes(4).toString('hex')}`;
  let ok = false;
  let snapTaken = false;
  try {
    const rc = await createSnapshots(ctx, [{ resourceName: srcName, name: snapName }]);
    snapTaken = true;
    if (rc.some((e) => isError(e.ret_code))) throw new Error(rc.filter((e) => isError(e.ret_code)).map((e) => e.message).join('; '));
    const src = getResourceDefinition(state, srcName);
    const snap = getSnapshot(state, srcName, snapName);
    const { rd, nodes } = await state.mutate((tx) => restoreResourcesInTx(ctx, tx, src, snap, { toResource: cloneName, nodes: [], storPoolRename: {} }));
    const applied = await applyAndReport(ctx, nodes.map((n) => ({ rdName: rd.name, nodeName: n })), 'create');
    ok = failedNodes(applied).size === 0 && !applied.some((e) => isError(e.ret_code));
  } catch (e) {
    ctx.log.error({ err: e, source: srcName, clone: cloneName }, 'cloning resource definition failed');
  } finally {
    await state.mutate((tx) => {
      const rd = state.resourceDefinitions.get(nameKey(cloneName));
      if (rd) tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, flags: [...rd.flags.filter((f) => f !== 'CLONING'), ...(ok ? [] : ['FAILED'])] });
    });
    if (snapTaken) await deleteSnapshot(ctx, srcName, snapName).catch((e: unknown) => ctx.log.warn({ err: e, snapshot: snapName }, 'removing the clone snapshot failed'));
  }
}

export function cloneStatus(ctx: ControllerContext, srcName: string, cloneName: string): { status: 'CLONING' | 'COMPLETE' | 'FAILED' } {
  getResourceDefinition(ctx.state, srcName);
  const rd = getResourceDefinition(ctx.state, cloneName);
  return { status: rd.flags.includes('CLONING') ? 'CLONING' : rd.flags.includes('FAILED') ? 'FAILED' : 'COMPLETE' };
}

/** Whether every volume of every resource reports UpToDate (or Diskless) on its node. */
export function syncStatus(ctx: ControllerContext, rdName: string): { synced_on_all: boolean } {
  const rd = getResourceDefinition(ctx.state, rdName);
  const rscs = [...ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)];
  const synced = rscs.every((r) => {
    const rep = ctx.runtime.resources.get(`${nameKey(rd.name)}/${nameKey(r.nodeName)}`);
    return rep?.ready === true && rep.volumes.every((v) => v.diskState === 'UpToDate' || v.diskState === 'Diskless');
  });
  return { synced_on_all: synced };
}
