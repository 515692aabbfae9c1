/** `linstor resource-group ...` and `linstor volume-group ...` as linstor-client has them. */
import { ExitCode, newTable, propsModify, pyList, showList, showProps, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { int, list, obool, oint, ostr, str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { approxSize, parseSizeKib } from '../units.js';
import { seg } from '../../client/http.js';
import { addShowPropColumns, auxOpt, fromFile, fromFileOpt, groupbyOpt, keyValueArgs, pastableOpt, propCells, propsFilterOpt, showPropsOpt, SUB } from './common.js';
import { drbdOptionsCommand, RESOURCE_SECTIONS, VOLUME_SECTIONS } from './drbd-options.js';
import { autoSelectOpts, selectFilter } from './select-filter.js';
import { showQueryMaxVolumeSize } from './query-max-volume-size.js';

type Obj = Record<string, any>;
const RG_HEADERS = ['ResourceGroup', 'SelectFilter', 'VlmNrs', 'Description'];

const peerSlots: OptSpec = { name: 'peer-slots', kind: 'int', help: '(DRBD) peer slots for new resources' };
function peerSlotsValue(p: Parsed): number | undefined {
  const v = oint(p, 'peer-slots');
  if (v !== undefined && (v < 1 || v > 31)) throw new UsageError(`${v} not in range: [1, 31]`);
  return v;
}

/** python-linstor's SelectFilter.__str__: one "Key: value" line per set field, lists as Python reprs. */
export function selectFilterText(f: Obj | undefined): string {
  const s = f ?? {};
  const lines: string[] = [];
  if (s.place_count) lines.push(`PlaceCount: ${s.place_count}`);
  const pools: string[] = s.storage_pool_list ?? (s.storage_pool ? [s.storage_pool] : []);
  if (s.storage_pool || pools.length) lines.push(`StoragePool(s): ${pools.join(', ')}`);
  if ('diskless_on_remaining' in s) lines.push(`DisklessOnRemaining: ${s.diskless_on_remaining ? 'True' : 'False'}`);
  if (s.not_place_with_rsc?.length) lines.push(`NotPlaceWithRsc: ${pyList(s.not_place_with_rsc)}`);
  if (s.not_place_with_rsc_regex) lines.push(`NotPlaceWithRscRegex: ${s.not_place_with_rsc_regex}`);
  if (s.replicas_on_same?.length) lines.push(`ReplicasOnSame: ${pyList(s.replicas_on_same)}`);
  if (s.replicas_on_different?.length) lines.push(`ReplicasOnDifferent: ${pyList(s.replicas_on_different)}`);
  if (s.x_replicas_on_different_map && Object.keys(s.x_replicas_on_different_map).length) {
    lines.push(`XReplicasOnDifferent: {${Object.entries(s.x_replicas_on_different_map).map(([k, v]) => `'${k}': ${String(v)}`).join(', ')}}`);
  }
  if (s.layer_stack?.length) lines.push(`LayerStack: ${pyList(s.layer_stack)}`);
  if (s.provider_list?.length) lines.push(`ProviderList: ${pyList(s.provider_list)}`);
  return lines.join('\n');
}

async function rgList(ctx: Ctx, p: Parsed): Promise<number> {
  const file = fromFile<Obj[]>(p);
  const rgs = file ?? await ctx.client.resourceGroups.list({ resource_groups: list(p, 'resource-groups'), props: list(p, 'props') }) as Obj[];
  if (ctx.machine) return showList(ctx, 'raw', rgs, () => undefined);
  const t = newTable(ctx, p);
  for (const h of RG_HEADERS) t.addColumn(h);
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['ResourceGroup']);
  for (const g of rgs) {
    const vgs = file ? [] : await ctx.client.resourceGroups.listVolumeGroups(g.name) as Obj[];
    t.addRow([g.name, selectFilterText(g.select_filter), vgs.map((v) => String(v.volume_number)).join(','), g.description ?? '', ...propCells(keys, g.props)]);
  }
  ctx.out(t.show());
  return ExitCode.OK;
}

async function rgCreate(ctx: Ctx, p: Parsed): Promise<number> {
  const body: Obj = { name: str(p, 'name') };
  if (ostr(p, 'description')) body.description = ostr(p, 'description');
  body.select_filter = selectFilter(p, { placeCount: ostr(p, 'place-count') });
  const ps = peerSlotsValue(p);
  if (ps !== undefined) body.peer_slots = ps;
  return showReplies(ctx, await ctx.client.transport.post('/v1/resource-groups', body));
}

/** python-linstor's resource_group_modify: description, select_filter (always), props, peer slots. */
export function rgModifyBody(p: Parsed, props: { override_props?: Record<string, string>; delete_props?: string[] } = {}, withFilter = true): Obj {
  const body: Obj = {};
  if (ostr(p, 'description') !== undefined) body.description = ostr(p, 'description');
  body.select_filter = withFilter ? selectFilter(p, { placeCount: ostr(p, 'place-count') }) : {};
  Object.assign(body, props);
  const ps = withFilter ? peerSlotsValue(p) : undefined;
  if (ps !== undefined) body.peer_slots = ps;
  return body;
}

async function spawn(ctx: Ctx, p: Parsed): Promise<number> {
  const body: Obj = {
    resource_definition_name: str(p, 'resource_definition_name'),
    volume_sizes: list(p, 'volume_sizes').map((s) => parseSizeKib(s)),
    partial: obool(p, 'partial'),
    definitions_only: obool(p, 'definition-only'),
  };
  if (ostr(p, 'external-name')) { body.resource_definition_name = ''; body.resource_definition_external_name = ostr(p, 'external-name'); }
  body.select_filter = selectFilter(p, { placeCount: ostr(p, 'place-count') });
  const ps = peerSlotsValue(p);
  if (ps !== undefined) body.peer_slots = ps;
  if (p.opt['volume-passphrase'] !== undefined) body.volume_passphrases = p.opt['volume-passphrase'];
  const stop = ctx.progress.start(`Spawning resource '${str(p, 'resource_definition_name')}' from resource group '${str(p, 'resource_group_name')}'...`);
  try {
    return showReplies(ctx, await ctx.client.transport.post(`/v1/resource-groups/${seg(str(p, 'resource_group_name'))}/spawn`, body));
  } finally { stop(); }
}

async function querySizeInfo(ctx: Ctx, p: Parsed): Promise<number> {
  const r = await ctx.client.transport.post<Obj>(`/v1/resource-groups/${seg(str(p, 'resource_group_name'))}/query-size-info`,
    { select_filter: selectFilter(p, { placeCount: ostr(p, 'place-count') }) });
  if (r?.reports?.length) return showReplies(ctx, r.reports);
  if (ctx.machine) { ctx.out(`${pyJson(r)}\n`); return ExitCode.OK; }
  const si = r?.space_info ?? {};
  const t = newTable(ctx, p).addColumn('MaxVolumeSize', { right: true }).addColumn('AvailableSize', { right: true }).addColumn('Capacity', { right: true }).addColumn('Next Spawn Result');
  const next = si.next_spawn_result?.length ? si.next_spawn_result.map((x: Obj) => `${x.stor_pool_name} on ${x.node_name}`).join('\n') : '-';
  t.addRow([approxSize(si.max_vlm_size_in_kib ?? 0), approxSize(si.available_size_in_kib ?? 0), approxSize(si.capacity_in_kib ?? 0), next]);
  ctx.out(t.show());
  return ExitCode.OK;
}

const rgName = (help: string) => ({ name: 'name', help, complete: 'resource-group' as const });

export const resourceGroupCommand: CmdSpec = {
  name: 'resource-group', aliases: ['rg'], help: 'Resource group subcommands', title: 'resource group subcommands',
  sub: [
    {
      ...SUB.create, help: 'Creates a LINSTOR resource group.', args: [{ name: 'name', help: 'Name of the resource group.' }],
      opts: [{ name: 'description', short: 'd', kind: 'str', help: 'Description for the resource group.' }, peerSlots, ...autoSelectOpts({ placeCount: true })],
      run: rgCreate,
    },
    {
      ...SUB.modify, help: 'Modifies the specified attribute(s) of a LINSTOR resource group.', args: [rgName('Name of the resource group')],
      opts: [{ name: 'description', short: 'd', kind: 'str', help: 'Description for the resource group.' }, peerSlots, ...autoSelectOpts({ placeCount: true })],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/resource-groups/${seg(str(p, 'name'))}`, rgModifyBody(p))),
    },
    {
      ...SUB.list, help: 'Prints a list of all resource groups known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, groupbyOpt(RG_HEADERS), { name: 'resource-groups', short: 'r', kind: 'list', complete: 'resource-group', help: 'Filter by list of resource groups' }, propsFilterOpt, showPropsOpt(), fromFileOpt],
      run: rgList,
    },
    { ...SUB.delete, help: ' Removes a resource group from the LINSTOR cluster.', args: [rgName('Name of the resource group to delete')], run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.delete(str(p, 'name'))) },
    {
      ...SUB.setProperty, help: 'Sets properties for the given resource group.', args: [rgName('Name of the resource group'), ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/resource-groups/${seg(str(p, 'name'))}`,
        rgModifyBody({ pos: p.pos, opt: {} }, propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')), false))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties set on a given resource group.', args: [rgName('Resource group for which to print the properties')], opts: [pastableOpt, fromFileOpt],
      run: async (ctx, p) => {
        const rgs = fromFile<Obj[]>(p) ?? await ctx.client.resourceGroups.list({ resource_groups: [str(p, 'name')] }) as Obj[];
        return showProps(ctx, rgs[0] ? rgs[0].props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({
      type: 'resource', sections: RESOURCE_SECTIONS, args: [{ name: 'name', help: 'Resource group name', complete: 'resource-group' }],
      send: (ctx, p, body) => ctx.client.transport.put(`/v1/resource-groups/${seg(str(p, 'name'))}`, rgModifyBody({ pos: p.pos, opt: {} }, body, false)),
    }),
    {
      ...SUB.spawn, help: 'Spawns a new resource with the settings of the specified resource group.',
      args: [
        { name: 'resource_group_name', help: 'Resource group name to spawn from.', complete: 'resource-group' },
        { name: 'resource_definition_name', help: 'New Resource definition name to create. Will be ignored if EXTERNAL_NAME is set.' },
        { name: 'volume_sizes', variadic: '*', complete: 'size', help: 'Sizes of the volumes to create, default unit GiB (e.g. 10G, 512M).' },
      ],
      opts: [
        { name: 'partial', short: 'p', kind: 'bool', help: 'Allow mismatching volume sizes.' },
        { name: 'definition-only', short: 'd', kind: 'bool', help: 'Do not auto-place resource, only create definitions' },
        { name: 'volume-passphrase', kind: 'list', nargs: '*', help: 'User provided volume passphrases' },
        { name: 'external-name', kind: 'str', help: 'User specified name' },
        peerSlots, ...autoSelectOpts({ placeCount: true, pForProviders: false }),
      ],
      run: spawn,
    },
    {
      ...SUB.queryMaxVolumeSize, help: '[DEPRECATED] Use `linstor resource-group query-size-info` instead. Shows maximum volume size information for a specified resource group.',
      args: [{ name: 'resource_group_name', help: 'Resource group name to read auto-config settings from', complete: 'resource-group' }], opts: [pastableOpt],
      run: async (ctx, p) => showQueryMaxVolumeSize(ctx, p, await ctx.client.transport.get(`/v1/resource-groups/${seg(str(p, 'resource_group_name'))}/query-max-volume-size`)),
    },
    {
      ...SUB.querySizeInfo, help: 'Shows volume size information for a specified resource group.',
      args: [{ name: 'resource_group_name', help: 'Resource group name to read auto-config settings from', complete: 'resource-group' }],
      opts: [pastableOpt, ...autoSelectOpts({ placeCount: true, pForProviders: false })],
      run: querySizeInfo,
    },
    {
      ...SUB.adjust, help: 'Adjusts all resource definitions of the given resource group.\nCAUTION: This operation might take a long time and even exceed the default five minute timeout!',
      args: [{ name: 'resource_group_name', optional: true, help: 'Resource group to adjust. If omitted, all resource groups will be adjusted', complete: 'resource-group' }], opts: [pastableOpt],
      run: async (ctx, p) => {
        const name = p.pos.resource_group_name as string | undefined;
        const stop = ctx.progress.start(`Adjusting ${name ? `resource group '${name}'` : 'all resource groups'}...`);
        try {
          return showReplies(ctx, await ctx.client.transport.post(name ? `/v1/resource-groups/${seg(name)}/adjust` : '/v1/resource-groups/adjustall'));
        } finally { stop(); }
      },
    },
  ],
};

const vgArgs = [{ name: 'name', help: 'Name of the resource group', complete: 'resource-group' as const }, { name: 'volume_nr', int: true, help: 'Volume number' }];
const vgPath = (p: Parsed): string => `/v1/resource-groups/${seg(str(p, 'name'))}/volume-groups/${int(p, 'volume_nr')}`;

export const volumeGroupCommand: CmdSpec = {
  name: 'volume-group', aliases: ['vg'], help: 'Resource definition subcommands', title: 'resource definition subcommands',
  sub: [
    {
      ...SUB.create, help: 'Creates a LINSTOR volume group.', args: [{ name: 'name', help: 'Name of the resource group.', complete: 'resource-group' }],
      opts: [{ name: 'vlmnr', short: 'n', kind: 'int' }, { name: 'gross', kind: 'bool', help: 'Size for this volume is gross size.' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(`/v1/resource-groups/${seg(str(p, 'name'))}/volume-groups`, {
        ...(oint(p, 'vlmnr') !== undefined ? { volume_number: oint(p, 'vlmnr') } : {}), ...(obool(p, 'gross') ? { flags: ['GROSS_SIZE'] } : {}),
      })),
    },
    {
      ...SUB.list, help: 'Lists all volume groups for a specified resource group. By default, the list is printed as a human readable table.',
      args: [{ name: 'name', help: 'Resource group name.', complete: 'resource-group' }], opts: [pastableOpt, groupbyOpt(['VolumeNr', 'Flags']), showPropsOpt()],
      run: async (ctx, p) => {
        const vgs = await ctx.client.resourceGroups.listVolumeGroups(str(p, 'name')) as Obj[];
        return showList(ctx, 'raw', vgs, () => {
          const t = newTable(ctx, p).addColumn('VolumeNr').addColumn('Flags');
          const keys = addShowPropColumns(t, p);
          t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['VolumeNr']);
          for (const v of vgs) t.addRow([String(v.volume_number), (v.flags ?? []).join(', '), ...propCells(keys, v.props)]);
          return t.show();
        });
      },
    },
    { ...SUB.delete, help: ' Removes a volume group from the LINSTOR cluster.', args: [{ ...vgArgs[0]! }, { name: 'volume_nr', int: true, help: 'Volume number to delete.' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(vgPath(p))) },
    {
      ...SUB.setProperty, help: 'Sets properties for the given volume group.', args: [...vgArgs, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(vgPath(p), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Shows all properties of the specified volume group.', args: [{ name: 'name', help: 'Resource group for which to print the properties', complete: 'resource-group' }, { name: 'volume_nr', int: true, help: 'Volume number' }], opts: [pastableOpt],
      run: async (ctx, p) => {
        const vgs = await ctx.client.resourceGroups.listVolumeGroups(str(p, 'name')) as Obj[];
        const vg = vgs.find((v) => v.volume_number === int(p, 'volume_nr'));
        return showProps(ctx, vg ? vg.props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({ type: 'resource', sections: VOLUME_SECTIONS, args: [{ name: 'name', help: 'Resource group name', complete: 'resource-group' }, { name: 'volume_nr', int: true, help: 'Volume number' }], send: (ctx, p, body) => ctx.client.transport.put(vgPath(p), body) }),
  ],
};
