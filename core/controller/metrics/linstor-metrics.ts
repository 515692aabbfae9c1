/**
 * The metrics LINSTOR's controller serves on /metrics (linstor-server's PrometheusBuilder):
 * the same family names, label names and value codes, so dashboards and alerts written for
 * LINSTOR keep working. `?resource=false`, `?storage_pools=false` and `?error_reports=false`
 * leave out the expensive families, as LINSTOR's MetricsResource does.
 */
import { isError } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { RuntimeState } from '../state/runtime.js';
import { storagePoolView } from '../views/storage-pools.js';
import { volumeView } from '../views/volumes.js';
import { TextFormat } from './text-format.js';

/** ApiConsts.ConnectionStatus in declaration order: the value of linstor_node_state. */
const CONNECTION_STATUS = ['OFFLINE', 'CONNECTED', 'ONLINE', 'VERSION_MISMATCH', 'FULL_SYNC_FAILED', 'AUTHENTICATION_ERROR', 'UNKNOWN',
  'HOSTNAME_MISMATCH', 'OTHER_CONTROLLER', 'AUTHENTICATED', 'NO_STLT_CONN', 'MISSING_EXT_TOOLS', 'DUPLICATE_UNAME'];

/** linstor_volume_state codes; anything else (or no report) is DUnknown = -1. */
const VOLUME_STATES: Array<[string, number]> = [
  ['UpToDate', 1], ['Created', 2], ['Attached', 3], ['Diskless', 4], ['Inconsistent', 5], ['Failed', 6],
  ['To: Creating', 7], ['To: Attachable', 8], ['To: Attaching', 9], ['Diskless(Detached)', 90], ['DUnknown', -1],
];

const NODE_STATE_HELP = CONNECTION_STATUS.map((s, i) => `${i}="${s}"`).join(', ');
const VOLUME_STATE_HELP = VOLUME_STATES.map(([s, v]) => `${v}="${s}"`).join(', ');

export interface LinstorMetricsOptions { resources: boolean; storagePools: boolean; errorReports: boolean }
export interface VersionInfo { version: string; buildtime: string; gitid: string }

function volumeStateCode(diskState: string | undefined, diskless: boolean): number {
  // A volume without its disk on a resource that should have one is LINSTOR's "Diskless(Detached)".
  const s = diskState === 'Diskless' && !diskless ? 'Diskless(Detached)' : diskState;
  return VOLUME_STATES.find(([name]) => s !== undefined && name.toLowerCase() === s.toLowerCase())?.[1] ?? -1;
}

function kibToBytes(kib: number | bigint | undefined): number {
  return kib === undefined ? NaN : Number(kib) * 1024;
}

export function linstorMetrics(state: ClusterState, runtime: RuntimeState, opts: LinstorMetricsOptions, info: VersionInfo, scrape: { count: number; startedAt: number }): string {
  const tf = new TextFormat();
  tf.family('gauge', 'linstor_info').sample(1, { version: info.version, buildtime: info.buildtime, gitid: info.gitid });

  tf.family('gauge', 'linstor_node_state', NODE_STATE_HELP);
  for (const n of state.nodes.values()) {
    const status = runtime.nodes.get(nameKey(n.name))?.status ?? 'OFFLINE';
    const active = n.netInterfaces.find((i) => i.name === (n.activeNetInterface ?? n.netInterfaces[0]?.name));
    // LINSTOR adds the link's address, port and encryption only while a satellite link exists.
    const linked = status === 'ONLINE' || status === 'CONNECTED';
    tf.sample(CONNECTION_STATUS.indexOf(status), {
      node: n.name, nodetype: n.type,
      ...(linked && active ? { address: active.address, port: active.satellitePort, encryption: active.satelliteEncryptionType ?? 'PLAIN' } : {}),
    });
  }

  const rds = [...state.resourceDefinitions.values()];
  const resources = [...state.resources.values()];
  tf.family('gauge', 'linstor_resource_definition_count').sample(rds.length);
  if (opts.resources) {
    tf.family('gauge', 'linstor_resource_definition_resource_count');
    const perDefinition = new Map<string, number>();
    for (const r of resources) perDefinition.set(nameKey(r.name), (perDefinition.get(nameKey(r.name)) ?? 0) + 1);
    for (const rd of rds) tf.sample(perDefinition.get(nameKey(rd.name)) ?? 0, { name: rd.name, resource_group: rd.resourceGroup });
  }
  tf.family('gauge', 'linstor_volume_definition_size_bytes');
  for (const rd of rds) {
    for (const vd of rd.volumeDefinitions) tf.sample(vd.sizeKib * 1024, { name: rd.name, volume_number: vd.volumeNumber, resource_group: rd.resourceGroup });
  }

  if (opts.resources) {
    tf.family('gauge', 'linstor_resource_state', '-1="unknown state", 0="secondary", 1="primary"');
    const volumes: Array<{ labels: Record<string, string | number | undefined>; state: number; allocated: number }> = [];
    for (const rsc of resources) {
      const report = runtime.resources.get(`${nameKey(rsc.name)}/${nameKey(rsc.nodeName)}`);
      tf.sample(report?.inUse === undefined ? -1 : report.inUse ? 1 : 0, { name: rsc.name, node: rsc.nodeName });
      const rd = state.resourceDefinitions.get(nameKey(rsc.name));
      if (!rd) continue;
      const diskless = rsc.flags.some((f) => f === 'DRBD_DISKLESS' || f === 'DISKLESS');
      for (const vd of rd.volumeDefinitions) {
        const v = volumeView(state, rd, rsc, vd, report);
        volumes.push({
          labels: { resource: rsc.name, node: rsc.nodeName, volume: vd.volumeNumber, device_path: v.device_path ?? '' },
          state: volumeStateCode(v.state?.disk_state, diskless),
          allocated: kibToBytes(v.allocated_size_kib),
        });
      }
    }
    tf.family('gauge', 'linstor_volume_state', VOLUME_STATE_HELP);
    for (const v of volumes) tf.sample(v.state, v.labels);
    tf.family('gauge', 'linstor_volume_allocated_size_bytes');
    for (const v of volumes) tf.sample(v.allocated, v.labels);
  }

  if (opts.storagePools) {
    const pools = [...state.storagePools.values()].map((sp) => ({ sp, view: storagePoolView(sp, runtime) }));
    const labels = (p: (typeof pools)[number]) => ({
      storage_pool: p.sp.name, node: p.sp.nodeName, driver: p.sp.providerKind,
      backing_pool: p.sp.props['StorDriver/StorPoolName'] ?? p.sp.props['StorDriver/FileDir'] ?? '',
    });
    // A diskless pool has no capacity (LINSTOR writes 0, not its "unlimited" marker).
    const bytes = (p: (typeof pools)[number], v: number | bigint | undefined) => (p.sp.providerKind === 'DISKLESS' ? 0 : kibToBytes(v));
    tf.family('gauge', 'linstor_storage_pool_capacity_free_bytes');
    for (const p of pools) tf.sample(bytes(p, p.view.free_capacity), labels(p));
    tf.family('gauge', 'linstor_storage_pool_capacity_total_bytes');
    for (const p of pools) tf.sample(bytes(p, p.view.total_capacity), labels(p));
    tf.family('gauge', 'linstor_storage_pool_error_count');
    // Error entries, and the failure the satellite reported for the pool (our view shows that
    // one as a warning next to the unknown capacity).
    for (const p of pools) {
      const failed = runtime.pools.get(`${nameKey(p.sp.nodeName)}/${nameKey(p.sp.name)}`)?.error ? 1 : 0;
      tf.sample((p.view.reports ?? []).filter((r) => isError(r.ret_code)).length + failed, labels(p));
    }
  }

  if (opts.errorReports) {
    tf.family('gauge', 'linstor_error_reports_count');
    const byNode = new Map<string, { hostname: string; module: string; count: number }>();
    let total = 0;
    for (const e of state.errorReports.values()) {
      total++;
      const key = `${e.nodeName}\0${e.module}`;
      const c = byNode.get(key) ?? { hostname: e.nodeName, module: e.module, count: 0 };
      c.count++;
      byNode.set(key, c);
    }
    tf.sample(total);
    for (const c of byNode.values()) tf.sample(c.count, { hostname: c.hostname, module: c.module });
  }

  tf.family('counter', 'linstor_scrape_requests_count').sample(scrape.count);
  tf.family('gauge', 'linstor_scrape_duration_seconds').sample((Date.now() - scrape.startedAt) / 1000);
  return tf.toString();
}
