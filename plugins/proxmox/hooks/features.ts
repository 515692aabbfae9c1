/**
 * volume_has_feature: what PVE may do with a disk. As linstor-proxmox, plus `clone` of a base
 * and `template` (create_base), which this adapter implements with snapshot restore.
 */
import { isThinProvider } from '../../../core/client/index.js';
import type { HookContext } from '../context.js';
import { parseVolname } from '../volname.js';

/** linstor-proxmox's "sparse": thin pools, and ZFS, whose new zvols read as zeros too. */
const isSparse = (kind: string): boolean => isThinProvider(kind) || kind.toUpperCase() === 'ZFS';

export async function volumeHasFeature(ctx: HookContext, a: { feature: string; volname: string; snapname?: string | null }): Promise<number | null> {
  const p = parseVolname(a.volname);
  const features: Record<string, Record<string, number>> = {
    copy: { base: 1, current: 1 },
    snapshot: { current: 1 },
    rename: { current: p.kind === 'uuid' ? 1 : 0 },
    clone: { base: 1 },
    template: { current: 1 },
  };
  const key = a.snapname ? 'snap' : p.isBase ? 'base' : 'current';
  // Only the features that depend on the cluster cost a controller call.
  if (a.feature === 'sparseinit' && !a.snapname) {
    const view = await (await ctx.linstor()).resources.view({ resources: [p.linstorName] });
    const diskful = view.map((r) => r.volumes?.[0]?.provider_kind).filter((k) => k && k !== 'DISKLESS');
    if (diskful.length && diskful.every((k) => isSparse(k!))) features.sparseinit = { base: 1, current: 1 };
  }
  if (a.feature === 'snapshot') {
    const rd = await (await ctx.linstor()).resourceDefinitions.get(p.linstorName);
    if ((rd.layer_data ?? []).some((l) => l.type?.toUpperCase() === 'NVME')) features.snapshot = { current: 0 };
  }
  return features[a.feature]?.[key] ? 1 : null;
}
