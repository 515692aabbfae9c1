/**
 * Wire types of the LINSTOR REST API v1 for clients: the types generated from LINSTOR's
 * OpenAPI spec (core/api, `npm run gen`), re-exported, so server and clients share one
 * contract. Kept here: ApiCallRc with an exact bigint `ret_code` (the spec's int64 does not
 * fit a number), the common props-modify shape and the list query parameters.
 */
import type { ApiCallRc } from '../model/apicallrc.js';

export type { ApiCallRc };
/** The wire types of the spec, generated (core/api, `npm run gen`): one contract for server and clients. */
export type {
  AutoSelectFilter,
  NetInterface,
  Node,
  NodeModify,
  StoragePoolDefinition,
  StoragePool,
  ResourceGroup,
  ResourceGroupModify,
  ResourceGroupSpawn,
  VolumeGroup,
  VolumeGroupModify,
  QuerySizeInfoRequest,
  QuerySizeInfoSpawnResult,
  QuerySizeInfoResponse,
  QueryAllSizeInfoResponse,
  MaxVolumeSizes,
  VolumeDefinition,
  VolumeDefinitionCreate,
  VolumeDefinitionModify,
  ResourceDefinition,
  ResourceDefinitionCreate,
  ResourceDefinitionModify,
  ResourceDefinitionCloneRequest,
  ResourceDefinitionCloneStarted,
  ResourceDefinitionCloneStatus,
  ResourceDefinitionSyncStatus,
  DrbdConnection,
  ResourceLayer,
  Resource,
  Volume,
  ResourceWithVolumes,
  ResourceCreate,
  ResourceModify,
  ResourceMakeAvailable,
  ToggleDiskRequest,
  AutoPlaceRequest,
  VolumeModify,
  SnapshotVolumeDefinition,
  SnapshotNode,
  Snapshot,
  CreateMultiSnapshotRequest,
  SnapshotRestore,
  SnapshotRollback,
  KeyValueStore,
  ControllerVersion,
  ErrorReport,
  ErrorReportDelete,
} from '../api/generated/types.js';
export type ApiCallRcList = ApiCallRc[];
export type Properties = Record<string, string>;

export interface PropsModify {
  override_props?: Properties;
  delete_props?: string[];
  delete_namespaces?: string[];
}

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
