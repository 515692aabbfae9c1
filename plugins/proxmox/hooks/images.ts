/**
 * Disk lifecycle hooks: alloc_image, free_image, list_images, volume_size_info, rename_volume.
 * Idempotency: alloc_image of an existing name fails (PVE picks names) except a cloud-init
 * disk, which PVE re-allocates on a node without the device; free_image of a missing disk
 * succeeds; rename_volume sets the same vmid again harmlessly.
 */
import type { ResourceDefinition } from '../../../core/client/index.js';
import { ignoreNotFound, PveRefusal, type HookContext } from '../context.js';
import {
  PARENT_PROP, VMID_PROP, checkRequestedName, newUuidName, parseVolname, pveName, VolnameError,
} from '../volname.js';
import { waitUntilNotInUse } from './linstor-ops.js';

/** vma tolerates 4 MiB size differences on restore, so small disks (EFI vars) become 3 MiB, not more. */
export const MIN_DISK_KIB = 3 * 1024;

const bool = (b: boolean): string => (b ? 'True' : 'False');

export function definitionProps(ctx: HookContext, vmid: number): Record<string, string> {
  return {
    'DrbdOptions/ExactSize': bool(ctx.storage.exactSize),
    'DrbdOptions/Net/allow-two-primaries': ctx.storage.allowTwoPrimaries ? 'yes' : 'no',
    [VMID_PROP]: String(vmid),
  };
}

export async function allocImage(ctx: HookContext, a: { vmid: number | string; fmt?: string; name?: string | null; size: number | string }): Promise<string> {
  const vmid = Number(a.vmid);
  if (!Number.isInteger(vmid) || vmid < 0) throw new VolnameError(`invalid vmid '${String(a.vmid)}'`);
  if (a.fmt && a.fmt !== 'raw') throw new PveRefusal(`unsupported format '${a.fmt}' (only raw)`);
  const sizeKib = Math.max(Math.ceil(Number(a.size)), MIN_DISK_KIB);
  if (!Number.isFinite(sizeKib)) throw new PveRefusal(`invalid size '${String(a.size)}' KiB`);
  const c = await ctx.linstor();
  const existing = new Set((await c.resourceDefinitions.list()).map((rd) => (rd.name ?? '').toUpperCase()));
  let pve: string;
  let res: string;
  if (a.name) {
    const p = checkRequestedName(a.name);
    // As PVE's vdisk_alloc: a name PVE chose always carries the VM's own id.
    if (p.vmid !== vmid) throw new VolnameError(`illegal name '${a.name}' - should belong to VM ${vmid}`);
    pve = a.name;
    res = p.linstorName;
    // PVE on a node without the device thinks the cloud-init disk is gone; activate will attach it.
    if (p.kind === 'cloudinit' && existing.has(res.toUpperCase())) return pve;
    if (existing.has(res.toUpperCase())) throw new PveRefusal(`volume '${res}' already exists`);
  } else {
    ({ pve, linstor: res } = newUuidName(vmid, (n) => existing.has(n.toUpperCase())));
  }
  const rg = ctx.storage.resourceGroup;
  await c.resourceGroups.spawn(rg, {
    resource_definition_name: res,
    definitions_only: ctx.storage.preferLocal,
    volume_sizes: [sizeKib],
    resource_definition_props: definitionProps(ctx, vmid),
  });
  if (ctx.storage.preferLocal) {
    try {
      ctx.notices.push(`Trying to create diskful resource (${res}) on (${ctx.node}).`);
      try {
        await c.resources.makeAvailable(res, ctx.node, { diskful: true });
      } catch (e) {
        // As linstor-proxmox: a node without a suitable pool simply gets no local replica.
        ctx.log.warn({ res, node: ctx.node, err: (e as Error).message }, 'no local diskful replica');
        ctx.notices.push(`Could not create a local replica on ${ctx.node}: ${(e as Error).message}`);
      }
      await c.resources.autoplace(res, { select_filter: {} });
    } catch (e) {
      // Leave the cluster as it was: a definition without the replicas PVE asked for is removed.
      await ignoreNotFound(() => c.resourceDefinitions.delete(res)).catch(() => undefined);
      throw e;
    }
  }
  return pve;
}

export async function freeImage(ctx: HookContext, a: { volname: string }): Promise<null> {
  const p = parseVolname(a.volname);
  const c = await ctx.linstor();
  const rds = await c.resourceDefinitions.list();
  const key = p.linstorName.toUpperCase();
  if (!rds.some((rd) => rd.name?.toUpperCase() === key)) return null;
  const clones = rds.filter((rd) => rd.props?.[PARENT_PROP]?.toUpperCase() === key).map((rd) => rd.name);
  if (clones.length) throw new PveRefusal(`base volume '${a.volname}' is still in use by linked clone(s) ${clones.join(', ')}`);
  if (!(await waitUntilNotInUse(c, p.linstorName))) ctx.log.warn({ res: p.linstorName }, 'resource still in use after waiting, deleting anyway');
  // Resources restored from this disk's snapshots (backups, clones of a snapshot) go first.
  for (const rd of rds) {
    if (rd.name && rd.name.toUpperCase().startsWith(`SNAP_${key}_`)) await ignoreNotFound(() => c.resourceDefinitions.delete(rd.name!));
  }
  // LINSTOR refuses to delete a definition that still has snapshots.
  const snaps = (await ignoreNotFound(() => c.snapshots.list(p.linstorName))) ?? [];
  for (const s of snaps) if (s.name) await ignoreNotFound(() => c.snapshots.delete(p.linstorName, s.name!));
  await ignoreNotFound(() => c.resourceDefinitions.delete(p.linstorName));
  return null;
}

export interface ImageInfo { volid: string; format: 'raw'; size: number; vmid: number; parent?: string }

export async function listImages(ctx: HookContext, a: { vmid?: number | string | null; vollist?: string[] | null }): Promise<ImageInfo[]> {
  const c = await ctx.linstor();
  const [rds, view] = await Promise.all([c.resourceDefinitions.list({ with_volume_definitions: true }), c.resources.view()]);
  const rg = ctx.storage.resourceGroup.toUpperCase();
  const byName = new Map<string, ResourceDefinition>();
  for (const rd of rds) if (rd.name) byName.set(rd.name.toUpperCase(), rd);
  const out: ImageInfo[] = [];
  for (const rd of rds) {
    if (!rd.name || rd.resource_group_name?.toUpperCase() !== rg) continue;
    if (rd.volume_definitions && rd.volume_definitions.length !== 1) continue;
    const name = pveName(rd.name, rd.props);
    if (!name) continue;
    const vmid = parseVolname(name).vmid;
    if (a.vmid !== undefined && a.vmid !== null && a.vmid !== '' && Number(a.vmid) !== vmid) continue;
    const volid = `${ctx.storeid}:${name}`;
    if (a.vollist && !a.vollist.includes(volid)) continue;
    const mine = view.filter((r) => r.name?.toUpperCase() === rd.name!.toUpperCase());
    const local = mine.find((r) => r.node_name?.toUpperCase() === ctx.node.toUpperCase());
    const usable = [local, ...mine].map((r) => r?.volumes?.[0]?.usable_size_kib).find((v) => typeof v === 'number');
    const sizeKib = usable ?? rd.volume_definitions?.[0]?.size_kib ?? 0;
    const info: ImageInfo = { volid, format: 'raw', size: sizeKib * 1024, vmid };
    const parent = rd.props?.[PARENT_PROP];
    const parentRd = parent ? byName.get(parent.toUpperCase()) : undefined;
    const parentName = parentRd?.name ? pveName(parentRd.name, parentRd.props) : undefined;
    if (parentName) info.parent = `${ctx.storeid}:${parentName}`;
    out.push(info);
  }
  return out.sort((x, y) => x.volid.localeCompare(y.volid));
}

/** volume_size_info from the controller, so PVE needs no qemu-img on a device that may be absent. */
export async function volumeSizeInfo(ctx: HookContext, a: { volname: string }): Promise<{ size: number; format: 'raw'; used: number }> {
  const p = parseVolname(a.volname);
  const c = await ctx.linstor();
  const vd = await c.resourceDefinitions.getVolumeDefinition(p.linstorName, 0);
  const view = await c.resources.view({ resources: [p.linstorName] });
  const used = Math.max(0, ...view.map((r) => r.volumes?.[0]?.allocated_size_kib ?? 0));
  return { size: vd.size_kib * 1024, format: 'raw', used: used * 1024 };
}

export async function renameVolume(ctx: HookContext, a: { source_volname: string; target_vmid: number | string; target_volname?: string | null }): Promise<string> {
  const p = parseVolname(a.source_volname);
  if (p.kind !== 'uuid') throw new PveRefusal('rename_volume only possible for uuid disk names');
  if (a.target_volname) throw new PveRefusal('rename_volume only possible if target name is unset');
  const vmid = Number(a.target_vmid);
  if (!Number.isInteger(vmid) || vmid < 0) throw new VolnameError(`invalid vmid '${String(a.target_vmid)}'`);
  const c = await ctx.linstor();
  await c.resourceDefinitions.modify(p.linstorName, { override_props: { [VMID_PROP]: String(vmid) } });
  return `${ctx.storeid}:${p.isBase ? 'base-' : ''}${p.linstorName}_${vmid}`;
}

