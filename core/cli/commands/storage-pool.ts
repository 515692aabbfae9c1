/** `linstor storage-pool ...` as linstor-client has it: one create sub-command per provider, list, delete, properties. */
import { newTable, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { formatRc } from '../output.js';
import { list, obool, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { approxSize } from '../units.js';
import { isError, isWarning } from '../../model/apicallrc.js';
import { seg } from '../../client/http.js';
import type { ApiCallRc } from '../../client/types.js';
import { addShowPropColumns, auxOpt, filterOpt, fromFile, fromFileOpt, groupbyOpt, keyValueArgs, pastableOpt, propCells, propsFilterOpt, showPropsOpt, SUB } from './common.js';

type Obj = Record<string, any>;
export const SP_HEADERS = ['StoragePool', 'Node', 'Driver', 'PoolName', 'FreeCapacity', 'TotalCapacity', 'CanSnapshots', 'State', 'SharedName'];

/** python-linstor's storage_props_to_driver_pool. */
function poolName(sp: Obj): string {
  const p = sp.props ?? {};
  if ('StorDriver/StorPoolName' in p) return p['StorDriver/StorPoolName'];
  switch (sp.provider_kind) {
    case 'LVM': case 'SPDK': return p['StorDriver/LvmVg'] ?? '';
    case 'LVM_THIN': return `${p['StorDriver/LvmVg'] ?? ''}/${p['StorDriver/ThinPool'] ?? ''}`;
    case 'ZFS': return p['StorDriver/ZPool'] ?? '';
    case 'ZFS_THIN': return p['StorDriver/ZPoolThin'] ?? '';
    default: return '';
  }
}

/** linstor-client's get_replies_state. */
export function repliesState(reports: ApiCallRc[] | undefined): CellValue {
  const r = reports ?? [];
  if (r.some((x) => isError(x.ret_code))) return { text: 'Error', color: Color.RED };
  if (r.some((x) => isWarning(x.ret_code))) return { text: 'Warning', color: Color.YELLOW };
  return { text: 'Ok', color: Color.GREEN };
}

const pyBool = (b: boolean): string => (b ? 'True' : 'False');

function renderPools(ctx: Ctx, p: Parsed, pools: Obj[]): string {
  const t = newTable(ctx, p);
  for (const h of SP_HEADERS) t.addColumn(h, { right: h === 'FreeCapacity' || h === 'TotalCapacity' });
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['StoragePool']);
  const errors: ApiCallRc[] = [];
  for (const sp of pools) {
    const showCap = sp.provider_kind !== 'DISKLESS' && 'free_capacity' in sp && sp.provider_kind !== 'EBS_TARGET';
    for (const e of sp.reports ?? []) if (!errors.some((x) => x.ret_code === e.ret_code && x.message === e.message)) errors.push(e);
    const snaps = sp.supports_snapshots ?? (sp.static_traits?.SupportsSnapshots === 'true');
    const shared = String(sp.free_space_mgr_name ?? '');
    t.addRow([sp.storage_pool_name, sp.node_name, sp.provider_kind, poolName(sp), showCap ? approxSize(sp.free_capacity) : '', showCap ? approxSize(sp.total_capacity) : '',
      pyBool(Boolean(snaps)), repliesState(sp.reports), shared.includes(':') ? '' : shared, ...propCells(keys, sp.props)]);
  }
  return t.show() + errors.map((e) => formatRc(e, ctx.color)).join('');
}

async function spList(ctx: Ctx, p: Parsed): Promise<number> {
  const pools = fromFile<Obj[]>(p) ?? await ctx.client.storagePools.list({ nodes: list(p, 'nodes'), storage_pools: list(p, 'storage-pools'), props: list(p, 'props') }) as Obj[];
  return showList(ctx, 'storage-pools', pools, (x) => renderPools(ctx, p, x));
}

async function create(ctx: Ctx, p: Parsed, kind: string, props?: Record<string, string>): Promise<number> {
  const body: Obj = { storage_pool_name: str(p, 'name'), provider_kind: kind };
  if (ostr(p, 'shared-space')) body.free_space_mgr_name = ostr(p, 'shared-space');
  if (obool(p, 'external-locking')) body.external_locking = true;
  if (props) body.props = props;
  return showReplies(ctx, await ctx.client.transport.post(`/v1/nodes/${seg(str(p, 'node_name'))}/storage-pools`, body));
}

const poolArgs = [
  { name: 'node_name', help: 'Name of the node for the new storage pool', complete: 'node' as const },
  { name: 'name', help: 'Name of the new storage pool' },
];
const sharedOpts = [
  { name: 'shared-space', kind: 'str' as const, help: 'Unique identifier of backing storage shared by multiple nodes. If omitted Linstor will assume the pool is unique for each node.  When using shared volume groups with LVM2 the volume group UUID could be used as the SHARED_SPACE identifier.' },
  { name: 'external-locking', kind: 'bool' as const, help: 'Skip Linstors internal locking for shared storage pools' },
];

function kindCommand(name: string, kind: string, help: string, poolHelp: string): CmdSpec {
  return {
    name, help, args: [...poolArgs, { name: 'driver_pool_name', help: poolHelp }], opts: sharedOpts,
    run: (ctx, p) => create(ctx, p, kind, { 'StorDriver/StorPoolName': str(p, 'driver_pool_name') }),
  };
}

const createCommand: CmdSpec = {
  ...SUB.create, help: 'Defines a LINSTOR storage pool.', title: 'Storage pool create commands',
  sub: [
    kindCommand('lvm', 'LVM', 'Create a lvm storage pool', 'The Lvm volume group to use.'),
    kindCommand('lvmthin', 'LVM_THIN', 'Create a lvm thin storage pool', 'The LvmThin volume group to use. The full name of the thin pool, namely VG/LV'),
    kindCommand('zfs', 'ZFS', 'Create a zfs storage pool', 'The name of the zpool to use.'),
    kindCommand('zfsthin', 'ZFS_THIN', 'Create a zfs storage pool', 'The name of the zpool to use.'),
    { name: 'diskless', help: 'Create a diskless pool', args: poolArgs, run: (ctx, p) => create(ctx, p, 'DISKLESS') },
    kindCommand('file', 'FILE', 'Create a file storage pool', 'The directory to use.'),
    kindCommand('filethin', 'FILE_THIN', 'Create a file thin storage pool', 'The directory to use.'),
    kindCommand('spdk', 'SPDK', 'Create a spdk storage pool', 'The Spdk logical volume store to use.'),
    kindCommand('remotespdk', 'REMOTE_SPDK', 'Create a remote-spdk storage pool', 'The remote Spdk logical volume store to use.'),
    {
      name: 'exos', help: 'Create an EXOS storage pool', args: [...poolArgs, { name: 'enclosure_name', help: 'Enclosure name' }, { name: 'pool_sn', help: 'Exos Pool Serial Number' }], opts: sharedOpts,
      run: (ctx, p) => create(ctx, { ...p, opt: {} }, 'EXOS', {
        'StorDriver/StorPoolName': `${str(p, 'enclosure_name')}_${str(p, 'pool_sn')}`, 'Exos/Enclosure': str(p, 'enclosure_name'), 'Exos/PoolSn': str(p, 'pool_sn'),
      }),
    },
    kindCommand('storagespaces', 'STORAGE_SPACES', 'Create a Microsoft storage spaces storage pool (thick provisioned)', 'The storage pool name to use. It must have been created with ServerManager or similar tools'),
    kindCommand('storagespacesthin', 'STORAGE_SPACES_THIN', 'Create a Microsoft storage spaces storage pool (thin provisioned)', 'The storage pool name to use. It must have been created with ServerManager or similar tools'),
    {
      name: 'ebs_initiator', aliases: ['ebs_init'], help: 'Create an EBS initiator storage pool', args: [...poolArgs, { name: 'ebs_remote_name', help: 'EBS Remote name', complete: 'remote' }],
      run: (ctx, p) => create(ctx, p, 'EBS_INIT', { 'StorDriver/Ebs/Remote': str(p, 'ebs_remote_name') }),
    },
  ],
};

export const storagePoolCommand: CmdSpec = {
  name: 'storage-pool', aliases: ['sp'], help: 'Storage pool subcommands', title: 'Storage pool commands',
  sub: [
    createCommand,
    {
      ...SUB.list, help: 'Prints a list of all storage pools in the LINSTOR cluster. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, groupbyOpt(SP_HEADERS), filterOpt('storage-pools', 's', 'Filter by list of storage pools', 'storage-pool'),
        filterOpt('nodes', 'n', 'Filter by list of nodes', 'node'), propsFilterOpt, showPropsOpt(false), fromFileOpt],
      run: spList,
    },
    {
      ...SUB.delete, help: ' Removes a storage pool.',
      args: [{ name: 'node_name', variadic: '+', help: 'Name of the Node where the storage pool exists.', complete: 'node' }, { name: 'name', help: 'Name of the storage pool to delete', complete: 'storage-pool' }],
      opts: [{ name: 'quiet', short: 'q', kind: 'bool', help: 'Unless this option is used, linstor will issue a safety question that must be answered with yes, otherwise the operation is canceled.' }],
      run: async (ctx, p) => { const rcs: unknown[] = []; for (const n of list(p, 'node_name')) rcs.push(...await ctx.client.storagePools.delete(n, str(p, 'name'))); return showReplies(ctx, rcs); },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given storage pool on the given node.',
      args: [{ name: 'node_name', help: 'Name of the node for the storage pool', complete: 'node' }, { name: 'name', help: 'Name of the storage pool', complete: 'storage-pool' }, ...keyValueArgs],
      opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.storagePools.modify(str(p, 'node_name'), str(p, 'name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given storage pool.',
      args: [{ name: 'node_name', help: 'Name of the node for the storage pool', complete: 'node' }, { name: 'storage_pool_name', help: 'Storage pool for which to print the properties', complete: 'storage-pool' }],
      opts: [pastableOpt],
      run: async (ctx, p) => {
        const pools = await ctx.client.storagePools.list({ nodes: [str(p, 'node_name')], storage_pools: [str(p, 'storage_pool_name')] });
        return showProps(ctx, pools[0]?.props ?? (pools.length ? {} : undefined), p);
      },
    },
  ],
};
