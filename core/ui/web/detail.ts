/** Detail pages: an object's fields and properties, and what belongs to it. */
import type { ErrorReport, Node, ResourceDefinition, ResourceGroup, ResourceWithVolumes, Snapshot } from '../../api/generated/types.js';
import * as act from './actions.js';
import { api, seg } from './api.js';
import { type Child, h, swapIfChanged } from './dom.js';
import { kib, when } from './format.js';
import { resourceState } from './lists.js';
import { showError } from './messages.js';

/** The object's properties; `path` is where it is modified (PUT override_props/delete_props). */
function propsTable(props: Record<string, string> | undefined, path: string, what: string): HTMLElement {
  const keys = Object.keys(props ?? {}).sort();
  return h('section', { 'aria-label': 'Properties' }, h('h2', {}, 'Properties'),
    h('div', { class: 'actions' }, button('Set property', () => act.setProperty(path, what))),
    keys.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Actions'))),
      h('tbody', {}, keys.map((k) => h('tr', { 'data-name': k }, h('th', { scope: 'row' }, k), h('td', {}, props![k]!),
        h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Delete property ${k}`, onclick: () => { void act.deleteProperty(path, what, k).catch(showError); } }, 'Delete'))))))
      : h('p', { class: 'muted' }, 'No properties.'));
}

function fields(rows: Array<[string, Child]>): HTMLElement {
  return h('table', { class: 'fields' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

function button(label: string, run: () => Promise<void>, danger = false): HTMLElement {
  return h('button', { type: 'button', class: danger ? 'danger' : '', onclick: () => { void run().catch(showError); } }, label);
}

async function nodePage(name: string): Promise<Child[]> {
  const n = await api<Node>('GET', `/v1/nodes/${seg(name)}`);
  return [h('h1', {}, `Node ${n.name}`),
    h('div', { class: 'actions' }, button('Evacuate', () => act.evacuateNode(n.name)), button('Restore', () => act.restoreNode(n.name)), button('Delete node', () => act.deleteNode(n.name), true)),
    fields([['Type', n.type], ['State', n.connection_status ?? ''], ['Addresses', (n.net_interfaces ?? []).map((i) => `${i.name}: ${i.address}:${i.satellite_port ?? ''}`).join(', ')], ['Flags', (n.flags ?? []).join(', ')]]),
    propsTable(n.props, `/v1/nodes/${seg(name)}`, `node ${name}`)];
}

async function groupPage(name: string): Promise<Child[]> {
  const g = await api<ResourceGroup>('GET', `/v1/resource-groups/${seg(name)}`);
  return [h('h1', {}, `Resource group ${g.name}`),
    h('div', { class: 'actions' }, button('Spawn', () => act.spawn(name)), button('Delete group', () => act.deleteResourceGroup(name), true)),
    fields([['Description', g.description ?? ''], ['Selection', JSON.stringify(g.select_filter ?? {})]]),
    propsTable(g.props, `/v1/resource-groups/${seg(name)}`, `resource group ${name}`)];
}

async function definitionPage(name: string): Promise<Child[]> {
  const [d, rs, snaps] = await Promise.all([
    api<ResourceDefinition>('GET', `/v1/resource-definitions/${seg(name)}?with_volume_definitions=true`),
    api<ResourceWithVolumes[]>('GET', `/v1/view/resources?resources=${seg(name)}`),
    api<Snapshot[]>('GET', `/v1/resource-definitions/${seg(name)}/snapshots`),
  ]);
  return [h('h1', {}, `Resource ${d.name}`),
    h('div', { class: 'actions' }, button('Snapshot', () => act.snapshot(name)), button('Resize', () => act.resize(name)), button('Delete resource', () => act.deleteResourceDefinition(name), true)),
    fields([['Resource group', d.resource_group_name ?? ''], ['Volumes', (d.volume_definitions ?? []).map((v) => `${v.volume_number}: ${kib(v.size_kib)}`).join(', ')], ['Flags', (d.flags ?? []).join(', ')]]),
    h('h2', {}, 'Replicas'),
    h('table', {}, h('thead', {}, h('tr', {}, ['Node', 'State', 'Devices'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rs.map((r) => { const s = resourceState(r); return h('tr', {}, h('th', { scope: 'row' }, r.node_name ?? ''), h('td', { class: `state-${s.health}` }, s.text), h('td', {}, (r.volumes ?? []).map((v) => v.device_path ?? '').join(', '))); }))),
    h('h2', {}, 'Snapshots'),
    snaps.length ? h('ul', {}, snaps.map((s) => h('li', {}, `${s.name} (${(s.nodes ?? []).join(', ')}) ${when(s.snapshots?.[0]?.create_timestamp)}`))) : h('p', { class: 'muted' }, 'None.'),
    propsTable(d.props, `/v1/resource-definitions/${seg(name)}`, `resource ${name}`)];
}

async function errorReportPage(id: string): Promise<Child[]> {
  const [e] = await api<ErrorReport[]>('GET', `/v1/error-reports/${seg(id)}`);
  if (!e) return [h('h1', {}, `Error report ${id}`), h('p', {}, 'Not found.')];
  return [h('h1', {}, `Error report ${id}`), fields([['Time', when(e.error_time)], ['Node', e.node_name ?? ''], ['Module', e.module ?? '']]), h('pre', { tabindex: 0, 'aria-label': 'Report text' }, e.text ?? '')];
}

const PAGES: Record<string, (name: string) => Promise<Child[]>> = {
  nodes: nodePage, 'resource-groups': groupPage, 'resource-definitions': definitionPage, 'error-reports': errorReportPage,
};

export function hasDetail(kind: string): boolean { return kind in PAGES; }

export function detail(kind: string, name: string): { el: HTMLElement; refresh(): Promise<void> } {
  const el = h('div', {});
  return { el, refresh: async () => swapIfChanged(el, await PAGES[kind]!(name)) };
}
