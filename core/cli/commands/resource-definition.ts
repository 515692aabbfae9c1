import { layers, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, oint, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color } from '../table.js';
import { formatKib, parseSizeToKib } from '../../model/sizes.js';
import type { ResourceDefinition } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, MODIFY, SETPROP, setPropOpts } from './common.js';

const layerNames = (rd: ResourceDefinition): string => (rd.layer_data ?? []).map((l) => l.type).join(',');
const state = (flags: string[] | undefined) => (flags?.includes('DELETE') ? { text: 'DELETING', color: Color.RED } : { text: 'ok', color: Color.GREEN });

async function rdList(ctx: Ctx, p: Parsed): Promise<number> {
  const rds = await ctx.client.resourceDefinitions.list({ resource_definitions: list(p, 'resource-definitions'), props: list(p, 'props') });
  return showList(ctx, rds, ['ResourceName', 'ResourceGroup', 'Layers', 'State'],
    rds.map((r) => [r.name ?? '', r.resource_group_name ?? '', layerNames(r), state(r.flags)]));
}

async function vdList(ctx: Ctx, p: Parsed): Promise<number> {
  const rds = await ctx.client.resourceDefinitions.list({ resource_definitions: list(p, 'resource-definitions'), with_volume_definitions: true });
  const rows = rds.flatMap((r) => (r.volume_definitions ?? []).map((vd) => {
    const minor = vd.layer_data?.find((l) => l.type === 'DRBD')?.data?.minor_number;
    return [r.name ?? '', vd.volume_number ?? 0, minor ?? '', formatKib(vd.size_kib), vd.flags?.includes('GROSS_SIZE') ? '+' : '', state(vd.flags)];
  }));
  return showList(ctx, rds, ['ResourceName', 'VolumeNr', 'VolumeMinor', 'Size', 'Gross', 'State'], rows);
}

export const resourceDefinitionCommand: CmdSpec = {
  name: 'resource-definition', aliases: ['rd'], help: 'Resource definition subcommands',
  sub: [
    {
      ...CREATE, help: 'Defines a LINSTOR resource definition.', args: [{ name: 'name' }],
      opts: [{ name: 'port', kind: 'int' }, { name: 'resource-group', kind: 'str' }, { name: 'layer-list', short: 'l', kind: 'str' }, { name: 'external-name', kind: 'str' }, { name: 'peer-slots', kind: 'int' }],
      run: async (ctx, p) => {
        const l = layers(ostr(p, 'layer-list'));
        return showReplies(ctx, await ctx.client.resourceDefinitions.create({
          resource_definition: {
            name: str(p, 'name'),
            ...(ostr(p, 'resource-group') ? { resource_group_name: ostr(p, 'resource-group') } : {}),
            ...(ostr(p, 'external-name') ? { external_name: ostr(p, 'external-name') } : {}),
            ...(l ? { layer_data: l.map((type) => ({ type })) } : {}),
          },
          ...(oint(p, 'port') !== undefined ? { drbd_port: oint(p, 'port') } : {}),
          ...(oint(p, 'peer-slots') !== undefined ? { drbd_peer_slots: oint(p, 'peer-slots') } : {}),
        }));
      },
    },
    {
      ...MODIFY, help: 'Modifies a resource definition.', args: [{ name: 'name' }],
      opts: [{ name: 'peer-slots', kind: 'int' }, { name: 'resource-group', kind: 'str' }, { name: 'layer-list', short: 'l', kind: 'str' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.modify(str(p, 'name'), {
        ...(oint(p, 'peer-slots') !== undefined ? { drbd_peer_slots: oint(p, 'peer-slots') } : {}),
        ...(ostr(p, 'resource-group') ? { resource_group: ostr(p, 'resource-group') } : {}),
        ...(layers(ostr(p, 'layer-list')) ? { layer_stack: layers(ostr(p, 'layer-list')) } : {}),
      })),
    },
    { ...LIST, help: 'Prints a list of all resource definitions.', opts: [{ name: 'resource-definitions', short: 'r', kind: 'list' }, { name: 'props', kind: 'list' }], run: rdList },
    { ...DELETE, help: 'Deletes a resource definition.', args: [{ name: 'name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.delete(str(p, 'name'))) },
    {
      name: 'clone', help: 'Clones a resource definition with all its resources.', args: [{ name: 'source_resource' }, { name: 'target_resource' }],
      opts: [{ name: 'use-zfs-clone', kind: 'bool' }, { name: 'resource-group', kind: 'str' }, { name: 'layer-list', short: 'l', kind: 'str' }],
      run: async (ctx, p) => {
        const r = await ctx.client.resourceDefinitions.clone(str(p, 'source_resource'), {
          name: str(p, 'target_resource'), ...(obool(p, 'use-zfs-clone') ? { use_zfs_clone: true } : {}),
          ...(ostr(p, 'resource-group') ? { resource_group: ostr(p, 'resource-group') } : {}),
          ...(layers(ostr(p, 'layer-list')) ? { layer_list: layers(ostr(p, 'layer-list')) } : {}),
        });
        return showReplies(ctx, r.messages ?? []);
      },
    },
    {
      name: 'wait-sync', help: 'Reports whether the resource is in sync on all nodes.', args: [{ name: 'name' }],
      run: async (ctx, p) => { const s = await ctx.client.resourceDefinitions.syncStatus(str(p, 'name')); return showList(ctx, s, ['ResourceName', 'SyncedOnAll'], [[str(p, 'name'), String(s.synced_on_all)]]); },
    },
    {
      ...SETPROP, help: 'Sets a property on a resource definition (no value deletes it).', args: [{ name: 'name' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.modify(str(p, 'name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    { ...LISTPROP, help: 'Prints the properties of a resource definition.', args: [{ name: 'name' }], run: async (ctx, p) => { const r = await ctx.client.resourceDefinitions.get(str(p, 'name')); return showProps(ctx, r.props, [r]); } },
  ],
};

export const volumeDefinitionCommand: CmdSpec = {
  name: 'volume-definition', aliases: ['vd'], help: 'Volume definition subcommands',
  sub: [
    {
      ...CREATE, help: 'Defines a volume with a capacity (e.g. 10G, 512MiB; plain numbers are KiB).', args: [{ name: 'resource_definition_name' }, { name: 'size' }],
      opts: [{ name: 'vlmnr', kind: 'int' }, { name: 'minor', kind: 'int' }, { name: 'encrypt', kind: 'bool' }, { name: 'gross', kind: 'bool' }, { name: 'storage-pool', short: 's', kind: 'str' }],
      run: async (ctx, p) => {
        const flags = [...(obool(p, 'encrypt') ? ['ENCRYPTED'] : []), ...(obool(p, 'gross') ? ['GROSS_SIZE'] : [])];
        return showReplies(ctx, await ctx.client.resourceDefinitions.createVolumeDefinition(str(p, 'resource_definition_name'), {
          volume_definition: {
            size_kib: parseSizeToKib(str(p, 'size')),
            ...(oint(p, 'vlmnr') !== undefined ? { volume_number: oint(p, 'vlmnr') } : {}),
            ...(flags.length ? { flags } : {}),
            ...(ostr(p, 'storage-pool') ? { props: { StorPoolName: ostr(p, 'storage-pool')! } } : {}),
          },
          ...(oint(p, 'minor') !== undefined ? { drbd_minor_number: oint(p, 'minor') } : {}),
        }));
      },
    },
    { ...LIST, help: 'Prints a list of all volume definitions.', opts: [{ name: 'resource-definitions', short: 'r', kind: 'list' }], run: vdList },
    { ...DELETE, help: 'Deletes a volume definition.', args: [{ name: 'resource_definition_name' }, { name: 'volume_nr' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.deleteVolumeDefinition(str(p, 'resource_definition_name'), Number(str(p, 'volume_nr')))) },
    {
      name: 'set-size', help: 'Changes the size of a volume definition (grow only).', args: [{ name: 'resource_definition_name' }, { name: 'volume_nr' }, { name: 'size' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.modifyVolumeDefinition(str(p, 'resource_definition_name'), Number(str(p, 'volume_nr')), { size_kib: parseSizeToKib(str(p, 'size')) })),
    },
    {
      ...SETPROP, help: 'Sets a property on a volume definition.', args: [{ name: 'resource_definition_name' }, { name: 'volume_nr' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.resourceDefinitions.modifyVolumeDefinition(str(p, 'resource_definition_name'), Number(str(p, 'volume_nr')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...LISTPROP, help: 'Prints the properties of a volume definition.', args: [{ name: 'resource_definition_name' }, { name: 'volume_nr' }],
      run: async (ctx, p) => { const v = await ctx.client.resourceDefinitions.getVolumeDefinition(str(p, 'resource_definition_name'), Number(str(p, 'volume_nr'))); return showProps(ctx, v.props, [v]); },
    },
  ],
};
