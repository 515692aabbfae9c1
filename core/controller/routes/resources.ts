import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { page } from '../http/query.js';
import { getResource, getResourceDefinition, getVolumeDefinition, resourceKey, resourcesOf } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { createResources, deleteResource, makeAvailable, modifyResource, setActive } from '../services/resource-ops.js';
import { toResourceCreate } from '../services/resources.js';
import { resourceView } from '../views/resources.js';
import { volumeView } from '../views/volumes.js';
import { vlmNrParam } from './volume-definitions.js';

export function registerResourceRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const RSC = { obj: 'RSC' as const };
  const base = '/v1/resource-definitions/:rd/resources';
  const p = (req: { params: Record<string, unknown> }) => ({ rd: String(req.params.rd), node: String(req.params.node) });

  r.get(base, route(reporter, RSC, 200, (req) => {
    const rd = getResourceDefinition(state, p(req).rd);
    return { json: page(req, resourcesOf(state, rd.name), () => true, (x) => resourceView(state, runtime, rd, x)) };
  }));
  r.get(`${base}/:node`, route(reporter, RSC, 200, (req) => {
    const rd = getResourceDefinition(state, p(req).rd);
    return { json: resourceView(state, runtime, rd, getResource(state, rd.name, p(req).node)) };
  }));

  r.post(base, route(reporter, { obj: 'RSC', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/resources' }, 201, async (req, _res, b) => ({
    rc: await createResources(ctx, p(req).rd, b.map((x) => toResourceCreate(x))),
  })));
  r.post(`${base}/:node`, route(reporter, { obj: 'RSC', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/resources/{node}', bodyOptional: true }, 201, async (req, _res, b) => ({
    rc: await createResources(ctx, p(req).rd, [toResourceCreate(b, p(req).node)]),
  })));

  r.put(`${base}/:node`, route(reporter, { obj: 'RSC', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}/resources/{node}' }, 200, async (req, _res, b) => ({
    rc: await modifyResource(ctx, p(req).rd, p(req).node, b),
  })));
  r.delete(`${base}/:node`, route(reporter, { obj: 'RSC', op: 'DEL' }, 200, async (req) => ({ rc: await deleteResource(ctx, p(req).rd, p(req).node) })));

  r.post(`${base}/:node/make-available`, route(reporter, { obj: 'RSC', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/resources/{node}/make-available', bodyOptional: true }, 200, async (req, _res, b) => ({
    rc: await makeAvailable(ctx, p(req).rd, p(req).node, b),
  })));
  r.post(`${base}/:node/activate`, route(reporter, { obj: 'RSC', op: 'MOD' }, 200, async (req) => ({ rc: await setActive(ctx, p(req).rd, p(req).node, true) })));
  r.post(`${base}/:node/deactivate`, route(reporter, { obj: 'RSC', op: 'MOD' }, 200, async (req) => ({ rc: await setActive(ctx, p(req).rd, p(req).node, false) })));

  // Volumes of one resource.
  const VLM = { obj: 'VLM' as const };
  r.get(`${base}/:node/volumes`, route(reporter, VLM, 200, (req) => {
    const rd = getResourceDefinition(state, p(req).rd);
    const rsc = getResource(state, rd.name, p(req).node);
    const rep = runtime.resources.get(resourceKey(rd.name, rsc.nodeName));
    return { json: page(req, rd.volumeDefinitions, () => true, (vd) => volumeView(state, rd, rsc, vd, rep)) };
  }));
  r.get(`${base}/:node/volumes/:vlmNr`, route(reporter, VLM, 200, (req) => {
    const rd = getResourceDefinition(state, p(req).rd);
    const rsc = getResource(state, rd.name, p(req).node);
    const vd = getVolumeDefinition(rd, vlmNrParam(req));
    return { json: volumeView(state, rd, rsc, vd, runtime.resources.get(resourceKey(rd.name, rsc.nodeName))) };
  }));
  r.put(`${base}/:node/volumes/:vlmNr`, route(reporter, { obj: 'VLM', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}/resources/{node}/volumes/{volume_number}' }, 200, async (req, _res, body) => {
    const nr = vlmNrParam(req);
    const { rsc, unset } = await state.mutate((tx) => {
      const rd = getResourceDefinition(state, p(req).rd);
      getVolumeDefinition(rd, nr);
      const cur = getResource(state, rd.name, p(req).node);
      const own = cur.volumes[String(nr)] ?? { props: {}, flags: [] };
      const change = applyPropsModify(own.props, body);
      const next = { ...cur, volumes: { ...cur.volumes, [String(nr)]: { ...own, props: change.props } } };
      tx.put(state.resources, resourceKey(rd.name, cur.nodeName), next);
      return { rsc: next, unset: change.unsetDeletes };
    });
    const rc = [rcEntry('MODIFIED', `Volume with number '${nr}' on resource '${rsc.name}' on node '${rsc.nodeName}' modified.`, {
      obj: 'VLM', op: 'MOD', objRefs: { RscDfn: rsc.name, Node: rsc.nodeName, VlmNr: String(nr) },
    })];
    for (const k of unset) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'VLM', op: 'MOD' }));
    rc.push(...(await applyAndReport(ctx, [{ rdName: rsc.name, nodeName: rsc.nodeName }], 'modify')).filter((e) => e.ret_code < 0n));
    return { rc };
  }));
}
