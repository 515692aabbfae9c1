/**
 * The GUI's actions: each asks (a form, or a confirmation for anything that changes or
 * removes data), makes the REST calls the `linstor` client would make, and shows the
 * controller's answer — message, cause and correction — whether it worked or not.
 */
import { api, seg, type RcEntry } from './api.js';
import { confirmAction, formDialog } from './dialogs.js';
import { parseSizeKib } from './format.js';
import { showEntries, showError } from './messages.js';

let changed: () => void = () => {};
/** Called after every action so the page re-reads what it shows. */
export function onChanged(fn: () => void): void { changed = fn; }

const PROVIDERS = ['FILE_THIN', 'FILE', 'LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN', 'DISKLESS'];
/** The property naming a provider's backing store (LINSTOR's StorDriver/* keys). */
const BACKING: Record<string, string | undefined> = {
  FILE: 'StorDriver/FileDir', FILE_THIN: 'StorDriver/FileDir', LVM: 'StorDriver/LvmVg', LVM_THIN: 'StorDriver/LvmVg', ZFS: 'StorDriver/ZPool', ZFS_THIN: 'StorDriver/ZPoolThin',
};

/** Runs the calls and shows every answer; later calls run only if the earlier ones worked. */
async function run(...calls: Array<() => Promise<unknown>>): Promise<boolean> {
  const all: RcEntry[] = [];
  try {
    for (const c of calls) {
      const r = await c();
      if (Array.isArray(r)) all.push(...(r as RcEntry[]));
    }
    showEntries(all.length ? all : [{ ret_code: 0, message: 'Done.' }]);
    return true;
  } catch (e) {
    if (all.length) showEntries(all);
    showError(e);
    return false;
  } finally {
    changed();
  }
}

function invalid(message: string, correction: string): false {
  showEntries([{ ret_code: -1, message, correction }]);
  return false;
}

const ints = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export async function createNode(): Promise<void> {
  const v = await formDialog('Create node', [
    { name: 'name', label: 'Node name', required: true },
    { name: 'address', label: 'IP address', required: true },
    { name: 'port', label: 'Satellite port', type: 'number', value: '3366' },
    { name: 'type', label: 'Node type', type: 'select', options: ['SATELLITE', 'COMBINED'], value: 'SATELLITE' },
  ], 'Create');
  if (!v) return;
  await run(() => api('POST', '/v1/nodes', { name: v.name, type: v.type, net_interfaces: [{ name: 'default', address: v.address, satellite_port: Number(v.port) || 3366 }] }));
}

export async function deleteNode(node: string): Promise<boolean> {
  if (!await confirmAction(`Delete node ${node}?`, `The node ${node} and its storage pools are removed from the cluster.`, 'Delete node', true)) return false;
  return run(() => api('DELETE', `/v1/nodes/${seg(node)}`));
}

export async function evacuateNode(node: string): Promise<void> {
  if (!await confirmAction(`Evacuate node ${node}?`, `Every resource on ${node} is moved to other nodes, then ${node} takes no new resources.`, 'Evacuate', true)) return;
  await run(() => api('PUT', `/v1/nodes/${seg(node)}/evacuate`));
}

export async function restoreNode(node: string): Promise<void> {
  if (!await confirmAction(`Restore node ${node}?`, `${node} is taken back into service (it was evacuated or lost).`, 'Restore')) return;
  await run(() => api('PUT', `/v1/nodes/${seg(node)}/restore`));
}

export async function createStoragePool(node?: string): Promise<void> {
  const v = await formDialog('Create storage pool', [
    { name: 'node', label: 'Node', required: true, value: node },
    { name: 'name', label: 'Storage pool name', required: true },
    { name: 'kind', label: 'Provider', type: 'select', options: PROVIDERS, value: 'FILE_THIN' },
    { name: 'backing', label: 'Backing store', hint: 'directory (FILE), volume group (LVM), zpool (ZFS); empty for DISKLESS' },
  ], 'Create');
  if (!v) return;
  const key = BACKING[v.kind!];
  if (key && !v.backing) { invalid(`A ${v.kind} pool needs a backing store.`, 'Give the directory, volume group or zpool.'); return; }
  await run(() => api('POST', `/v1/nodes/${seg(v.node!)}/storage-pools`, { storage_pool_name: v.name, provider_kind: v.kind, props: key ? { [key]: v.backing } : {} }));
}

export async function deleteStoragePool(node: string, pool: string): Promise<boolean> {
  if (!await confirmAction(`Delete storage pool ${pool} on ${node}?`, `The storage pool ${pool} is removed from ${node}.`, 'Delete pool', true)) return false;
  return run(() => api('DELETE', `/v1/nodes/${seg(node)}/storage-pools/${seg(pool)}`));
}

export async function createResourceGroup(): Promise<void> {
  const v = await formDialog('Create resource group', [
    { name: 'name', label: 'Resource group name', required: true },
    { name: 'place', label: 'Place count', type: 'number', value: '2' },
    { name: 'pool', label: 'Storage pool', hint: 'empty: any pool' },
    { name: 'layers', label: 'Layer list', hint: 'e.g. drbd,storage; empty: the default' },
    { name: 'description', label: 'Description' },
  ], 'Create');
  if (!v) return;
  const filter: Record<string, unknown> = {};
  if (v.place) filter.place_count = Number(v.place);
  if (v.pool) filter.storage_pool = v.pool;
  if (v.layers) filter.layer_stack = v.layers.split(/[\s,]+/).filter(Boolean).map((l) => l.toUpperCase());
  await run(() => api('POST', '/v1/resource-groups', { name: v.name, select_filter: filter, ...(v.description ? { description: v.description } : {}) }));
}

export async function deleteResourceGroup(rg: string): Promise<boolean> {
  if (!await confirmAction(`Delete resource group ${rg}?`, `The resource group ${rg} is removed. Resource definitions still using it keep it from being deleted.`, 'Delete group', true)) return false;
  return run(() => api('DELETE', `/v1/resource-groups/${seg(rg)}`));
}

export async function spawn(rg: string): Promise<void> {
  const v = await formDialog(`Spawn resources from ${rg}`, [
    { name: 'name', label: 'Resource name', required: true },
    { name: 'sizes', label: 'Volume sizes', required: true, hint: 'e.g. 1G or 10G,20G' },
  ], 'Spawn');
  if (!v) return;
  const sizes = ints(v.sizes!).map(parseSizeKib);
  if (!sizes.length || sizes.some((s) => s === undefined)) { invalid(`'${v.sizes}' is not a list of sizes.`, 'Write sizes like 512M, 1G or 10G,20G.'); return; }
  await run(() => api('POST', `/v1/resource-groups/${seg(rg)}/spawn`, { resource_definition_name: v.name, volume_sizes: sizes }));
}

export async function resize(rd: string): Promise<void> {
  const v = await formDialog(`Resize a volume of ${rd}`, [
    { name: 'volume', label: 'Volume number', type: 'number', value: '0' },
    { name: 'size', label: 'New size', required: true, hint: 'e.g. 2G (volumes only grow)' },
  ], 'Resize');
  if (!v) return;
  const size = parseSizeKib(v.size!);
  if (size === undefined) { invalid(`'${v.size}' is not a size.`, 'Write a size like 512M or 2G.'); return; }
  if (!await confirmAction(`Resize ${rd}?`, `Volume ${v.volume} of ${rd} grows to ${v.size}.`, 'Resize')) return;
  await run(() => api('PUT', `/v1/resource-definitions/${seg(rd)}/volume-definitions/${seg(v.volume || '0')}`, { size_kib: size }));
}

export async function deleteResourceDefinition(rd: string): Promise<boolean> {
  if (!await confirmAction(`Delete resource ${rd}?`, `${rd} is deleted on every node, with its data.`, 'Delete resource', true)) return false;
  return run(() => api('DELETE', `/v1/resource-definitions/${seg(rd)}`));
}

export async function deleteResource(rd: string, node: string): Promise<boolean> {
  if (!await confirmAction(`Delete ${rd} on ${node}?`, `The replica of ${rd} on ${node} is deleted, with its data.`, 'Delete replica', true)) return false;
  return run(() => api('DELETE', `/v1/resource-definitions/${seg(rd)}/resources/${seg(node)}`));
}

export async function snapshot(rd: string): Promise<void> {
  const v = await formDialog(`Snapshot ${rd}`, [{ name: 'name', label: 'Snapshot name', required: true }], 'Take snapshot');
  if (!v) return;
  await run(() => api('POST', `/v1/resource-definitions/${seg(rd)}/snapshots`, { name: v.name }));
}

export async function restoreSnapshot(rd: string, snap: string): Promise<void> {
  const v = await formDialog(`Restore snapshot ${snap} of ${rd}`, [{ name: 'to', label: 'New resource name', required: true }], 'Restore');
  if (!v) return;
  const to = v.to!;
  // As `linstor`: a new definition, its volume definitions from the snapshot, then the resources.
  await run(
    () => api('POST', '/v1/resource-definitions', { resource_definition: { name: to } }),
    () => api('POST', `/v1/resource-definitions/${seg(rd)}/snapshot-restore-volume-definition/${seg(snap)}`, { to_resource: to }),
    () => api('POST', `/v1/resource-definitions/${seg(rd)}/snapshot-restore-resource/${seg(snap)}`, { to_resource: to }));
}

export async function rollback(rd: string, snap: string): Promise<void> {
  if (!await confirmAction(`Roll ${rd} back to ${snap}?`, `Everything written to ${rd} since ${snap} is lost.`, 'Roll back', true)) return;
  await run(() => api('POST', `/v1/resource-definitions/${seg(rd)}/snapshot-rollback/${seg(snap)}`));
}

export async function deleteSnapshot(rd: string, snap: string): Promise<boolean> {
  if (!await confirmAction(`Delete snapshot ${snap} of ${rd}?`, `The snapshot ${snap} is deleted on every node.`, 'Delete snapshot', true)) return false;
  return run(() => api('DELETE', `/v1/resource-definitions/${seg(rd)}/snapshots/${seg(snap)}`));
}

export async function deleteErrorReport(id: string): Promise<boolean> {
  if (!await confirmAction(`Delete error report ${id}?`, 'The report is removed.', 'Delete report', true)) return false;
  return run(() => api('DELETE', `/v1/error-reports/${seg(id)}`));
}

/** Sets a property on the object at `path` (override_props, as `set-property`; POST for the controller). */
export async function setProperty(path: string, what: string, method: 'PUT' | 'POST' = 'PUT'): Promise<void> {
  const v = await formDialog(`Set a property of ${what}`, [
    { name: 'key', label: 'Key', required: true, hint: 'e.g. Aux/rack' },
    { name: 'value', label: 'Value', required: true },
  ], 'Set property');
  if (!v) return;
  await run(() => api(method, path, { override_props: { [v.key!]: v.value } }));
}

export async function deleteProperty(path: string, what: string, key: string, method: 'PUT' | 'POST' = 'PUT'): Promise<void> {
  if (!await confirmAction(`Delete property ${key}?`, `The property ${key} of ${what} is removed (an inherited value applies again).`, 'Delete property', true)) return;
  await run(() => api(method, path, { delete_props: [key] }));
}
