/**
 * TM actions get only ids; like every OpenNebula driver they ask oned for the VM and the
 * datastore with `onevm show -x` / `onedatastore show -x` on the frontend.
 */
import { LocalRunner } from '../../../core/exec/index.js';
import { DriverError } from './log.js';
import { child, list, parseXml, text, type XmlNode } from './xml.js';

const local = new LocalRunner();

async function show(cmd: 'onevm' | 'onedatastore', id: string, root: string): Promise<XmlNode> {
  return (await showRaw(cmd, id, root)).node;
}

async function showRaw(cmd: 'onevm' | 'onedatastore', id: string, root: string): Promise<{ node: XmlNode; text: string }> {
  // oned's ids are non-negative integers: anything else is refused before a command runs.
  if (!/^\d{1,10}$/.test(id)) {
    const shown = id.replace(/[^\x20-\x7e]/g, '?').slice(0, 60);
    throw new DriverError(`'${shown}' is not a ${cmd === 'onevm' ? 'VM' : 'datastore'} id`, 'oned passes numeric ids; run the action as the transfer manager does');
  }
  let out: string;
  try {
    out = (await local.run([cmd, 'show', '-x', id], { timeoutMs: 60_000 })).stdout;
  } catch (e) {
    throw new DriverError(`'${cmd} show -x ${id}' failed: ${(e as Error).message}`, `run the driver on the OpenNebula frontend as oneadmin (${cmd} must reach oned)`);
  }
  const node = child(await parseXml(out), root);
  if (!node) throw new DriverError(`'${cmd} show -x ${id}' did not return a ${root} document`);
  return { node, text: out };
}

export const showDatastore = (id: string): Promise<XmlNode> => show('onedatastore', id, 'DATASTORE');

export interface VmDisk {
  diskId: number;
  source: string;
  imageId?: string;
  persistent: boolean;
  tmMad: string;
  type: string;
  datastoreId: string;
  size?: number;
}

export interface VmInfo { id: string; disks: VmDisk[]; contextDiskId?: number; xml: XmlNode }

export function vmInfoFromXml(vm: XmlNode): VmInfo {
  const disks = list(vm, 'TEMPLATE', 'DISK').map((d) => ({
    diskId: Number(text(d, 'DISK_ID')),
    source: text(d, 'SOURCE'),
    imageId: text(d, 'IMAGE_ID') || undefined,
    // LN means persistent (CLONE=NO); PERSISTENT=YES says it outright.
    persistent: text(d, 'PERSISTENT').toUpperCase() === 'YES' || text(d, 'CLONE').toUpperCase() === 'NO',
    tmMad: text(d, 'TM_MAD'),
    type: text(d, 'TYPE'),
    datastoreId: text(d, 'DATASTORE_ID'),
    size: text(d, 'SIZE') ? Number(text(d, 'SIZE')) : undefined,
  }));
  const ctx = text(vm, 'TEMPLATE', 'CONTEXT', 'DISK_ID');
  return { id: text(vm, 'ID'), disks, contextDiskId: ctx ? Number(ctx) : undefined, xml: vm };
}

export async function showVm(id: string): Promise<VmInfo> {
  return vmInfoFromXml(await show('onevm', id, 'VM'));
}

/** The VM and its XML document as oned printed it (a backup keeps it as vm.xml). */
export async function showVmWithXml(id: string): Promise<{ vm: VmInfo; text: string }> {
  const { node, text: out } = await showRaw('onevm', id, 'VM');
  return { vm: vmInfoFromXml(node), text: out };
}

/** addon-linstor's naming: images keep their SOURCE, clones and volatile disks get VM-scoped names. */
export function diskResourceName(vmId: string, disk: VmDisk): string {
  if (!disk.source) return `OpenNebula-Volatile-vm${vmId}-disk${disk.diskId}`;
  return disk.persistent || disk.type.toUpperCase() === 'CDROM' ? disk.source : `${disk.source}-vm${vmId}-disk${disk.diskId}`;
}

export function findDisk(vm: VmInfo, diskId: number): VmDisk {
  const d = vm.disks.find((x) => x.diskId === diskId);
  if (!d) throw new DriverError(`VM ${vm.id} has no DISK with DISK_ID ${diskId}`);
  return d;
}
