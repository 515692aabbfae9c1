/**
 * Attaching a volume to a host, the way LINBIT's DRBD ("direct") driver does it: the
 * connector's host gets the resource (make-available, diskless when DRBD is in the stack)
 * and connection_info names the local device. Both the legacy actions (os-reserve,
 * os-initialize_connection, os-attach, os-detach, os-terminate_connection) and the
 * attachments API (3.27+) end up here.
 */
import { randomUUID } from 'node:crypto';
import { layerListOf } from '../backend/volume-types.js';
import type { RequestContext } from '../http/auth.js';
import { badRequest, CinderFault, invalidVolume, notFound } from '../http/faults.js';
import { now, type AttachmentRecord, type VolumeRecord } from '../state/records.js';
import type { CinderService } from './context.js';
import { getVolume } from './volumes.js';

export type Connector = Record<string, unknown>;

function connectorHost(c: unknown): string {
  if (!c || typeof c !== 'object') throw badRequest('Invalid input received: a connector object is required.');
  const host = (c as Connector).host;
  if (typeof host !== 'string' || !host) throw badRequest('Invalid input received: the connector needs a host (the LINSTOR node name).');
  return host;
}

/** Makes the volume available on the connector's node and builds connection_info. */
export async function initializeConnection(svc: CinderService, v: VolumeRecord, connector: unknown): Promise<{ info: Record<string, unknown>; node: string; createdResource: boolean }> {
  const node = connectorHost(connector);
  if (!(await svc.backend.isNode(node))) throw badRequest(`Invalid input received: connector host ${node} is not a LINSTOR node.`);
  const type = await svc.types.resolve(v.volumeTypeId).catch(() => undefined);
  const known = v.connections?.[node] ?? v.attachments.find((a) => a.node === node);
  let r: { devicePath: string; createdResource: boolean };
  try {
    r = await svc.backend.attach(v.resource, node, layerListOf(type, svc.cfg), svc.cfg.linstor.timeoutMs);
  } catch (e) {
    throw new CinderFault(500, `Bad or unexpected response from the storage volume backend API: Unable to fetch connection information from backend: ${(e as Error).message}`);
  }
  const createdResource = r.createdResource || (known?.createdResource ?? false);
  const info = { driver_volume_type: 'local', data: { device_path: r.devicePath }, enforce_multipath: false };
  return { info, node, createdResource };
}

/** Removes what initialize_connection added on `node`, unless another attachment still uses that node. */
export async function terminateConnection(svc: CinderService, v: VolumeRecord, node: string, createdResource: boolean, keepIds: string[] = []): Promise<void> {
  const others = v.attachments.some((a) => a.node === node && !keepIds.includes(a.id));
  if (!others) await svc.backend.detach(v.resource, node, createdResource);
}

export function newAttachment(fields: Partial<AttachmentRecord>): AttachmentRecord {
  return {
    id: randomUUID(), status: 'reserved', instanceUuid: null, hostName: null, mountpoint: null, mode: 'rw',
    connector: null, connectionInfo: null, attachedAt: null, ...fields,
  };
}

/** After attachments changed: in-use when one is attached, else available (or reserved/attaching while one is in progress). */
export function statusFromAttachments(v: VolumeRecord): VolumeRecord['status'] {
  if (v.attachments.some((a) => a.status === 'attached')) return 'in-use';
  if (v.attachments.some((a) => a.status === 'attaching')) return 'attaching';
  if (v.attachments.some((a) => a.status === 'reserved')) return 'reserved';
  return 'available';
}

/** Finds an attachment (and its volume) by id among the caller's volumes. */
export async function findAttachment(svc: CinderService, ctx: RequestContext, id: string): Promise<{ v: VolumeRecord; a: AttachmentRecord }> {
  for (const v of await svc.store.volumes.list()) {
    if (v.projectId !== ctx.projectId && !ctx.isAdmin) continue;
    const a = v.attachments.find((x) => x.id === id);
    if (a) return { v, a };
  }
  throw notFound(`VolumeAttachment ${id} could not be found.`);
}

export async function lockedVolume<R>(svc: CinderService, ctx: RequestContext, id: string, fn: (v: VolumeRecord) => Promise<{ v?: VolumeRecord; result: R }>): Promise<R> {
  return svc.store.volumes.withLock(id, async () => {
    const v = await getVolume(svc, ctx, id);
    const out = await fn(v);
    if (out.v) await svc.store.volumes.put({ ...out.v, updatedAt: now() });
    return out.result;
  });
}

export function requireStatus(v: VolumeRecord, allowed: string[], what: string): void {
  if (!allowed.includes(v.status)) throw invalidVolume(`Volume status must be ${allowed.join(' or ')} to ${what}, currently ${v.status}.`);
}
