/**
 * One entry per PVE storage-plugin method the shim forwards. Each takes the method's
 * arguments by name (as the shim sends them) and returns what the Perl method returns;
 * list-returning methods return an object the shim unpacks in PVE's order.
 */
import { isApiError, PveRefusal, type HookContext } from '../context.js';
import { volumeHasFeature } from '../hooks/features.js';
import { allocImage, freeImage, listImages, renameVolume, volumeSizeInfo } from '../hooks/images.js';
import { cloneImage, createBase, volumeSnapshot, volumeSnapshotDelete, volumeSnapshotRollback } from '../hooks/snapshots.js';
import { status } from '../hooks/status.js';
import { activateVolume, deactivateVolume, volumePath } from '../hooks/volumes.js';
import { parseVolname } from '../volname.js';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Hook = (ctx: HookContext, a: Args) => Promise<unknown>;

export const HOOKS: Record<string, Hook> = {
  parse_volname: async (_ctx, a) => {
    const p = parseVolname(a.volname);
    return { vtype: p.vtype, name: p.name, vmid: p.vmid, basename: null, basevmid: null, isBase: p.isBase ? 1 : 0, format: p.format };
  },
  alloc_image: (ctx, a) => allocImage(ctx, { vmid: a.vmid, fmt: a.fmt, name: a.name, size: a.size }),
  free_image: (ctx, a) => freeImage(ctx, { volname: a.volname }),
  list_images: (ctx, a) => listImages(ctx, { vmid: a.vmid, vollist: a.vollist }),
  volume_size_info: (ctx, a) => volumeSizeInfo(ctx, { volname: a.volname }),
  rename_volume: (ctx, a) => renameVolume(ctx, { source_volname: a.source_volname, target_vmid: a.target_vmid, target_volname: a.target_volname }),
  status: (ctx) => status(ctx),
  activate_storage: async () => null,
  deactivate_storage: async () => null,
  check_connection: async (ctx) => { await ctx.linstor(); return 1; },
  activate_volume: (ctx, a) => activateVolume(ctx, { volname: a.volname, snapname: a.snapname }),
  deactivate_volume: (ctx, a) => deactivateVolume(ctx, { volname: a.volname, snapname: a.snapname }),
  path: (ctx, a) => volumePath(ctx, { volname: a.volname, snapname: a.snapname }),
  filesystem_path: (ctx, a) => volumePath(ctx, { volname: a.volname, snapname: a.snapname }),
  map_volume: async (ctx, a) => (await volumePath(ctx, { volname: a.volname, snapname: a.snapname })).path,
  unmap_volume: async () => 1,
  volume_resize: async (ctx, a) => {
    if (a.snapname) throw new PveRefusal('volume_resize: resizing a snapshot is not supported');
    const p = parseVolname(a.volname);
    // PVE passes bytes; LINSTOR takes KiB (round up so the disk is never smaller than asked).
    const kib = Math.ceil(Number(a.size) / 1024);
    await (await ctx.linstor()).resourceDefinitions.modifyVolumeDefinition(p.linstorName, 0, { size_kib: kib });
    return 1;
  },
  volume_snapshot: (ctx, a) => volumeSnapshot(ctx, { volname: a.volname, snap: a.snap }),
  volume_snapshot_rollback: (ctx, a) => volumeSnapshotRollback(ctx, { volname: a.volname, snap: a.snap }),
  volume_rollback_is_possible: async () => 1,
  volume_snapshot_delete: (ctx, a) => volumeSnapshotDelete(ctx, { volname: a.volname, snap: a.snap }),
  volume_has_feature: (ctx, a) => volumeHasFeature(ctx, { feature: a.feature, volname: a.volname, snapname: a.snapname }),
  create_base: (ctx, a) => createBase(ctx, { volname: a.volname }),
  clone_image: (ctx, a) => cloneImage(ctx, { volname: a.volname, vmid: a.vmid, snap: a.snap }),
};

/** One line an admin can act on: the controller's message, cause and correction. */
export function errorText(e: unknown): string {
  if (isApiError(e)) {
    const rc = e.rcs.find((r) => r.cause || r.correction) ?? e.rcs[0];
    const parts = [`${e.message} (HTTP ${e.status} on ${e.method} ${e.url.replace(/^https?:\/\/[^/]+/, '')})`];
    if (rc?.cause) parts.push(`because: ${rc.cause}`);
    if (rc?.correction) parts.push(`correction: ${rc.correction}`);
    return parts.join('; ');
  }
  return e instanceof Error ? e.message : String(e);
}
