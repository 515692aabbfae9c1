/**
 * PVE snapshots as LINSTOR snapshots named `snap_<res>_<snap>`; templates (create_base) and
 * linked clones (clone_image) are built on the same snapshots.
 * Idempotency: snapshot delete of a missing snapshot succeeds; create_base of a disk whose
 * base snapshot exists reuses it; snapshot create twice fails as PVE expects (name taken).
 */
import { ignoreNotFound, PveRefusal, type HookContext } from '../context.js';
import { BASE_PROP, BASE_SNAPSHOT, PARENT_PROP, baseName, newUuidName, parseVolname, snapshotName } from '../volname.js';
import { definitionProps } from './images.js';
import { restoreSnapshot } from './linstor-ops.js';

export async function volumeSnapshot(ctx: HookContext, a: { volname: string; snap: string }): Promise<number> {
  const p = parseVolname(a.volname);
  await (await ctx.linstor()).snapshots.create(p.linstorName, snapshotName(p.linstorName, a.snap));
  return 1;
}

export async function volumeSnapshotRollback(ctx: HookContext, a: { volname: string; snap: string }): Promise<number> {
  const p = parseVolname(a.volname);
  await (await ctx.linstor()).snapshots.rollback(p.linstorName, snapshotName(p.linstorName, a.snap));
  return 1;
}

export async function volumeSnapshotDelete(ctx: HookContext, a: { volname: string; snap: string }): Promise<number> {
  const p = parseVolname(a.volname);
  const snap = snapshotName(p.linstorName, a.snap);
  const c = await ctx.linstor();
  // A resource restored from the snapshot (backup, activate with a snapshot) would keep it alive.
  await ignoreNotFound(() => c.resourceDefinitions.delete(snap));
  await ignoreNotFound(() => c.snapshots.delete(p.linstorName, snap));
  return 1;
}

/** Freezes the disk's content in a base snapshot and marks the definition as a template. */
export async function createBase(ctx: HookContext, a: { volname: string }): Promise<string> {
  const p = parseVolname(a.volname);
  if (p.isBase) throw new PveRefusal(`'${a.volname}' is already a base image`);
  const c = await ctx.linstor();
  const have = await ignoreNotFound(() => c.snapshots.get(p.linstorName, BASE_SNAPSHOT));
  if (!have) await c.snapshots.create(p.linstorName, BASE_SNAPSHOT);
  await c.resourceDefinitions.modify(p.linstorName, { override_props: { [BASE_PROP]: 'yes' } });
  return baseName(a.volname);
}

/** A linked clone: a new disk restored from the template's base snapshot (or a named PVE snapshot). */
export async function cloneImage(ctx: HookContext, a: { volname: string; vmid: number | string; snap?: string | null }): Promise<string> {
  const p = parseVolname(a.volname);
  const vmid = Number(a.vmid);
  if (!Number.isInteger(vmid) || vmid < 0) throw new PveRefusal(`invalid vmid '${String(a.vmid)}'`);
  if (!a.snap && !p.isBase) throw new PveRefusal(`clone_image: '${a.volname}' is not a base image; convert the VM to a template first`);
  const snap = a.snap ? snapshotName(p.linstorName, a.snap) : BASE_SNAPSHOT;
  const c = await ctx.linstor();
  const existing = new Set((await c.resourceDefinitions.list()).map((rd) => (rd.name ?? '').toUpperCase()));
  const { pve, linstor } = newUuidName(vmid, (n) => existing.has(n.toUpperCase()));
  await restoreSnapshot(c, p.linstorName, snap, linstor, {
    resourceGroup: ctx.storage.resourceGroup,
    props: { ...definitionProps(ctx, vmid), [PARENT_PROP]: p.linstorName },
  });
  return pve;
}
