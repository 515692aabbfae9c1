/**
 * golinstor's response structs (LINBIT/golinstor client/{node,resource,resourcedefinition,
 * resourcegroup,keyvaluestore,client}.go), written down as Go types, and a checker that fails
 * where Go's encoding/json would: a string where an int32 is declared, a fraction in an int64,
 * an int64 out of range (ret_code must be the signed form), a negative uint64, an unknown
 * layer `type` in the OneOf layer data. Unknown fields are ignored, as Go does.
 */

export type GoType =
  | 'string' | 'bool' | 'int32' | 'int64' | 'uint64' | 'float64'
  | { slice: GoType } | { map: GoType } | { struct: string } | { oneOfLayer: 'volume' | 'rscdfn' | 'vlmdfn' };

const S = (name: string): GoType => ({ struct: name });
const slice = (t: GoType): GoType => ({ slice: t });
const map = (t: GoType): GoType => ({ map: t });
const strMap = map('string');

export const STRUCTS: Record<string, Record<string, GoType>> = {
  ApiCallRc: { ret_code: 'int64', message: 'string', cause: 'string', details: 'string', correction: 'string', error_report_ids: slice('string'), obj_refs: strMap },
  Node: {
    name: 'string', type: 'string', flags: slice('string'), props: strMap, net_interfaces: slice(S('NetInterface')),
    connection_status: 'string', uuid: 'string', storage_providers: slice('string'), resource_layers: slice('string'),
    unsupported_providers: map(slice('string')), unsupported_layers: map(slice('string')), eviction_timestamp: 'int64',
  },
  NetInterface: { name: 'string', address: 'string', satellite_port: 'int32', satellite_encryption_type: 'string', is_active: 'bool', uuid: 'string' },
  StoragePool: {
    storage_pool_name: 'string', node_name: 'string', provider_kind: 'string', props: strMap, static_traits: strMap,
    free_capacity: 'int64', total_capacity: 'int64', free_space_mgr_name: 'string', uuid: 'string', reports: slice(S('ApiCallRc')),
    supports_snapshots: 'bool', shared_space: 'string', external_locking: 'bool',
  },
  ResourceDefinition: {
    name: 'string', external_name: 'string', props: strMap, flags: slice('string'), layer_data: slice({ oneOfLayer: 'rscdfn' }),
    uuid: 'string', resource_group_name: 'string', volume_definitions: slice(S('VolumeDefinition')),
  },
  DrbdResourceDefinitionLayer: { resource_name_suffix: 'string', peer_slots: 'int32', al_stripes: 'int64', port: 'int32', transport_type: 'string', secret: 'string', down: 'bool' },
  VolumeDefinition: { volume_number: 'int32', size_kib: 'uint64', props: strMap, flags: slice('string'), layer_data: slice({ oneOfLayer: 'vlmdfn' }), uuid: 'string' },
  DrbdVolumeDefinition: { resource_name_suffix: 'string', volume_number: 'int32', minor_number: 'int32' },
  ResourceGroup: { name: 'string', description: 'string', props: strMap, select_filter: S('AutoSelectFilter'), uuid: 'string' },
  AutoSelectFilter: {
    place_count: 'int32', additional_place_count: 'int32', node_name_list: slice('string'), storage_pool: 'string',
    storage_pool_list: slice('string'), storage_pool_diskless_list: slice('string'), not_place_with_rsc: slice('string'),
    not_place_with_rsc_regex: 'string', replicas_on_same: slice('string'), replicas_on_different: slice('string'),
    layer_stack: slice('string'), provider_list: slice('string'), diskless_on_remaining: 'bool', diskless_type: 'string',
  },
  VolumeGroup: { volume_number: 'int32', props: strMap, uuid: 'string', flags: slice('string') },
  Resource: {
    name: 'string', node_name: 'string', props: strMap, flags: slice('string'), layer_object: S('ResourceLayer'),
    state: S('ResourceState'), uuid: 'string', create_timestamp: 'int64',
  },
  ResourceWithVolumes: {
    name: 'string', node_name: 'string', props: strMap, flags: slice('string'), layer_object: S('ResourceLayer'),
    state: S('ResourceState'), uuid: 'string', create_timestamp: 'int64', volumes: slice(S('Volume')), shared_name: 'string',
  },
  ResourceState: { in_use: 'bool' },
  ResourceLayer: {
    children: slice(S('ResourceLayer')), resource_name_suffix: 'string', type: 'string', drbd: S('DrbdResource'),
    luks: S('LuksResource'), storage: S('StorageResource'), nvme: S('NvmeResource'), writecache: S('WritecacheResource'), cache: S('CacheResource'),
  },
  DrbdResource: {
    drbd_resource_definition: S('DrbdResourceDefinitionLayer'), node_id: 'int32', peer_slots: 'int32', al_stripes: 'int32', al_size: 'int64',
    flags: slice('string'), drbd_volumes: slice(S('DrbdVolume')), connections: map(S('DrbdConnection')), promotion_score: 'int32', may_promote: 'bool',
  },
  DrbdConnection: { connected: 'bool', message: 'string' },
  DrbdVolume: {
    drbd_volume_definition: S('DrbdVolumeDefinition'), device_path: 'string', backing_device: 'string', meta_disk: 'string',
    allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string', ext_meta_stor_pool: 'string',
  },
  LuksResource: { storage_volumes: slice(S('LuksVolume')) },
  LuksVolume: { volume_number: 'int32', device_path: 'string', backing_device: 'string', allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string', opened: 'bool' },
  StorageResource: { storage_volumes: slice(S('StorageVolume')) },
  StorageVolume: { volume_number: 'int32', device_path: 'string', allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string' },
  NvmeResource: { nvme_volumes: slice(S('NvmeVolume')) },
  NvmeVolume: { volume_number: 'int32', device_path: 'string', backing_device: 'string', allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string' },
  WritecacheResource: { writecache_volumes: slice(S('WritecacheVolume')) },
  WritecacheVolume: { volume_number: 'int32', device_path: 'string', device_path_cache: 'string', allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string' },
  CacheResource: { cache_volumes: slice(S('CacheVolume')) },
  CacheVolume: { volume_number: 'int32', device_path: 'string', device_path_cache: 'string', device_meta_cache: 'string', allocated_size_kib: 'int64', usable_size_kib: 'int64', disk_state: 'string' },
  Volume: {
    volume_number: 'int32', storage_pool_name: 'string', provider_kind: 'string', device_path: 'string', allocated_size_kib: 'int64',
    usable_size_kib: 'int64', props: strMap, flags: slice('string'), state: S('VolumeState'), layer_data_list: slice({ oneOfLayer: 'volume' }),
    uuid: 'string', reports: slice(S('ApiCallRc')),
  },
  VolumeState: { disk_state: 'string' },
  Snapshot: {
    name: 'string', resource_name: 'string', nodes: slice('string'), props: strMap, flags: slice('string'),
    volume_definitions: slice(S('SnapshotVolumeDefinition')), uuid: 'string', snapshots: slice(S('SnapshotNode')),
  },
  SnapshotNode: { snapshot_name: 'string', node_name: 'string', create_timestamp: 'int64', flags: slice('string'), uuid: 'string' },
  SnapshotVolumeDefinition: { volume_number: 'int32', size_kib: 'uint64' },
  KV: { name: 'string', props: strMap },
  ControllerVersion: { version: 'string', git_hash: 'string', build_time: 'string', rest_api_version: 'string' },
};

/** golinstor's VolumeLayer / ResourceDefinitionLayer / VolumeDefinitionLayer UnmarshalJSON switches. */
const LAYER_DATA: Record<'volume' | 'rscdfn' | 'vlmdfn', Record<string, string | null>> = {
  volume: { DRBD: 'DrbdVolume', LUKS: 'LuksVolume', STORAGE: 'StorageVolume', NVME: 'NvmeVolume', WRITECACHE: 'WritecacheVolume', CACHE: 'CacheVolume', OPENFLEX: null, EXOS: null },
  rscdfn: { DRBD: 'DrbdResourceDefinitionLayer', OPENFLEX: null, LUKS: null, STORAGE: null, NVME: null, WRITECACHE: null, CACHE: null, EXOS: null },
  vlmdfn: { DRBD: 'DrbdVolumeDefinition', LUKS: null, STORAGE: null, NVME: null, WRITECACHE: null, OPENFLEX: null, CACHE: null, EXOS: null },
};

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** The errors Go's json.Unmarshal would report for `value` into `type` (empty list: it decodes). */
export function goUnmarshalErrors(value: unknown, type: GoType, at = '$'): string[] {
  if (value === null) return []; // null leaves Go's zero value
  if (typeof type === 'string') {
    switch (type) {
      case 'string': return typeof value === 'string' ? [] : [`${at}: ${JSON.stringify(value)} is not a Go string`];
      case 'bool': return typeof value === 'boolean' ? [] : [`${at}: ${JSON.stringify(value)} is not a Go bool`];
      case 'float64': return typeof value === 'number' ? [] : [`${at}: ${String(value)} is not a number`];
      default: {
        if (typeof value !== 'number' && typeof value !== 'bigint') return [`${at}: ${JSON.stringify(value)} cannot unmarshal into ${type}`];
        if (typeof value === 'number' && !Number.isInteger(value)) return [`${at}: ${value} has a fraction, cannot unmarshal into ${type}`];
        const v = BigInt(value);
        const [lo, hi] = INT_RANGE[type]!;
        return v < lo || v > hi ? [`${at}: ${v} overflows ${type}`] : [];
      }
    }
  }
  if ('slice' in type) {
    if (!Array.isArray(value)) return [`${at}: not an array (Go slice)`];
    return value.flatMap((v, i) => goUnmarshalErrors(v, type.slice, `${at}[${i}]`));
  }
  if ('map' in type) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object (Go map)`];
    return Object.entries(value as object).flatMap(([k, v]) => goUnmarshalErrors(v, type.map, `${at}.${k}`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object (Go struct)`];
  if ('oneOfLayer' in type) {
    const o = value as { type?: unknown; data?: unknown };
    const kinds = LAYER_DATA[type.oneOfLayer];
    if (typeof o.type !== 'string' || !(o.type in kinds)) return [`${at}.type: '${String(o.type)}' is not a valid type to Unmarshal`];
    const data = kinds[o.type];
    return data && o.data !== undefined ? goUnmarshalErrors(o.data, S(data), `${at}.data`) : [];
  }
  const fields = STRUCTS[type.struct];
  if (!fields) throw new Error(`no Go struct ${type.struct}`);
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (k in fields ? goUnmarshalErrors(v, fields[k]!, `${at}.${k}`) : []));
}

export const goStruct = S;
export const goSlice = slice;
