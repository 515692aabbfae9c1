/**
 * Size queries: how big a volume the next spawn of a group (or a bare filter) could get.
 * Answered by running the autoplacer for a 1 KiB volume: the pools it would pick are where the
 * replicas land, and a replicated volume can be no bigger than the smallest of them (each
 * replica needs the full size). Thin pools count with their oversubscription ratios.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { AutoSelectFilter, ResourceGroup } from '../../model/types.js';
import {
  autoplace, DEFAULT_MAX_OVERSUBSCRIPTION_RATIO, effectiveFreeKib, isThin, type PlacementChoice, type PlacementCluster, type PlacementStoragePool,
} from '../../placement/index.js';
import type { ControllerContext } from '../context.js';
import { effectiveFilter } from './autoplace.js';
import { placementSnapshot } from './snapshot.js';

const PROBE_NAME = '\u0000size-probe';

function poolOf(cluster: PlacementCluster, c: PlacementChoice): PlacementStoragePool | undefined {
  return cluster.storagePools.find((p) => nameKey(p.nodeName) === nameKey(c.nodeName) && nameKey(p.name) === nameKey(c.storagePool));
}

/** LINSTOR has no default replica count: spawn places nothing and the size queries refuse without one. */
function placeCountRequired(): ApiError {
  return new ApiError('FAIL_INVLD_PLACE_COUNT', 'Replica count is required for this operation', {
    obj: 'RSC_GRP', correction: 'Set a place count on the resource group (resource-group modify --place-count N) or in the request.',
  });
}

function probe(cluster: PlacementCluster, filter: AutoSelectFilter): PlacementChoice[] {
  if (filter.place_count === undefined) throw placeCountRequired();
  const f: AutoSelectFilter = { ...filter, diskless_on_remaining: false };
  delete f.additional_place_count;
  return autoplace(cluster, { resourceName: PROBE_NAME, filter: f, volumeSizesKib: [1] }).diskful;
}

function ratio(props: Record<string, string>, key: string): number | undefined {
  const v = props[key];
  return v === undefined ? undefined : Number(v);
}

export interface SpaceInfo {
  max_vlm_size_in_kib: number;
  available_size_in_kib?: number;
  capacity_in_kib?: number;
  default_max_oversubscription_ratio: number;
  max_oversubscription_ratio?: number;
  max_free_capacity_oversubscription_ratio?: number;
  max_total_capacity_oversubscription_ratio?: number;
  next_spawn_result: Array<Record<string, unknown>>;
}

/** QuerySizeInfoResponse for a filter: space_info, or reports saying why nothing fits. */
export function sizeInfo(ctx: ControllerContext, filter: AutoSelectFilter, cluster = placementSnapshot(ctx)): { space_info: SpaceInfo; reports?: ApiCallRc[] } {
  const ctrl = cluster.controllerProps;
  const base: SpaceInfo = {
    max_vlm_size_in_kib: 0, available_size_in_kib: 0, capacity_in_kib: 0,
    default_max_oversubscription_ratio: DEFAULT_MAX_OVERSUBSCRIPTION_RATIO, next_spawn_result: [],
  };
  for (const [k, f] of [['MaxOversubscriptionRatio', 'max_oversubscription_ratio'], ['MaxFreeCapacityOversubscriptionRatio', 'max_free_capacity_oversubscription_ratio'], ['MaxTotalCapacityOversubscriptionRatio', 'max_total_capacity_oversubscription_ratio']] as const) {
    const r = ratio(ctrl, k);
    if (r !== undefined && Number.isFinite(r)) base[f] = r;
  }
  let picks: PlacementChoice[];
  try {
    picks = probe(cluster, filter);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { space_info: base, reports: [rcEntry('WARN_NOT_FOUND', e.message, { obj: 'RSC_GRP', cause: e.opts.cause, correction: e.opts.correction })] };
  }
  let max = Number.POSITIVE_INFINITY;
  let avail = Number.POSITIVE_INFINITY;
  let cap = Number.POSITIVE_INFINITY;
  for (const c of picks) {
    const p = poolOf(cluster, c);
    if (!p) continue;
    max = Math.min(max, effectiveFreeKib(p, ctrl) ?? 0);
    avail = Math.min(avail, p.freeKib ?? 0);
    cap = Math.min(cap, p.totalKib ?? 0);
    const entry: Record<string, unknown> = { node_name: c.nodeName, stor_pool_name: c.storagePool };
    const spr = ratio(p.props, 'MaxOversubscriptionRatio');
    if (spr !== undefined) entry.stor_pool_oversubscription_ratio = spr;
    base.next_spawn_result.push(entry);
  }
  if (picks.length) {
    base.max_vlm_size_in_kib = Math.floor(max);
    base.available_size_in_kib = Math.floor(avail);
    base.capacity_in_kib = Math.floor(cap);
  }
  return { space_info: base };
}

export function groupSizeInfo(ctx: ControllerContext, rg: ResourceGroup, override: AutoSelectFilter, cluster?: PlacementCluster): { space_info?: SpaceInfo; reports?: ApiCallRc[] } {
  // As LINSTOR's querySizeInfoImpl: the group itself must have a replica count (spawn needs it too).
  if (rg.selectFilter.place_count === undefined) {
    const e = placeCountRequired();
    return { reports: [rcEntry(e.rc, e.message, { ...e.opts, objRefs: { RscGrp: rg.name } })] };
  }
  return sizeInfo(ctx, effectiveFilter(rg, override), cluster);
}

/** MaxVolumeSizes: one candidate per storage pool name that can hold all replicas. */
export function maxVolumeSizes(ctx: ControllerContext, filter: AutoSelectFilter): { candidates: Array<Record<string, unknown>>; default_max_oversubscription_ratio: number } {
  if (filter.place_count === undefined) throw placeCountRequired();
  const cluster = placementSnapshot(ctx);
  const names = new Map<string, string>();
  for (const p of cluster.storagePools) if (p.providerKind !== 'DISKLESS') names.set(nameKey(p.name), p.name);
  const wanted = filter.storage_pool_list?.length ? filter.storage_pool_list : filter.storage_pool ? [filter.storage_pool] : undefined;
  const candidates: Array<Record<string, unknown>> = [];
  for (const name of [...names.values()].sort()) {
    if (wanted && !wanted.some((w) => nameKey(w) === nameKey(name))) continue;
    let picks: PlacementChoice[];
    try {
      picks = probe(cluster, { ...filter, storage_pool: name, storage_pool_list: undefined });
    } catch { continue; }
    const pools = picks.map((c) => poolOf(cluster, c)).filter((p): p is PlacementStoragePool => p !== undefined);
    candidates.push({
      storage_pool: name,
      max_volume_size_kib: Math.floor(Math.min(...pools.map((p) => effectiveFreeKib(p, cluster.controllerProps) ?? 0))),
      node_names: picks.map((c) => c.nodeName),
      all_thin: pools.every((p) => isThin(p.providerKind)),
    });
  }
  return { candidates, default_max_oversubscription_ratio: DEFAULT_MAX_OVERSUBSCRIPTION_RATIO };
}
