/** `linstor resource-definition ...` as linstor-client 1.27 has it (clone waits, wait-sync polls). */
import { ExitCode, newTable, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { formatRc } from '../output.js';
import { waitFor } from '../progress.js';
import { list, obool, oint, ostr, str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { seg } from '../../client/http.js';
import type { ApiCallRc } from '../../client/types.js';
import { isError } from '../../model/apicallrc.js';
import { addShowPropColumns, asyncOpt, auxOpt, fromFile, fromFileOpt, groupbyOpt, keyValueArgs, layerList, layerListOpt, pastableOpt, propCells, propsFilterOpt, showPropsOpt, SUB } from './common.js';
import { drbdOptionsCommand, RESOURCE_SECTIONS } from './drbd-options.js';
import { autoSelectOpts, parsePlaceCount, selectFilter, disklessOnRemaining } from './select-filter.js';

type Obj = Record<string, any>;
const RD_HEADERS = ['ResourceName', 'ResourceGroup', 'Layers', 'State'];
const rdPath = (name: string): string => `/v1/resource-definitions/${seg(name)}`;

function peerSlots(p: Parsed): number | undefined {
  const v = oint(p, 'peer-slots');
  if (v !== undefined && (v < 1 || v > 31)) throw new UsageError(`${v} not in range: [1, 31]`);
  return v;
}

function rdState(flags: string[] | undefined): CellValue {
  const f = flags ?? [];
  if (f.includes('DELETE')) return { text: 'DELETING', color: Color.RED };
  if (f.includes('FAILED')) return { text: 'FAILED', color: Color.RED };
  if (f.includes('CLONING')) return { text: 'CLONING', color: Color.YELLOW };
  return { text: 'ok', color: Color.DARKGREEN };
}

function renderRds(ctx: Ctx, p: Parsed, rds: Obj[]): string {
  const t = newTable(ctx, p).addColumn('ResourceName');
  if (obool(p, 'external-name')) t.addColumn('External');
  if (obool(p, 'show-ports')) t.addColumn('Port');
  t.addColumn('ResourceGroup').addColumn('Layers').addColumn('State', { color: Color.DARKGREEN });
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['ResourceName']);
  for (const rd of rds) {
    const row: CellValue[] = [rd.name];
    if (obool(p, 'external-name')) row.push(rd.external_name ?? '');
    if (obool(p, 'show-ports')) row.push((rd.layer_data ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data?.port ?? '');
    row.push(rd.resource_group_name ?? '', (rd.layer_data ?? []).map((l: Obj) => l.type).join(','), rdState(rd.flags), ...propCells(keys, rd.props));
    t.addRow(row);
  }
  return t.show();
}

async function create(ctx: Ctx, p: Parsed): Promise<number> {
  const name = p.pos.name as string | undefined;
  const ext = ostr(p, 'external-name');
  if (!name && !ext) throw new UsageError('ArgumentError: At least resource name or external name has to be specified.');
  const rd: Obj = {};
  if (!ext) rd.name = name; else rd.external_name = ext;
  const layers = layerList(ostr(p, 'layer-list'));
  if (layers?.length) rd.layer_data = layers.map((type) => ({ type }));
  if (ostr(p, 'resource-group')) rd.resource_group_name = ostr(p, 'resource-group');
  const body: Obj = { resource_definition: rd };
  if (oint(p, 'port') !== undefined) {
    const port = oint(p, 'port')!;
    if (port < 1 || port > 65535) throw new UsageError(`${port} not in range: [1, 65535]`);
    body.drbd_port = port;
  }
  if (peerSlots(p) !== undefined) body.drbd_peer_slots = peerSlots(p);
  return showReplies(ctx, await ctx.client.transport.post('/v1/resource-definitions', body));
}

/** `rd auto-place` and `r c --auto-place`: python-linstor's resource_auto_place body. */
export async function autoPlace(ctx: Ctx, p: Parsed, rd: string, count: string | undefined, disklessType?: string): Promise<number> {
  const pc = parsePlaceCount(count);
  const body: Obj = { diskless_on_remaining: disklessOnRemaining(p) ?? null };
  body.select_filter = selectFilter(p, { placeCount: pc.placeCount, additional: pc.additional, disklessType });
  const layers = layerList(ostr(p, 'layer-list'));
  if (layers?.length) body.layer_list = layers;
  const stop = ctx.progress.start(`Placing resource '${rd}'...`);
  try {
    return showReplies(ctx, await ctx.client.transport.post(`${rdPath(rd)}/autoplace`, body));
  } finally { stop(); }
}

export function disklessTypeOf(p: Parsed): string | undefined {
  if (obool(p, 'drbd-diskless')) return 'DRBD_DISKLESS';
  if (obool(p, 'nvme-initiator')) return 'NVME_INITIATOR';
  if (obool(p, 'diskless')) return 'DISKLESS';
  return undefined;
}

async function clone(ctx: Ctx, p: Parsed): Promise<number> {
  const src = str(p, 'source_resource');
  const body: Obj = {};
  if (p.pos.clone_name) body.name = p.pos.clone_name;
  if (ostr(p, 'external-name')) body.external_name = ostr(p, 'external-name');
  if (p.opt['use-zfs-clone'] === true) body.use_zfs_clone = true;
  const layers = layerList(ostr(p, 'layer-list'));
  if (layers?.length) body.layer_list = layers;
  if (p.opt['volume-passphrase'] !== undefined) body.volume_passphrases = p.opt['volume-passphrase'];
  if (ostr(p, 'resource-group')) body.resource_group = ostr(p, 'resource-group');
  const started = await ctx.client.transport.post<Obj>(`${rdPath(src)}/clone`, body);
  let rc = showReplies(ctx, started?.messages ?? []);
  if (rc !== ExitCode.OK || obool(p, 'no-wait')) return rc;
  if (!ctx.machine) ctx.out('Waiting for cloning to complete...\n');
  const cloneName = started.clone_name ?? p.pos.clone_name;
  const timeoutS = oint(p, 'wait-timeout');
  try {
    const status = await waitFor(ctx.progress, `Cloning ${started.source_name ?? src} to ${cloneName}...`, async () => {
      const s = await ctx.client.transport.get<Obj>(`${rdPath(started.source_name ?? src)}/clone/${seg(cloneName)}`);
      return s.status === 'CLONING' ? undefined : s.status as string;
    }, { timeoutMs: timeoutS === undefined ? 24 * 3600e3 : timeoutS * 1000, intervalMs: 1000 });
    const ok = status === 'COMPLETE';
    if (!ok) rc = ExitCode.API_ERROR;
    if (!ctx.machine) {
      const word = (w: string, c: string): string => (ctx.color ? `${c}${w}${Color.NONE}` : w);
      ctx.out(ok ? `${word('Completed', Color.GREEN)} cloning ${cloneName}.\n`
        : `${word('Failed', Color.RED)} cloning ${cloneName}, please check resource status or satellite errors.\n`);
    }
  } catch (e) {
    const rcs = (e as { rcs?: ApiCallRc[] }).rcs;
    if (!rcs?.length) throw e;
    ctx.err(formatRc(rcs.find((r) => isError(r.ret_code)) ?? rcs[0]!, ctx.color));
    rc = ExitCode.API_ERROR;
  }
  return rc;
}

async function waitSync(ctx: Ctx, p: Parsed): Promise<number> {
  const rd = str(p, 'resource_name');
  const timeoutS = oint(p, 'wait-timeout');
  const synced = await waitFor(ctx.progress, `Waiting for resource '${rd}' to be synchronized...`, async () => {
    const s = await ctx.client.transport.get<Obj>(`${rdPath(rd)}/sync-status`);
    return s.synced_on_all ? true : undefined;
  }, { timeoutMs: timeoutS === undefined ? 24 * 3600e3 : timeoutS * 1000, intervalMs: 1000 });
  if (synced) return ExitCode.OK;
  ctx.err(`Error: Resource '${rd}' was not synchronized on all nodes within ${timeoutS} seconds.\n`);
  return ExitCode.CONNECTION_TIMEOUT;
}

const rdArg = (name: string, help: string) => ({ name, help, complete: 'resource-definition' as const });
const peerSlotsOpt: OptSpec = { name: 'peer-slots', kind: 'int', help: '(DRBD) peer slots for new resources' };

export const resourceDefinitionCommand: CmdSpec = {
  name: 'resource-definition', aliases: ['rd'], help: 'Resource definition subcommands', title: 'resource definition subcommands',
  sub: [
    {
      ...SUB.create, help: 'Defines a LINSTOR resource definition for use with LINSTOR.',
      args: [{ name: 'name', optional: true, help: 'Name of the new resource definition. Will be ignored if EXTERNAL_NAME is set.' }],
      opts: [
        { name: 'port', short: 'p', kind: 'int' }, { name: 'external-name', short: 'e', kind: 'str', help: 'User specified name.' },
        { ...layerListOpt, help: layerListOpt.help!.replace('order is from left to right top-down', 'order is from right to left.') }, peerSlotsOpt,
        { name: 'resource-group', kind: 'str', complete: 'resource-group', help: 'Attach the resource definition to this resource group.' },
      ],
      run: create,
    },
    {
      ...SUB.autoPlace, help: 'Auto place a resource definition.', args: [{ name: 'resource_definition_name', help: 'Name of the resource definition to auto place', complete: 'resource-definition' }],
      opts: [...autoSelectOpts({ placeCount: true }), { name: 'nvme-initiator', kind: 'bool', help: 'Mark this resource as initiator' }, { name: 'drbd-diskless', kind: 'bool', help: 'Mark this resource as drbd diskless' }],
      run: (ctx, p) => autoPlace(ctx, p, str(p, 'resource_definition_name'), ostr(p, 'place-count'), disklessTypeOf(p)),
    },
    {
      ...SUB.modify, help: 'Modifies a LINSTOR resource definition.', args: [rdArg('name', 'Name of the resource definition')],
      opts: [peerSlotsOpt, { name: 'resource-group', kind: 'str', complete: 'resource-group', help: 'Change resource group to the given one.' }],
      run: async (ctx, p) => {
        const body: Obj = {};
        if (peerSlots(p) !== undefined) body.drbd_peer_slots = peerSlots(p);
        if (ostr(p, 'resource-group')) body.resource_group = ostr(p, 'resource-group');
        return showReplies(ctx, await ctx.client.transport.put(rdPath(str(p, 'name')), body));
      },
    },
    {
      ...SUB.list, help: 'Prints a list of all resource definitions known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, groupbyOpt(RD_HEADERS), { name: 'resource-definitions', short: 'r', kind: 'list', complete: 'resource-definition', help: 'Filter by list of resource definitions' },
        { name: 'external-name', short: 'e', kind: 'bool', help: 'Show user specified name.' }, { name: 'show-ports', kind: 'bool', help: 'Show the DRBD port of each resource definition.' },
        propsFilterOpt, showPropsOpt(), fromFileOpt],
      run: async (ctx, p) => {
        const rds = fromFile<Obj[]>(p) ?? await ctx.client.resourceDefinitions.list({ resource_definitions: list(p, 'resource-definitions'), props: list(p, 'props') }) as Obj[];
        return showList(ctx, 'resource-definitions', rds, (x) => renderRds(ctx, p, x));
      },
    },
    {
      ...SUB.delete, help: " Removes a resource definition from the LINSTOR cluster. The resource is undeployed from all nodes and the resource entry is marked for removal from LINSTOR's data tables. After all nodes have undeployed the resource, the resource entry is removed from LINSTOR's data tables.",
      args: [{ name: 'name', variadic: '+', help: 'Name of the resource to delete', complete: 'resource-definition' }], opts: [asyncOpt],
      run: async (ctx, p) => {
        const rcs: unknown[] = [];
        const stop = ctx.progress.start('Deleting resource definition...');
        try { for (const n of list(p, 'name')) rcs.push(...await ctx.client.resourceDefinitions.delete(n)); } finally { stop(); }
        return showReplies(ctx, rcs);
      },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given resource definition.', args: [{ name: 'name', help: 'Name of the resource definition', complete: 'resource-definition' }, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(rdPath(str(p, 'name')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the specified resource definitions.', args: [rdArg('resource_name', 'Resource definition for which to print the properties')], opts: [pastableOpt, fromFileOpt],
      run: async (ctx, p) => {
        const rds = fromFile<Obj[]>(p) ?? await ctx.client.resourceDefinitions.list({ resource_definitions: [str(p, 'resource_name')] }) as Obj[];
        return showProps(ctx, rds[0] ? rds[0].props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({ type: 'resource', sections: RESOURCE_SECTIONS, args: [rdArg('resource_name', 'Resource name')], send: (ctx, p, body) => ctx.client.transport.put(rdPath(str(p, 'resource_name')), body) }),
    {
      ...SUB.clone, help: 'Clones a resource definition with all resources and volumes (including data).',
      args: [rdArg('source_resource', 'Source resource definition name'), { name: 'clone_name', optional: true, help: 'Name of the new resource definition. Will be ignored if EXTERNAL_NAME is set.' }],
      opts: [
        { name: 'external-name', short: 'e', kind: 'str', help: 'User specified name.' },
        { name: 'no-wait', kind: 'bool', help: 'Do not wait till cloning is done.' },
        { name: 'async', kind: 'bool', hidden: false, help: 'Same as --no-wait: return as soon as the clone has started.' },
        { name: 'wait-timeout', kind: 'int', help: 'Wait specified number of seconds for the clone to finish.' },
        { name: 'use-zfs-clone', kind: 'bool', help: 'Use ZFS clone instead send/recv, but have a dependent snapshot' },
        { name: 'volume-passphrase', kind: 'list', nargs: '*', help: 'User provided volume passphrases' },
        layerListOpt, { name: 'resource-group', kind: 'str', complete: 'resource-group', help: 'Place the clone into the given resource group and use its storage pools.' },
      ],
      run: (ctx, p) => clone(ctx, obool(p, 'async') ? { ...p, opt: { ...p.opt, 'no-wait': true } } : p),
    },
    {
      ...SUB.waitSync, help: "Wait until the specified resource is synchronized (DRBD peers are up-to-date). For use when cloning a resource definition (see `linstor resource-definition clone --help`). Cloning a resource definition might take longer than the LINSTOR client's default timeout period (5 minutes). To prevent a potentially endless wait, in case something goes wrong and DRBD peers never reach an up-to-date state, you can specify a `--wait-timeout` value. If the wait timeout is exceeded, the command will exit, even if the resource is not synchronized.",
      args: [rdArg('resource_name', 'Resource name to be checked.')], opts: [{ name: 'wait-timeout', kind: 'int', help: 'Wait this seconds for the clone to finish.' }],
      run: waitSync,
    },
  ],
};
