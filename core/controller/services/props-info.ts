/**
 * The `properties/info` catalogue: which keys each object family knows, in the spec's
 * PropsInfo shape ({info, prop_type, value, dflt, unit}). A short, honest list of the keys
 * this controller really uses, not LINSTOR's full whitelist. Families are named as
 * LINSTOR's LinStorObject (the keys of /v1/controller/properties/info/all).
 */
export interface PropsInfo { info: string; prop_type: 'string' | 'regex' | 'range' | 'boolean' | 'long' | 'symbol' | 'numeric-or-symbol'; value?: string; dflt?: string; unit?: string }
export type PropsInfoMap = Record<string, PropsInfo>;

const POOL_NAME = '^[a-zA-Z0-9_][a-zA-Z0-9_-]{2,47}$';

const storPoolName: PropsInfo = { info: 'Name of the storage pool this object\'s volumes are placed in', prop_type: 'regex', value: POOL_NAME };
const oversub: PropsInfoMap = {
  MaxOversubscriptionRatio: { info: 'Maximum allowed ratio of the sum of volume sizes in a thin pool to the total capacity of the pool (default 20)', prop_type: 'range', value: '(1 - 1000)', dflt: '20' },
  MaxFreeCapacityOversubscriptionRatio: { info: 'Maximum oversubscription ratio relative to the free capacity of a thin pool', prop_type: 'range', value: '(1 - 1000)', dflt: '20' },
  MaxTotalCapacityOversubscriptionRatio: { info: 'Maximum oversubscription ratio relative to the total capacity of a thin pool', prop_type: 'range', value: '(1 - 1000)', dflt: '20' },
};
const drbd: PropsInfoMap = {
  'DrbdOptions/Net/protocol': { info: 'DRBD replication protocol', prop_type: 'symbol', value: 'A,B,C', dflt: 'C' },
  'DrbdOptions/Net/allow-two-primaries': { info: 'Allow both nodes to be primary at once (live migration)', prop_type: 'boolean', value: 'yes,no', dflt: 'no' },
  'DrbdOptions/Resource/quorum': { info: 'Quorum policy of the DRBD resource', prop_type: 'numeric-or-symbol', value: 'off,majority,all', dflt: 'off' },
  'DrbdOptions/Resource/on-no-quorum': { info: 'What DRBD does when quorum is lost', prop_type: 'symbol', value: 'io-error,suspend-io' },
  'DrbdOptions/auto-quorum': { info: 'Let the controller manage quorum settings', prop_type: 'symbol', value: 'io-error,suspend-io,disabled' },
  'DrbdOptions/ExactSize': { info: 'Create the DRBD device with exactly the requested size', prop_type: 'boolean', value: 'True,False', dflt: 'False' },
};
const fs: PropsInfoMap = {
  'FileSystem/Type': { info: 'File system created on new volumes', prop_type: 'symbol', value: 'ext4,xfs' },
  'FileSystem/MkfsParams': { info: 'Extra parameters for mkfs', prop_type: 'string' },
};
const aux: PropsInfoMap = { 'Aux/*': { info: 'Free-form user data; never interpreted by LINSTOR', prop_type: 'string' } };

const RESOURCE_DEFINITION: PropsInfoMap = { StorPoolName: storPoolName, PeerSlots: { info: 'DRBD peer slots reserved in the metadata', prop_type: 'range', value: '(1 - 31)', dflt: '7' }, ...drbd, ...fs, ...aux };
const VOLUME_DEFINITION: PropsInfoMap = { StorPoolName: storPoolName, 'DrbdOptions/Disk/discard-zeroes-if-aligned': { info: 'Assume discard zeroes aligned blocks', prop_type: 'boolean', value: 'yes,no' }, ...fs, ...aux };

export const PROPS_INFO: Record<string, PropsInfoMap> = {
  CONTROLLER: {
    ...RESOURCE_DEFINITION, ...oversub,
    TcpPortAutoRange: { info: 'Range of TCP ports for DRBD resources', prop_type: 'regex', value: '^\\d+-\\d+$', dflt: '7000-7999' },
    MinorNrAutoRange: { info: 'Range of DRBD minor numbers', prop_type: 'regex', value: '^\\d+-\\d+$', dflt: '1000-49999' },
    BalanceResourcesEnabled: { info: 'Periodically add or remove replicas to match the resource group\'s place count', prop_type: 'boolean', value: 'true,false', dflt: 'true' },
    LogLevel: { info: 'Log level of the controller', prop_type: 'symbol', value: 'ERROR,WARN,INFO,DEBUG,TRACE', dflt: 'INFO' },
  },
  NODE: {
    AutoplaceTarget: { info: 'If false, the autoplacer never places resources on this node', prop_type: 'boolean', value: 'true,false', dflt: 'true' },
    PrefNic: { info: 'Network interface used for DRBD traffic', prop_type: 'regex', value: '^[a-zA-Z0-9_][a-zA-Z0-9_-]{1,19}$' },
    'StorDriver/StorPoolName': { info: 'Default backing pool (VG, vg/thinpool, zpool) for storage pools on this node', prop_type: 'string' },
    Site: { info: 'Site of the node (replicas-on-same/different)', prop_type: 'string' },
    ...aux,
  },
  STORAGEPOOL: {
    'StorDriver/StorPoolName': { info: 'Backing pool: LVM volume group, vg/thinpool for LVM_THIN, zpool or dataset for ZFS', prop_type: 'string' },
    'StorDriver/FileDir': { info: 'Directory holding the backing files of FILE and FILE_THIN pools', prop_type: 'regex', value: '^/.*' },
    'StorDriver/LvcreateOptions': { info: 'Extra options for lvcreate', prop_type: 'string' },
    'StorDriver/ZfscreateOptions': { info: 'Extra options for zfs create', prop_type: 'string' },
    PrefNic: { info: 'Network interface used for this pool\'s NVMe traffic', prop_type: 'string' },
    ...oversub, ...aux,
  },
  STORAGEPOOL_DEFINITION: { ...oversub, ...aux },
  RESOURCE_DEFINITION,
  VOLUME_DEFINITION,
  RESOURCE: { StorPoolName: storPoolName, ...drbd, ...aux },
  VOLUME: { StorPoolName: storPoolName, ...aux },
  RSC_CONN: { ...drbd, ...aux },
  NODE_CONN: { ...drbd, ...aux },
  VOLUME_CONN: { ...aux },
  DRBD_PROXY: { 'DrbdProxy/CompressionType': { info: 'Compression used by DRBD proxy', prop_type: 'symbol', value: 'none,zlib,lzma,lz4,zstd' } },
};

/** Resource groups carry resource-definition props, volume groups volume-definition props (as in LINSTOR). */
export const PROPS_INFO_ALIASES: Record<string, string> = { RESOURCE_GROUP: 'RESOURCE_DEFINITION', VOLUME_GROUP: 'VOLUME_DEFINITION' };

export function propsInfo(family: string): PropsInfoMap {
  return PROPS_INFO[PROPS_INFO_ALIASES[family] ?? family] ?? {};
}
