/** The attachments API (3.27+; os-complete 3.44; mode 3.54), cinder/api/v3/attachments.py. */
import type { Router } from 'express';
import { since } from '../http/app.js';
import { badRequest } from '../http/faults.js';
import { attachmentDetail, attachmentSummary } from '../http/views.js';
import { findAttachment, initializeConnection, lockedVolume, newAttachment, requireStatus, statusFromAttachments, terminateConnection } from '../service/attach.js';
import { now } from '../state/records.js';

export function registerAttachmentRoutes(r: Router): void {
  r.post('/attachments', since('3.27', async (req, res, c) => {
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.attachment;
    if (!b || typeof b.volume_uuid !== 'string') throw badRequest('Invalid input received: attachment.volume_uuid is required.');
    const mode = b.mode === undefined ? 'rw' : b.mode;
    if (mode !== 'rw' && mode !== 'ro') throw badRequest("Invalid input received: mode must be 'rw' or 'ro'.");
    if (b.mode !== undefined && !c.version.atLeast('3.54')) throw badRequest('Invalid input received: mode needs microversion 3.54.');
    const hasConnector = b.connector && typeof b.connector === 'object' && Object.keys(b.connector).length > 0;
    const out = await lockedVolume(c.svc, c.ctx, b.volume_uuid, async (v) => {
      requireStatus(v, ['available', 'reserved', 'in-use', 'attaching'], 'attach');
      if (v.attachments.length > 0) throw badRequest('Invalid volume: Volume is already attached and is not multiattach.');
      const att = newAttachment({ instanceUuid: (b.instance_uuid as string) ?? null, mode: mode as 'rw' | 'ro' });
      if (hasConnector) {
        const conn = await initializeConnection(c.svc, v, b.connector);
        Object.assign(att, { status: 'attaching', connector: b.connector, connectionInfo: conn.info, node: conn.node, createdResource: conn.createdResource, hostName: conn.node });
      }
      const next = { ...v, attachments: [...v.attachments, att] };
      return { v: { ...next, status: statusFromAttachments(next) }, result: { v: next, att } };
    });
    res.status(200).json({ attachment: attachmentDetail(out.v, out.att) });
  }));

  const list = (detail: boolean) => since('3.27', async (req, res, c) => {
    const q = req.query as Record<string, string | undefined>;
    const out = [];
    for (const v of await c.svc.store.volumes.list()) {
      if (v.projectId !== c.ctx.projectId && !(c.ctx.isAdmin && q.all_tenants)) continue;
      if (q.volume_id && v.id !== q.volume_id) continue;
      for (const a of v.attachments) {
        if (q.status && a.status !== q.status) continue;
        if (q.instance_id && a.instanceUuid !== q.instance_id) continue;
        out.push(detail ? attachmentDetail(v, a) : attachmentSummary(v, a));
      }
    }
    res.json({ attachments: out });
  });
  r.get('/attachments', list(false));
  r.get('/attachments/detail', list(true));
  r.get('/attachments/:id', since('3.27', async (req, res, c) => {
    const { v, a } = await findAttachment(c.svc, c.ctx, String(req.params.id));
    res.json({ attachment: attachmentDetail(v, a) });
  }));

  r.put('/attachments/:id', since('3.27', async (req, res, c) => {
    const connector = (req.body as Record<string, Record<string, unknown>> | undefined)?.attachment?.connector;
    const { v: found, a: prev } = await findAttachment(c.svc, c.ctx, String(req.params.id));
    const out = await lockedVolume(c.svc, c.ctx, found.id, async (v) => {
      const conn = await initializeConnection(c.svc, v, connector);
      const att = { ...v.attachments.find((x) => x.id === prev.id)!, status: 'attaching', connector: connector as Record<string, unknown>, connectionInfo: conn.info, node: conn.node, createdResource: conn.createdResource, hostName: conn.node };
      const next = { ...v, attachments: v.attachments.map((x) => (x.id === att.id ? att : x)) };
      return { v: { ...next, status: statusFromAttachments(next) }, result: { v: next, att } };
    });
    res.json({ attachment: attachmentDetail(out.v, out.att) });
  }));

  r.post('/attachments/:id/action', since('3.44', async (req, res, c) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || !('os-complete' in body)) throw badRequest(`There is no such action: ${Object.keys(body ?? {})[0] ?? ''}`);
    const { v: found, a } = await findAttachment(c.svc, c.ctx, String(req.params.id));
    await lockedVolume(c.svc, c.ctx, found.id, async (v) => {
      const next = { ...v, attachments: v.attachments.map((x) => (x.id === a.id ? { ...x, status: 'attached', attachedAt: now() } : x)) };
      return { v: { ...next, status: statusFromAttachments(next) }, result: undefined };
    });
    res.status(204).end();
  }));

  r.delete('/attachments/:id', since('3.27', async (req, res, c) => {
    const { v: found, a } = await findAttachment(c.svc, c.ctx, String(req.params.id));
    const left = await lockedVolume(c.svc, c.ctx, found.id, async (v) => {
      if (a.node) await terminateConnection(c.svc, v, a.node, a.createdResource ?? false, [a.id]);
      const next = { ...v, attachments: v.attachments.filter((x) => x.id !== a.id) };
      return { v: { ...next, status: statusFromAttachments(next) }, result: next };
    });
    res.status(200).json({ attachments: left.attachments.map((x) => attachmentSummary(left, x)) });
  }));
}
