/** The list pages: what each shows, where it comes from, and which actions each row has. */
import type { ErrorReport, Node, ResourceDefinition, ResourceGroup, ResourceWithVolumes, Snapshot, StoragePool, Volume } from '../../api/generated/types.js';
import * as act from './actions.js';
import { api, listPage, seg } from './api.js';
import { h } from './dom.js';
import { diskHealth, type Health, kib, nodeHealth, when } from './format.js';
import type { ListSpec } from './table.js';

const count = (what: string) => async () => (await api<{ count: number }>('GET', `/v1/stats/${what}`)).count;
const badge = (text: string | undefined, health: Health) => h('span', { class: `state-${health}` }, text ?? 'Unknown');
const href = (...parts: string[]) => `#/${parts.map(seg).join('/')}`;

/** A resource's state: the worst of its volumes' disk states (LINSTOR's "State" column). */
export function resourceState(r: ResourceWithVolumes): { text: string; health: Health } {
  if (r.flags?.includes('DELETE')) return { text: 'DELETING', health: 'warn' };
  if (r.flags?.includes('INACTIVE')) return { text: 'INACTIVE', health: 'warn' };
  const states = (r.volumes ?? []).map((v) => v.state?.disk_state);
  if (!states.length) return { text: 'Unknown', health: 'warn' };
  const rank = { ok: 0, warn: 1, bad: 2 } as const;
  let worst = states[0];
  for (const s of states) if (rank[diskHealth(s)] > rank[diskHealth(worst)]) worst = s;
  return { text: worst ?? 'Unknown', health: diskHealth(worst) };
}

export const nodes: ListSpec<Node> = {
  title: 'Nodes',
  fetch: (l, o) => listPage('/v1/nodes', l, o),
  total: count('nodes'),
  name: (n) => n.name,
  link: (n) => href('nodes', n.name),
  columns: [
    { label: 'Node', value: (n) => n.name },
    { label: 'Type', value: (n) => n.type },
    { label: 'Address', value: (n) => n.net_interfaces?.map((i) => `${i.address}:${i.satellite_port ?? ''}`).join(', ') },
    { label: 'State', value: (n) => n.connection_status, render: (n) => badge(n.connection_status, nodeHealth(n.connection_status)) },
    { label: 'Flags', value: (n) => (n.flags ?? []).join(', ') },
  ],
  actions: [{ label: 'Create node', run: act.createNode }],
  rowActions: (n) => [
    { label: 'Add pool', run: () => act.createStoragePool(n.name) },
    n.flags?.includes('EVACUATE') || n.flags?.includes('EVICTED') ? { label: 'Restore', run: () => act.restoreNode(n.name) } : { label: 'Evacuate', run: () => act.evacuateNode(n.name) },
    { label: 'Delete', run: () => act.deleteNode(n.name), danger: true },
  ],
};

export const storagePools: ListSpec<StoragePool> = {
  title: 'Storage pools',
  fetch: (l, o) => listPage('/v1/view/storage-pools', l, o),
  total: count('storage-pools'),
  name: (p) => `${p.storage_pool_name} on ${p.node_name}`,
  link: (p) => href('storage-pools', p.node_name ?? '', p.storage_pool_name),
  columns: [
    { label: 'Storage pool', value: (p) => p.storage_pool_name },
    { label: 'Node', value: (p) => p.node_name },
    { label: 'Provider', value: (p) => p.provider_kind },
    { label: 'Free', value: (p) => p.free_capacity, render: (p) => kib(p.free_capacity) },
    { label: 'Total', value: (p) => p.total_capacity, render: (p) => kib(p.total_capacity) },
    { label: 'State', value: (p) => ((p.reports ?? []).some((r) => r.ret_code < 0) ? 'Error' : 'Ok'), render: (p) => ((p.reports ?? []).some((r) => r.ret_code < 0) ? badge('Error', 'bad') : badge('Ok', 'ok')) },
  ],
  actions: [{ label: 'Create storage pool', run: () => act.createStoragePool() }],
  rowActions: (p) => [{ label: 'Delete', run: () => act.deleteStoragePool(p.node_name ?? '', p.storage_pool_name), danger: true }],
};

export const resourceGroups: ListSpec<ResourceGroup> = {
  title: 'Resource groups',
  fetch: (l, o) => listPage('/v1/resource-groups', l, o),
  total: count('resource-groups'),
  name: (g) => g.name ?? '',
  link: (g) => href('resource-groups', g.name ?? ''),
  columns: [
    { label: 'Resource group', value: (g) => g.name },
    { label: 'Place count', value: (g) => g.select_filter?.place_count },
    { label: 'Storage pool', value: (g) => g.select_filter?.storage_pool ?? g.select_filter?.storage_pool_list?.join(', ') },
    { label: 'Layers', value: (g) => g.select_filter?.layer_stack?.join(', ') },
    { label: 'Description', value: (g) => g.description },
  ],
  actions: [{ label: 'Create resource group', run: act.createResourceGroup }],
  rowActions: (g) => [
    { label: 'Spawn', run: () => act.spawn(g.name ?? '') },
    { label: 'Delete', run: () => act.deleteResourceGroup(g.name ?? ''), danger: true },
  ],
};

export const resourceDefinitions: ListSpec<ResourceDefinition> = {
  title: 'Resource definitions',
  fetch: (l, o) => listPage('/v1/resource-definitions', l, o, { with_volume_definitions: 'true' }),
  total: count('resource-definitions'),
  name: (d) => d.name ?? '',
  link: (d) => href('resource-definitions', d.name ?? ''),
  columns: [
    { label: 'Resource', value: (d) => d.name },
    { label: 'Resource group', value: (d) => d.resource_group_name },
    { label: 'Size', value: (d) => d.volume_definitions?.[0]?.size_kib, render: (d) => (d.volume_definitions ?? []).map((v) => kib(v.size_kib)).join(', ') },
    { label: 'Flags', value: (d) => (d.flags ?? []).join(', ') },
  ],
  rowActions: (d) => [
    { label: 'Snapshot', run: () => act.snapshot(d.name ?? '') },
    { label: 'Resize', run: () => act.resize(d.name ?? '') },
    { label: 'Delete', run: () => act.deleteResourceDefinition(d.name ?? ''), danger: true },
  ],
};

export const resources: ListSpec<ResourceWithVolumes> = {
  title: 'Resources',
  fetch: (l, o) => listPage('/v1/view/resources', l, o),
  total: count('resources'),
  name: (r) => `${r.name} on ${r.node_name}`,
  link: (r) => href('resources', r.name ?? '', r.node_name ?? ''),
  columns: [
    { label: 'Resource', value: (r) => r.name },
    { label: 'Node', value: (r) => r.node_name },
    { label: 'Storage pool', value: (r) => [...new Set((r.volumes ?? []).map((v) => v.storage_pool_name))].join(', ') },
    { label: 'In use', value: (r) => (r.state?.in_use ? 'InUse' : 'Unused') },
    { label: 'State', value: (r) => resourceState(r).text, render: (r) => { const s = resourceState(r); return badge(s.text, s.health); } },
    { label: 'Created', value: (r) => r.create_timestamp, render: (r) => when(r.create_timestamp) },
  ],
  rowActions: (r) => [{ label: 'Delete', run: () => act.deleteResource(r.name ?? '', r.node_name ?? ''), danger: true }],
};

type VolumeRow = Volume & { resource: string; node: string };
const volumeRows = new WeakMap<ResourceWithVolumes[], VolumeRow[]>();
/** The volumes of a page of resources; the same array for the same page (a 304 draws nothing). */
function volumesOf(page: ResourceWithVolumes[]): VolumeRow[] {
  let rows = volumeRows.get(page);
  if (!rows) volumeRows.set(page, rows = page.flatMap((r) => (r.volumes ?? []).map((v) => ({ ...v, resource: r.name ?? '', node: r.node_name ?? '' }))));
  return rows;
}
export const volumes: ListSpec<VolumeRow> = {
  title: 'Volumes',
  // No volume list in the REST API: the volumes of a page of resources.
  fetch: async (l, o) => volumesOf(await listPage<ResourceWithVolumes>('/v1/view/resources', l, o)),
  name: (v) => `${v.resource}/${v.volume_number} on ${v.node}`,
  link: (v) => href('volumes', v.resource, v.node, String(v.volume_number ?? 0)),
  columns: [
    { label: 'Resource', value: (v) => v.resource },
    { label: 'Node', value: (v) => v.node },
    { label: 'Volume', value: (v) => v.volume_number },
    { label: 'Storage pool', value: (v) => v.storage_pool_name },
    { label: 'Device', value: (v) => v.device_path },
    { label: 'Allocated', value: (v) => v.allocated_size_kib, render: (v) => kib(v.allocated_size_kib) },
    { label: 'State', value: (v) => v.state?.disk_state, render: (v) => badge(v.state?.disk_state, diskHealth(v.state?.disk_state)) },
  ],
};

export const snapshots: ListSpec<Snapshot> = {
  title: 'Snapshots',
  fetch: (l, o) => listPage('/v1/view/snapshots', l, o),
  name: (s) => `${s.name} of ${s.resource_name}`,
  link: (s) => href('snapshots', s.resource_name ?? '', s.name ?? ''),
  columns: [
    { label: 'Snapshot', value: (s) => s.name },
    { label: 'Resource', value: (s) => s.resource_name },
    { label: 'Nodes', value: (s) => (s.nodes ?? []).join(', ') },
    { label: 'Size', value: (s) => s.volume_definitions?.[0]?.size_kib, render: (s) => (s.volume_definitions ?? []).map((v) => kib(v.size_kib)).join(', ') },
    { label: 'Created', value: (s) => s.snapshots?.[0]?.create_timestamp, render: (s) => when(s.snapshots?.[0]?.create_timestamp) },
    { label: 'State', value: (s) => (s.flags?.includes('SUCCESSFUL') ? 'Successful' : (s.flags ?? []).join(', ') || 'Incomplete'),
      render: (s) => (s.flags?.includes('SUCCESSFUL') ? badge('Successful', 'ok') : badge((s.flags ?? []).join(', ') || 'Incomplete', s.flags?.includes('FAILED_DEPLOYMENT') ? 'bad' : 'warn')) },
  ],
  rowActions: (s) => [
    { label: 'Restore', run: () => act.restoreSnapshot(s.resource_name ?? '', s.name ?? '') },
    { label: 'Roll back', run: () => act.rollback(s.resource_name ?? '', s.name ?? '') },
    { label: 'Delete', run: () => act.deleteSnapshot(s.resource_name ?? '', s.name ?? ''), danger: true },
  ],
};

const reportId = (e: ErrorReport) => (e.filename ?? '').replace(/^ErrorReport-/, '').replace(/\.log$/, '');
export const errorReports: ListSpec<ErrorReport> = {
  title: 'Error reports',
  fetch: (l, o) => listPage('/v1/error-reports', l, o),
  total: count('error-reports'),
  name: reportId,
  link: (e) => href('error-reports', reportId(e)),
  columns: [
    { label: 'Id', value: reportId },
    { label: 'Time', value: (e) => e.error_time, render: (e) => when(e.error_time) },
    { label: 'Node', value: (e) => e.node_name },
    { label: 'Module', value: (e) => e.module },
    { label: 'Exception', value: (e) => `${e.exception ?? ''}: ${e.exception_message ?? ''}` },
  ],
  rowActions: (e) => [{ label: 'Delete', run: () => act.deleteErrorReport(reportId(e)), danger: true }],
};

export const LISTS = {
  nodes, 'storage-pools': storagePools, 'resource-groups': resourceGroups, 'resource-definitions': resourceDefinitions,
  resources, volumes, snapshots, 'error-reports': errorReports,
} as const;
