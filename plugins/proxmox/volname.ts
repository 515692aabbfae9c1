/**
 * PVE volume names and the LINSTOR resource names behind them (linstor-proxmox's rules):
 *   pm-1a2b3c4d_101        new disks: LINSTOR `pm-1a2b3c4d`, vmid kept in `Aux/pm/vmid`
 *   vm-101-disk-0          legacy names, also -cloudinit, -state-*, -pvc-*, -fleece-*: same name in LINSTOR
 *   base-<one of the above> a template (create_base); the LINSTOR name does not change
 *   snap_<res>_<snap>      LINSTOR snapshot of a PVE snapshot, and the resource restored from it
 */
import { randomBytes } from 'node:crypto';

const UUID_NAME = /^pm-[\da-f]{8}_(\d+)$/;
// PVE's snapshot names (RAM state vm-<vmid>-state-<snap>) may have capitals; the first letter
// after the vmid is always lower case (disk, cloudinit, state, pvc, fleece).
const VM_NAME = /^vm-(\d+)-[a-z][A-Za-z0-9\-_.]*[A-Za-z0-9]+$/;
const LEGACY = /^vm-\d+-disk-\d+$/;
const CLOUDINIT = /^vm-\d+-cloudinit$/;
const STATE = /^vm-\d+-state-.+$/;
const PVC = /^vm-\d+-pvc-.+$/;
const FLEECE = /^vm-\d+-fleece-.+$/;
const BASE_PREFIX = 'base-';
export const VMID_PROP = 'Aux/pm/vmid';
export const BASE_PROP = 'Aux/pm/base';
export const PARENT_PROP = 'Aux/pm/parent';
/** LINSTOR snapshot that freezes a template's content; linked clones are restored from it. */
export const BASE_SNAPSHOT = 'pm_base';

export class VolnameError extends Error {
  constructor(message: string) { super(message); this.name = 'VolnameError'; }
}

export interface ParsedVolname {
  vtype: 'images';
  name: string;
  vmid: number;
  isBase: boolean;
  format: 'raw';
  linstorName: string;
  kind: 'uuid' | 'legacy' | 'cloudinit' | 'state' | 'pvc' | 'fleece' | 'other';
}

/** parse_volname: what PVE learns from a name alone (no controller call). */
export function parseVolname(volname: string): ParsedVolname {
  const isBase = volname.startsWith(BASE_PREFIX);
  const name = isBase ? volname.slice(BASE_PREFIX.length) : volname;
  let m = UUID_NAME.exec(name);
  if (m) return { vtype: 'images', name: volname, vmid: Number(m[1]), isBase, format: 'raw', linstorName: name.slice(0, 11), kind: 'uuid' };
  m = VM_NAME.exec(name);
  if (m && name.length <= 48) {
    const kind = LEGACY.test(name) ? 'legacy' : CLOUDINIT.test(name) ? 'cloudinit' : STATE.test(name) ? 'state'
      : PVC.test(name) ? 'pvc' : FLEECE.test(name) ? 'fleece' : 'other';
    return { vtype: 'images', name: volname, vmid: Number(m[1]), isBase, format: 'raw', linstorName: name, kind };
  }
  throw new VolnameError(`unable to parse PVE volume name '${volname}'`);
}

export function linstorName(volname: string): string { return parseVolname(volname).linstorName; }

export const snapshotName = (linstorRes: string, pveSnap: string): string => {
  if (!/^[A-Za-z0-9_-]+$/.test(pveSnap)) throw new VolnameError(`snapshot name '${pveSnap}' has characters LINSTOR does not accept`);
  return `snap_${linstorRes}_${pveSnap}`;
};

export const isSnapshotResource = (name: string): boolean => /^snap_.+_.+$/.test(name);

/** Names alloc_image accepts when PVE passes one (anything else is refused, as the reference does). */
export function checkRequestedName(name: string): ParsedVolname {
  const p = parseVolname(name);
  if (p.isBase) throw new VolnameError(`'${name}' is a template name; templates are made with create_base`);
  if (p.kind === 'other') throw new VolnameError(`allocated name ('${name}') has to be a valid UUID, legacy, state, pvc, fleece or cloud-init name`);
  return p;
}

export function newUuidName(vmid: number, taken: (linstorName: string) => boolean): { pve: string; linstor: string } {
  for (let i = 0; i < 99; i++) {
    const linstor = `pm-${randomBytes(4).toString('hex')}`;
    if (!taken(linstor)) return { pve: `${linstor}_${vmid}`, linstor };
  }
  throw new VolnameError(`unable to allocate an image name for VM ${vmid}`);
}

/** The PVE name of a resource definition, from its LINSTOR name and Aux props. */
export function pveName(linstorRes: string, props: Record<string, string> | undefined): string | undefined {
  const base = props?.[BASE_PROP] === 'yes' ? BASE_PREFIX : '';
  if (/^pm-[\da-f]{8}$/.test(linstorRes)) {
    const vmid = props?.[VMID_PROP];
    return vmid && /^\d+$/.test(vmid) ? `${base}${linstorRes}_${vmid}` : undefined;
  }
  if (VM_NAME.test(linstorRes)) return `${base}${linstorRes}`;
  return undefined;
}

export const baseName = (volname: string): string => `${BASE_PREFIX}${volname}`;
