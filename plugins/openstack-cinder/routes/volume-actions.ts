/**
 * POST /volumes/{id}/action: one key per action (cinder/api/contrib/volume_actions.py,
 * admin_actions.py). Legacy attach flow: os-reserve → os-initialize_connection → os-attach,
 * and os-begin_detaching → os-terminate_connection → os-detach.
 */
import type { Router } from 'express';
import { resourceGroupFor } from '../backend/volume-types.js';
import { h, type Call } from '../http/app.js';
import { badRequest, CinderFault, forbidden, notFound } from '../http/faults.js';
import { initializeConnection, lockedVolume, newAttachment, requireStatus, statusFromAttachments, terminateConnection } from '../service/attach.js';
import { deleteVolume, extendVolume } from '../service/volumes.js';
import { refuseMultiattach } from '../service/unsupported.js';
import { now, VOLUME_STATUSES, type VolumeRecord } from '../state/records.js';

type Args = Record<string, unknown>;
type Action = (c: Call, id: string, args: Args) => Promise<{ status: number; body?: unknown }>;

const flag = (v: unknown, name: string): boolean => {
  const s = String(v).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw badRequest(`Invalid input received: ${name} must be a boolean, not ${JSON.stringify(v)}.`);
};

/** Changes status only from `from`; anything else is Cinder's InvalidVolume (400). */
const transition = (from: string[], to: VolumeRecord['status'], what: string): Action => async (c, id) => {
  await lockedVolume(c.svc, c.ctx, id, async (v) => { requireStatus(v, from, what); return { v: { ...v, status: to }, result: undefined }; });
  return { status: 202 };
};

const ACTIONS: Record<string, Action> = {
  'os-extend': async (c, id, a) => { await extendVolume(c.svc, c.ctx, id, a?.new_size, c.version.atLeast('3.42')); return { status: 202 }; },
  'os-reserve': transition(['available'], 'attaching', 'reserve'),
  'os-unreserve': async (c, id) => {
    await lockedVolume(c.svc, c.ctx, id, async (v) => ({ v: v.status === 'attaching' ? { ...v, status: statusFromAttachments(v) } : v, result: undefined }));
    return { status: 202 };
  },
  'os-begin_detaching': transition(['in-use'], 'detaching', 'begin detaching'),
  'os-roll_detaching': async (c, id) => {
    await lockedVolume(c.svc, c.ctx, id, async (v) => ({ v: v.status === 'detaching' ? { ...v, status: 'in-use' } : v, result: undefined }));
    return { status: 202 };
  },
  'os-initialize_connection': async (c, id, a) => {
    const info = await lockedVolume(c.svc, c.ctx, id, async (v) => {
      requireStatus(v, ['available', 'attaching', 'reserved', 'in-use', 'detaching'], 'initialize a connection');
      const r = await initializeConnection(c.svc, v, a?.connector);
      const host = String((a.connector as Args).host);
      return { v: { ...v, connections: { ...(v.connections ?? {}), [host]: { node: r.node, createdResource: r.createdResource } } }, result: r.info };
    });
    return { status: 200, body: { connection_info: info } };
  },
  'os-terminate_connection': async (c, id, a) => {
    await lockedVolume(c.svc, c.ctx, id, async (v) => {
      const host = String((a?.connector as Args | undefined)?.host ?? '');
      const conn = v.connections?.[host];
      if (!conn) return { result: undefined };
      const still = v.attachments.some((x) => x.node === conn.node && x.status === 'attached' && x.hostName !== host);
      if (!still) await c.svc.backend.detach(v.resource, conn.node, conn.createdResource);
      const connections = { ...v.connections };
      delete connections[host];
      return { v: { ...v, connections }, result: undefined };
    });
    return { status: 202 };
  },
  'os-attach': async (c, id, a) => {
    await lockedVolume(c.svc, c.ctx, id, async (v) => {
      requireStatus(v, ['available', 'attaching', 'reserved'], 'attach');
      const host = typeof a?.host_name === 'string' ? a.host_name : null;
      if (!a?.instance_uuid && !host) throw badRequest('Invalid request to attach volume: either instance_uuid or host_name is required.');
      const mode = a?.mode === undefined ? 'rw' : a.mode;
      if (mode !== 'rw' && mode !== 'ro') throw badRequest("Invalid request to attach volume: mode must be 'rw' or 'ro'.");
      const conn = host ? v.connections?.[host] : Object.values(v.connections ?? {})[0];
      const att = newAttachment({
        status: 'attached', instanceUuid: (a?.instance_uuid as string) ?? null, hostName: host, mountpoint: (a?.mountpoint as string) ?? null,
        mode, attachedAt: now(), node: conn?.node,
      });
      const next = { ...v, attachments: [...v.attachments, att] };
      return { v: { ...next, status: statusFromAttachments(next) }, result: undefined };
    });
    return { status: 202 };
  },
  'os-detach': async (c, id, a) => {
    await lockedVolume(c.svc, c.ctx, id, async (v) => {
      const aid = a?.attachment_id as string | undefined;
      if (!aid && v.attachments.length > 1) throw badRequest('Invalid volume: Volume has more than one attachment; give attachment_id.');
      const gone = aid ? v.attachments.find((x) => x.id === aid) : v.attachments[0];
      if (aid && !gone) throw notFound(`VolumeAttachment ${aid} could not be found.`);
      const next = { ...v, attachments: v.attachments.filter((x) => x !== gone) };
      return { v: { ...next, status: statusFromAttachments(next) }, result: undefined };
    });
    return { status: 202 };
  },
  'os-reset_status': async (c, id, a) => {
    if (!c.ctx.isAdmin) throw forbidden('Policy does not allow volume_extension:volume_admin_actions:reset_status to be performed.');
    const st = a?.status as string | undefined;
    if (st !== undefined && !VOLUME_STATUSES.includes(st as VolumeRecord['status'])) throw badRequest(`Invalid input received: Must specify a valid status, not ${st}.`);
    const attach = a?.attach_status as string | undefined;
    if (attach !== undefined && !['attached', 'detached'].includes(attach)) throw badRequest(`Invalid input received: Must specify a valid attach status, not ${attach}.`);
    if (st === undefined && attach === undefined) throw badRequest('Invalid input received: Must specify status or attach_status.');
    await lockedVolume(c.svc, c.ctx, id, async (v) => ({
      v: { ...v, ...(st ? { status: st as VolumeRecord['status'] } : {}), ...(attach === 'detached' ? { attachments: [] } : {}) }, result: undefined,
    }));
    return { status: 202 };
  },
  'os-set_bootable': async (c, id, a) => {
    const b = flag(a?.bootable, 'bootable');
    await lockedVolume(c.svc, c.ctx, id, async (v) => ({ v: { ...v, bootable: b }, result: undefined }));
    return { status: 200 };
  },
  'os-update_readonly_flag': async (c, id, a) => {
    const ro = flag(a?.readonly, 'readonly');
    await lockedVolume(c.svc, c.ctx, id, async (v) => ({ v: { ...v, readonly: ro }, result: undefined }));
    return { status: 202 };
  },
  'os-force_delete': async (c, id) => {
    if (!c.ctx.isAdmin) throw forbidden('Policy does not allow volume_extension:volume_admin_actions:force_delete to be performed.');
    await deleteVolume(c.svc, c.ctx, id, { cascade: true, force: true });
    return { status: 202 };
  },
  'os-retype': async (c, id, a) => {
    const type = await c.svc.types.resolve(String(a?.new_type ?? ''));
    refuseMultiattach(type);
    await lockedVolume(c.svc, c.ctx, id, async (v) => {
      requireStatus(v, ['available', 'in-use'], 'retype');
      const rg = resourceGroupFor(type, c.svc.cfg);
      await c.svc.backend.ensureResourceGroup(rg);
      await c.svc.client.resourceDefinitions.modify(v.resource, { resource_group: rg.name });
      return { v: { ...v, volumeTypeId: type.id }, result: undefined };
    });
    return { status: 202 };
  },
  revert: async (c, id, a) => {
    if (!c.version.atLeast('3.40')) throw new CinderFault(404, 'revert needs microversion 3.40.');
    const snap = await c.svc.store.snapshots.get(String(a?.snapshot_id ?? ''));
    if (!snap || snap.volumeId !== id) throw notFound(`Snapshot ${String(a?.snapshot_id)} could not be found.`);
    await lockedVolume(c.svc, c.ctx, id, async (v) => {
      requireStatus(v, ['available'], 'revert');
      const newest = (await c.svc.store.snapshots.list()).filter((s) => s.volumeId === id).sort((x, y) => y.createdAt.localeCompare(x.createdAt))[0];
      if (newest?.id !== snap.id) throw badRequest('Invalid snapshot: Only the latest snapshot of a volume can be reverted to.');
      await c.svc.client.snapshots.rollback(v.resource, snap.linstorName);
      return { v: { ...v, sizeGib: snap.sizeGib }, result: undefined };
    });
    return { status: 202 };
  },
};

export function registerVolumeActionRoutes(r: Router): void {
  r.post('/volumes/:id/action', h(async (req, res, c) => {
    const body = req.body as Record<string, unknown> | undefined;
    const keys = body && typeof body === 'object' ? Object.keys(body) : [];
    if (keys.length !== 1) throw badRequest('Malformed request body: exactly one action is expected.');
    const name = keys[0]!;
    const act = ACTIONS[name];
    if (!act) throw badRequest(`There is no such action: ${name}`);
    const out = await act(c, String(req.params.id), (body![name] ?? {}) as Args);
    if (out.body === undefined) res.status(out.status).end();
    else res.status(out.status).json(out.body);
  }));
}
