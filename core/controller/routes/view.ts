import type { Router } from 'express';
import { nameKey } from '../../model/names.js';
import type { Resource } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { isPaged, listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { ListCache } from '../http/list-cache.js';
import { changeFeedOf } from '../state/change-feed.js';
import { cachedJsonWithDeps, jsonArray } from '../views/json-cache.js';
import { resourceViewAffected, resourceViewDeps, resourceWithVolumesView } from '../views/resources.js';

export function registerViewRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const lists = new ListCache(changeFeedOf(state, runtime));

  r.get('/v1/view/resources', route(reporter, { obj: 'RSC' }, 200, (req) => {
    const byNode = nameFilter(listParam(req, 'nodes'));
    const byRsc = nameFilter(listParam(req, 'resources'));
    const pools = listParam(req, 'storage_pools').map(nameKey);
    const byProps = propsFilter(req);
    const match = (x: Resource): boolean => byNode(x.nodeName) && byRsc(x.name) && byProps(x.props)
      && (!pools.length || Object.values(x.volumes).some((v) => v.storagePool !== undefined && pools.includes(nameKey(v.storagePool))));
    const render = (x: Resource): Buffer | undefined => {
      const rd = state.resourceDefinitions.get(nameKey(x.name));
      if (!rd || !match(x)) return undefined;
      return cachedJsonWithDeps(x, 'with-volumes', resourceViewDeps(state, runtime, rd, x), () => resourceWithVolumesView(state, runtime, rd, x));
    };
    if (isPaged(req)) {
      const build = () => jsonArray(page(req, state.resources.values(), (x) => render(x) !== undefined, (x) => render(x)!));
      return { jsonText: lists.get(req.originalUrl, [state.version, runtime.version], build) };
    }
    return {
      list: lists.segmented(req.originalUrl, {
        table: 'resources',
        entries: () => state.resources.entries(),
        get: (k) => state.resources.get(k),
        render: (_k, x) => render(x),
        affected: (c) => resourceViewAffected(state, c),
      }),
    };
  }));
}
