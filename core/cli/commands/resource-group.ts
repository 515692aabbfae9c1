import { layers, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, oint, ostr, str, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { formatKib, parseSizeToKib } from '../../model/sizes.js';
import type { AutoSelectFilter } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, MODIFY, SETPROP, setPropOpts } from './common.js';

/** The autoplace filter options shared by rg create/modify/spawn and r c --auto-place. */
export const filterOpts: OptSpec[] = [
  { name: 'place-count', kind: 'int', help: 'Number of diskful replicas' },
  { name: 'storage-pool', short: 's', kind: 'list', help: 'Storage pool(s) to place on' },
  { name: 'diskless-storage-pool', kind: 'list' },
  { name: 'do-not-place-with', kind: 'list', help: 'Avoid nodes holding these resources' },
  { name: 'do-not-place-with-regex', kind: 'str' },
  { name: 'replicas-on-same', kind: 'list' },
  { name: 'replicas-on-different', kind: 'list' },
  { name: 'diskless-on-remaining', kind: 'bool' },
  { name: 'layer-list', short: 'l', kind: 'str', help: 'Comma separated layer list, e.g. drbd,storage' },
  { name: 'providers', kind: 'list' },
  { name: 'node-name-list', kind: 'list' },
];

export function selectFilter(p: Parsed, placeCount?: number): AutoSelectFilter {
  const f: AutoSelectFilter = {};
  const pc = placeCount ?? oint(p, 'place-count');
  if (pc !== undefined) f.place_count = pc;
  if (list(p, 'storage-pool').length) f.storage_pool_list = list(p, 'storage-pool');
  if (list(p, 'diskless-storage-pool').length) f.storage_pool_diskless_list = list(p, 'diskless-storage-pool');
  if (list(p, 'do-not-place-with').length) f.not_place_with_rsc = list(p, 'do-not-place-with');
  if (ostr(p, 'do-not-place-with-regex')) f.not_place_with_rsc_regex = ostr(p, 'do-not-place-with-regex');
  if (list(p, 'replicas-on-same').length) f.replicas_on_same = list(p, 'replicas-on-same');
  if (list(p, 'replicas-on-different').length) f.replicas_on_different = list(p, 'replicas-on-different');
  if (obool(p, 'diskless-on-remaining')) f.diskless_on_remaining = true;
  const l = layers(ostr(p, 'layer-list'));
  if (l) f.layer_stack = l;
  if (list(p, 'providers').length) f.provider_list = list(p, 'providers').map((x) => x.toUpperCase());
  if (list(p, 'node-name-list').length) f.node_name_list = list(p, 'node-name-list');
  return f;
}

function filterText(f: AutoSelectFilter | undefined): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.place_count !== undefined) parts.push(`PlaceCount: ${f.place_count}`);
  const pools = f.storage_pool_list ?? (f.storage_pool ? [f.storage_pool] : []);
  if (pools.length) parts.push(`StoragePool(s): ${pools.join(', ')}`);
  if (f.storage_pool_diskless_list?.length) parts.push(`DisklessStoragePool(s): ${f.storage_pool_diskless_list.join(', ')}`);
  if (f.not_place_with_rsc?.length) parts.push(`NotPlaceWithRsc: ${f.not_place_with_rsc.join(', ')}`);
  if (f.replicas_on_same?.length) parts.push(`ReplicasOnSame: ${f.replicas_on_same.join(', ')}`);
  if (f.replicas_on_different?.length) parts.push(`ReplicasOnDifferent: ${f.replicas_on_different.join(', ')}`);
  if (f.layer_stack?.length) parts.push(`LayerStack: ${f.layer_stack.join(',')}`);
  if (f.provider_list?.length) parts.push(`ProviderList: ${f.provider_list.join(',')}`);
  if (f.diskless_on_remaining) parts.push('DisklessOnRemaining: True');
  return parts.join(', ');
}

async function rgList(ctx: Ctx, p: Parsed): Promise<number> {
  const rgs = await ctx.client.resourceGroups.list({ resource_groups: list(p, 'resource-groups'), props: list(p, 'props') });
  const vlmNrs = ctx.machine ? [] : await Promise.all(rgs.map((g) => ctx.client.resourceGroups.listVolumeGroups(g.name).then((v) => v.map((x) => x.volume_number).join(','), () => '')));
  return showList(ctx, rgs, ['ResourceGroup', 'SelectFilter', 'VlmNrs', 'Description'],
    rgs.map((g, i) => [g.name, filterText(g.select_filter), vlmNrs[i] ?? '', g.description ?? '']));
}

export const resourceGroupCommand: CmdSpec = {
  name: 'resource-group', aliases: ['rg'], help: 'Resource group subcommands',
  sub: [
    {
      ...CREATE, help: 'Defines a LINSTOR resource group.', args: [{ name: 'name' }],
      opts: [...filterOpts, { name: 'description', kind: 'str' }, { name: 'peer-slots', kind: 'int' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.create({
        name: str(p, 'name'), select_filter: selectFilter(p),
        ...(ostr(p, 'description') ? { description: ostr(p, 'description') } : {}),
        ...(oint(p, 'peer-slots') !== undefined ? { peer_slots: oint(p, 'peer-slots') } : {}),
      })),
    },
    {
      ...MODIFY, help: 'Modifies a resource group.', args: [{ name: 'name' }],
      opts: [...filterOpts, { name: 'description', kind: 'str' }],
      run: async (ctx, p) => {
        const f = selectFilter(p);
        return showReplies(ctx, await ctx.client.resourceGroups.modify(str(p, 'name'), {
          ...(Object.keys(f).length ? { select_filter: f } : {}),
          ...(ostr(p, 'description') !== undefined ? { description: ostr(p, 'description') } : {}),
        }));
      },
    },
    { ...LIST, help: 'Prints a list of all resource groups.', opts: [{ name: 'resource-groups', short: 'r', kind: 'list' }, { name: 'props', kind: 'list' }], run: rgList },
    { ...DELETE, help: 'Deletes a resource group.', args: [{ name: 'name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.delete(str(p, 'name'))) },
    {
      name: 'spawn-resources', aliases: ['spawn'], help: 'Creates a resource definition from a resource group and places it.',
      args: [{ name: 'resource_group_name' }, { name: 'resource_definition_name' }, { name: 'volume_sizes', variadic: '*' }],
      opts: [{ name: 'partial', kind: 'bool' }, { name: 'definitions-only', kind: 'bool' }, { name: 'external-name', kind: 'str' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.spawn(str(p, 'resource_group_name'), {
        resource_definition_name: str(p, 'resource_definition_name'),
        volume_sizes: list(p, 'volume_sizes').map((s) => parseSizeToKib(s)),
        ...(obool(p, 'partial') ? { partial: true } : {}),
        ...(obool(p, 'definitions-only') ? { definitions_only: true } : {}),
        ...(ostr(p, 'external-name') ? { resource_definition_external_name: ostr(p, 'external-name') } : {}),
      })),
    },
    {
      name: 'query-size-info', aliases: ['qsi'], help: 'Queries the maximum volume size and free capacity of a resource group.', args: [{ name: 'resource_group_name' }],
      run: async (ctx, p) => {
        const r = await ctx.client.resourceGroups.querySizeInfo(str(p, 'resource_group_name'));
        const si = r.space_info;
        return showList(ctx, r, ['MaxVolumeSize', 'AvailableSize', 'Capacity', 'Next Spawn Result'],
          si ? [[formatKib(si.max_vlm_size_in_kib), formatKib(si.available_size_in_kib ?? 0), formatKib(si.capacity_in_kib ?? 0),
            (si.next_spawn_result ?? []).map((n) => `${n.stor_pool_name} on ${n.node_name}`).join(', ')]] : []);
      },
    },
    { name: 'adjust', help: 'Adjusts all resource definitions of the group.', args: [{ name: 'name', optional: true }], run: async (ctx, p) => showReplies(ctx, p.pos.name ? await ctx.client.resourceGroups.adjust(str(p, 'name')) : await ctx.client.resourceGroups.adjustAll()) },
    {
      ...SETPROP, help: 'Sets a property on a resource group (no value deletes it).', args: [{ name: 'name' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.modify(str(p, 'name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    { ...LISTPROP, help: 'Prints the properties of a resource group.', args: [{ name: 'name' }], run: async (ctx, p) => { const g = await ctx.client.resourceGroups.get(str(p, 'name')); return showProps(ctx, g.props, [g]); } },
  ],
};

export const volumeGroupCommand: CmdSpec = {
  name: 'volume-group', aliases: ['vg'], help: 'Volume group subcommands',
  sub: [
    {
      ...CREATE, help: 'Creates a volume group in a resource group.', args: [{ name: 'resource_group_name' }], opts: [{ name: 'vlmnr', kind: 'int' }, { name: 'gross', kind: 'bool' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.createVolumeGroup(str(p, 'resource_group_name'), {
        ...(oint(p, 'vlmnr') !== undefined ? { volume_number: oint(p, 'vlmnr') } : {}), ...(obool(p, 'gross') ? { flags: ['GROSS_SIZE'] } : {}),
      })),
    },
    {
      ...LIST, help: 'Lists the volume groups of a resource group.', args: [{ name: 'resource_group_name' }],
      run: async (ctx, p) => { const vgs = await ctx.client.resourceGroups.listVolumeGroups(str(p, 'resource_group_name')); return showList(ctx, vgs, ['VolumeNr', 'Flags'], vgs.map((v) => [v.volume_number ?? 0, (v.flags ?? []).join(', ')])); },
    },
    { ...DELETE, help: 'Deletes a volume group.', args: [{ name: 'resource_group_name' }, { name: 'volume_nr' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.deleteVolumeGroup(str(p, 'resource_group_name'), Number(str(p, 'volume_nr')))) },
    {
      ...SETPROP, help: 'Sets a property on a volume group.', args: [{ name: 'resource_group_name' }, { name: 'volume_nr' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceGroups.modifyVolumeGroup(str(p, 'resource_group_name'), Number(str(p, 'volume_nr')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...LISTPROP, help: 'Prints the properties of a volume group.', args: [{ name: 'resource_group_name' }, { name: 'volume_nr' }],
      run: async (ctx, p) => { const v = await ctx.client.resourceGroups.getVolumeGroup(str(p, 'resource_group_name'), Number(str(p, 'volume_nr'))); return showProps(ctx, v.props, [v]); },
    },
  ],
};
