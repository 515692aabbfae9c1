import { fmtTime, layers, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { UsageError, list, obool, oint, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { formatKib } from '../../model/sizes.js';
import { isDisklessResource } from '../../client/domain.js';
import type { ResourceCreate, ResourceWithVolumes, Volume } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, SETPROP, setPropOpts } from './common.js';
import { filterOpts, selectFilter } from './resource-group.js';

function port(r: ResourceWithVolumes): string {
  const d = r.layer_object?.drbd;
  const p = d?.drbd_resource_definition?.port ?? d?.tcp_ports?.[0];
  return p === undefined ? '' : String(p);
}

function conns(r: ResourceWithVolumes): CellValue {
  const bad = Object.entries(r.layer_object?.drbd?.connections ?? {}).filter(([, c]) => !c.connected);
  if (!bad.length) return { text: 'Ok', color: Color.GREEN };
  return { text: bad.map(([peer, c]) => `${c.message ?? 'Connecting'}(${peer})`).join(','), color: Color.RED };
}

function rscState(r: ResourceWithVolumes): CellValue {
  const f = r.flags ?? [];
  if (f.includes('DELETE') || f.includes('DRBD_DELETE')) return { text: 'DELETING', color: Color.RED };
  if (f.includes('INACTIVE')) return { text: 'INACTIVE', color: Color.YELLOW };
  if (f.includes('TIE_BREAKER')) return { text: 'TieBreaker', color: Color.GREEN };
  const states = [...new Set((r.volumes ?? []).map((v) => v.state?.disk_state).filter((s): s is string => !!s))];
  if (!states.length) return { text: isDisklessResource(f) ? 'Diskless' : 'Unknown', color: Color.YELLOW };
  const text = states.join(',');
  return { text, color: states.every((s) => s === 'UpToDate' || s === 'Diskless' || s === 'Created') ? Color.GREEN : Color.YELLOW };
}

const usage = (r: ResourceWithVolumes): string => (r.state?.in_use === undefined ? '' : r.state.in_use ? 'InUse' : 'Unused');

async function rscList(ctx: Ctx, p: Parsed): Promise<number> {
  const rscs = await ctx.client.resources.view({ nodes: list(p, 'nodes'), resources: list(p, 'resources'), storage_pools: list(p, 'storage-pools'), props: list(p, 'props') });
  return showList(ctx, rscs, ['ResourceName', 'Node', 'Port', 'Usage', 'Conns', 'State', 'CreatedOn'],
    rscs.map((r) => [r.name ?? '', r.node_name ?? '', port(r), usage(r), conns(r), rscState(r), fmtTime(r.create_timestamp)]));
}

function minor(v: Volume): string {
  for (const l of v.layer_data_list ?? []) {
    const m = (l.data as { drbd_volume_definition?: { minor_number?: number } } | undefined)?.drbd_volume_definition?.minor_number;
    if (l.type === 'DRBD' && m !== undefined) return String(m);
  }
  return '';
}

async function vlmList(ctx: Ctx, p: Parsed): Promise<number> {
  const rscs = await ctx.client.resources.view({ nodes: list(p, 'nodes'), resources: list(p, 'resources'), storage_pools: list(p, 'storage-pools') });
  const rows: CellValue[][] = [];
  for (const r of rscs) {
    for (const v of r.volumes ?? []) {
      const ds = v.state?.disk_state ?? 'Unknown';
      rows.push([r.node_name ?? '', r.name ?? '', v.storage_pool_name ?? '', v.volume_number ?? 0, minor(v), v.device_path ?? '',
        v.allocated_size_kib === undefined ? '' : formatKib(v.allocated_size_kib), usage(r),
        { text: ds, color: ds === 'UpToDate' || ds === 'Diskless' ? Color.GREEN : Color.YELLOW }]);
    }
  }
  return showList(ctx, rscs, ['Node', 'Resource', 'StoragePool', 'VolNr', 'MinorNr', 'DeviceName', 'Allocated', 'InUse', 'State'], rows);
}

async function rscCreate(ctx: Ctx, p: Parsed): Promise<number> {
  const rd = str(p, 'resource_definition_name');
  const layerList = layers(ostr(p, 'layer-list'));
  const autoPlace = oint(p, 'auto-place');
  if (autoPlace !== undefined) {
    const f = selectFilter(p, autoPlace);
    delete f.layer_stack;
    return showReplies(ctx, await ctx.client.resources.autoplace(rd, { select_filter: f, ...(layerList ? { layer_list: layerList } : {}), ...(obool(p, 'diskless-on-remaining') ? { diskless_on_remaining: true } : {}) }));
  }
  const diskless = obool(p, 'drbd-diskless') || obool(p, 'diskless');
  const pool = list(p, 'storage-pool')[0];
  const body: ResourceCreate[] = list(p, 'node_name').map((node) => ({
    resource: {
      node_name: node,
      ...(pool ? { props: { StorPoolName: pool } } : {}),
      ...(diskless ? { flags: [obool(p, 'drbd-diskless') ? 'DRBD_DISKLESS' : 'DISKLESS'] } : {}),
    },
    ...(layerList ? { layer_list: layerList } : {}),
  }));
  return showReplies(ctx, await ctx.client.resources.create(rd, body));
}

const rscArgs = [{ name: 'node_name', variadic: '+' as const }, { name: 'resource_definition_name' }];
const forEachNode = (fn: (ctx: Ctx, node: string, rd: string, p: Parsed) => Promise<unknown>) => async (ctx: Ctx, p: Parsed): Promise<number> => {
  let rc = 0;
  for (const n of list(p, 'node_name')) rc = Math.max(rc, showReplies(ctx, await fn(ctx, n, str(p, 'resource_definition_name'), p)));
  return rc;
};

export const resourceCommand: CmdSpec = {
  name: 'resource', aliases: ['r'], help: 'Resource subcommands',
  sub: [
    {
      ...CREATE, help: 'Deploys a resource definition to nodes (or lets LINSTOR place it with --auto-place N).',
      args: [{ name: 'node_name', variadic: '*' }, { name: 'resource_definition_name' }],
      opts: [
        ...filterOpts.filter((o) => o.name !== 'place-count'),
        { name: 'auto-place', kind: 'int', help: 'Auto-place the resource on N nodes' },
        { name: 'drbd-diskless', kind: 'bool' }, { name: 'diskless', short: 'd', kind: 'bool' },
      ],
      run: async (ctx, p) => {
        if (!list(p, 'node_name').length && p.opt['auto-place'] === undefined) throw new UsageError('the following arguments are required: node_name (or --auto-place N)');
        return rscCreate(ctx, p);
      },
    },
    {
      ...LIST, help: 'Prints a list of all resources.',
      opts: [{ name: 'nodes', short: 'n', kind: 'list' }, { name: 'resources', short: 'r', kind: 'list' }, { name: 'storage-pools', short: 's', kind: 'list' }, { name: 'props', kind: 'list' }],
      run: rscList,
    },
    { name: 'list-volumes', aliases: ['lv'], help: 'Prints a list of all volumes.', opts: [{ name: 'nodes', short: 'n', kind: 'list' }, { name: 'resources', short: 'r', kind: 'list' }, { name: 'storage-pools', short: 's', kind: 'list' }], run: vlmList },
    { ...DELETE, help: 'Removes a resource from nodes.', args: rscArgs, opts: [{ name: 'keep-tiebreaker', kind: 'bool' }], run: forEachNode((ctx, n, rd, p) => ctx.client.resources.delete(rd, n, obool(p, 'keep-tiebreaker') ? { keepTiebreaker: true } : {})) },
    {
      name: 'make-available', aliases: ['mkavail'], help: 'Makes a resource available on a node (diskless unless --diskful).', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }],
      opts: [{ name: 'diskful', kind: 'bool' }, { name: 'layer-list', short: 'l', kind: 'str' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.makeAvailable(str(p, 'resource_definition_name'), str(p, 'node_name'), {
        ...(obool(p, 'diskful') ? { diskful: true } : {}), ...(layers(ostr(p, 'layer-list')) ? { layer_list: layers(ostr(p, 'layer-list')) } : {}),
      })),
    },
    {
      name: 'toggle-disk', aliases: ['td'], help: 'Toggles a resource between diskless and diskful.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }],
      opts: [{ name: 'storage-pool', short: 's', kind: 'str' }, { name: 'diskless', short: 'd', kind: 'bool' }, { name: 'migrate-from', kind: 'str' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.toggleDisk(str(p, 'resource_definition_name'), str(p, 'node_name'), {
        operation: obool(p, 'diskless') ? 'INTO_DRBD_DISKLESS' : 'INTO_DRBD_DISKFUL',
        ...(ostr(p, 'storage-pool') ? { storage_pool: ostr(p, 'storage-pool') } : {}),
        ...(ostr(p, 'migrate-from') ? { migrate_from: ostr(p, 'migrate-from') } : {}),
      })),
    },
    { name: 'activate', help: 'Activates a resource.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.activate(str(p, 'resource_definition_name'), str(p, 'node_name'))) },
    { name: 'deactivate', help: 'Deactivates a resource.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.deactivate(str(p, 'resource_definition_name'), str(p, 'node_name'))) },
    {
      ...SETPROP, help: 'Sets a property on a resource (no value deletes it).', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.modify(str(p, 'resource_definition_name'), str(p, 'node_name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...LISTPROP, help: 'Prints the properties of a resource.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }],
      run: async (ctx, p) => { const r = await ctx.client.resources.get(str(p, 'resource_definition_name'), str(p, 'node_name')); return showProps(ctx, r.props, [r]); },
    },
  ],
};

export const volumeCommand: CmdSpec = {
  name: 'volume', aliases: ['v'], help: 'Volume subcommands',
  sub: [
    { ...LIST, help: 'Prints a list of all volumes.', opts: [{ name: 'nodes', short: 'n', kind: 'list' }, { name: 'resources', short: 'r', kind: 'list' }, { name: 'storage-pools', short: 's', kind: 'list' }], run: vlmList },
    {
      ...SETPROP, help: 'Sets a property on a volume.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }, { name: 'volume_nr' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.modifyVolume(str(p, 'resource_definition_name'), str(p, 'node_name'), Number(str(p, 'volume_nr')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...LISTPROP, help: 'Prints the properties of a volume.', args: [{ name: 'node_name' }, { name: 'resource_definition_name' }, { name: 'volume_nr' }],
      run: async (ctx, p) => { const v = await ctx.client.resources.getVolume(str(p, 'resource_definition_name'), str(p, 'node_name'), Number(str(p, 'volume_nr'))); return showProps(ctx, v.props, [v]); },
    },
  ],
};
