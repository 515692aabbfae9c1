import type { Router } from 'express';
import { nameKey } from '../../model/names.js';
import type { Resource } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { ListCache } from '../http/list-cache.js';
import { cachedJsonWithDeps, jsonArray } from '../views/json-cache.js';
import { resourceViewDeps, resourceWithVolumesView } from '../views/resources.js';

export function registerViewRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const lists = new ListCache();

  r.get('/v1/view/resources', route(reporter, { obj: 'RSC' }, 200, (req) => {
    const byNode = nameFilter(listParam(req, 'nodes'));
    const byRsc = nameFilter(listParam(req, 'resources'));
    const pools = listParam(req, 'storage_pools').map(nameKey);
    const byProps = propsFilter(req);
    const match = (x: Resource): boolean => byNode(x.nodeName) && byRsc(x.name) && byProps(x.props)
      && (!pools.length || Object.values(x.volumes).some((v) => v.storagePool !== undefined && pools.includes(nameKey(v.storagePool))));
    const build = () => jsonArray(page(req, state.resources.values(), (x) => match(x) && state.resourceDefinitions.has(nameKey(x.name)), (x) => {
      const rd = state.resourceDefinitions.get(nameKey(x.name))!;
      return cachedJsonWithDeps(x, 'with-volumes', resourceViewDeps(state, runtime, rd, x), () => resourceWithVolumesView(state, runtime, rd, x));
    }));
    return { jsonText: lists.get(req.originalUrl, [state.version, runtime.version], build) };
  }));
}
