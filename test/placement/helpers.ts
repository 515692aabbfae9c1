/** Small builders for placement snapshots, so scenarios read like a cluster description. */
import type { ProviderKind, Props } from '../../core/model/types.js';
import type { PlacementCluster, PlacementResource, PlacementStoragePool } from '../../core/placement/types.js';

export const GiB = 1024 * 1024;

export interface PoolSpec {
  name?: string;
  kind?: ProviderKind;
  freeGiB?: number;
  totalGiB?: number;
  props?: Props;
  reservedGiB?: number;
  /** `--shared-space`: pools of one space are one free-space manager. */
  sharedSpace?: string;
}

export interface NodeSpec {
  name: string;
  props?: Props;
  online?: boolean;
  evacuating?: boolean;
  layers?: string[];
  pools?: PoolSpec[];
}

/** Every node gets a diskless pool and, unless given, one 100 GiB LVM pool "pool1". */
export function cluster(nodes: NodeSpec[], resources: PlacementResource[] = [], controllerProps: Props = {}): PlacementCluster {
  const storagePools: PlacementStoragePool[] = [];
  for (const n of nodes) {
    for (const p of n.pools ?? [{}]) {
      storagePools.push({
        name: p.name ?? 'pool1',
        nodeName: n.name,
        providerKind: p.kind ?? 'LVM',
        freeKib: (p.freeGiB ?? 100) * GiB,
        totalKib: (p.totalGiB ?? Math.max(100, p.freeGiB ?? 100)) * GiB,
        props: p.props ?? {},
        reservedKib: (p.reservedGiB ?? 0) * GiB,
        ...(p.sharedSpace ? { sharedSpace: p.sharedSpace } : {}),
      });
    }
    storagePools.push({ name: 'DfltDisklessStorPool', nodeName: n.name, providerKind: 'DISKLESS', props: {}, reservedKib: 0 });
  }
  return {
    nodes: nodes.map((n) => ({
      name: n.name,
      props: n.props ?? {},
      online: n.online ?? true,
      evacuating: n.evacuating,
      supportedLayers: n.layers,
    })),
    storagePools,
    resources,
    controllerProps,
  };
}

export function names(list: { nodeName: string }[]): string[] {
  return list.map((c) => c.nodeName).sort();
}
