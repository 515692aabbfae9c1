import type { Router } from 'express';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { boolParam, isPaged, listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { getResourceDefinition } from '../lookup.js';
import { createResourceDefinition, deleteResourceDefinition, modifyResourceDefinition } from '../services/resource-definitions.js';
import { ListCache } from '../http/list-cache.js';
import { cachedJson, jsonArray } from '../views/json-cache.js';
import { resourceDefinitionView } from '../views/resource-definitions.js';
import type { ResourceDefinition } from '../../model/types.js';
import { changeFeedOf } from '../state/change-feed.js';

export function registerResourceDefinitionRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;
  const lists = new ListCache(changeFeedOf(state, ctx.runtime));
  const RD = { obj: 'RSC_DFN' as const };

  r.get('/v1/resource-definitions', route(reporter, RD, 200, (req) => {
    const byName = nameFilter(listParam(req, 'resource_definitions'));
    const byProps = propsFilter(req);
    const withVds = boolParam(req, 'with_volume_definitions');
    const match = (d: ResourceDefinition) => byName(d.name) && byProps(d.props);
    const render = (d: ResourceDefinition) => cachedJson(d, withVds ? 'vd' : '', () => resourceDefinitionView(d, withVds));
    if (isPaged(req)) {
      const build = () => jsonArray(page(req, state.resourceDefinitions.values(), match, render));
      return { jsonText: lists.get(req.originalUrl, [state.version], build) };
    }
    // An item is its definition alone: only changed definitions are rendered again.
    return {
      list: lists.segmented(req.originalUrl, {
        table: 'resource_definitions',
        entries: () => state.resourceDefinitions.entries(),
        get: (k) => state.resourceDefinitions.get(k),
        render: (_k, d) => (match(d) ? render(d) : undefined),
        affected: () => [],
      }),
    };
  }));

  r.get('/v1/resource-definitions/:rd', route(reporter, RD, 200, (req) => ({
    json: resourceDefinitionView(getResourceDefinition(state, String(req.params.rd)), boolParam(req, 'with_volume_definitions')),
  })));

  r.post('/v1/resource-definitions', route(reporter, { obj: 'RSC_DFN', op: 'CRT', body: 'POST /v1/resource-definitions' }, 201, async (_req, _res, b) => ({ rc: await createResourceDefinition(ctx, b) })));

  r.put('/v1/resource-definitions/:rd', route(reporter, { obj: 'RSC_DFN', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}' }, 200, async (req, _res, b) => ({
    rc: await modifyResourceDefinition(ctx, String(req.params.rd), b),
  })));

  r.delete('/v1/resource-definitions/:rd', route(reporter, { obj: 'RSC_DFN', op: 'DEL' }, 200, async (req) => ({
    rc: await deleteResourceDefinition(ctx, String(req.params.rd)),
  })));
}
