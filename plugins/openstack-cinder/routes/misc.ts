/** limits, quota sets, availability zones, services, scheduler-stats/get_pools, messages. */
import type { Router } from 'express';
import { isThinProvider } from '../../../core/client/index.js';
import { DEFAULT_QUOTAS } from '../config.js';
import { h } from '../http/app.js';
import { badRequest, forbidden } from '../http/faults.js';
import { quotaLimits } from '../service/volumes.js';

const KIB_PER_GIB = 1024 * 1024;
const gib = (kib: number | undefined): number => Math.round(((kib ?? 0) / KIB_PER_GIB) * 100) / 100;

export function registerMiscRoutes(r: Router): void {
  r.get('/limits', h(async (_req, res, c) => {
    const l = await quotaLimits(c.svc, c.ctx.projectId);
    const vols = (await c.svc.store.volumes.list()).filter((v) => v.projectId === c.ctx.projectId);
    const snaps = (await c.svc.store.snapshots.list()).filter((s) => s.projectId === c.ctx.projectId);
    res.json({ limits: { rate: [], absolute: {
      maxTotalVolumes: l.volumes, maxTotalSnapshots: l.snapshots, maxTotalVolumeGigabytes: l.gigabytes,
      maxTotalBackups: l.backups, maxTotalBackupGigabytes: l.backup_gigabytes,
      totalVolumesUsed: vols.length, totalGigabytesUsed: vols.reduce((s, v) => s + v.sizeGib, 0) + snaps.reduce((s, x) => s + x.sizeGib, 0),
      totalSnapshotsUsed: snaps.length, totalBackupsUsed: 0, totalBackupGigabytesUsed: 0,
    } } });
  }));

  const quotaSet = async (project: string, usage: boolean, svc: import('../service/context.js').CinderService) => {
    const l = await quotaLimits(svc, project);
    const vols = (await svc.store.volumes.list()).filter((v) => v.projectId === project);
    const snaps = (await svc.store.snapshots.list()).filter((s) => s.projectId === project);
    const used: Record<string, number> = { volumes: vols.length, snapshots: snaps.length, gigabytes: vols.reduce((s, v) => s + v.sizeGib, 0) + snaps.reduce((s, x) => s + x.sizeGib, 0) };
    const out: Record<string, unknown> = { id: project };
    for (const [k, v] of Object.entries(l)) out[k] = usage ? { in_use: used[k] ?? 0, limit: v, reserved: 0, allocated: 0 } : v;
    return out;
  };
  // A project id is a Keystone id (at most 64 printable characters): anything else would end up
  // as a key in the controller's store, which refuses it. Cinder answers such ids with a 400.
  r.param('project', (_req, _res, next, value: unknown) => {
    next(typeof value === 'string' && /^[\x21-\x7e]{1,64}$/.test(value) ? undefined : badRequest('Invalid project id: at most 64 printable ASCII characters.'));
  });
  r.get('/os-quota-sets/:project/defaults', h(async (req, res, c) => { res.json({ quota_set: { id: String(req.params.project), ...c.svc.cfg.quotas } }); }));
  r.get('/os-quota-sets/:project', h(async (req, res, c) => {
    const p = String(req.params.project);
    if (p !== c.ctx.projectId && !c.ctx.isAdmin) throw forbidden(`Policy doesn't allow showing quotas of project ${p}.`);
    const usage = ['true', '1'].includes(String((req.query as Record<string, unknown>).usage ?? '').toLowerCase());
    res.json({ quota_set: await quotaSet(p, usage, c.svc) });
  }));
  r.put('/os-quota-sets/:project', h(async (req, res, c) => {
    if (!c.ctx.isAdmin) throw forbidden('Policy doesn\'t allow volume_extension:quotas:update to be performed.');
    const p = String(req.params.project);
    const b = (req.body as Record<string, Record<string, unknown>> | undefined)?.quota_set;
    if (!b) throw badRequest("Missing required element 'quota_set' in request body.");
    const limits: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) {
      if (k === 'tenant_id' || k === 'id') continue;
      if (!(k in DEFAULT_QUOTAS) && !/^(volumes|snapshots|gigabytes)_/.test(k)) throw badRequest(`Bad key(s) ${k} in quota_set`);
      const n = Number(v);
      if (!Number.isInteger(n) || n < -1) throw badRequest(`Invalid input received: Quota ${k} must be an integer >= -1.`);
      limits[k] = n;
    }
    const cur = await c.svc.store.quotas.get(p);
    await c.svc.store.quotas.put({ id: p, limits: { ...(cur?.limits ?? {}), ...limits } });
    const qs = await quotaSet(p, false, c.svc);
    delete qs.id;
    res.json({ quota_set: qs });
  }));
  r.delete('/os-quota-sets/:project', h(async (req, res, c) => {
    if (!c.ctx.isAdmin) throw forbidden('Policy doesn\'t allow volume_extension:quotas:delete to be performed.');
    await c.svc.store.quotas.delete(String(req.params.project));
    res.status(200).end();
  }));

  r.get('/os-availability-zone', h(async (_req, res, c) => {
    res.json({ availabilityZoneInfo: [{ zoneName: c.svc.cfg.availabilityZone, zoneState: { available: true } }] });
  }));

  r.get('/os-services', h(async (_req, res, c) => {
    // One cinder-volume "host" per satellite (the backend as the driver reports it) and this API itself.
    const nodes = await c.svc.client.nodes.list();
    const at = new Date().toISOString().replace('Z', '');
    const services = [
      { binary: 'cinder-scheduler', host: 'linstor-cinder-api', zone: c.svc.cfg.availabilityZone, status: 'enabled', state: 'up', updated_at: at, disabled_reason: null },
      ...nodes.filter((n) => n.type?.toUpperCase() !== 'CONTROLLER').map((n) => ({
        binary: 'cinder-volume', host: `${n.name}@linstor`, zone: c.svc.cfg.availabilityZone, status: 'enabled',
        state: n.connection_status?.toUpperCase() === 'ONLINE' ? 'up' : 'down', updated_at: at, disabled_reason: null,
      })),
    ];
    res.json({ services });
  }));

  r.get('/scheduler-stats/get_pools', h(async (req, res, c) => {
    if (!c.ctx.isAdmin) throw forbidden('Policy doesn\'t allow scheduler_extension:scheduler_stats:get_pools to be performed.');
    const detail = ['true', '1'].includes(String((req.query as Record<string, unknown>).detail ?? '').toLowerCase());
    const pools = (await c.svc.client.storagePools.list()).filter((p) => p.provider_kind !== 'DISKLESS');
    const rds = await c.svc.client.resourceDefinitions.list({ with_volume_definitions: true });
    const provisioned = rds.reduce((s, rd) => s + (rd.volume_definitions?.[0]?.size_kib ?? 0), 0);
    const byName = new Map<string, typeof pools>();
    for (const p of pools) byName.set(p.storage_pool_name, [...(byName.get(p.storage_pool_name) ?? []), p]);
    const out = [...byName].map(([name, ps]) => {
      const thin = ps.some((p) => p.static_traits?.Provisioning === 'Thin' || isThinProvider(p.provider_kind));
      return {
        name: `linstor@linstor#${name}`,
        ...(detail ? { capabilities: {
          pool_name: name, volume_backend_name: 'linstor', vendor_name: 'LINBIT', driver_version: '2.0.0', storage_protocol: 'DRBD',
          total_capacity_gb: gib(ps.reduce((s, p) => s + (p.total_capacity ?? 0), 0)),
          free_capacity_gb: gib(ps.reduce((s, p) => s + (p.free_capacity ?? 0), 0)),
          provisioned_capacity_gb: gib(provisioned), reserved_percentage: 0,
          thin_provisioning_support: thin, thick_provisioning_support: !thin, max_over_subscription_ratio: thin ? 20.0 : 1.0,
          multiattach: false, online_extend_support: false, QoS_support: false, timestamp: new Date().toISOString(),
          nodes: ps.map((p) => p.node_name),
        } } : {}),
      };
    });
    res.json({ pools: out });
  }));

  r.get('/messages', h(async (_req, res, c) => {
    // User messages (3.3): why a volume or snapshot went to an error status.
    const msgs = [];
    for (const v of await c.svc.store.volumes.list()) {
      if (v.projectId !== c.ctx.projectId || !v.fault) continue;
      msgs.push({ id: `${v.id}-${v.fault.action}`, resource_type: 'VOLUME', resource_uuid: v.id, event_id: `VOLUME_VOLUME_${v.fault.action.toUpperCase()}`, message_level: 'ERROR', user_message: `${v.fault.action} volume failed: ${v.fault.message}`, created_at: v.fault.at, guaranteed_until: null, request_id: null });
    }
    for (const s of await c.svc.store.snapshots.list()) {
      if (s.projectId !== c.ctx.projectId || !s.fault) continue;
      msgs.push({ id: `${s.id}-${s.fault.action}`, resource_type: 'SNAPSHOT', resource_uuid: s.id, event_id: `VOLUME_SNAPSHOT_${s.fault.action.toUpperCase()}`, message_level: 'ERROR', user_message: `${s.fault.action} snapshot failed: ${s.fault.message}`, created_at: s.fault.at, guaranteed_until: null, request_id: null });
    }
    res.json({ messages: msgs });
  }));
  r.get('/extensions', h(async (_req, res) => { res.json({ extensions: [] }); }));
}
