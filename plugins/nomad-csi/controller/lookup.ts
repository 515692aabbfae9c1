/** Finding a CSI volume's resource definition and its CSI metadata (Aux/csi/* props). */
import type { ResourceDefinition, Snapshot } from '../../../core/client/index.js';
import type { PluginContext } from '../context.js';
import { invalid, notFound, orUndefined } from '../errors.js';
import { PROP, resourceNameCandidates } from '../names.js';
import { parseParameters, type VolumeParameters } from '../params.js';

export interface FoundVolume { rd: ResourceDefinition; name: string; sizeKib: number }

const KiB = 1024n;

export function requireId(v: string | undefined, what: string): string {
  if (!v) throw invalid(`${what} missing in request`);
  return v;
}

/** The volume behind a volume_id (= resource definition name); undefined when gone or deleted by CSI. */
export async function findVolume(ctx: PluginContext, volumeId: string): Promise<FoundVolume | undefined> {
  const rd = await orUndefined(() => ctx.client.resourceDefinitions.get(volumeId));
  if (!rd || rd.props?.[PROP.deleted] === 'true' || rd.flags?.includes('DELETE')) return undefined;
  const vd = await orUndefined(() => ctx.client.resourceDefinitions.getVolumeDefinition(volumeId, 0));
  return { rd, name: rd.name ?? volumeId, sizeKib: vd?.size_kib ?? 0 };
}

export async function requireVolume(ctx: PluginContext, volumeId: string): Promise<FoundVolume> {
  const v = await findVolume(ctx, volumeId);
  if (!v) throw notFound(`volume ${volumeId} does not exist`);
  return v;
}

/**
 * Where a CSI name lives: `existing` when a definition carries this CSI name, otherwise the
 * first free candidate name. A candidate taken by another volume (LINSTOR names ignore
 * case, CSI names do not) is skipped.
 */
export async function resolveName(ctx: PluginContext, csiName: string): Promise<{ rdName: string; existing?: ResourceDefinition }> {
  let free: string | undefined;
  for (const c of resourceNameCandidates(csiName)) {
    const rd = await orUndefined(() => ctx.client.resourceDefinitions.get(c));
    if (rd && rd.props?.[PROP.name] === csiName && rd.props?.[PROP.deleted] !== 'true') return { rdName: rd.name ?? c, existing: rd };
    if (!rd && !free) free = c;
  }
  if (!free) throw invalid(`volume name '${csiName}' clashes with existing LINSTOR resources`);
  return { rdName: free };
}

/** The parameters a volume was created with (defaults for definitions made outside CSI). */
export function paramsOf(rd: ResourceDefinition): VolumeParameters {
  try { return parseParameters(JSON.parse(rd.props?.[PROP.params] ?? '{}') as Record<string, string>); } catch { return parseParameters({}); }
}

export function publishedNodes(rd: ResourceDefinition): Map<string, 'ro' | 'rw'> {
  const m = new Map<string, 'ro' | 'rw'>();
  for (const [k, v] of Object.entries(rd.props ?? {})) if (k.startsWith(PROP.publishPrefix)) m.set(k.slice(PROP.publishPrefix.length), v === 'ro' ? 'ro' : 'rw');
  return m;
}

export const kibToBytes = (kib: number | undefined): string => (BigInt(kib ?? 0) * KiB).toString();
export const bytesToKib = (bytes: bigint): number => Number((bytes + KiB - 1n) / KiB);

export async function findSnapshot(ctx: PluginContext, snapshotId: string): Promise<Snapshot | undefined> {
  const all = await ctx.client.snapshots.view();
  return all.find((s) => s.name === snapshotId) ?? all.find((s) => s.name?.toUpperCase() === snapshotId.toUpperCase());
}

/** Pagination tokens are offsets; anything else is a token we never gave out (ABORTED per spec). */
export function parseToken(token: string | undefined, total: number): number {
  if (!token) return 0;
  if (!/^\d+$/.test(token) || Number(token) > total) return -1;
  return Number(token);
}
