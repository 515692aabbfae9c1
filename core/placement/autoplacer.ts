/**
 * The autoplacer: filter -> rate -> select, as LINSTOR's Autoplacer, over a plain snapshot.
 * Pure and synchronous: no I/O, no clock, no randomness; ties are broken by names.
 */
import { ApiError } from '../model/errors.js';
import { nameKey } from '../model/names.js';
import type { AutoSelectFilter, ProviderKind } from '../model/types.js';
import { indexCluster, type ClusterIndex, type NodeEntry } from './cluster-index.js';
import { buildConstraints } from './constraints.js';
import { notEnoughNodes } from './explain.js';
import { filterStoragePools } from './filter.js';
import { selectReplicas, type Rated } from './selector.js';
import { rateCandidates, readWeights } from './strategies.js';
import { occupiedSpaces, onePerSharedSpace } from './shared-space.js';
import type { DisklessChoice, PlacementCluster, PlacementNode, PlacementRequest, PlacementResult } from './types.js';
import { DFLT_DISKLESS_STOR_POOL } from '../model/defaults.js';


function checkCount(name: string, v: number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || v < 0) {
    throw new ApiError('FAIL_INVLD_PLACE_COUNT', `The ${name} '${String(v)}' is invalid.`, {
      correction: `Give the ${name} as a whole number of at least 1.`,
    });
  }
  return v;
}

/**
 * How many diskful replicas to add (LINSTOR SelectionManager.getReplicaCount): place_count
 * tops up to that many; when already reached, additional_place_count (`--auto-place +N`) adds.
 */
export function replicasToAdd(filter: AutoSelectFilter, existingDiskful: number): number {
  const place = checkCount('place count', filter.place_count);
  const additional = checkCount('additional place count', filter.additional_place_count);
  if (place !== undefined && place > existingDiskful) return place - existingDiskful;
  return additional && additional > 0 ? additional : 0;
}

interface Existing {
  nodeName: string;
  diskful: boolean;
  counts: boolean;
  kind?: ProviderKind;
}

function existingReplicas(idx: ClusterIndex, req: PlacementRequest): Existing[] {
  const live = (n: string): boolean => {
    const node = idx.nodes.get(nameKey(n))?.node;
    return !node?.evacuating && !node?.deleting;
  };
  if (req.existing) return req.existing.map((e) => ({ ...e, counts: e.diskful && live(e.nodeName) }));
  const kindOf = (node: string, pool: string | undefined): ProviderKind | undefined =>
    pool === undefined ? undefined : idx.nodes.get(nameKey(node))?.diskful.find((p) => nameKey(p.pool.name) === nameKey(pool))?.pool.providerKind;
  return idx.replicasOf(nameKey(req.resourceName))
    .filter((r) => !r.deleting)
    .map((r) => ({
      nodeName: r.nodeName,
      diskful: r.kind === 'DISKFUL',
      counts: r.kind === 'DISKFUL' && !r.evacuating && live(r.nodeName),
      kind: r.kind === 'DISKFUL' ? kindOf(r.nodeName, r.storagePool) : undefined,
    }));
}

function disklessPoolFor(entry: NodeEntry, wanted: string[]): string {
  const diskless = entry.diskless;
  for (const w of [...wanted, DFLT_DISKLESS_STOR_POOL]) {
    const hit = diskless.find((p) => nameKey(p.name) === nameKey(w));
    if (hit) return hit.name;
  }
  return diskless.map((p) => p.name).sort()[0] ?? DFLT_DISKLESS_STOR_POOL;
}

function disklessOnRemaining(idx: ClusterIndex, req: PlacementRequest, taken: Set<string>): DisklessChoice[] {
  const out: DisklessChoice[] = [];
  for (const e of idx.sortedNodes) {
    const node = e.node;
    if (taken.has(e.key) || !node.online || node.evacuating || node.deleting) continue;
    out.push({ nodeName: node.name, storagePool: disklessPoolFor(e, req.filter.storage_pool_diskless_list ?? []) });
  }
  return out;
}

export function autoplace(cluster: PlacementCluster, req: PlacementRequest): PlacementResult {
  const idx = indexCluster(cluster);
  const filter = req.filter;
  const sizeKib = req.volumeSizesKib.reduce((a, b) => a + b, 0);
  const existing = existingReplicas(idx, req);
  const counted = existing.filter((e) => e.counts);
  const need = replicasToAdd(filter, counted.length);
  const existingNodes = counted.map((e) => idx.nodes.get(nameKey(e.nodeName))?.node).filter((n): n is PlacementNode => n !== undefined);
  const constraints = buildConstraints(filter, existingNodes);
  const taken = new Set(existing.map((e) => nameKey(e.nodeName)));
  const allowMixing = req.allowStoragePoolMixing ?? false;

  let diskful: Rated[] = [];
  if (need > 0) {
    const { candidates, vetoes } = filterStoragePools(idx, {
      filter, sizeKib, constraints, occupied: taken, resourceName: req.resourceName, ctrlProps: cluster.controllerProps,
    });
    rateCandidates(candidates, cluster.controllerProps, readWeights(cluster.controllerProps));
    const spaces = occupiedSpaces(cluster.storagePools, idx.replicasOf(nameKey(req.resourceName)).filter((r) => !r.deleting && r.kind === 'DISKFUL'));
    const rated: Rated[] = onePerSharedSpace(candidates, spaces);
    const existingKinds = new Set(counted.map((e) => e.kind).filter((k): k is ProviderKind => k !== undefined));
    const pick = selectReplicas(rated, need, constraints, { allowMixing, existingKinds });
    if (!pick) {
      throw notEnoughNodes({ resourceName: req.resourceName, need, sizeKib, vetoes, qualifying: rated, constraints, filter, allowMixing });
    }
    diskful = pick;
  }
  for (const r of diskful) taken.add(nameKey(r.node.name));
  return {
    requested: need,
    diskful: diskful.map((r) => ({ nodeName: r.node.name, storagePool: r.pool.name, providerKind: r.pool.providerKind, score: r.score })),
    disklessOnRemaining: filter.diskless_on_remaining ? disklessOnRemaining(idx, req, taken) : [],
  };
}
