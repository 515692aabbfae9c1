/**
 * Placement routes: spawn, autoplace, the size queries, group adjust, toggle-disk (and its
 * deprecated forms) and the node lifecycle (evacuate, evict, restore, lost). Registered before
 * the resource-group routes so `/v1/resource-groups/:rg/spawn` is not taken for a group name.
 */
import type { Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ResourceGroup } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { getResourceGroup } from '../lookup.js';
import { autoplaceInTx, effectiveFilter } from '../placement/autoplace.js';
import { startAutomatisms } from '../placement/automatisms.js';
import { moveAway, nodeLost, restoreNode } from '../placement/node-lifecycle.js';
import { groupSizeInfo, maxVolumeSizes, sizeInfo } from '../placement/size-info.js';
import { placementSnapshot } from '../placement/snapshot.js';
import { autoplaceResource, spawnResources } from '../placement/spawn.js';
import { addTieBreakerInTx } from '../placement/tie-breaker.js';
import { parseToggleDisk, toggleDisk } from '../placement/toggle-disk.js';
import { applyAndReport } from '../services/apply.js';
import { checkSelectFilter } from '../services/select-filter.js';
import { bodyOf } from './body.js';

/**
 * `resource-group adjust`: every definition of the group is topped up to the group's current
 * select filter (so a changed place count or pool list reaches existing resources).
 */
async function adjustGroup(ctx: ControllerContext, rg: ResourceGroup, override: ReturnType<typeof checkSelectFilter>): Promise<ApiCallRc[]> {
  const rc: ApiCallRc[] = [];
  const rds = [...ctx.state.resourceDefinitions.values()].filter((d) => nameKey(d.resourceGroup) === nameKey(rg.name) && !d.flags.includes('DELETE'));
  for (const d of rds) {
    try {
      const out = await ctx.state.mutate((tx) => {
        const rd = ctx.state.resourceDefinitions.get(nameKey(d.name));
        const cur = ctx.state.resourceGroups.get(nameKey(rg.name));
        if (!rd || !cur || !rd.volumeDefinitions.length) return { created: [], rc: [] as ApiCallRc[] };
        const filter = effectiveFilter(cur, override);
        if (filter.place_count === undefined) return { created: [], rc: [] as ApiCallRc[] };
        const placed = autoplaceInTx(ctx, tx, rd, { ...filter, additional_place_count: undefined });
        const tb = addTieBreakerInTx(ctx, tx, rd.name, false);
        return { created: [...placed.created, ...tb.created], rc: placed.created.length ? [...placed.rc, ...tb.rc] : tb.rc };
      });
      rc.push(...out.rc);
      if (out.created.length) rc.push(...await applyAndReport(ctx, out.created.map((r) => ({ rdName: r.name, nodeName: r.nodeName })), 'create'));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      rc.push(rcEntry('WARN_NOT_FOUND', `Resource '${d.name}' could not be adjusted: ${e.message}`, { obj: 'RSC_GRP', cause: e.opts.cause, correction: e.opts.correction, objRefs: { RscGrp: rg.name, RscDfn: d.name } }));
    }
  }
  if (!rc.length) rc.push(rcEntry('INFO_NOOP', `Resource group '${rg.name}' adjusted: nothing to do.`, { obj: 'RSC_GRP', op: 'MOD', objRefs: { RscGrp: rg.name } }));
  return rc;
}

export function registerPlacementRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;
  const rgParam = (req: { params: Record<string, unknown> }) => String(req.params.rg);
  startAutomatisms(ctx);

  r.post('/v1/resource-groups/adjustall', route(reporter, { obj: 'RSC_GRP', op: 'MOD' }, 200, async (req) => {
    const override = checkSelectFilter(bodyOf(req, false).select_filter);
    const rc: ApiCallRc[] = [];
    for (const rg of [...state.resourceGroups.values()]) rc.push(...await adjustGroup(ctx, rg, override));
    return { rc };
  }));
  r.post('/v1/resource-groups/:rg/adjust', route(reporter, { obj: 'RSC_GRP', op: 'MOD' }, 200, async (req) => ({
    rc: await adjustGroup(ctx, getResourceGroup(state, rgParam(req)), checkSelectFilter(bodyOf(req, false).select_filter)),
  })));
  r.post('/v1/resource-groups/:rg/spawn', route(reporter, { obj: 'RSC_GRP', op: 'CRT' }, 201, async (req) => ({
    rc: await spawnResources(ctx, rgParam(req), bodyOf(req)),
  })));
  r.post('/v1/resource-groups/:rg/query-size-info', route(reporter, { obj: 'RSC_GRP' }, 200, (req) => ({
    json: groupSizeInfo(ctx, getResourceGroup(state, rgParam(req)), checkSelectFilter(bodyOf(req, false).select_filter)),
  })));
  r.get('/v1/resource-groups/:rg/query-max-volume-size', route(reporter, { obj: 'RSC_GRP' }, 200, (req) => ({
    json: maxVolumeSizes(ctx, effectiveFilter(getResourceGroup(state, rgParam(req)))),
  })));
  r.options('/v1/query-max-volume-size', route(reporter, { obj: 'STOR_POOL' }, 200, (req) => ({
    json: maxVolumeSizes(ctx, checkSelectFilter(bodyOf(req, false))),
  })));
  r.post('/v1/queries/resource-groups/query-all-size-info', route(reporter, { obj: 'RSC_GRP' }, 200, (req) => {
    const override = checkSelectFilter(bodyOf(req, false).select_filter);
    const cluster = placementSnapshot(ctx);
    const result: Record<string, unknown> = {};
    for (const rg of state.resourceGroups.values()) result[rg.name] = groupSizeInfo(ctx, rg, override, cluster);
    return { json: { result } };
  }));
  r.post('/v1/resource-definitions/:rd/autoplace', route(reporter, { obj: 'RSC', op: 'CRT' }, 201, async (req) => ({
    rc: await autoplaceResource(ctx, String(req.params.rd), bodyOf(req, false)),
  })));

  // toggle-disk and its deprecated forms.
  const base = '/v1/resource-definitions/:rd/resources/:node';
  const toggle = (fn: (p: Record<string, string>, body: Record<string, unknown>) => Record<string, unknown>) =>
    route(reporter, { obj: 'RSC', op: 'MOD' }, 200, async (req) => {
      const p = req.params as Record<string, string>;
      return { rc: await toggleDisk(ctx, p.rd!, p.node!, parseToggleDisk(fn(p, bodyOf(req, false)))) };
    });
  r.put(`${base}/toggle-disk`, toggle((_p, b) => b));
  r.put(`${base}/toggle-disk/diskless`, toggle(() => ({ operation: 'INTO_DRBD_DISKLESS' })));
  r.put(`${base}/toggle-disk/diskless/:pool`, toggle((p) => ({ operation: 'INTO_DRBD_DISKLESS', storage_pool: p.pool })));
  r.put(`${base}/toggle-disk/diskful`, toggle((_p, b) => ({ operation: 'INTO_DRBD_DISKFUL', layer_list: b.layer_list })));
  r.put(`${base}/toggle-disk/diskful/:pool`, toggle((p, b) => ({ operation: 'INTO_DRBD_DISKFUL', storage_pool: p.pool, layer_list: b.layer_list })));
  r.put(`${base}/migrate-disk/:from`, toggle((p) => ({ operation: 'INTO_DRBD_DISKFUL', migrate_from: p.from })));
  r.put(`${base}/migrate-disk/:from/:pool`, toggle((p) => ({ operation: 'INTO_DRBD_DISKFUL', migrate_from: p.from, storage_pool: p.pool })));

  // Node lifecycle.
  const node = (req: { params: Record<string, unknown> }) => String(req.params.node);
  r.put('/v1/nodes/:node/evacuate', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, async (req) => ({ rc: await moveAway(ctx, node(req), 'EVACUATE') })));
  r.put('/v1/nodes/:node/evict', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, async (req) => ({ rc: await moveAway(ctx, node(req), 'EVICTED') })));
  r.put('/v1/nodes/:node/restore', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, async (req) => ({ rc: await restoreNode(ctx, node(req)) })));
  r.delete('/v1/nodes/:node/lost', route(reporter, { obj: 'NODE', op: 'DEL' }, 200, async (req) => ({ rc: await nodeLost(ctx, node(req)) })));
  void sizeInfo;
}
