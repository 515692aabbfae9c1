/**
 * Wire types of the LINSTOR REST API v1, named after the OpenAPI schemas
 * (specs/linstor-rest-v1-openapi.yaml). Field names are the JSON ones; sizes are KiB.
 * Everything the server may omit (Jackson NON_EMPTY) is optional.
 */
import type { ApiCallRc } from '../model/apicallrc.js';
import type { AutoSelectFilter } from '../model/types.js';

export type { ApiCallRc, AutoSelectFilter };
export type ApiCallRcList = ApiCallRc[];
export type Properties = Record<string, string>;

export interface PropsModify {
  override_props?: Properties;
  delete_props?: string[];
  delete_namespaces?: string[];
}

export interface NetInterface {
  name: string;
  address: string;
  satellite_port?: number;
  satellite_encryption_type?: string;
  is_active?: boolean;
  uuid?: string;
}

export interface Node {
  name: string;
  type: string;
  flags?: string[];
  props?: Properties;
  net_interfaces?: NetInterface[];
  connection_status?: string;
  uuid?: string;
  storage_providers?: string[];
  resource_layers?: string[];
  unsupported_providers?: Record<string, string[]>;
  unsupported_layers?: Record<string, string[]>;
  eviction_timestamp?: number;
}
export interface NodeModify extends PropsModify { node_type?: string }

export interface StoragePoolDefinition { storage_pool_name: string; props?: Properties; uuid?: string }

export interface StoragePool {
  storage_pool_name: string;
  node_name?: string;
  provider_kind: string;
  props?: Properties;
  static_traits?: Properties;
  free_capacity?: number;
  total_capacity?: number;
  free_space_mgr_name?: string;
  uuid?: string;
  reports?: ApiCallRc[];
  supports_snapshots?: boolean;
  shared_space?: string;
  external_locking?: boolean;
}

export interface ResourceGroup {
  name: string;
  description?: string;
  props?: Properties;
  select_filter?: AutoSelectFilter;
  uuid?: string;
  peer_slots?: number;
}
export interface ResourceGroupModify extends PropsModify {
  description?: string;
  select_filter?: AutoSelectFilter;
  peer_slots?: number;
}
export interface ResourceGroupSpawn {
  resource_definition_name: string;
  resource_definition_external_name?: string;
  volume_sizes?: number[];
  select_filter?: AutoSelectFilter;
  partial?: boolean;
  definitions_only?: boolean;
  peer_slots?: number;
  volume_passphrases?: string[];
  resource_definition_props?: Properties;
}

export interface VolumeGroup { volume_number?: number; props?: Properties; uuid?: string; flags?: string[] }
export interface VolumeGroupModify extends PropsModify { flags?: string[] }

export interface QuerySizeInfoRequest { select_filter?: AutoSelectFilter; ignore_cache_older_than_sec?: number }
export interface QuerySizeInfoSpawnResult {
  node_name: string;
  stor_pool_name: string;
  stor_pool_oversubscription_ratio?: number;
  stor_pool_free_capacity_oversubscription_ratio?: number;
  stor_pool_total_capacity_oversubscription_ratio?: number;
}
export interface QuerySizeInfoResponse {
  space_info?: {
    max_vlm_size_in_kib: number;
    available_size_in_kib?: number;
    capacity_in_kib?: number;
    default_max_oversubscription_ratio?: number;
    max_oversubscription_ratio?: number;
    max_free_capacity_oversubscription_ratio?: number;
    max_total_capacity_oversubscription_ratio?: number;
    next_spawn_result?: QuerySizeInfoSpawnResult[];
  };
  reports?: ApiCallRc[];
}
export interface QueryAllSizeInfoResponse { result?: Record<string, QuerySizeInfoResponse>; reports?: ApiCallRc[] }
export interface MaxVolumeSizes {
  candidates?: { storage_pool?: string; max_volume_size_kib?: number; node_names?: string[]; all_thin?: boolean }[];
  default_max_oversubscription_ratio?: number;
}

export interface LayerData<T = Record<string, unknown>> { type: string; data?: T }

export interface VolumeDefinition {
  volume_number?: number;
  size_kib: number;
  props?: Properties;
  flags?: string[];
  layer_data?: LayerData<{ resource_name_suffix?: string; volume_number?: number; minor_number?: number }>[];
  uuid?: string;
}
export interface VolumeDefinitionCreate { volume_definition: VolumeDefinition; drbd_minor_number?: number; passphrase?: string }
export interface VolumeDefinitionModify extends PropsModify { size_kib?: number; flags?: string[] }

export interface ResourceDefinition {
  name?: string;
  external_name?: string;
  props?: Properties;
  flags?: string[];
  layer_data?: LayerData<{ port?: number; peer_slots?: number; secret?: string; transport_type?: string; resource_name_suffix?: string }>[];
  uuid?: string;
  resource_group_name?: string;
  volume_definitions?: VolumeDefinition[];
}
export interface ResourceDefinitionCreate {
  resource_definition: ResourceDefinition;
  drbd_port?: number;
  drbd_secret?: string;
  drbd_peer_slots?: number;
  drbd_transport_type?: string;
}
export interface ResourceDefinitionModify extends PropsModify {
  drbd_port?: number;
  drbd_peer_slots?: number;
  layer_stack?: string[];
  resource_group?: string;
}
export interface ResourceDefinitionCloneRequest extends PropsModify {
  name?: string;
  external_name?: string;
  use_zfs_clone?: boolean;
  layer_list?: string[];
  volume_passphrases?: string[];
  resource_group?: string;
}
export interface ResourceDefinitionCloneStarted { location: string; source_name: string; clone_name: string; messages?: ApiCallRc[] }
export interface ResourceDefinitionCloneStatus { status: 'CLONING' | 'COMPLETE' | 'FAILED' }
export interface ResourceDefinitionSyncStatus { synced_on_all: boolean }

export interface DrbdConnection { connected?: boolean; message?: string }
export interface ResourceLayer {
  type: string;
  resource_name_suffix?: string;
  children?: ResourceLayer[];
  drbd?: {
    drbd_resource_definition?: { port?: number; peer_slots?: number; secret?: string; transport_type?: string };
    node_id?: number;
    tcp_ports?: number[];
    peer_slots?: number;
    flags?: string[];
    drbd_volumes?: { drbd_volume_definition?: { volume_number?: number; minor_number?: number }; device_path?: string; backing_device?: string; allocated_size_kib?: number; usable_size_kib?: number; disk_state?: string }[];
    connections?: Record<string, DrbdConnection>;
    promotion_score?: number;
    may_promote?: boolean;
  };
  storage?: { storage_volumes?: { volume_number?: number; device_path?: string; allocated_size_kib?: number; usable_size_kib?: number; disk_state?: string }[] };
  [layer: string]: unknown;
}

export interface Resource {
  name?: string;
  node_name?: string;
  props?: Properties;
  effective_props?: Record<string, { type?: string; value?: string; descr?: string; other?: unknown[] }>;
  flags?: string[];
  layer_object?: ResourceLayer;
  state?: { in_use?: boolean };
  uuid?: string;
  create_timestamp?: number;
}
export interface Volume {
  volume_number?: number;
  storage_pool_name?: string;
  provider_kind?: string;
  device_path?: string;
  allocated_size_kib?: number;
  usable_size_kib?: number;
  props?: Properties;
  flags?: string[];
  state?: { disk_state?: string; replication_states?: Record<string, { replication_state?: string; done_percentage?: number }> };
  layer_data_list?: LayerData[];
  uuid?: string;
  reports?: ApiCallRc[];
}
export interface ResourceWithVolumes extends Resource { volumes?: Volume[]; shared_name?: string }

export interface ResourceCreate {
  resource: Resource;
  layer_list?: string[];
  drbd_node_id?: number;
  drbd_tcp_port_count?: number;
  drbd_tcp_ports?: number[];
  snap_names?: string[];
  copy_all_snaps?: boolean;
  drbd_client?: boolean;
}
export interface ResourceModify extends PropsModify { drbd_tiebreaker?: boolean; drbd_client?: boolean }
export interface ResourceMakeAvailable { layer_list?: string[]; diskful?: boolean; drbd_tcp_ports?: number[]; snap_names?: string[]; copy_all_snaps?: boolean }
export interface ToggleDiskRequest {
  operation: 'INTO_DRBD_DISKFUL' | 'INTO_DRBD_CLIENT' | 'INTO_DRBD_DISKLESS';
  storage_pool?: string;
  migrate_from?: string;
  layer_list?: string[];
}
export interface AutoPlaceRequest {
  diskless_on_remaining?: boolean;
  select_filter: AutoSelectFilter;
  layer_list?: string[];
  snap_names?: string[];
  copy_all_snaps?: boolean;
}
export interface VolumeModify extends PropsModify {}

export interface SnapshotVolumeDefinition { volume_number?: number; size_kib?: number }
export interface SnapshotNode {
  snapshot_name?: string;
  node_name?: string;
  create_timestamp?: number;
  flags?: string[];
  uuid?: string;
}
export interface Snapshot {
  name?: string;
  resource_name?: string;
  nodes?: string[];
  props?: Properties;
  flags?: string[];
  volume_definitions?: SnapshotVolumeDefinition[];
  uuid?: string;
  snapshots?: SnapshotNode[];
}
export interface CreateMultiSnapshotRequest { snapshots: Snapshot[] }
export interface SnapshotRestore { to_resource: string; nodes?: string[]; stor_pool_rename?: Record<string, string> }
export interface SnapshotRollback { zfs_rollback_strategy?: 'rollback' | 'clone' | 'dynamic' }

export interface KeyValueStore { name?: string; props?: Properties }

export interface ControllerVersion { version?: string; git_hash?: string; build_time?: string; rest_api_version?: string }

export interface ErrorReport {
  node_name?: string;
  error_time: number;
  filename?: string;
  text?: string;
  module?: string;
  version?: string;
  peer?: string;
  exception?: string;
  exception_message?: string;
  origin_file?: string;
  origin_method?: string;
  origin_line?: number;
}
export interface ErrorReportDelete { since?: number; to?: number; exception?: string; version?: string; ids?: string[] }

/** Filters shared by list endpoints: repeated query params as python-linstor sends them. */
export interface ListQuery {
  nodes?: string[];
  storage_pools?: string[];
  resources?: string[];
  resource_definitions?: string[];
  resource_groups?: string[];
  props?: string[];
  offset?: number;
  limit?: number;
  cached?: boolean;
  with_volume_definitions?: boolean;
}
