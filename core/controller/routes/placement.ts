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
import { toggleDisk, toToggleRequest, type ToggleAsk } from '../placement/toggle-disk.js';
import type { ToggleDiskDiskful, ToggleDiskRequest } from '../../api/index.js';
import { applyAndReport } from '../services/apply.js';
import { toSelectFilter } from '../services/select-filter.js';
import type { AutoSelectFilter } from '../../model/types.js';

/**
 * `resource-group adjust`: every definition of the group is topped up to the group's current
 * select filter (so a changed place count or pool list reaches existing resources).
 */
async function adjustGroup(ctx: ControllerContext, rg: ResourceGroup, override: AutoSelectFilter): Promise<ApiCallRc[]> {
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

  r.post('/v1/resource-groups/adjustall', route(reporter, { obj: 'RSC_GRP', op: 'MOD', body: 'POST /v1/resource-groups/adjustall', bodyOptional: true }, 200, async (_req, _res, b) => {
    const override = toSelectFilter(b.select_filter);
    const rc: ApiCallRc[] = [];
    for (const rg of [...state.resourceGroups.values()]) rc.push(...await adjustGroup(ctx, rg, override));
    return { rc };
  }));
  r.post('/v1/resource-groups/:rg/adjust', route(reporter, { obj: 'RSC_GRP', op: 'MOD', body: 'POST /v1/resource-groups/{resource_group}/adjust', bodyOptional: true }, 200, async (req, _res, b) => ({
    rc: await adjustGroup(ctx, getResourceGroup(state, rgParam(req)), toSelectFilter(b.select_filter)),
  })));
  r.post('/v1/resource-groups/:rg/spawn', route(reporter, { obj: 'RSC_GRP', op: 'CRT', body: 'POST /v1/resource-groups/{resource_group}/spawn' }, 201, async (req, _res, b) => ({
    rc: await spawnResources(ctx, rgParam(req), b),
  })));
  r.post('/v1/resource-groups/:rg/query-size-info', route(reporter, { obj: 'RSC_GRP', body: 'POST /v1/resource-groups/{resource_group}/query-size-info', bodyOptional: true }, 200, (req, _res, b) => ({
    json: groupSizeInfo(ctx, getResourceGroup(state, rgParam(req)), toSelectFilter(b.select_filter)),
  })));
  r.get('/v1/resource-groups/:rg/query-max-volume-size', route(reporter, { obj: 'RSC_GRP' }, 200, (req) => ({
    json: maxVolumeSizes(ctx, effectiveFilter(getResourceGroup(state, rgParam(req)))),
  })));
  r.options('/v1/query-max-volume-size', route(reporter, { obj: 'STOR_POOL', body: 'OPTIONS /v1/query-max-volume-size', bodyOptional: true }, 200, (_req, _res, b) => ({
    json: maxVolumeSizes(ctx, toSelectFilter(b)),
  })));
  r.post('/v1/queries/resource-groups/query-all-size-info', route(reporter, { obj: 'RSC_GRP', body: 'POST /v1/queries/resource-groups/query-all-size-info', bodyOptional: true }, 200, (_req, _res, b) => {
    const override = toSelectFilter(b.select_filter);
    const cluster = placementSnapshot(ctx);
    const result: Record<string, unknown> = {};
    for (const rg of state.resourceGroups.values()) result[rg.name] = groupSizeInfo(ctx, rg, override, cluster);
    return { json: { result } };
  }));
  r.post('/v1/resource-definitions/:rd/autoplace', route(reporter, { obj: 'RSC', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/autoplace', bodyOptional: true }, 201, async (req, _res, b) => ({
    rc: await autoplaceResource(ctx, String(req.params.rd), b),
  })));

  // toggle-disk and its deprecated forms.
  const base = '/v1/resource-definitions/:rd/resources/:node';
  const toggleBody = (p: Record<string, string>, b: ToggleDiskRequest & ToggleDiskDiskful, fixed: ToggleAsk): ToggleAsk => ({ ...b, ...fixed, ...(p.pool ? { storage_pool: p.pool } : {}), ...(p.from ? { migrate_from: p.from } : {}) });
  const run = async (p: Record<string, string>, ask: ToggleAsk) => ({ rc: await toggleDisk(ctx, p.rd!, p.node!, toToggleRequest(ask)) });
  const TOGGLE = { obj: 'RSC' as const, op: 'MOD' as const, bodyOptional: true };
  r.put(`${base}/toggle-disk`, route(reporter, { ...TOGGLE, body: 'PUT /v1/resource-definitions/{resource}/resources/{node}/toggle-disk' }, 200, (req, _res, b) => run(req.params as Record<string, string>, b)));
  const diskful = (path: string, key: 'PUT /v1/resource-definitions/{resource}/resources/{node}/toggle-disk/diskful' | 'PUT /v1/resource-definitions/{resource}/resources/{node}/toggle-disk/diskful/{storagepool}' | 'PUT /v1/resource-definitions/{resource}/resources/{node}/migrate-disk/{fromnode}') =>
    r.put(path, route(reporter, { ...TOGGLE, body: key }, 200, (req, _res, b) => {
      const p = req.params as Record<string, string>;
      return run(p, toggleBody(p, { layer_list: b.layer_list }, { operation: 'INTO_DRBD_DISKFUL' }));
    }));
  diskful(`${base}/toggle-disk/diskful`, 'PUT /v1/resource-definitions/{resource}/resources/{node}/toggle-disk/diskful');
  diskful(`${base}/toggle-disk/diskful/:pool`, 'PUT /v1/resource-definitions/{resource}/resources/{node}/toggle-disk/diskful/{storagepool}');
  diskful(`${base}/migrate-disk/:from`, 'PUT /v1/resource-definitions/{resource}/resources/{node}/migrate-disk/{fromnode}');
  diskful(`${base}/migrate-disk/:from/:pool`, 'PUT /v1/resource-definitions/{resource}/resources/{node}/migrate-disk/{fromnode}');
  // The diskless forms take no body.
  for (const path of [`${base}/toggle-disk/diskless`, `${base}/toggle-disk/diskless/:pool`]) {
    r.put(path, route(reporter, TOGGLE, 200, (req) => {
      const p = req.params as Record<string, string>;
      return run(p, toggleBody(p, {}, { operation: 'INTO_DRBD_DISKLESS' }));
    }));
  }

  // Node lifecycle.
  const node = (req: { params: Record<string, unknown> }) => String(req.params.node);
  // The bodies (target nodes, delete flags) are validated like every body; what they ask is not implemented (README, Known gaps).
  r.put('/v1/nodes/:node/evacuate', route(reporter, { obj: 'NODE', op: 'MOD', body: 'PUT /v1/nodes/{node}/evacuate', bodyOptional: true }, 200, async (req, _res, body) => ({ rc: await moveAway(ctx, node(req), 'EVACUATE', body ?? {}) })));
  r.put('/v1/nodes/:node/evict', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, async (req) => ({ rc: await moveAway(ctx, node(req), 'EVICTED') })));
  r.put('/v1/nodes/:node/restore', route(reporter, { obj: 'NODE', op: 'MOD', body: 'PUT /v1/nodes/{node}/restore', bodyOptional: true }, 200, async (req, _res, body) => ({ rc: await restoreNode(ctx, node(req), body ?? {}) })));
  r.delete('/v1/nodes/:node/lost', route(reporter, { obj: 'NODE', op: 'DEL' }, 200, async (req) => ({ rc: await nodeLost(ctx, node(req)) })));
  void sizeInfo;
}
