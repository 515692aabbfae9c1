/** /types and their extra specs (cinder/api/v2/types.py, contrib/types_manage.py, types_extra_specs.py). */
import type { Router } from 'express';
import { h, type Call } from '../http/app.js';
import { badRequest, forbidden, notFound } from '../http/faults.js';
import { typeView } from '../http/views.js';
import { resourceGroupName } from '../backend/volume-types.js';
import { checkSpecs } from '../service/types.js';

const admin = (c: Call, what: string): void => { if (!c.ctx.isAdmin) throw forbidden(`Policy doesn't allow volume_extension:${what} to be performed.`); };

export function registerTypeRoutes(r: Router): void {
  r.get('/types', h(async (req, res, c) => {
    const q = req.query as Record<string, string | undefined>;
    // cinderclient sends is_public=None (literally) for "all".
    const pub = q.is_public === undefined || q.is_public === 'None' ? undefined : q.is_public.toLowerCase() === 'true';
    const ts = (await c.svc.types.list()).filter((t) => pub === undefined ? t.isPublic || c.ctx.isAdmin : t.isPublic === pub);
    res.json({ volume_types: ts.map((t) => typeView(t, c.ctx.isAdmin || true)) });
  }));
  r.get('/types/default', h(async (_req, res, c) => { res.json({ volume_type: typeView(await c.svc.types.ensureDefault()) }); }));
  r.get('/types/:id', h(async (req, res, c) => { res.json({ volume_type: typeView(await c.svc.types.resolve(String(req.params.id))) }); }));
  r.post('/types', h(async (req, res, c) => {
    admin(c, 'types_manage');
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.volume_type;
    if (!b) throw badRequest("Missing required element 'volume_type' in request body.");
    const t = await c.svc.types.create(b.name, b.description, b['os-volume-type-access:is_public'] ?? b.is_public, b.extra_specs);
    res.json({ volume_type: typeView(t) });
  }));
  r.put('/types/:id', h(async (req, res, c) => {
    admin(c, 'types_manage');
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.volume_type;
    if (!b) throw badRequest("Missing required element 'volume_type' in request body.");
    const t = await c.svc.types.update(String(req.params.id), (x) => ({
      ...x,
      ...(typeof b.name === 'string' ? { name: b.name } : {}),
      ...(b.description !== undefined ? { description: b.description as string | null } : {}),
      ...(b.is_public !== undefined ? { isPublic: String(b.is_public).toLowerCase() === 'true' } : {}),
    }));
    res.json({ volume_type: typeView(t) });
  }));
  r.delete('/types/:id', h(async (req, res, c) => {
    admin(c, 'types_manage');
    const t = await c.svc.types.resolve(String(req.params.id));
    const inUse = (await c.svc.store.volumes.list()).some((v) => v.volumeTypeId === t.id);
    await c.svc.types.delete(t.id, inUse);
    // The group the driver made for this type goes too; LINSTOR refuses while it has resources.
    await c.svc.backend.deleteResourceGroup(resourceGroupName(t.id));
    res.status(202).end();
  }));

  r.get('/types/:id/extra_specs', h(async (req, res, c) => { res.json({ extra_specs: (await c.svc.types.resolve(String(req.params.id))).extraSpecs }); }));
  r.post('/types/:id/extra_specs', h(async (req, res, c) => {
    admin(c, 'types_extra_specs:create');
    const specs = checkSpecs((req.body as Record<string, unknown> | undefined)?.extra_specs);
    const t = await c.svc.types.update(String(req.params.id), (x) => ({ ...x, extraSpecs: { ...x.extraSpecs, ...specs } }));
    res.json({ extra_specs: Object.fromEntries(Object.keys(specs).map((k) => [k, t.extraSpecs[k]])) });
  }));
  r.get('/types/:id/extra_specs/:key', h(async (req, res, c) => {
    const t = await c.svc.types.resolve(String(req.params.id));
    const k = String(req.params.key);
    if (!(k in t.extraSpecs)) throw notFound(`Volume Type ${t.id} has no extra specs with key ${k}.`);
    res.json({ [k]: t.extraSpecs[k] });
  }));
  r.put('/types/:id/extra_specs/:key', h(async (req, res, c) => {
    admin(c, 'types_extra_specs:update');
    const k = String(req.params.key);
    const spec = checkSpecs(req.body);
    if (Object.keys(spec).length !== 1 || !(k in spec)) throw badRequest('Request body and URI mismatch');
    await c.svc.types.update(String(req.params.id), (x) => ({ ...x, extraSpecs: { ...x.extraSpecs, ...spec } }));
    res.json(spec);
  }));
  r.delete('/types/:id/extra_specs/:key', h(async (req, res, c) => {
    admin(c, 'types_extra_specs:delete');
    const k = String(req.params.key);
    const t = await c.svc.types.resolve(String(req.params.id));
    if (!(k in t.extraSpecs)) throw notFound(`Volume Type ${t.id} has no extra specs with key ${k}.`);
    await c.svc.types.update(t.id, (x) => { const s = { ...x.extraSpecs }; delete s[k]; return { ...x, extraSpecs: s }; });
    res.status(202).end();
  }));
}
