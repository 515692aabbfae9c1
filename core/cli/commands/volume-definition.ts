/** `linstor volume-definition ...` as linstor-client has it; sizes without a unit are GiB. */
import { ExitCode, newTable, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { int, list, obool, oint, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color } from '../table.js';
import { approxSize, parseSizeKib, UNITS_LIST_STR } from '../units.js';
import { seg } from '../../client/http.js';
import { askPassphrase } from './passphrase.js';
import { addShowPropColumns, asyncOpt, auxOpt, groupbyOpt, keyValueArgs, pastableOpt, propCells, showPropsOpt, SUB } from './common.js';
import { drbdOptionsCommand, VOLUME_SECTIONS } from './drbd-options.js';

type Obj = Record<string, any>;
const VD_HEADERS = ['ResourceName', 'VolumeNr', 'VolumeMinor', 'Size', 'Gross', 'State'];

export const VOLUME_SIZE_HELP = `Size of the volume. Valid units: ${UNITS_LIST_STR}. The default unit is GiB (2 ^ 30 bytes). The unit can be specified with a postfix. LINSTOR's internal granularity for the capacity of volumes is one kibibyte (2 ^ 10 bytes). The actual size used by LINSTOR is the smallest natural number of kibibytes that is large enough to accommodate a volume of the requested size in the specified size unit.`;

const vdPath = (p: Parsed, rd = 'resource_name'): string => `/v1/resource-definitions/${seg(str(p, rd))}/volume-definitions/${int(p, 'volume_nr')}`;

function renderVds(ctx: Ctx, p: Parsed, rds: Obj[]): string {
  const t = newTable(ctx, p).addColumn('ResourceName');
  if (obool(p, 'external-name')) t.addColumn('External');
  t.addColumn('VolumeNr').addColumn('VolumeMinor').addColumn('Size').addColumn('Gross').addColumn('State', { color: Color.DARKGREEN });
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['ResourceName']);
  for (const rd of rds) {
    for (const vd of rd.volume_definitions ?? []) {
      const f: string[] = vd.flags ?? [];
      const state = f.includes('DELETE') ? { text: 'DELETING', color: Color.RED } : f.includes('RESIZE') ? { text: 'resizing', color: Color.DARKPINK } : { text: 'ok', color: Color.DARKGREEN };
      const minor = (vd.layer_data ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data?.minor_number;
      t.addRow([rd.name, ...(obool(p, 'external-name') ? [rd.external_name ?? ''] : []), vd.volume_number, minor ?? '', approxSize(vd.size_kib), f.includes('GROSS_SIZE') ? '+' : '', state, ...propCells(keys, vd.props)]);
    }
  }
  return t.show();
}

async function create(ctx: Ctx, p: Parsed): Promise<number> {
  let passphrase: string | undefined;
  if (p.opt.passphrase === '') passphrase = await askPassphrase(true);
  else if (typeof p.opt.passphrase === 'string') passphrase = p.opt.passphrase;
  const vd: Obj = { size_kib: parseSizeKib(str(p, 'size')), flags: [] as string[] };
  if (oint(p, 'vlmnr') !== undefined) vd.volume_number = oint(p, 'vlmnr');
  if (obool(p, 'encrypt')) vd.flags.push('ENCRYPTED');
  if (obool(p, 'gross')) vd.flags.push('GROSS_SIZE');
  if (ostr(p, 'storage-pool')) vd.props = { StorPoolName: ostr(p, 'storage-pool') };
  const body: Obj = { volume_definition: vd };
  if (oint(p, 'minor') !== undefined) body.drbd_minor_number = oint(p, 'minor');
  if (passphrase !== undefined) body.passphrase = passphrase;
  return showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(str(p, 'resource_name'))}/volume-definitions`, body));
}

export const volumeDefinitionCommand: CmdSpec = {
  name: 'volume-definition', aliases: ['vd'], help: 'Volume definition subcommands', title: 'Volume definition commands',
  sub: [
    {
      ...SUB.create, help: "Creates a volume with a capacity of `size` for use with LINSTOR. If the resource `resource_name` exists already, a new volume is added to that resource, otherwise the resource is assigned automatically with default settings. Unless `--minor MINOR` is specified, a minor number for the volume's DRBD block device is assigned automatically by the LINSTOR server.",
      args: [{ name: 'resource_name', help: 'Name of an existing resource', complete: 'resource-definition' }, { name: 'size', help: VOLUME_SIZE_HELP, complete: 'size' }],
      opts: [
        { name: 'storage-pool', short: 's', kind: 'str', complete: 'storage-pool-definition', help: 'Storage pool name to use.' },
        { name: 'vlmnr', short: 'n', kind: 'int', help: 'Volume number of the new volume definition (default: the next free one)' },
        { name: 'minor', short: 'm', kind: 'int', help: 'DRBD minor number of the new volume (default: assigned by the controller)' },
        { name: 'encrypt', kind: 'bool', help: 'DEPCRECATED - use --layer-list ...,LUKS,... instead (when creating resource /-definition)' },
        { name: 'gross', kind: 'bool', help: 'The size includes the DRBD metadata (gross size)' },
        { name: 'passphrase', kind: 'str', nargs: '?', const: '', help: 'User provided passphrase for encrypted volumes. If not provided LINSTOR will create one' },
      ],
      run: create,
    },
    {
      ...SUB.list, help: ' Prints a list of all volume definitions known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, groupbyOpt(VD_HEADERS), { name: 'resource-definitions', short: 'r', kind: 'list', complete: 'resource-definition', help: 'Filter by list of resource definitions' },
        { name: 'external-name', short: 'e', kind: 'bool', help: 'Show user specified name.' }, showPropsOpt()],
      run: async (ctx, p) => {
        const rds = await ctx.client.resourceDefinitions.list({ resource_definitions: list(p, 'resource-definitions'), with_volume_definitions: true }) as Obj[];
        return showList(ctx, 'resource-definitions', rds, (x) => renderVds(ctx, p, x));
      },
    },
    {
      ...SUB.delete, help: "Removes a volume definition from the LINSTOR cluster, and removes the volume definition from the resource definition. The volume is undeployed from all nodes and the volume entry is marked for removal from the resource definition in LINSTOR's data tables. After all nodes have undeployed the volume, the volume entry is removed from the resource definition.",
      args: [{ name: 'resource_name', help: 'Resource name of the volume definition', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number to delete.' }],
      opts: [asyncOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(vdPath(p))),
    },
    {
      ...SUB.setSize, help: 'Change the size of a volume. Decreasing the size is only supported when the specified resource definition does not have any resources. Increasing the size is supported even when the associated resource definition has resources. File systems present on the volumes will not be resized.',
      args: [{ name: 'resource_name', help: 'Name of an existing resource', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number' }, { name: 'size', help: VOLUME_SIZE_HELP, complete: 'size' }],
      opts: [{ name: 'gross', kind: 'bool', help: 'The new size includes the DRBD metadata (gross size)' }],
      run: async (ctx, p) => {
        const stop = ctx.progress.start('Resizing volume...');
        try {
          return showReplies(ctx, await ctx.client.transport.put(vdPath(p), { size_kib: parseSizeKib(str(p, 'size')), ...(obool(p, 'gross') ? { flags: ['GROSS_SIZE'] } : {}) }));
        } finally { stop(); }
      },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given volume definition.',
      args: [{ name: 'resource_name', help: 'Resource name', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number' }, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(vdPath(p), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given volume definition.',
      args: [{ name: 'resource_definition', help: 'Resource definition', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number' }], opts: [pastableOpt],
      run: async (ctx, p) => {
        const rds = await ctx.client.resourceDefinitions.list({ resource_definitions: [str(p, 'resource_definition')], with_volume_definitions: true }) as Obj[];
        const vd = (rds[0]?.volume_definitions ?? []).find((v: Obj) => v.volume_number === int(p, 'volume_nr'));
        return showProps(ctx, vd ? vd.props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({
      type: 'volume', sections: VOLUME_SECTIONS,
      args: [{ name: 'resource_name', help: 'Resource name', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number' }],
      send: (ctx, p, body) => ctx.client.transport.put(vdPath(p), body),
    }),
    {
      ...SUB.modifyPassphrase, help: 'Changes the passphrase of an encrypted volume definition.',
      args: [{ name: 'resource_name', help: 'Resource name', complete: 'resource-definition' }, { name: 'volume_nr', int: true, help: 'Volume number' }, { name: 'new_passphrase', optional: true, help: 'New volume definition passphrase' }],
      run: async (ctx, p) => {
        const pass = (p.pos.new_passphrase as string | undefined) ?? await askPassphrase(true);
        return showReplies(ctx, await ctx.client.transport.put(`${vdPath(p)}/encryption-passphrase`, { new_passphrase: pass }));
      },
    },
  ],
};

export { ExitCode };
