/** Finding a CSI volume's resource definition and its CSI metadata (Aux/csi/* props). */
import type { ResourceDefinition, Snapshot } from '../../../core/client/index.js';
import { status } from '@grpc/grpc-js';
import type { PluginContext } from '../context.js';
import { CsiError, invalid, notFound, orUndefined } from '../errors.js';
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

/**
 * One page of `items` (sorted by `keyOf`, ascending) after the position a token names. The token
 * is the last key handed out, not an offset, so volumes created or deleted between two calls
 * cannot make a page skip or repeat an entry. A token we never gave out is ABORTED, per spec.
 */
export function pageAfter<T>(items: T[], keyOf: (item: T) => string, token: string | undefined, maxEntries: number | undefined): { page: T[]; nextToken: string } {
  let start = 0;
  if (token) {
    const after = decodeToken(token);
    if (after === undefined) throw new CsiError(status.ABORTED, `starting_token '${token}' is not valid`);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const max = maxEntries && maxEntries > 0 ? maxEntries : items.length;
  const page = items.slice(start, start + max);
  const more = start + page.length < items.length;
  return { page, nextToken: more ? TOKEN_PREFIX + Buffer.from(keyOf(page[page.length - 1]!)).toString('base64url') : '' };
}

const TOKEN_PREFIX = 'after.';
function decodeToken(token: string): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const body = token.slice(TOKEN_PREFIX.length);
  return /^[A-Za-z0-9_-]+$/.test(body) ? Buffer.from(body, 'base64url').toString() : undefined;
}
