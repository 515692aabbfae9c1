/** JSON shapes of cinder/api/v3/views (volumes, snapshots, types, attachments). */
import type { ApiVersion } from './microversion.js';
import type { AttachmentRecord, SnapshotRecord, VolumeRecord, VolumeTypeRecord } from '../state/records.js';

export interface ViewCtx { base: string; projectId: string; version: ApiVersion; isAdmin: boolean; typeName(id: string): string | undefined }

const links = (ctx: ViewCtx, kind: string, id: string, project: string) => [
  { rel: 'self', href: `${ctx.base}/v3/${project}/${kind}/${id}` },
  { rel: 'bookmark', href: `${ctx.base}/${project}/${kind}/${id}` },
];

export function volumeSummary(ctx: ViewCtx, v: VolumeRecord) {
  return { id: v.id, name: v.name, links: links(ctx, 'volumes', v.id, v.projectId) };
}

export function volumeAttachment(v: VolumeRecord, a: AttachmentRecord) {
  return {
    id: v.id, attachment_id: a.id, volume_id: v.id, server_id: a.instanceUuid, host_name: a.hostName,
    device: a.mountpoint, attached_at: a.attachedAt,
  };
}

export function volumeDetail(ctx: ViewCtx, v: VolumeRecord) {
  const out: Record<string, unknown> = {
    id: v.id, status: v.status, size: v.sizeGib, availability_zone: v.availabilityZone,
    created_at: v.createdAt, updated_at: v.updatedAt, name: v.name, description: v.description,
    volume_type: ctx.typeName(v.volumeTypeId) ?? v.volumeTypeId, snapshot_id: v.snapshotId, source_volid: v.sourceVolid,
    metadata: { ...v.metadata, ...(v.readonly ? { readonly: 'True' } : {}) },
    links: links(ctx, 'volumes', v.id, v.projectId), user_id: v.userId,
    bootable: v.bootable ? 'true' : 'false', encrypted: false, replication_status: null, consistencygroup_id: null,
    multiattach: false,
    attachments: v.attachments.filter((a) => a.status === 'attached').map((a) => volumeAttachment(v, a)),
    'os-vol-tenant-attr:tenant_id': v.projectId,
    'migration_status': null,
  };
  if (ctx.isAdmin) out['os-vol-host-attr:host'] = `linstor@linstor#${v.resource}`;
  if (ctx.version.atLeast('3.13')) out.group_id = null;
  if (ctx.version.atLeast('3.21') && ctx.isAdmin) out.provider_id = v.resource;
  if (ctx.version.atLeast('3.48')) { out.shared_targets = false; out.service_uuid = null; }
  if (ctx.version.atLeast('3.61') && ctx.isAdmin) out.cluster_name = null;
  if (ctx.version.atLeast('3.63')) out.volume_type_id = v.volumeTypeId;
  if (ctx.version.atLeast('3.64')) out.encryption_key_id = null;
  if (ctx.version.atLeast('3.65')) out.consumes_quota = true;
  return out;
}

export function snapshotView(ctx: ViewCtx, s: SnapshotRecord) {
  const out: Record<string, unknown> = {
    id: s.id, created_at: s.createdAt, updated_at: s.updatedAt, name: s.name, description: s.description,
    volume_id: s.volumeId, status: s.status, size: s.sizeGib, metadata: s.metadata,
    'os-extended-snapshot-attributes:project_id': s.projectId, 'os-extended-snapshot-attributes:progress': s.status === 'available' ? '100%' : '0%',
  };
  if (ctx.version.atLeast('3.14')) out.group_snapshot_id = null;
  if (ctx.version.atLeast('3.41')) out.user_id = s.userId;
  if (ctx.version.atLeast('3.65')) out.consumes_quota = true;
  return out;
}

export function typeView(t: VolumeTypeRecord, showSpecs = true) {
  return {
    id: t.id, name: t.name, description: t.description, is_public: t.isPublic,
    'os-volume-type-access:is_public': t.isPublic, qos_specs_id: null,
    ...(showSpecs ? { extra_specs: t.extraSpecs } : {}),
  };
}

export function attachmentSummary(v: VolumeRecord, a: AttachmentRecord) {
  return { id: a.id, status: a.status, instance: a.instanceUuid, volume_id: v.id };
}

export function attachmentDetail(v: VolumeRecord, a: AttachmentRecord) {
  return {
    ...attachmentSummary(v, a), attached_at: a.attachedAt, detached_at: null, attach_mode: a.mode,
    connection_info: a.connectionInfo ?? {},
  };
}
