/**
 * The controller's objects. These are the persisted, desired-state shapes; what satellites
 * report (device paths, capacities, replication states) lives beside them in memory only.
 * Every `name` keeps the user's spelling; maps are keyed by nameKey(name).
 */
export type Props = Record<string, string>;

export type NodeType = 'CONTROLLER' | 'SATELLITE' | 'COMBINED' | 'AUXILIARY';
export const NODE_TYPES: readonly NodeType[] = ['CONTROLLER', 'SATELLITE', 'COMBINED', 'AUXILIARY'];

export type ProviderKind = 'DISKLESS' | 'LVM' | 'LVM_THIN' | 'ZFS' | 'ZFS_THIN' | 'FILE' | 'FILE_THIN';
export const PROVIDER_KINDS: readonly ProviderKind[] = ['DISKLESS', 'LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN', 'FILE', 'FILE_THIN'];

export type LayerKind = 'DRBD' | 'LUKS' | 'STORAGE' | 'NVME' | 'WRITECACHE' | 'CACHE' | 'BCACHE';
export const LAYER_KINDS: readonly LayerKind[] = ['DRBD', 'LUKS', 'STORAGE', 'NVME', 'WRITECACHE', 'CACHE', 'BCACHE'];

export interface NetInterface {
  name: string;
  address: string;
  satellitePort?: number;
  satelliteEncryptionType?: 'PLAIN' | 'SSL';
  uuid: string;
}

export interface Node {
  name: string;
  type: NodeType;
  flags: string[];
  props: Props;
  netInterfaces: NetInterface[];
  /** Name of the interface the controller uses to reach the satellite. */
  activeNetInterface?: string;
  uuid: string;
  evictionTimestamp?: number;
}

export interface StoragePoolDefinition {
  name: string;
  props: Props;
  uuid: string;
}

export interface StoragePool {
  name: string;
  nodeName: string;
  providerKind: ProviderKind;
  props: Props;
  /** Name of the free-space manager: `<node>;<pool>` unless shared. */
  freeSpaceMgrName?: string;
  externalLocking?: boolean;
  uuid: string;
}

export interface AutoSelectFilter {
  place_count?: number;
  additional_place_count?: number;
  node_name_list?: string[];
  storage_pool?: string;
  storage_pool_list?: string[];
  storage_pool_diskless_list?: string[];
  not_place_with_rsc?: string[];
  not_place_with_rsc_regex?: string;
  replicas_on_same?: string[];
  replicas_on_different?: string[];
  x_replicas_on_different_map?: Record<string, number>;
  layer_stack?: string[];
  provider_list?: string[];
  diskless_on_remaining?: boolean;
  diskless_type?: string;
  overprovision?: number;
  port_count?: number;
}

export interface ResourceGroup {
  name: string;
  description?: string;
  props: Props;
  selectFilter: AutoSelectFilter;
  peerSlots?: number;
  uuid: string;
}

export interface VolumeGroup {
  resourceGroup: string;
  volumeNumber: number;
  props: Props;
  flags: string[];
  uuid: string;
}

export interface VolumeDefinition {
  volumeNumber: number;
  sizeKib: number;
  props: Props;
  flags: string[];
  minorNumber?: number;
  uuid: string;
}

export interface ResourceDefinition {
  name: string;
  externalName?: string;
  resourceGroup: string;
  props: Props;
  flags: string[];
  layerStack: LayerKind[];
  drbd?: { port?: number; secret?: string; peerSlots?: number; transportType?: string; alStripes?: number; alStripeSizeKib?: number };
  volumeDefinitions: VolumeDefinition[];
  uuid: string;
}

export interface VolumeState {
  props: Props;
  flags: string[];
  /** Storage pool the volume was placed in when the resource was created (resolved once, kept). */
  storagePool?: string;
  /** DRBD minor on this node when the volume definition's minor is taken here (per-node numbers). */
  minorNumber?: number;
}

export interface Resource {
  name: string;
  nodeName: string;
  props: Props;
  flags: string[];
  /** Layers used on this node, top first (e.g. ['DRBD','STORAGE']). */
  layerStack: LayerKind[];
  drbdNodeId?: number;
  /** DRBD port on this node when the definition's port is taken here (per-node numbers). */
  drbdPort?: number;
  /** Per volume number: the volume's own props and flags. */
  volumes: Record<string, VolumeState>;
  createTimestamp: number;
  uuid: string;
}

export interface KeyValueStore {
  name: string;
  props: Props;
}

/** Props (and DRBD Proxy) of one resource's connection between two nodes; keyed with the pair sorted. */
export interface ResourceConnectionRow {
  resource: string;
  nodeA: string;
  nodeB: string;
  props: Props;
  /** LOCAL_DRBD_PROXY: the connection goes through DRBD Proxy (`drbd-proxy enable`, or DrbdProxy/AutoEnable). */
  flags?: string[];
  /** The connection's own TCP port (DRBD Proxy's), on both nodes. */
  port?: number;
}

export interface ErrorReport {
  id: string;
  nodeName: string;
  time: number;
  module: string;
  version: string;
  exception: string;
  exceptionMessage: string;
  originFile?: string;
  originMethod?: string;
  originLine?: number;
  text: string;
}
