/** /snapshots: LINSTOR snapshots named `snapshot-<id>` on the volume's resource definition. */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { h } from '../http/app.js';
import { badRequest, invalidVolume, notFound } from '../http/faults.js';
import { snapshotView } from '../http/views.js';
import type { Call } from '../http/app.js';
import { checkMetadata, getVolume, quotaLimits } from '../service/volumes.js';
import { now, type SnapshotRecord } from '../state/records.js';
import { nextLink, paginate } from './list-params.js';

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function getSnapshot(c: Call, id: string): Promise<SnapshotRecord> {
  const s = await c.svc.store.snapshots.get(id);
  if (!s || (s.projectId !== c.ctx.projectId && !c.ctx.isAdmin)) throw notFound(`Snapshot ${id} could not be found.`);
  return s;
}

const SORT: Record<string, (s: SnapshotRecord) => string | number | null> = {
  id: (s) => s.id, name: (s) => s.name, status: (s) => s.status, size: (s) => s.sizeGib, created_at: (s) => s.createdAt, updated_at: (s) => s.updatedAt,
};

export function registerSnapshotRoutes(r: Router): void {
  r.post('/snapshots', h(async (req, res, c) => {
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.snapshot;
    if (!b || typeof b.volume_id !== 'string') throw badRequest('Invalid input received: snapshot.volume_id is required.');
    const v = await getVolume(c.svc, c.ctx, b.volume_id);
    const force = ['true', '1', 'yes'].includes(String(b.force ?? '').toLowerCase());
    const ok = v.status === 'available' || (v.status === 'in-use' && (force || c.version.atLeast('3.66')));
    if (!ok) throw invalidVolume(`Volume ${v.id} status must be available${c.version.atLeast('3.66') ? ' or in-use' : ''}, but current status is: ${v.status}.`);
    const limits = await quotaLimits(c.svc, c.ctx.projectId);
    if (limits.snapshots! >= 0 && (await c.svc.store.snapshots.list()).filter((s) => s.projectId === c.ctx.projectId).length >= limits.snapshots!) {
      res.status(413).json({ overLimit: { code: 413, message: `SnapshotLimitExceeded: Maximum number of snapshots allowed (${limits.snapshots}) exceeded`, retryAfter: '0' } });
      return;
    }
    const id = randomUUID();
    const s: SnapshotRecord = {
      id, volumeId: v.id, linstorName: `snapshot-${id}`, projectId: v.projectId, userId: c.ctx.userId,
      name: typeof b.name === 'string' ? b.name : null, description: typeof b.description === 'string' ? b.description : null,
      sizeGib: v.sizeGib, status: 'creating', metadata: checkMetadata(b.metadata), createdAt: now(), updatedAt: null,
    };
    await c.svc.store.snapshots.put(s);
    c.svc.background(`snapshot ${s.linstorName}`, async () => {
      try {
        await c.svc.backend.createSnapshot(v.resource, s.linstorName);
        await c.svc.store.snapshots.update(id, (x) => ({ ...x, status: 'available', updatedAt: now() }));
      } catch (e) {
        await c.svc.store.snapshots.update(id, (x) => ({ ...x, status: 'error', updatedAt: now(), fault: { message: errMsg(e), at: now(), action: 'create' } }));
      }
    });
    res.status(202).json({ snapshot: snapshotView(c.view, s) });
  }));

  const list = (detail: boolean) => h(async (req, res, c) => {
    const q = req.query as Record<string, string | undefined>;
    const all = c.ctx.isAdmin && q.all_tenants ? await c.svc.store.snapshots.list() : (await c.svc.store.snapshots.list()).filter((s) => s.projectId === c.ctx.projectId);
    const f = all.filter((s) => (!q.volume_id || s.volumeId === q.volume_id) && (!q.status || s.status === q.status) && (!q.name || s.name === q.name));
    const page = paginate(req, f, SORT, 'snapshot');
    const out: Record<string, unknown> = { snapshots: page.items.map((s) => (detail ? snapshotView(c.view, s) : { id: s.id, name: s.name, volume_id: s.volumeId, status: s.status, size: s.sizeGib })) };
    if (page.next) out.snapshots_links = nextLink(c.base, c.ctx.projectId, detail ? 'snapshots/detail' : 'snapshots', req, page.next);
    res.json(out);
  });
  r.get('/snapshots', list(false));
  r.get('/snapshots/detail', list(true));
  r.get('/snapshots/:id', h(async (req, res, c) => { res.json({ snapshot: snapshotView(c.view, await getSnapshot(c, String(req.params.id))) }); }));
  r.put('/snapshots/:id', h(async (req, res, c) => {
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.snapshot;
    if (!b) throw badRequest("Missing required element 'snapshot' in request body.");
    await getSnapshot(c, String(req.params.id));
    const s = await c.svc.store.snapshots.update(String(req.params.id), (x) => ({
      ...x, updatedAt: now(),
      ...(b.name !== undefined ? { name: b.name as string | null } : {}),
      ...(b.description !== undefined ? { description: b.description as string | null } : {}),
      ...(b.metadata !== undefined ? { metadata: checkMetadata(b.metadata) } : {}),
    }));
    res.json({ snapshot: snapshotView(c.view, s!) });
  }));
  r.delete('/snapshots/:id', h(async (req, res, c) => {
    const s = await getSnapshot(c, String(req.params.id));
    if (!['available', 'error', 'error_deleting'].includes(s.status)) throw badRequest(`Invalid snapshot: Snapshot status must be available or error, not ${s.status}.`);
    const v = await c.svc.store.volumes.get(s.volumeId);
    await c.svc.store.snapshots.put({ ...s, status: 'deleting', updatedAt: now() });
    c.svc.background(`delete ${s.linstorName}`, async () => {
      try {
        if (v && s.status !== 'error') await c.svc.backend.deleteSnapshot(v.resource, s.linstorName);
        await c.svc.store.snapshots.delete(s.id);
      } catch (e) {
        await c.svc.store.snapshots.update(s.id, (x) => ({ ...x, status: 'error_deleting', fault: { message: errMsg(e), at: now(), action: 'delete' } }));
      }
    });
    res.status(202).end();
  }));
  r.post('/snapshots/:id/action', h(async (req, res, c) => {
    const body = (req.body ?? {}) as Record<string, Record<string, unknown>>;
    await getSnapshot(c, String(req.params.id));
    if (body['os-reset_status']) {
      if (!c.ctx.isAdmin) { res.status(403).json({ forbidden: { code: 403, message: 'Policy does not allow reset_status.' } }); return; }
      await c.svc.store.snapshots.update(String(req.params.id), (x) => ({ ...x, status: String(body['os-reset_status']!.status), updatedAt: now() }));
      res.status(202).end();
      return;
    }
    throw badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
  }));
}
