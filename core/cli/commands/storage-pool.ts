import { propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color } from '../table.js';
import { formatKib } from '../../model/sizes.js';
import { isError } from '../../model/apicallrc.js';
import type { StoragePool } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, SETPROP, setPropOpts } from './common.js';
import { groupbyOpt, groupRows } from './groupby.js';

/** Long.MAX: what diskless pools report as capacity; printed empty like linstor-client. */
const SPACE_ENOUGH = 9223372036854775807;

function cap(sp: StoragePool, v: number | undefined): string {
  if (sp.provider_kind === 'DISKLESS' || v === undefined || v >= SPACE_ENOUGH) return '';
  return formatKib(v);
}

function poolName(sp: StoragePool): string {
  const p = sp.props ?? {};
  if (p['StorDriver/StorPoolName']) return p['StorDriver/StorPoolName'];
  if (p['StorDriver/ThinPool']) return `${p['StorDriver/LvmVg'] ?? ''}/${p['StorDriver/ThinPool']}`;
  return p['StorDriver/LvmVg'] ?? p['StorDriver/ZPool'] ?? p['StorDriver/ZPoolThin'] ?? p['StorDriver/FileDir'] ?? '';
}

async function spList(ctx: Ctx, p: Parsed): Promise<number> {
  const pools = await ctx.client.storagePools.list({ nodes: list(p, 'nodes'), storage_pools: list(p, 'storage-pools'), props: list(p, 'props') });
  const headers = ['StoragePool', 'Node', 'Driver', 'PoolName', 'FreeCapacity', 'TotalCapacity', 'CanSnapshots', 'State', 'SharedName'];
  return showList(ctx, pools, headers, groupRows(headers, pools.map((sp) => {
      const reports = sp.reports ?? [];
      const state = reports.some((r) => isError(r.ret_code)) ? { text: 'Error', color: Color.RED }
        : reports.length ? { text: 'Warning', color: Color.YELLOW } : { text: 'Ok', color: Color.GREEN };
      return [sp.storage_pool_name, sp.node_name ?? '', sp.provider_kind, poolName(sp),
        cap(sp, sp.free_capacity), cap(sp, sp.total_capacity), String(sp.supports_snapshots ?? false),
        state,
        sp.shared_space ?? sp.free_space_mgr_name ?? `${sp.node_name};${sp.storage_pool_name}`];
    }), list(p, 'groupby')));
}

function driverKeys(kind: string, name: string): Record<string, string> {
  switch (kind) {
    case 'LVM': return { 'StorDriver/LvmVg': name };
    case 'LVM_THIN': { const [vg, lv] = name.split('/'); return lv ? { 'StorDriver/LvmVg': vg!, 'StorDriver/ThinPool': lv } : { 'StorDriver/LvmVg': name }; }
    case 'ZFS': return { 'StorDriver/ZPool': name };
    case 'ZFS_THIN': return { 'StorDriver/ZPoolThin': name };
    case 'FILE': case 'FILE_THIN': return { 'StorDriver/FileDir': name };
    default: return {};
  }
}

/** `sp create <kind> NODE POOL [BACKING]`, one sub-command per provider as in linstor-client. */
function createKind(name: string, kind: string, backing?: string, aliases: string[] = []): CmdSpec {
  return {
    name, aliases, help: `Create a ${kind} storage pool.`,
    args: [{ name: 'node_name' }, { name: 'name' }, ...(backing ? [{ name: backing }] : [])],
    opts: [
      { name: 'shared-space', kind: 'str', help: 'Unique identifier of backing storage shared by several nodes' },
      { name: 'external-locking', kind: 'bool' },
    ],
    run: async (ctx, p) => {
      const props: Record<string, string> = {};
      if (backing) {
        // python-linstor sends only StorDriver/StorPoolName; the provider-specific keys are what
        // the LINSTOR server derives from it, so we send both for servers that expect either.
        const name = str(p, backing);
        props['StorDriver/StorPoolName'] = name;
        Object.assign(props, driverKeys(kind, name));
      }
      const body: StoragePool = { storage_pool_name: str(p, 'name'), provider_kind: kind, props };
      if (ostr(p, 'shared-space')) body.free_space_mgr_name = ostr(p, 'shared-space');
      if (obool(p, 'external-locking')) body.external_locking = true;
      return showReplies(ctx, await ctx.client.storagePools.create(str(p, 'node_name'), body));
    },
  };
}

export const storagePoolCommand: CmdSpec = {
  name: 'storage-pool', aliases: ['sp'], help: 'Storage pool subcommands',
  sub: [
    {
      ...CREATE, help: 'Creates a LINSTOR storage pool.',
      sub: [
        createKind('lvm', 'LVM', 'driver_pool_name'),
        createKind('lvmthin', 'LVM_THIN', 'driver_pool_name'),
        createKind('zfs', 'ZFS', 'driver_pool_name'),
        createKind('zfsthin', 'ZFS_THIN', 'driver_pool_name'),
        createKind('file', 'FILE', 'driver_pool_name'),
        createKind('filethin', 'FILE_THIN', 'driver_pool_name'),
        createKind('diskless', 'DISKLESS'),
      ],
    },
    {
      ...LIST, help: 'Prints a list of all storage pools known to LINSTOR.',
      opts: [{ name: 'nodes', short: 'n', kind: 'list' }, { name: 'storage-pools', short: 's', kind: 'list' }, { name: 'props', kind: 'list' }, groupbyOpt],
      run: spList,
    },
    { ...DELETE, help: 'Deletes a storage pool.', args: [{ name: 'node_name' }, { name: 'name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.storagePools.delete(str(p, 'node_name'), str(p, 'name'))) },
    {
      ...SETPROP, help: 'Sets a property on a storage pool (no value deletes it).', args: [{ name: 'node_name' }, { name: 'name' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.storagePools.modify(str(p, 'node_name'), str(p, 'name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...LISTPROP, help: 'Prints the properties of a storage pool.', args: [{ name: 'node_name' }, { name: 'name' }],
      run: async (ctx, p) => { const sp = await ctx.client.storagePools.get(str(p, 'node_name'), str(p, 'name')); return showProps(ctx, sp.props, [sp]); },
    },
  ],
};
