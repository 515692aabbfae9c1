import type { Request, Router } from 'express';
import { ApiError } from '../../model/errors.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { page } from '../http/query.js';
import { getResourceDefinition, getVolumeDefinition } from '../lookup.js';
import { createVolumeDefinition, deleteVolumeDefinition, modifyVolumeDefinition } from '../services/volume-definitions.js';
import { volumeDefinitionView } from '../views/resource-definitions.js';

export function vlmNrParam(req: Request, name = 'vlmNr'): number {
  const raw = String(req.params[name]);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n)) {
    throw new ApiError('FAIL_INVLD_VLM_NR', `Volume number '${raw.slice(0, 40)}' is invalid.`, { correction: 'Use a non-negative integer.' });
  }
  return n;
}

export function registerVolumeDefinitionRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;
  const VD = { obj: 'VLM_DFN' as const };
  const base = '/v1/resource-definitions/:rd/volume-definitions';

  r.get(base, route(reporter, VD, 200, (req) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    return { json: page(req, rd.volumeDefinitions, () => true, (vd) => volumeDefinitionView(rd, vd)) };
  }));
  r.get(`${base}/:vlmNr`, route(reporter, VD, 200, (req) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    return { json: volumeDefinitionView(rd, getVolumeDefinition(rd, vlmNrParam(req))) };
  }));
  // LINSTOR answers 200 here, although its spec says 201.
  r.post(base, route(reporter, { obj: 'VLM_DFN', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/volume-definitions' }, 200, async (req, _res, b) => ({
    rc: await createVolumeDefinition(ctx, String(req.params.rd), b),
  })));
  r.put(`${base}/:vlmNr`, route(reporter, { obj: 'VLM_DFN', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}/volume-definitions/{volume_number}' }, 200, async (req, _res, b) => ({
    rc: await modifyVolumeDefinition(ctx, String(req.params.rd), vlmNrParam(req), b),
  })));
  r.delete(`${base}/:vlmNr`, route(reporter, { obj: 'VLM_DFN', op: 'DEL' }, 200, async (req) => ({
    rc: await deleteVolumeDefinition(ctx, String(req.params.rd), vlmNrParam(req)),
  })));
}
