/**
 * Volume lifecycle: checks in the caller's request, the LINSTOR work in the background, the
 * status in the store (creating → available | error, deleting → gone | error_deleting,
 * extending → available | error_extending), as Cinder's volume manager moves them.
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../http/auth.js';
import { badRequest, invalidVolume, notFound, overLimit } from '../http/faults.js';
import { resourceGroupFor } from '../backend/volume-types.js';
import { now, type SnapshotRecord, type VolumeRecord, type VolumeTypeRecord } from '../state/records.js';
import type { CinderService } from './context.js';
import { refuseMultiattach } from './unsupported.js';

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A volume the caller may see: its own project's, or any for an admin. */
export async function getVolume(svc: CinderService, ctx: RequestContext, id: string): Promise<VolumeRecord> {
  const v = await svc.store.volumes.get(id);
  if (!v || (v.projectId !== ctx.projectId && !ctx.isAdmin)) throw notFound(`Volume ${id} could not be found.`);
  return v;
}

/** Cinder's largest size (constants.DB_MAX_INT, a signed 32-bit column), in GiB. */
export const DB_MAX_INT = 0x7fffffff;

/** A size as Cinder's schema (parameter_types.volume_size) takes it: an integer or a string of digits, 1..DB_MAX_INT. */
export function parseSize(v: unknown, field = 'size'): number {
  const shown = String(JSON.stringify(v) ?? v).slice(0, 64);
  const invalid = (why: string): never => { throw badRequest(`Invalid input for field/attribute ${field}. Value: ${shown}. ${why}`); };
  if (typeof v === 'string' && !/^[0-9]+$/.test(v)) invalid(`${shown} does not match '^[0-9]+$'`);
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) return invalid(`${shown} is not of type 'integer', 'string'`);
  if (n < 1) invalid(`${shown} is less than the minimum of 1`);
  if (n > DB_MAX_INT) invalid(`${shown} is greater than the maximum of ${DB_MAX_INT}`);
  return n as number;
}

export async function quotaLimits(svc: CinderService, project: string): Promise<Record<string, number>> {
  const q = await svc.store.quotas.get(project);
  return { ...svc.cfg.quotas, ...(q?.limits ?? {}) };
}

async function checkQuota(svc: CinderService, project: string, addGib: number, newVolume = true): Promise<void> {
  const limits = await quotaLimits(svc, project);
  const mine = (await svc.store.volumes.list()).filter((v) => v.projectId === project);
  if (newVolume && limits.volumes! >= 0 && mine.length + 1 > limits.volumes!) throw overLimit(`VolumeLimitExceeded: Maximum number of volumes allowed (${limits.volumes}) exceeded for quota 'volumes'.`);
  const used = mine.reduce((s, v) => s + v.sizeGib, 0);
  if (limits.gigabytes! >= 0 && used + addGib > limits.gigabytes!) throw overLimit(`VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${addGib}G, quota is ${limits.gigabytes}G and ${used}G has been consumed.`);
  if (limits.per_volume_gigabytes! >= 0 && addGib > limits.per_volume_gigabytes!) throw overLimit(`VolumeSizeExceedsLimit: Requested volume size ${addGib}G is larger than maximum allowed limit ${limits.per_volume_gigabytes}G.`);
}

export interface CreateVolumeInput {
  size?: unknown; name?: unknown; description?: unknown; volume_type?: unknown; snapshot_id?: unknown; source_volid?: unknown;
  metadata?: unknown; availability_zone?: unknown; bootable?: unknown; imageRef?: unknown; backup_id?: unknown; multiattach?: unknown;
}

export function checkMetadata(m: unknown): Record<string, string> {
  if (m === undefined || m === null) return {};
  if (typeof m !== 'object' || Array.isArray(m)) throw badRequest('Invalid input received: metadata must be an object.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
    if (!k || k.length > 255) throw badRequest('Invalid input received: metadata keys must be 1 to 255 characters.');
    if (typeof v !== 'string' || v.length > 255) throw badRequest(`Invalid input received: metadata value for ${k} must be a string of at most 255 characters.`);
    out[k] = v;
  }
  return out;
}

const optStr = (v: unknown, field: string): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > 255) throw badRequest(`Invalid input received: ${field} must be a string of at most 255 characters.`);
  return v;
};

export async function createVolume(svc: CinderService, ctx: RequestContext, body: CreateVolumeInput): Promise<VolumeRecord> {
  if (body.imageRef) throw badRequest('Creating volumes from images is not supported by this service (no Glance).');
  if (body.backup_id) throw badRequest('Creating volumes from backups is not supported by this service.');
  let snap: SnapshotRecord | undefined;
  let source: VolumeRecord | undefined;
  if (body.snapshot_id) {
    snap = await svc.store.snapshots.get(String(body.snapshot_id));
    if (!snap || (snap.projectId !== ctx.projectId && !ctx.isAdmin)) throw notFound(`Snapshot ${String(body.snapshot_id)} could not be found.`);
    if (snap.status !== 'available') throw badRequest(`Invalid snapshot: Originating snapshot status must be one of 'available' values`);
  }
  if (body.source_volid) {
    source = await getVolume(svc, ctx, String(body.source_volid));
    if (!['available', 'in-use'].includes(source.status)) throw invalidVolume(`Source volume status must be available or in-use, not ${source.status}.`);
  }
  const srcSize = snap?.sizeGib ?? source?.sizeGib;
  const size = body.size === undefined || body.size === null ? (srcSize ?? parseSize(body.size)) : parseSize(body.size);
  if (srcSize !== undefined && size < srcSize) throw badRequest(`Invalid input received: Volume size '${size}'GB cannot be smaller than the ${snap ? 'snapshot' : 'original volume'} size ${srcSize}GB.`);
  const az = optStr(body.availability_zone, 'availability_zone') ?? svc.cfg.availabilityZone;
  if (az !== svc.cfg.availabilityZone) throw badRequest(`Invalid input received: Availability zone '${az}' is invalid.`);
  const srcVol = snap ? await svc.store.volumes.get(snap.volumeId) : source;
  const type = await svc.types.resolve(body.volume_type === undefined || body.volume_type === null ? (srcVol?.volumeTypeId ?? null) : String(body.volume_type));
  refuseMultiattach(type, body.multiattach);
  const rg = resourceGroupFor(type, svc.cfg);
  await checkQuota(svc, ctx.projectId, size);
  const id = randomUUID();
  const rec: VolumeRecord = {
    id, resource: `volume-${id}`, projectId: ctx.projectId, userId: ctx.userId,
    name: optStr(body.name, 'name'), description: optStr(body.description, 'description'), sizeGib: size,
    status: 'creating', volumeTypeId: type.id, availabilityZone: az, snapshotId: snap?.id ?? null, sourceVolid: source?.id ?? null,
    bootable: body.bootable === true || String(body.bootable).toLowerCase() === 'true', readonly: false,
    metadata: checkMetadata(body.metadata), attachments: [], createdAt: now(), updatedAt: null,
  };
  await svc.store.volumes.put(rec);
  svc.background(`create ${rec.resource}`, () => provision(svc, rec, type, rg, snap, srcVol));
  return rec;
}

async function provision(svc: CinderService, rec: VolumeRecord, type: VolumeTypeRecord, rg: ReturnType<typeof resourceGroupFor>, snap?: SnapshotRecord, srcVol?: VolumeRecord): Promise<void> {
  const props = { 'Aux/cinder/id': rec.id, 'Aux/cinder/project_id': rec.projectId };
  try {
    await svc.backend.ensureResourceGroup(rg);
    if (snap && srcVol) {
      await svc.backend.restoreSnapshot(srcVol.resource, snap.linstorName, rec.resource, rg.name, props);
      if (rec.sizeGib > snap.sizeGib) await svc.backend.extend(rec.resource, rec.sizeGib);
    } else if (srcVol) {
      // A clone is a temporary snapshot restored into the new resource (LINBIT's driver: `for-<id>`).
      const tmp = `for-${rec.id}`;
      await svc.backend.createSnapshot(srcVol.resource, tmp);
      try {
        await svc.backend.restoreSnapshot(srcVol.resource, tmp, rec.resource, rg.name, props);
      } finally {
        await svc.backend.deleteSnapshot(srcVol.resource, tmp).catch((e) => svc.log.warn({ err: e }, 'temporary clone snapshot not removed'));
      }
      if (rec.sizeGib > srcVol.sizeGib) await svc.backend.extend(rec.resource, rec.sizeGib);
    } else {
      await svc.backend.spawn(rg, rec.resource, rec.sizeGib, props);
    }
    await svc.backend.waitReady(rec.resource, svc.cfg.linstor.timeoutMs);
    await setStatus(svc, rec.id, 'available');
  } catch (e) {
    svc.log.error({ err: e, volume: rec.id }, 'volume create failed');
    await svc.store.volumes.update(rec.id, (v) => ({ ...v, status: 'error', updatedAt: now(), fault: { message: errMsg(e), at: now(), action: 'create' } }));
  }
  void type;
}

export async function setStatus(svc: CinderService, id: string, status: VolumeRecord['status']): Promise<VolumeRecord | undefined> {
  return svc.store.volumes.update(id, (v) => ({ ...v, status, updatedAt: now() }));
}

const DELETABLE = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing', 'error_deleting'];

export async function deleteVolume(svc: CinderService, ctx: RequestContext, id: string, opts: { cascade: boolean; force: boolean }): Promise<void> {
  await svc.store.volumes.withLock(id, async () => {
    const v = await getVolume(svc, ctx, id);
    const attached = v.attachments.length > 0;
    if (attached || (!opts.force && !DELETABLE.includes(v.status))) {
      throw invalidVolume(`Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer (status: ${v.status}${attached ? ', attached' : ''}).`);
    }
    const snaps = (await svc.store.snapshots.list()).filter((s) => s.volumeId === id);
    if (snaps.length && !opts.cascade) throw invalidVolume(`Volume still has ${snaps.length} dependent snapshots.`);
    await svc.store.volumes.put({ ...v, status: 'deleting', updatedAt: now() });
    svc.background(`delete ${v.resource}`, async () => {
      try {
        for (const s of snaps) {
          await svc.backend.deleteSnapshot(v.resource, s.linstorName);
          await svc.store.snapshots.delete(s.id);
        }
        await svc.backend.deleteResource(v.resource);
        await svc.store.volumes.delete(id);
      } catch (e) {
        await svc.store.volumes.update(id, (x) => ({ ...x, status: 'error_deleting', updatedAt: now(), fault: { message: errMsg(e), at: now(), action: 'delete' } }));
      }
    });
  });
}

export async function extendVolume(svc: CinderService, ctx: RequestContext, id: string, newSize: unknown, allowInUse: boolean): Promise<void> {
  const size = parseSize(newSize, 'new_size');
  await svc.store.volumes.withLock(id, async () => {
    const v = await getVolume(svc, ctx, id);
    const ok = v.status === 'available' || (allowInUse && v.status === 'in-use');
    if (!ok) throw invalidVolume(`Volume status must be '${allowInUse ? 'available or in-use' : 'available'}' to extend, currently ${v.status}.`);
    if (size <= v.sizeGib) throw badRequest(`Invalid input received: New size for extend must be greater than current size. (current: ${v.sizeGib}, extended: ${size}).`);
    await checkQuota(svc, v.projectId, size - v.sizeGib, false);
    const back = v.status;
    await svc.store.volumes.put({ ...v, status: 'extending', updatedAt: now() });
    svc.background(`extend ${v.resource}`, async () => {
      try {
        await svc.backend.extend(v.resource, size);
        await svc.store.volumes.update(id, (x) => ({ ...x, sizeGib: size, status: back, updatedAt: now() }));
      } catch (e) {
        await svc.store.volumes.update(id, (x) => ({ ...x, status: 'error_extending', updatedAt: now(), fault: { message: errMsg(e), at: now(), action: 'extend' } }));
      }
    });
  });
}
