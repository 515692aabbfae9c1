/** Resource operations the routes call: create, modify, delete, make-available, (de)activate. */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';

import { isDisklessResource } from '../../model/resource-flags.js';
import type { Resource } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { getResource, getResourceDefinition, resourceKey } from '../lookup.js';
import { activeSharers } from '../state/shared-resources.js';
import type * as api from '../../api/index.js';
import { applyAndReport } from './apply.js';
import { deleteResources } from './deletion.js';
import { checkLayerStack } from './layers.js';
import { createResourcesInTx, type ResourceCreateRequest } from './resources.js';
import { addTieBreakerInTx } from '../placement/tie-breaker.js';
import { poolForNode } from '../placement/autoplace.js';
import { rebuildInTx } from '../placement/toggle-disk.js';

const rscDesc = (rd: string, node: string): string => `Resource '${rd}' on node '${node}'`;

export async function createResources(ctx: ControllerContext, rdName: string, reqs: ResourceCreateRequest[]): Promise<ApiCallRc[]> {
  getResourceDefinition(ctx.state, rdName);
  if (!reqs.length) return [];
  const { created, rc } = await ctx.state.mutate((tx) => {
    const out = createResourcesInTx(ctx, tx, rdName, reqs, ctx.clock());
    const tb = addTieBreakerInTx(ctx, tx, rdName, false);
    return { created: [...out.created, ...tb.created], rc: [...out.rc, ...tb.rc] };
  });
  rc.push(...await applyAndReport(ctx, created.map((r) => ({ rdName: r.name, nodeName: r.nodeName })), 'create'));
  return rc;
}

function ensureNotInUse(ctx: ControllerContext, r: Resource): void {
  if (ctx.runtime.resources.get(resourceKey(r.name, r.nodeName))?.inUse) {
    throw Errors.inUse(`Resource '${r.name}' is still in use on node '${r.nodeName}'.`, 'The resource is opened (mounted, or DRBD Primary) on that node.',
      'Un-use the resource (unmount, demote) first.', { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: r.name, Node: r.nodeName } });
  }
}

export async function deleteResource(ctx: ControllerContext, rdName: string, nodeName: string): Promise<ApiCallRc[]> {
  const r = getResource(ctx.state, rdName, nodeName);
  ensureNotInUse(ctx, r);
  const refs = { RscDfn: r.name, Node: r.nodeName };
  const rc: ApiCallRc[] = [rcEntry('DELETED', `${rscDesc(r.name, r.nodeName)} marked for deletion.`, { obj: 'RSC', op: 'DEL', details: `${rscDesc(r.name, r.nodeName)} UUID is: ${r.uuid}`, objRefs: refs })];
  const del = await deleteResources(ctx, r.name, [r.nodeName]);
  rc.push(...del.rc);
  if (!del.remaining.length) rc.push(rcEntry('DELETED', `${rscDesc(r.name, r.nodeName)} deleted.`, { obj: 'RSC', op: 'DEL', details: `${rscDesc(r.name, r.nodeName)} UUID was: ${r.uuid}`, objRefs: refs }));
  return rc;
}

/** Replaces a resource through `fn` in one transaction, then pushes and reports. */
async function updateResource(ctx: ControllerContext, rdName: string, nodeName: string, fn: (r: Resource) => Resource, message: (r: Resource) => string, extra: ApiCallRc[] = []): Promise<ApiCallRc[]> {
  const r = await ctx.state.mutate((tx) => {
    const cur = getResource(ctx.state, rdName, nodeName);
    const next = fn(cur);
    tx.put(ctx.state.resources, resourceKey(cur.name, cur.nodeName), next);
    return next;
  });
  const rc = [rcEntry('MODIFIED', message(r), { obj: 'RSC', op: 'MOD', details: `${rscDesc(r.name, r.nodeName)} UUID is: ${r.uuid}`, objRefs: { RscDfn: r.name, Node: r.nodeName } }), ...extra];
  rc.push(...(await applyAndReport(ctx, [{ rdName: r.name, nodeName: r.nodeName }], 'modify')).filter((e) => e.ret_code < 0n));
  return rc;
}

export async function modifyResource(ctx: ControllerContext, rdName: string, nodeName: string, body: api.ResourceModify): Promise<ApiCallRc[]> {
  const cur = getResource(ctx.state, rdName, nodeName);
  const change = applyPropsModify(cur.props, body);
  const tb = body.drbd_tiebreaker;
  if (tb === true && !isDisklessResource(cur.flags)) {
    throw new ApiError('FAIL_INVLD_RSC_STATE', `${rscDesc(cur.name, cur.nodeName)} is diskful and cannot be a tie-breaker.`, { correction: 'Only a diskless resource can be marked as tie-breaker.', obj: 'RSC', op: 'MOD' });
  }
  const warn = change.unsetDeletes.map((k) => rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'RSC', op: 'MOD' }));
  return updateResource(ctx, rdName, nodeName, (r) => {
    let flags = r.flags;
    if (tb === true && !flags.includes('TIE_BREAKER')) flags = [...flags, 'TIE_BREAKER'];
    if (tb === false) flags = flags.filter((f) => f !== 'TIE_BREAKER');
    return { ...r, props: change.props, flags };
  }, (r) => `${rscDesc(r.name, r.nodeName)} modified.`, warn);
}

export async function setActive(ctx: ControllerContext, rdName: string, nodeName: string, active: boolean): Promise<ApiCallRc[]> {
  const cur = getResource(ctx.state, rdName, nodeName);
  if (active === !cur.flags.includes('INACTIVE')) {
    return [rcEntry('INFO_NOOP', `${rscDesc(cur.name, cur.nodeName)} is already ${active ? 'active' : 'inactive'}.`, { obj: 'RSC', op: 'MOD', objRefs: { RscDfn: cur.name, Node: cur.nodeName } })];
  }
  if (!active) ensureNotInUse(ctx, cur);
  const holder = active ? activeSharers(ctx.state, cur, getResourceDefinition(ctx.state, rdName))[0] : undefined;
  if (holder) {
    throw new ApiError('FAIL_ONLY_ONE_ACT_RSC_PER_SHARED_STOR_POOL_ALLOWED', 'Only one active resource per shared storage pool allowed', {
      obj: 'RSC', op: 'MOD', cause: `The volume resource '${cur.name}' shares with node '${holder.nodeName}' is active there.`,
      correction: `Deactivate it there first: linstor resource deactivate ${holder.nodeName} ${cur.name}`, objRefs: { RscDfn: cur.name, Node: cur.nodeName },
    });
  }
  return updateResource(ctx, rdName, nodeName,
    (r) => ({ ...r, flags: active ? r.flags.filter((f) => f !== 'INACTIVE') : [...r.flags, 'INACTIVE'] }),
    (r) => `${rscDesc(r.name, r.nodeName)} ${active ? 'activated' : 'deactivated'}.`);
}

/**
 * make-available: nothing to do if the resource exists (unless a diskless one must become
 * diskful); otherwise a diskless resource (DRBD client), or a diskful one when asked.
 */
export async function makeAvailable(ctx: ControllerContext, rdName: string, nodeName: string, body: api.ResourceMakeAvailable): Promise<ApiCallRc[]> {
  const rd = getResourceDefinition(ctx.state, rdName);
  const diskful = body.diskful === true;
  const layerList = checkLayerStack(body.layer_list);
  const cur = ctx.state.resources.get(resourceKey(rd.name, nodeName));
  const refs = { RscDfn: rd.name, Node: nodeName };
  if (cur && !cur.flags.includes('DELETE')) {
    // A tie-breaker asked to be made available becomes an ordinary diskless resource (LINSTOR's takeover).
    if (!diskful && cur.flags.includes('TIE_BREAKER')) {
      return updateResource(ctx, rd.name, nodeName, (r) => ({ ...r, flags: r.flags.filter((f) => f !== 'TIE_BREAKER') }),
        (r) => `Tie breaker resource '${r.name}' on node '${r.nodeName}' taken over as a diskless resource.`);
    }
    if (!(diskful && isDisklessResource(cur.flags))) {
      return [rcEntry('INFO_RSC_ALREADY_EXISTS', `${rscDesc(rd.name, cur.nodeName)} already exists, nothing to do.`, { obj: 'RSC', op: 'CRT', objRefs: refs })];
    }
    // Toggle into diskful in the pool the autoplacer picks on that node, keeping identity.
    const pool = poolForNode(ctx, rd, nodeName);
    await ctx.state.mutate((tx) => rebuildInTx(ctx, tx, getResource(ctx.state, rd.name, nodeName), false, pool, layerList ?? cur.layerStack));
    const res = [rcEntry('MODIFIED', `${rscDesc(rd.name, cur.nodeName)} toggled to diskful.`, { obj: 'RSC', op: 'MOD', objRefs: refs })];
    res.push(...await applyAndReport(ctx, [{ rdName: rd.name, nodeName }], 'modify'));
    return res;
  }
  // A new diskful replica goes where the autoplacer would put it on that node (LINSTOR's makeAvailable).
  if (diskful) return createResources(ctx, rd.name, [{ nodeName, props: {}, diskless: false, layerList, storagePool: poolForNode(ctx, rd, nodeName) }]);
  return createResources(ctx, rd.name, [{ nodeName, props: {}, diskless: !diskful, layerList }]);
}

