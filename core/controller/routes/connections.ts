import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page } from '../http/query.js';
import { getNode, getResource, getResourceDefinition, resourcesOf } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { modifyConnectionProps, pairKey } from '../services/connections.js';
import { nodeConnectionView, resourceConnectionView } from '../views/connections.js';

export function registerConnectionRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  r.get('/v1/node-connections', route(reporter, { obj: 'NODE_CONN' }, 200, (req) => {
    const a = nameFilter(listParam(req, 'node_a'));
    const b = nameFilter(listParam(req, 'node_b'));
    return { json: page(req, state.nodeConnections.values(), (c) => (a(c.nodeA) && b(c.nodeB)) || (a(c.nodeB) && b(c.nodeA)), nodeConnectionView) };
  }));

  r.put('/v1/node-connections/:a/:b', route(reporter, { obj: 'NODE_CONN', op: 'MOD', body: 'PUT /v1/node-connections/{node_a}/{node_b}' }, 200, async (req, _res, body) => {
    const { nodeA, nodeB, unset } = await state.mutate((tx) => {
      const a = getNode(state, String(req.params.a));
      const b = getNode(state, String(req.params.b));
      const key = pairKey(a.name, b.name);
      const cur = state.nodeConnections.get(key) ?? { nodeA: a.name, nodeB: b.name, props: {} };
      const change = modifyConnectionProps(state, cur.props, body, a, b);
      tx.put(state.nodeConnections, key, { ...cur, props: change.props });
      return { nodeA: cur.nodeA, nodeB: cur.nodeB, unset: change.unsetDeletes };
    });
    const rc = [rcEntry('MODIFIED', `Node connection between nodes '${nodeA}' and '${nodeB}' modified.`, { obj: 'NODE_CONN', op: 'MOD', objRefs: { SourceNode: nodeA, TargetNode: nodeB } })];
    for (const k of unset) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'NODE_CONN', op: 'MOD' }));
    // Resources on both nodes get the changed connection options.
    const onBoth = [...state.resources.values()].filter((x) => [nameKey(nodeA), nameKey(nodeB)].includes(nameKey(x.nodeName)));
    rc.push(...(await applyAndReport(ctx, onBoth.map((x) => ({ rdName: x.name, nodeName: x.nodeName })), 'modify')).filter((e) => e.ret_code < 0n));
    return { rc };
  }));

  const RC_BASE = '/v1/resource-definitions/:rd/resource-connections';
  r.get(RC_BASE, route(reporter, { obj: 'RSC_CONN' }, 200, (req) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    return { json: page(req, state.resourceConnections.withPrefix(`${nameKey(rd.name)}/`), () => true, resourceConnectionView) };
  }));

  r.get(`${RC_BASE}/:a/:b`, route(reporter, { obj: 'RSC_CONN' }, 200, (req) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    const a = getResource(state, rd.name, String(req.params.a));
    const b = getResource(state, rd.name, String(req.params.b));
    const c = state.resourceConnections.get(`${nameKey(rd.name)}/${pairKey(a.nodeName, b.nodeName)}`);
    if (!c) {
      throw Errors.notFound('FAIL_NOT_FOUND_RSC_CONN', 'Resource connection', `${a.nodeName}' <-> '${b.nodeName}`, { objRefs: { RscDfn: rd.name, SourceNode: a.nodeName, TargetNode: b.nodeName } });
    }
    return { json: [resourceConnectionView(c)] };
  }));

  r.put(`${RC_BASE}/:a/:b`, route(reporter, { obj: 'RSC_CONN', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}/resource-connections/{node_a}/{node_b}' }, 200, async (req, _res, body) => {
    const { rd, nodeA, nodeB, unset } = await state.mutate((tx) => {
      const def = getResourceDefinition(state, String(req.params.rd));
      const ra = getResource(state, def.name, String(req.params.a));
      const rb = getResource(state, def.name, String(req.params.b));
      const key = `${nameKey(def.name)}/${pairKey(ra.nodeName, rb.nodeName)}`;
      const cur = state.resourceConnections.get(key) ?? { resource: def.name, nodeA: ra.nodeName, nodeB: rb.nodeName, props: {} };
      const change = modifyConnectionProps(state, cur.props, body, getNode(state, ra.nodeName), getNode(state, rb.nodeName));
      tx.put(state.resourceConnections, key, { ...cur, props: change.props });
      return { rd: def.name, nodeA: cur.nodeA, nodeB: cur.nodeB, unset: change.unsetDeletes };
    });
    const rc = [rcEntry('MODIFIED', `Resource connection between nodes '${nodeA}' and '${nodeB}' of resource '${rd}' modified.`, {
      obj: 'RSC_CONN', op: 'MOD', objRefs: { RscDfn: rd, SourceNode: nodeA, TargetNode: nodeB },
    })];
    for (const k of unset) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'RSC_CONN', op: 'MOD' }));
    const placed = resourcesOf(state, rd).filter((x) => [nameKey(nodeA), nameKey(nodeB)].includes(nameKey(x.nodeName)));
    rc.push(...(await applyAndReport(ctx, placed.map((x) => ({ rdName: rd, nodeName: x.nodeName })), 'modify')).filter((e) => e.ret_code < 0n));
    return { rc };
  }));
}
