/**
 * `-m --output-version v0`: the pre-REST machine-readable shapes python-linstor still produces
 * (responses.py `data_v0`): lists wrapped in named objects (`{"nodes": [...]}`), props as
 * `[{key, value}]`, renamed fields. Replies without a v0 form print their REST data as is.
 */
type Obj = Record<string, any>;

export type ReplyKind = 'apicallrc' | 'nodes' | 'storage-pools' | 'resource-definitions' | 'resources' | 'snapshots'
  | 'resource-connections' | 'storage-pool-definitions' | 'error-reports' | 'raw';

const kv = (props: Obj | undefined): Array<{ key: string; value: unknown }> => Object.entries(props ?? {}).map(([key, value]) => ({ key, value }));

const CONNECTION_STATUS: Record<string, number> = {
  OFFLINE: 0, CONNECTED: 1, ONLINE: 2, VERSION_MISMATCH: 3, FULL_SYNC_FAILED: 4, AUTHENTICATION_ERROR: 5, UNKNOWN: 6,
  HOSTNAME_MISMATCH: 7, OTHER_CONTROLLER: 8, AUTHENTICATED: 9, NO_STLT_CONN: 10, MISSING_EXT_TOOLS: 11, DUPLICATE_UNAME: 12,
};

const DRIVER_KIND: Record<string, string> = {
  DISKLESS: 'DisklessDriver', LVM: 'LvmDriver', LVM_THIN: 'LvmThinDriver', ZFS: 'ZfsDriver', ZFS_THIN: 'ZfsThinDriver', SPDK: 'SpdkDriver',
};

function rc(r: Obj): Obj {
  const d: Obj = { ret_code: r.ret_code, message: r.message };
  if (r.cause) d.cause = r.cause;
  if (r.correction) d.correction = r.correction;
  if (r.details) d.details = r.details;
  if (r.obj_refs && Object.keys(r.obj_refs).length) d.object_refs = kv(r.obj_refs);
  if (r.error_report_ids?.length) d.error_report_ids = r.error_report_ids;
  return d;
}

function node(n: Obj): Obj {
  return {
    ...n,
    props: kv(n.props),
    connection_status: CONNECTION_STATUS[n.connection_status ?? 'UNKNOWN'] ?? 6,
    net_interfaces: (n.net_interfaces ?? []).map((i: Obj) => ({
      address: i.address, name: i.name, stlt_port: i.satellite_port ?? null, stlt_encryption_type: i.satellite_encryption_type ?? null,
    })),
  };
}

function storagePool(p: Obj): Obj {
  const d: Obj = { stor_pool_uuid: p.uuid ?? null, stor_pool_name: p.storage_pool_name, node_name: p.node_name, free_space_mgr_name: p.free_space_mgr_name ?? null };
  if ('free_capacity' in p) d.free_space = { stor_pool_name: p.storage_pool_name, free_capacity: p.free_capacity, total_capacity: p.total_capacity ?? null };
  d.driver = DRIVER_KIND[p.provider_kind] ?? '';
  d.static_traits = kv(p.static_traits);
  if (p.props && Object.keys(p.props).length) d.props = kv(p.props);
  return d;
}

const drbdLayer = (o: Obj): Obj | undefined => (o.layer_data ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data;

function volumeDefinition(v: Obj): Obj {
  const d: Obj = { vlm_nr: v.volume_number, vlm_size: v.size_kib, vlm_dfn_uuid: v.uuid ?? null };
  if (v.flags?.length) d.vlm_flags = v.flags;
  if (v.props && Object.keys(v.props).length) d.vlm_props = kv(v.props);
  const drbd = drbdLayer(v);
  if (drbd) d.vlm_minor = drbd.minor_number;
  return d;
}

function resourceDefinition(r: Obj): Obj {
  const d: Obj = { rsc_name: r.name, rsc_dfn_uuid: r.uuid ?? null, vlm_dfns: (r.volume_definitions ?? []).map(volumeDefinition) };
  if (r.flags?.length) d.rsc_dfn_flags = r.flags;
  if (r.props && Object.keys(r.props).length) d.rsc_dfn_props = kv(r.props);
  const drbd = drbdLayer(r);
  if (drbd) { d.rsc_dfn_port = drbd.port; d.rsc_dfn_secret = drbd.secret; }
  return d;
}

function volume(v: Obj): Obj {
  const d: Obj = { stor_pool_name: v.storage_pool_name ?? null, vlm_nr: v.volume_number, vlm_uuid: v.uuid ?? null, device_path: v.device_path ?? null };
  const drbd = (v.layer_data_list ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data;
  if (drbd) {
    d.vlm_minor_nr = drbd.drbd_volume_definition?.minor_number;
    if (drbd.backing_device) d.backing_disk = drbd.backing_device;
    d.meta_disk = drbd.meta_disk ?? '';
    if (drbd.allocated_size_kib) d.allocated = v.allocated_size_kib ?? null;
  }
  return d;
}

function resources(list: Obj[]): Obj {
  return {
    resource_states: list.map((x) => {
      const s: Obj = { rsc_name: x.name, node_name: x.node_name };
      if (x.state?.in_use !== undefined && x.state?.in_use !== null) s.in_use = x.state.in_use;
      const vs = (x.volumes ?? []).map((y: Obj) => ({ vlm_nr: y.volume_number, disk_state: y.state?.disk_state ?? null }));
      if (vs.length) s.vlm_states = vs;
      return s;
    }),
    resources: list.map((r) => ({
      name: r.name, uuid: r.uuid ?? null, node_name: r.node_name, rsc_flags: r.flags ?? [], props: kv(r.props), vlms: (r.volumes ?? []).map(volume),
    })),
  };
}

function snapshot(s: Obj): Obj {
  return {
    rsc_name: s.resource_name, snapshot_name: s.name, uuid: s.uuid ?? null, snapshot_dfn_flags: s.flags ?? [],
    snapshots: (s.nodes ?? []).map((n: string) => ({ node_name: n })),
    snapshot_vlm_dfns: (s.volume_definitions ?? []).map((v: Obj) => ({ vlm_nr: v.volume_number, vlm_size: v.size_kib })),
  };
}

function connection(c: Obj): Obj {
  const d: Obj = { node_name_1: c.node_a, node_name_2: c.node_b };
  if (c.flags?.length) d.flags = c.flags;
  if (c.props && Object.keys(c.props).length) d.props = kv(c.props);
  if (c.port !== undefined && c.port !== null) d.port = c.port;
  return d;
}

export function toV0(kind: ReplyKind, data: any): unknown {
  const list = (Array.isArray(data) ? data : []) as Obj[];
  switch (kind) {
    case 'apicallrc': return rc(data as Obj);
    case 'nodes': return { nodes: list.map(node) };
    case 'storage-pools': return { stor_pools: list.map(storagePool) };
    case 'resource-definitions': return { rsc_dfns: list.map(resourceDefinition) };
    case 'resources': return resources(list);
    case 'snapshots': return list.length ? { snapshot_dfns: list.map(snapshot) } : {};
    case 'resource-connections': return list.length ? { rsc_connections: list.map(connection) } : {};
    case 'storage-pool-definitions': return list.length ? { stor_pool_dfns: list.map((p) => ({ stor_pool_name: p.storage_pool_name, ...(p.props && Object.keys(p.props).length ? { props: kv(p.props) } : {}) })) } : {};
    case 'error-reports': return list.map((e) => { const { node_name, ...rest } = e; return { ...rest, node_names: node_name }; });
    default: return data;
  }
}
