/**
 * The autoplacer's inputs and outputs. The controller builds a plain PlacementCluster snapshot
 * from its in-memory state; the autoplacer never reaches into the controller or the store, so
 * it stays pure, synchronous and deterministic (same snapshot + request => same answer).
 */
import type { AutoSelectFilter, ProviderKind, Props } from '../model/types.js';

export interface PlacementNode {
  name: string;
  /** Node props, including Aux/* (replicas-on-same/different look here) and AutoplaceTarget. */
  props: Props;
  /** The satellite is connected; offline nodes are never targets. */
  online: boolean;
  /** `node evacuate` in progress: never a target, its replicas do not count. */
  evacuating?: boolean;
  /** Node is being deleted. */
  deleting?: boolean;
  /** Layers the satellite reported as usable (DRBD, LUKS, STORAGE, ...). Absent = no restriction. */
  supportedLayers?: string[];
  /** Providers the satellite reported as usable. Absent = no restriction. */
  supportedProviders?: string[];
}

export interface PlacementStoragePool {
  name: string;
  nodeName: string;
  providerKind: ProviderKind;
  /** Last reported free capacity in KiB; absent = not reported yet (pool is not usable). */
  freeKib?: number;
  /** Last reported total capacity in KiB. */
  totalKib?: number;
  /** Pool props, incl. MaxOversubscriptionRatio, Max{Free,Total}CapacityOversubscriptionRatio, AutoplaceTarget. */
  props: Props;
  /** Props of the storage pool definition (second level for the ratio props). */
  definitionProps?: Props;
  /** Sum of the sizes (KiB) of the volumes already placed in this pool. */
  reservedKib: number;
  /**
   * Live (not deleting) resources whose volumes are in this pool (MinRscCount strategy), when
   * the caller counted them (with `replicasOf`); otherwise counted from `resources`.
   */
  rscCount?: number;
  /** Sum of sys/fs/blkio_throttle_read+write of the volumes in this pool (MaxThroughput strategy). */
  usedThroughput?: number;
  /**
   * Shared storage pool (`--shared-space`): pools of several nodes on one backing store (an LVM
   * volume group under lvmlockd) form one free-space manager: one replica per shared space,
   * and `reservedKib` counts the volumes of all of them.
   */
  sharedSpace?: string;
}

export type PlacementResourceKind = 'DISKFUL' | 'DISKLESS' | 'TIE_BREAKER';

export interface PlacementResource {
  /** Resource definition name. */
  name: string;
  nodeName: string;
  /** Storage pool of the resource's volumes (diskful ones); diskless use their diskless pool. */
  storagePool?: string;
  kind: PlacementResourceKind;
  /** Being deleted: does not block do-not-place-with and does not count as a replica. */
  deleting?: boolean;
  /** Resource flagged EVACUATE/EVICTED: does not count as a replica. */
  evacuating?: boolean;
}

export interface PlacementCluster {
  nodes: PlacementNode[];
  storagePools: PlacementStoragePool[];
  resources: PlacementResource[];
  /**
   * The replicas of one resource definition, when the caller keeps them indexed: then
   * `resources` is read only for do-not-place-with, and pools carry their `rscCount`.
   */
  replicasOf?: (resourceName: string) => PlacementResource[];
  /** Controller props: Autoplacer/Weights/*, AutoplaceTarget, the ratio props. */
  controllerProps: Props;
}

export interface PlacementRequest {
  /** Resource definition name being placed. */
  resourceName: string;
  filter: AutoSelectFilter;
  /** Volume sizes in KiB; the pool must hold their sum. */
  volumeSizesKib: number[];
  /**
   * Replicas the resource already has. Default: taken from cluster.resources by resourceName.
   * Give it explicitly when the controller knows better (e.g. make-available mid-transaction).
   */
  existing?: { nodeName: string; diskful: boolean }[];
  /** AllowMixingStoragePoolDriver: diskful replicas may use different provider kinds. */
  allowStoragePoolMixing?: boolean;
}

export interface PlacementChoice {
  nodeName: string;
  storagePool: string;
  providerKind: ProviderKind;
  score: number;
}

export interface DisklessChoice {
  nodeName: string;
  storagePool: string;
}

export interface PlacementResult {
  /** Diskful replicas to create, best score first. Empty when the resource already has enough. */
  diskful: PlacementChoice[];
  /** Nodes that get a diskless replica because of diskless_on_remaining. */
  disklessOnRemaining: DisklessChoice[];
  /** How many diskful replicas the request asked for beyond the existing ones. */
  requested: number;
}

export const STRATEGIES = ['MaxFreeSpace', 'MinReservedSpace', 'MinRscCount', 'MaxThroughput'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
export type Weights = Record<StrategyName, number>;
