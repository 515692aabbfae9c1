/**
 * Attaching disks to this node: activate_volume, deactivate_volume, path / filesystem_path.
 * Idempotency: activate twice is one make-available that finds the resource already there;
 * deactivate on a node with a diskful replica or a tie-breaker does nothing, twice is harmless.
 */
import { existsSync } from 'node:fs';
import { deviceOfVolume, drbdByResPath, isDisklessResource, type ResourceWithVolumes } from '../../../core/client/index.js';
import { isNoController, isNotFound, type HookContext } from '../context.js';
import { parseVolname, snapshotName } from '../volname.js';
import { resourceDefinitionExists, resourceOnNode, restoreSnapshot } from './linstor-ops.js';

const drbdPath = (res: string): string => drbdByResPath(res, 0);

/** The LINSTOR resource PVE means: the disk, or the resource restored from one of its snapshots. */
function resourceFor(volname: string, snapname?: string | null): { res: string; vmid: number; base: string } {
  const p = parseVolname(volname);
  return { res: snapname ? snapshotName(p.linstorName, snapname) : p.linstorName, vmid: p.vmid, base: p.linstorName };
}

export async function activateVolume(ctx: HookContext, a: { volname: string; snapname?: string | null }): Promise<null> {
  const { res, base } = resourceFor(a.volname, a.snapname);
  let c;
  try {
    c = await ctx.linstor();
  } catch (e) {
    // As linstor-proxmox 8.3: a VM whose DRBD device is already here may start without a controller.
    if (isNoController(e) && !a.snapname && existsSync(drbdPath(res))) {
      ctx.notices.push(`LINSTOR controller unreachable, using existing local DRBD device ${drbdPath(res)}`);
      return null;
    }
    throw e;
  }
  if (a.snapname && !(await resourceDefinitionExists(c, res))) await restoreSnapshot(c, base, res, res);
  if (!ctx.storage.exactSize) {
    try { await c.resourceDefinitions.modify(res, { override_props: { 'DrbdOptions/ExactSize': 'False' } }); } catch { /* best effort, as the reference */ }
  }
  await c.resources.makeAvailable(res, ctx.node, { diskful: false });
  return null;
}

/** A diskless client we (or make-available) added, as opposed to a replica or a tie-breaker. */
export function isIntentionallyDiskless(r: ResourceWithVolumes): boolean {
  const flags = (r.flags ?? []).map((f) => f.toUpperCase());
  if (flags.includes('TIE_BREAKER')) return false;
  if (isDisklessResource(flags)) return true;
  return r.volumes?.[0]?.provider_kind === 'DISKLESS';
}

export async function deactivateVolume(ctx: HookContext, a: { volname: string; snapname?: string | null }): Promise<null> {
  const { res } = resourceFor(a.volname, a.snapname);
  let c;
  try { c = await ctx.linstor(); } catch (e) {
    if (isNoController(e)) { ctx.log.warn({ res }, 'controller unreachable, skipping deactivation'); return null; }
    throw e;
  }
  const r = await resourceOnNode(c, res, ctx.node);
  if (!r || !isIntentionallyDiskless(r)) return null;
  ctx.notices.push(`Intentionally removing diskless assignment (${res}) on (${ctx.node}).`,
    'It will be re-created when the resource is actually used on this node.');
  try {
    await c.resources.delete(res, ctx.node, { keepTiebreaker: true });
  } catch (e) { if (!isNotFound(e)) throw e; }
  return null;
}

export interface PathInfo { path: string; vmid: number; vtype: 'images' }

/**
 * The block device of the volume on this node: the DRBD device when the resource has a DRBD
 * layer, else the device the satellite reports (STORAGE-only or NVMe resources).
 */
export async function volumePath(ctx: HookContext, a: { volname: string; snapname?: string | null }): Promise<PathInfo> {
  const { res, vmid } = resourceFor(a.volname, a.snapname);
  const drbd = drbdPath(res);
  const info = (path: string): PathInfo => ({ path, vmid, vtype: 'images' });
  // The common case costs no controller call at all.
  if (existsSync(drbd)) return info(drbd);
  let r: ResourceWithVolumes | undefined;
  try {
    r = await resourceOnNode(await ctx.linstor(), res, ctx.node);
  } catch (e) {
    if (isNoController(e) || isNotFound(e)) return info(drbd);
    throw e;
  }
  return info((r && deviceOfVolume(r)) || drbd);
}
