/**
 * The detail page of each kind of object, registered by route (`#/<kind>/<names…>`): what it
 * fetches from the REST API and how it is drawn. Properties are editable wherever LINSTOR
 * modifies them (the object's PUT with override_props/delete_props; the controller's POST).
 */
import type { ErrorReport, Node, ResourceDefinition, ResourceGroup, ResourceWithVolumes, Snapshot, StoragePool, Volume, VolumeDefinition } from '../../api/generated/types.js';
import * as act from './actions.js';
import { api, seg } from './api.js';
import { button, deleteButton, fields, grid, propsTable, propsView, register } from './detail.js';
import { h } from './dom.js';
import { diskHealth, kib, nodeHealth, when } from './format.js';
import { resourceState } from './lists.js';

const href = (...parts: Array<string | number | undefined>) => `#/${parts.map((p) => seg(String(p ?? ''))).join('/')}`;
const link = (text: string, ...parts: Array<string | number | undefined>) => h('a', { href: href(...parts) }, text);
const badge = (text: string | undefined, health: 'ok' | 'warn' | 'bad') => h('span', { class: `state-${health}` }, text ?? 'Unknown');
const flags = (f: string[] | undefined) => (f ?? []).join(', ');
const rdPath = (rd: string) => `/v1/resource-definitions/${seg(rd)}`;

register('nodes', 1, async ([name]) => {
  const n = await api<Node>('GET', `/v1/nodes/${seg(name!)}`);
  return { inputs: [n], draw: () => [h('h1', {}, `Node ${n.name}`),
    h('div', { class: 'actions' }, button('Add storage pool', () => act.createStoragePool(n.name)), button('Evacuate', () => act.evacuateNode(n.name)), button('Restore', () => act.restoreNode(n.name)), deleteButton('Delete node', () => act.deleteNode(n.name), '#/nodes')),
    fields([['Type', n.type], ['State', badge(n.connection_status, nodeHealth(n.connection_status))], ['Addresses', (n.net_interfaces ?? []).map((i) => `${i.name}: ${i.address}:${i.satellite_port ?? ''}`).join(', ')], ['Flags', flags(n.flags)]]),
    propsTable(n.props, { path: `/v1/nodes/${seg(name!)}`, what: `node ${name}` })] };
});

register('storage-pools', 2, async ([node, pool]) => {
  const p = await api<StoragePool>('GET', `/v1/nodes/${seg(node!)}/storage-pools/${seg(pool!)}`);
  return { inputs: [p], draw: () => [h('h1', {}, `Storage pool ${p.storage_pool_name} on ${node}`),
    h('div', { class: 'actions' }, deleteButton('Delete pool', () => act.deleteStoragePool(node!, pool!), '#/storage-pools')),
    fields([['Node', link(node!, 'nodes', node)], ['Provider', p.provider_kind], ['Free', kib(p.free_capacity)], ['Total', kib(p.total_capacity)],
      ['Snapshots', p.supports_snapshots ? 'supported' : 'not supported'], ['Shared space', p.shared_space ?? ''],
      ['Reports', (p.reports ?? []).map((r) => r.message).join('; ') || 'None']]),
    propsView(p.static_traits, 'Traits'),
    propsTable(p.props, { path: `/v1/nodes/${seg(node!)}/storage-pools/${seg(pool!)}`, what: `storage pool ${pool} on ${node}` })] };
});

register('resource-groups', 1, async ([name]) => {
  const g = await api<ResourceGroup>('GET', `/v1/resource-groups/${seg(name!)}`);
  return { inputs: [g], draw: () => [h('h1', {}, `Resource group ${g.name}`),
    h('div', { class: 'actions' }, button('Spawn', () => act.spawn(name!)), deleteButton('Delete group', () => act.deleteResourceGroup(name!), '#/resource-groups')),
    fields([['Description', g.description ?? ''], ['Selection', JSON.stringify(g.select_filter ?? {})]]),
    propsTable(g.props, { path: `/v1/resource-groups/${seg(name!)}`, what: `resource group ${name}` })] };
});

register('resource-definitions', 1, async ([name]) => {
  const [d, rs, snaps] = await Promise.all([
    api<ResourceDefinition>('GET', `${rdPath(name!)}?with_volume_definitions=true`),
    api<ResourceWithVolumes[]>('GET', `/v1/view/resources?resources=${seg(name!)}`),
    api<Snapshot[]>('GET', `${rdPath(name!)}/snapshots`),
  ]);
  return { inputs: [d, rs, snaps], draw: () => [h('h1', {}, `Resource ${d.name}`),
    h('div', { class: 'actions' }, button('Snapshot', () => act.snapshot(name!)), button('Resize', () => act.resize(name!)), deleteButton('Delete resource', () => act.deleteResourceDefinition(name!), '#/resource-definitions')),
    fields([['Resource group', d.resource_group_name ? link(d.resource_group_name, 'resource-groups', d.resource_group_name) : ''], ['Flags', flags(d.flags)]]),
    h('h2', {}, 'Volume definitions'),
    grid(['Volume', 'Size', 'Flags'], (d.volume_definitions ?? []).map((v) => [link(String(v.volume_number), 'volume-definitions', name, v.volume_number), kib(v.size_kib), flags(v.flags)])),
    h('h2', {}, 'Replicas'),
    grid(['Node', 'State', 'Devices'], rs.map((r) => { const s = resourceState(r); return [link(r.node_name ?? '', 'resources', name, r.node_name), badge(s.text, s.health), (r.volumes ?? []).map((v) => v.device_path ?? '').join(', ')]; })),
    h('h2', {}, 'Snapshots'),
    grid(['Snapshot', 'Nodes', 'Created'], snaps.map((s) => [link(s.name ?? '', 'snapshots', name, s.name), (s.nodes ?? []).join(', '), when(s.snapshots?.[0]?.create_timestamp)])),
    propsTable(d.props, { path: rdPath(name!), what: `resource ${name}` })] };
});

register('volume-definitions', 2, async ([rd, nr]) => {
  const v = await api<VolumeDefinition>('GET', `${rdPath(rd!)}/volume-definitions/${seg(nr!)}`);
  return { inputs: [v], draw: () => [h('h1', {}, `Volume definition ${nr} of ${rd}`),
    h('div', { class: 'actions' }, button('Resize', () => act.resize(rd!))),
    fields([['Resource', link(rd!, 'resource-definitions', rd)], ['Size', kib(v.size_kib)], ['Flags', flags(v.flags)]]),
    propsTable(v.props, { path: `${rdPath(rd!)}/volume-definitions/${seg(nr!)}`, what: `volume definition ${nr} of ${rd}` })] };
});

register('resources', 2, async ([rd, node]) => {
  const [r] = await api<ResourceWithVolumes[]>('GET', `/v1/view/resources?resources=${seg(rd!)}&nodes=${seg(node!)}`);
  if (!r) return { inputs: [undefined], draw: () => [h('h1', {}, `Resource ${rd} on ${node}`), h('p', {}, 'Not found.')] };
  const s = resourceState(r);
  return { inputs: [r], draw: () => [h('h1', {}, `Resource ${rd} on ${node}`),
    h('div', { class: 'actions' }, deleteButton('Delete replica', () => act.deleteResource(rd!, node!), href('resource-definitions', rd))),
    fields([['Resource', link(rd!, 'resource-definitions', rd)], ['Node', link(node!, 'nodes', node)], ['State', badge(s.text, s.health)],
      ['In use', r.state?.in_use ? 'InUse' : 'Unused'], ['Flags', flags(r.flags)], ['Created', when(r.create_timestamp)]]),
    h('h2', {}, 'Volumes'),
    grid(['Volume', 'Storage pool', 'Device', 'Allocated', 'State'], (r.volumes ?? []).map((v) => [link(String(v.volume_number), 'volumes', rd, node, v.volume_number),
      v.storage_pool_name ? link(v.storage_pool_name, 'storage-pools', node, v.storage_pool_name) : '', v.device_path ?? '', kib(v.allocated_size_kib), badge(v.state?.disk_state, diskHealth(v.state?.disk_state))])),
    propsTable(r.props, { path: `${rdPath(rd!)}/resources/${seg(node!)}`, what: `resource ${rd} on ${node}` })] };
});

register('volumes', 3, async ([rd, node, nr]) => {
  const v = await api<Volume>('GET', `${rdPath(rd!)}/resources/${seg(node!)}/volumes/${seg(nr!)}`);
  return { inputs: [v], draw: () => [h('h1', {}, `Volume ${nr} of ${rd} on ${node}`),
    fields([['Resource', link(`${rd} on ${node}`, 'resources', rd, node)], ['Storage pool', v.storage_pool_name ?? ''], ['Provider', v.provider_kind ?? ''], ['Device', v.device_path ?? ''],
      ['Allocated', kib(v.allocated_size_kib)], ['Usable', kib(v.usable_size_kib)], ['State', badge(v.state?.disk_state, diskHealth(v.state?.disk_state))], ['Flags', flags(v.flags)]]),
    propsTable(v.props, { path: `${rdPath(rd!)}/resources/${seg(node!)}/volumes/${seg(nr!)}`, what: `volume ${nr} of ${rd} on ${node}` })] };
});

register('snapshots', 2, async ([rd, name]) => {
  const s = await api<Snapshot>('GET', `${rdPath(rd!)}/snapshots/${seg(name!)}`);
  return { inputs: [s], draw: () => [h('h1', {}, `Snapshot ${name} of ${rd}`),
    h('div', { class: 'actions' }, button('Restore', () => act.restoreSnapshot(rd!, name!)), button('Roll back', () => act.rollback(rd!, name!)), deleteButton('Delete snapshot', () => act.deleteSnapshot(rd!, name!), href('resource-definitions', rd))),
    fields([['Resource', link(rd!, 'resource-definitions', rd)], ['Flags', flags(s.flags)]]),
    h('h2', {}, 'On nodes'),
    grid(['Node', 'Created', 'Flags'], (s.snapshots ?? []).map((n) => [n.node_name ?? '', when(n.create_timestamp), flags(n.flags)])),
    h('h2', {}, 'Volumes'),
    grid(['Volume', 'Size'], (s.volume_definitions ?? []).map((v) => [String(v.volume_number), kib(v.size_kib)])),
    propsTable(s.props, { path: `${rdPath(rd!)}/snapshots/${seg(name!)}`, what: `snapshot ${name} of ${rd}` })] };
});

register('error-reports', 1, async ([id]) => {
  const [e] = await api<ErrorReport[]>('GET', `/v1/error-reports/${seg(id!)}`);
  if (!e) return { inputs: [undefined], draw: () => [h('h1', {}, `Error report ${id}`), h('p', {}, 'Not found.')] };
  return { inputs: [e], draw: () => [h('h1', {}, `Error report ${id}`),
    h('div', { class: 'actions' }, deleteButton('Delete report', () => act.deleteErrorReport(id!), '#/error-reports')),
    fields([['Time', when(e.error_time)], ['Node', e.node_name ?? ''], ['Module', e.module ?? '']]), h('pre', { tabindex: 0, 'aria-label': 'Report text' }, e.text ?? '')] };
});

register('controller', 0, async () => {
  const props = await api<Record<string, string>>('GET', '/v1/controller/properties');
  return { inputs: [props], draw: () => [h('h1', {}, 'Controller'),
    propsTable(props, { path: '/v1/controller/properties', what: 'the controller', method: 'POST' }, 'Controller properties')] };
});
