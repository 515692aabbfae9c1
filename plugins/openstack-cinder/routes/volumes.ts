/** /volumes: create, list (summary and detail), summary, show, update, delete, metadata. */
import type { Request, Router } from 'express';
import { h, since, type Call } from '../http/app.js';
import { badRequest, notFound } from '../http/faults.js';
import { volumeDetail, volumeSummary } from '../http/views.js';
import { checkMetadata, createVolume, deleteVolume, getVolume, type CreateVolumeInput } from '../service/volumes.js';
import { now, type VolumeRecord } from '../state/records.js';
import { nextLink, paginate } from './list-params.js';

const SORT_KEYS: Record<string, (v: VolumeRecord) => string | number | null> = {
  id: (v) => v.id, name: (v) => v.name, status: (v) => v.status, size: (v) => v.sizeGib, created_at: (v) => v.createdAt,
  updated_at: (v) => v.updatedAt, availability_zone: (v) => v.availabilityZone, bootable: (v) => String(v.bootable),
  volume_type: (v) => v.volumeTypeId,
};

function bodyObj(req: Request, key: string): Record<string, unknown> {
  const b = req.body as Record<string, unknown> | undefined;
  const o = b?.[key];
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw badRequest(`Missing required element '${key}' in request body.`);
  return o as Record<string, unknown>;
}

function parseMetaFilter(v: unknown): Record<string, string> {
  if (typeof v !== 'string') return (v ?? {}) as Record<string, string>;
  // cinderclient sends a Python dict repr ("{'k': 'v'}"); accept it and JSON.
  try { return JSON.parse(v.replace(/'/g, '"')) as Record<string, string>; } catch { throw badRequest('Invalid input received: metadata filter is not a dictionary.'); }
}

/** The caller's volumes after the query's filters (all_tenants only for admins). */
async function visibleVolumes(req: Request, c: Call): Promise<VolumeRecord[]> {
  const q = req.query as Record<string, unknown>;
  const all = await c.svc.store.volumes.list();
  const allTenants = c.ctx.isAdmin && ['1', 'true', 'True'].includes(String(q.all_tenants ?? ''));
  const project = c.ctx.isAdmin && typeof q.project_id === 'string' ? q.project_id : undefined;
  const meta = q.metadata === undefined ? undefined : parseMetaFilter(q.metadata);
  return all.filter((v) => {
    if (project ? v.projectId !== project : !allTenants && v.projectId !== c.ctx.projectId) return false;
    if (typeof q.name === 'string' && v.name !== q.name) return false;
    if (typeof q.status === 'string' && v.status !== q.status) return false;
    if (typeof q.availability_zone === 'string' && v.availabilityZone !== q.availability_zone) return false;
    if (typeof q.bootable === 'string' && String(v.bootable) !== q.bootable.toLowerCase()) return false;
    if (typeof q.volume_type === 'string' && v.volumeTypeId !== q.volume_type && c.view.typeName(v.volumeTypeId) !== q.volume_type) return false;
    if (meta && Object.entries(meta).some(([k, x]) => v.metadata[k] !== x)) return false;
    return true;
  });
}

async function list(req: Request, c: Call, detail: boolean) {
  const vols = await visibleVolumes(req, c);
  const page = paginate(req, vols, SORT_KEYS, 'volume');
  const out: Record<string, unknown> = { volumes: page.items.map((v) => (detail ? volumeDetail(c.view, v) : volumeSummary(c.view, v))) };
  if (page.next) out.volumes_links = nextLink(c.base, c.ctx.projectId, detail ? 'volumes/detail' : 'volumes', req, page.next);
  if (c.version.atLeast('3.45') && String((req.query as Record<string, unknown>).with_count).toLowerCase() === 'true') out.count = vols.length;
  return out;
}

export function registerVolumeRoutes(r: Router): void {
  r.post('/volumes', h(async (req, res, c) => {
    const v = await createVolume(c.svc, c.ctx, bodyObj(req, 'volume') as CreateVolumeInput);
    res.status(202).json({ volume: volumeDetail(c.view, v) });
  }));
  r.get('/volumes', h(async (req, res, c) => { res.json(await list(req, c, false)); }));
  r.get('/volumes/detail', h(async (req, res, c) => { res.json(await list(req, c, true)); }));
  r.get('/volumes/summary', since('3.12', async (req, res, c) => {
    const vols = await visibleVolumes(req, c);
    const summary: Record<string, unknown> = { total_count: vols.length, total_size: vols.reduce((s, v) => s + v.sizeGib, 0) };
    if (c.version.atLeast('3.36')) {
      const meta: Record<string, string[]> = {};
      for (const v of vols) for (const [k, x] of Object.entries(v.metadata)) (meta[k] ??= []).includes(x) || meta[k]!.push(x);
      summary.metadata = meta;
    }
    res.json({ 'volume-summary': summary });
  }));
  r.get('/volumes/:id', h(async (req, res, c) => { res.json({ volume: volumeDetail(c.view, await getVolume(c.svc, c.ctx, String(req.params.id))) }); }));
  r.put('/volumes/:id', h(async (req, res, c) => {
    const body = bodyObj(req, 'volume');
    const id = String(req.params.id);
    await getVolume(c.svc, c.ctx, id);
    for (const k of ['name', 'description']) {
      const x = body[k] ?? body[`display_${k}`];
      if (x !== undefined && x !== null && (typeof x !== 'string' || x.length > 255)) throw badRequest(`Invalid input received: ${k} must be a string of at most 255 characters.`);
    }
    const meta = body.metadata === undefined ? undefined : checkMetadata(body.metadata);
    const v = await c.svc.store.volumes.update(id, (x) => ({
      ...x, updatedAt: now(),
      ...(body.name !== undefined || body.display_name !== undefined ? { name: (body.name ?? body.display_name) as string | null } : {}),
      ...(body.description !== undefined || body.display_description !== undefined ? { description: (body.description ?? body.display_description) as string | null } : {}),
      ...(meta ? { metadata: meta } : {}),
    }));
    if (!v) throw notFound(`Volume ${id} could not be found.`);
    res.json({ volume: volumeDetail(c.view, v) });
  }));
  r.delete('/volumes/:id', h(async (req, res, c) => {
    const q = req.query as Record<string, unknown>;
    const yes = (x: unknown): boolean => ['true', '1', 'yes'].includes(String(x ?? '').toLowerCase());
    if (yes(q.force) && !c.version.atLeast('3.23')) throw badRequest('Invalid input received: force delete needs microversion 3.23.');
    await deleteVolume(c.svc, c.ctx, String(req.params.id), { cascade: yes(q.cascade), force: yes(q.force) && c.ctx.isAdmin });
    res.status(202).end();
  }));

  // Metadata: GET/POST (merge)/PUT (replace) on the collection, GET/PUT/DELETE on one key.
  const meta = async (c: Call, id: string, change?: (m: Record<string, string>) => Record<string, string>): Promise<Record<string, string>> => {
    if (!change) return (await getVolume(c.svc, c.ctx, id)).metadata;
    await getVolume(c.svc, c.ctx, id);
    const v = await c.svc.store.volumes.update(id, (x) => ({ ...x, metadata: change({ ...x.metadata }), updatedAt: now() }));
    return v!.metadata;
  };
  r.get('/volumes/:id/metadata', h(async (req, res, c) => { res.json({ metadata: await meta(c, String(req.params.id)) }); }));
  r.post('/volumes/:id/metadata', h(async (req, res, c) => {
    const add = checkMetadata((req.body as Record<string, unknown>)?.metadata);
    res.json({ metadata: await meta(c, String(req.params.id), (m) => ({ ...m, ...add })) });
  }));
  r.put('/volumes/:id/metadata', h(async (req, res, c) => {
    const all = checkMetadata((req.body as Record<string, unknown>)?.metadata);
    res.json({ metadata: await meta(c, String(req.params.id), () => all) });
  }));
  r.get('/volumes/:id/metadata/:key', h(async (req, res, c) => {
    const m = await meta(c, String(req.params.id));
    const k = String(req.params.key);
    if (!(k in m)) throw notFound(`Metadata item was not found`);
    res.json({ meta: { [k]: m[k] } });
  }));
  r.put('/volumes/:id/metadata/:key', h(async (req, res, c) => {
    const k = String(req.params.key);
    const item = checkMetadata((req.body as Record<string, unknown>)?.meta);
    if (Object.keys(item).length !== 1 || !(k in item)) throw badRequest('Request body and URI mismatch');
    await meta(c, String(req.params.id), (m) => ({ ...m, ...item }));
    res.json({ meta: item });
  }));
  r.delete('/volumes/:id/metadata/:key', h(async (req, res, c) => {
    const k = String(req.params.key);
    const m = await meta(c, String(req.params.id));
    if (!(k in m)) throw notFound('Metadata item was not found');
    await meta(c, String(req.params.id), (x) => { delete x[k]; return x; });
    res.status(200).end();
  }));
}
