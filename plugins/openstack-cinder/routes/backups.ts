/**
 * /backups (create, list, show, restore, delete) on LINSTOR backups to an S3 remote. Restores
 * go into a new volume; restoring over an existing volume is refused (not supported here).
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { h, type Call } from '../http/app.js';
import { badRequest, invalidVolume, notFound } from '../http/faults.js';
import { BackupBackend } from '../backend/backups.js';
import { resourceGroupFor } from '../backend/volume-types.js';
import { getVolume } from '../service/volumes.js';
import { now, type BackupRecord, type VolumeRecord } from '../state/records.js';

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const yes = (x: unknown): boolean => x === true || ['true', '1', 'yes'].includes(String(x ?? '').toLowerCase());

function backend(c: Call): BackupBackend {
  if (!c.svc.cfg.backupRemote) throw badRequest('Backups are not configured for this service ([backup] remote names the LINSTOR S3 remote).');
  return new BackupBackend(c.svc.client, c.svc.cfg.backupRemote);
}

async function getBackup(c: Call, id: string): Promise<BackupRecord> {
  const b = await c.svc.store.backups.get(id);
  if (!b || (b.projectId !== c.ctx.projectId && !c.ctx.isAdmin)) throw notFound(`Backup ${id} could not be found.`);
  return b;
}

function view(c: Call, b: BackupRecord, all: BackupRecord[]) {
  const links = [{ rel: 'self', href: `${c.base}/v3/${b.projectId}/backups/${b.id}` }, { rel: 'bookmark', href: `${c.base}/${b.projectId}/backups/${b.id}` }];
  const out: Record<string, unknown> = {
    id: b.id, name: b.name, description: b.description, status: b.status, availability_zone: c.svc.cfg.availabilityZone, volume_id: b.volumeId,
    size: b.sizeGib, object_count: 0, container: c.svc.cfg.backupRemote ?? null, created_at: b.createdAt, updated_at: b.updatedAt,
    fail_reason: b.failReason ?? null, is_incremental: b.incremental, has_dependent_backups: all.some((x) => x.parentId === b.id),
    snapshot_id: null, data_timestamp: b.createdAt, links,
  };
  if (c.version.atLeast('3.18')) out['os-backup-project-attr:project_id'] = b.projectId;
  if (c.version.atLeast('3.43')) out.metadata = {};
  if (c.version.atLeast('3.56')) out.user_id = b.userId;
  if (c.version.atLeast('3.64')) out.encryption_key_id = null;
  return out;
}

export function registerBackupRoutes(r: Router): void {
  r.post('/backups', h(async (req, res, c) => {
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.backup;
    if (!b || typeof b.volume_id !== 'string') throw badRequest('Invalid input received: backup.volume_id is required.');
    const be = backend(c);
    const v = await getVolume(c.svc, c.ctx, b.volume_id);
    if (v.status !== 'available' && !(v.status === 'in-use' && yes(b.force))) throw invalidVolume(`Volume to be backed up must be available or in-use (with force), but the current status is "${v.status}".`);
    const mine = (await c.svc.store.backups.list()).filter((x) => x.volumeId === v.id && x.status === 'available').sort((x, y) => y.createdAt.localeCompare(x.createdAt));
    const incremental = yes(b.incremental);
    if (incremental && !mine.length) throw badRequest('Invalid backup: No backups available to do an incremental backup.');
    const id = randomUUID();
    const rec: BackupRecord = {
      id, volumeId: v.id, projectId: c.ctx.projectId, userId: c.ctx.userId, name: typeof b.name === 'string' ? b.name : null,
      description: typeof b.description === 'string' ? b.description : null, sizeGib: v.sizeGib, status: 'creating', incremental,
      snapName: `cinder-backup-${id}`.slice(0, 48), parentId: incremental ? mine[0]!.id : null, createdAt: now(), updatedAt: null,
    };
    await c.svc.store.backups.put(rec);
    c.svc.background(`backup ${id}`, async () => {
      try {
        const done = await be.create(v.resource, rec.snapName, incremental, c.svc.cfg.linstor.timeoutMs);
        if (incremental && !done.based_on_id) throw new Error('LINSTOR made a full backup: the base snapshot is gone on the node.');
        await c.svc.store.backups.update(id, (x) => ({ ...x, status: 'available', linstorId: done.id, updatedAt: now() }));
      } catch (e) {
        await c.svc.store.backups.update(id, (x) => ({ ...x, status: 'error', failReason: errMsg(e), updatedAt: now() }));
      }
    });
    res.status(202).json({ backup: { id, name: rec.name, links: [{ rel: 'self', href: `${c.base}/v3/${rec.projectId}/backups/${id}` }] } });
  }));

  const list = (detail: boolean) => h(async (req, res, c) => {
    const q = req.query as Record<string, string | undefined>;
    const all = await c.svc.store.backups.list();
    const visible = all.filter((b) => (c.ctx.isAdmin && q.all_tenants) || b.projectId === c.ctx.projectId)
      .filter((b) => (!q.volume_id || b.volumeId === q.volume_id) && (!q.status || b.status === q.status) && (!q.name || b.name === q.name))
      .sort((x, y) => y.createdAt.localeCompare(x.createdAt));
    res.json({ backups: visible.map((b) => (detail ? view(c, b, all) : { id: b.id, name: b.name, links: view(c, b, all).links })) });
  });
  r.get('/backups', list(false));
  r.get('/backups/detail', list(true));
  r.get('/backups/:id', h(async (req, res, c) => { res.json({ backup: view(c, await getBackup(c, String(req.params.id)), await c.svc.store.backups.list()) }); }));

  r.delete('/backups/:id', h(async (req, res, c) => {
    const b = await getBackup(c, String(req.params.id));
    if (!['available', 'error'].includes(b.status)) throw badRequest(`Invalid backup: Backup status must be available or error, not ${b.status}.`);
    if ((await c.svc.store.backups.list()).some((x) => x.parentId === b.id)) throw badRequest('Invalid backup: Incremental backups exist for this backup.');
    const be = backend(c);
    await c.svc.store.backups.put({ ...b, status: 'deleting', updatedAt: now() });
    c.svc.background(`delete backup ${b.id}`, async () => {
      try {
        if (b.linstorId) await be.delete(b.linstorId);
        await c.svc.store.backups.delete(b.id);
      } catch (e) {
        await c.svc.store.backups.update(b.id, (x) => ({ ...x, status: 'error_deleting', failReason: errMsg(e), updatedAt: now() }));
      }
    });
    res.status(202).end();
  }));

  r.post('/backups/:id/restore', h(async (req, res, c) => {
    const body = (req.body as Record<string, Record<string, unknown> | null> | undefined)?.restore ?? {};
    const b = await getBackup(c, String(req.params.id));
    if (b.status !== 'available' || !b.linstorId) throw badRequest(`Invalid backup: Backup status must be available, not ${b.status}.`);
    if (body && body.volume_id) throw badRequest('Restoring a backup over an existing volume is not supported by this service; restore into a new volume (no volume_id).');
    const be = backend(c);
    const src = await c.svc.store.volumes.get(b.volumeId);
    const type = await c.svc.types.resolve(src?.volumeTypeId ?? null);
    const rg = resourceGroupFor(type, c.svc.cfg);
    const origin = (await be.list(src?.resource ?? '')).find((x) => x.id === b.linstorId)?.origin_node;
    if (!origin) throw badRequest(`Invalid backup: LINSTOR backup ${b.linstorId} is no longer on the remote.`);
    const id = randomUUID();
    const vol: VolumeRecord = {
      id, resource: `volume-${id}`, projectId: c.ctx.projectId, userId: c.ctx.userId, name: typeof body?.name === 'string' ? body.name : `restore_backup_${b.id}`,
      description: null, sizeGib: b.sizeGib, status: 'restoring-backup' as VolumeRecord['status'], volumeTypeId: type.id, availabilityZone: c.svc.cfg.availabilityZone,
      snapshotId: null, sourceVolid: null, bootable: false, readonly: false, metadata: {}, attachments: [], createdAt: now(), updatedAt: null,
    };
    await c.svc.store.volumes.put(vol);
    await c.svc.store.backups.put({ ...b, status: 'restoring', updatedAt: now() });
    c.svc.background(`restore backup ${b.id}`, async () => {
      try {
        await c.svc.backend.ensureResourceGroup(rg);
        await be.restore(b.linstorId!, vol.resource, origin, rg.name);
        await c.svc.backend.waitReady(vol.resource, c.svc.cfg.linstor.timeoutMs);
        await c.svc.store.volumes.update(id, (x) => ({ ...x, status: 'available', updatedAt: now() }));
      } catch (e) {
        await c.svc.store.volumes.update(id, (x) => ({ ...x, status: 'error', updatedAt: now(), fault: { message: errMsg(e), at: now(), action: 'restore' } }));
      } finally {
        await c.svc.store.backups.update(b.id, (x) => ({ ...x, status: 'available', updatedAt: now() }));
      }
    });
    res.status(202).json({ restore: { backup_id: b.id, volume_id: id, volume_name: vol.name } });
  }));
}
