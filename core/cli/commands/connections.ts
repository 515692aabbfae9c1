/**
 * `linstor node-connection` and `linstor resource-connection`: properties on a pair of nodes
 * (for every resource, or for one), and DRBD paths. A path is stored the way linstor-client
 * stores it: `Paths/<path>/<node>` = net interface name, one key per side. The
 * drbd-peer-options sub-commands are merged in from commands-extra.
 */
import { propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, str, type CmdSpec, type Parsed } from '../spec.js';
import type { CellValue } from '../table.js';
import { seg } from '../../client/http.js';
import type { ApiCallRc, Properties, PropsModify } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, SETPROP, setPropOpts } from './common.js';
import { groupbyOpt, groupRows } from './groupby.js';

export interface Connection { node_a: string; node_b: string; props?: Properties; flags?: string[]; port?: number }

/** The REST calls of both families (kept here until core/client grows a connections API). */
export const connectionsApi = (ctx: Ctx) => ({
  listNode: (a?: string, b?: string): Promise<Connection[]> => ctx.client.transport.get('/v1/node-connections', { node_a: a, node_b: b }),
  modifyNode: (a: string, b: string, m: PropsModify): Promise<ApiCallRc[]> => ctx.client.transport.put(`/v1/node-connections/${seg(a)}/${seg(b)}`, m),
  listRsc: (rd: string): Promise<Connection[]> => ctx.client.transport.get(`/v1/resource-definitions/${seg(rd)}/resource-connections`),
  getRsc: async (rd: string, a: string, b: string): Promise<Connection | undefined> =>
    (await ctx.client.transport.get<Connection[]>(`/v1/resource-definitions/${seg(rd)}/resource-connections/${seg(a)}/${seg(b)}`))[0],
  modifyRsc: (rd: string, a: string, b: string, m: PropsModify): Promise<ApiCallRc[]> =>
    ctx.client.transport.put(`/v1/resource-definitions/${seg(rd)}/resource-connections/${seg(a)}/${seg(b)}`, m),
});

const PATHS = 'Paths';
const basename = (k: string): string => k.slice(k.lastIndexOf('/') + 1);
const samePair = (c: Connection, a: string, b: string): boolean => {
  const [x, y, ca, cb] = [a, b, c.node_a, c.node_b].map((s) => s.toLowerCase());
  return (x === ca && y === cb) || (x === cb && y === ca);
};

/** linstor-client's Properties column: `basename=value` pairs, cut after 30 characters. */
function propsCell(props: Properties | undefined): string {
  const s = Object.entries(props ?? {}).map(([k, v]) => `${basename(k)}=${v}`).join(',');
  return s.length < 30 ? s : `${s.slice(0, 30)}...`;
}

/** `-s/--show-props KEY[=Header]`: extra columns, as linstor-client adds them. */
function showPropCols(p: Parsed): Array<{ key: string; header: string }> {
  return list(p, 'show-props').map((s) => { const i = s.indexOf('='); return i < 0 ? { key: s, header: s } : { key: s.slice(0, i), header: s.slice(i + 1) }; });
}

function connList(ctx: Ctx, p: Parsed, raw: Connection[], base: string[], row: (c: Connection) => CellValue[]): number {
  const extra = showPropCols(p);
  const headers = [...base, ...extra.map((e) => e.header)];
  const live = raw.filter((c) => !c.flags?.includes('DELETED'));
  const rows = live.map((c) => [...row(c), ...extra.map((e) => c.props?.[e.key] ?? '')]);
  return showList(ctx, raw, headers, groupRows(headers, rows, list(p, 'groupby')));
}

const pathProps = (props: Properties | undefined): Properties =>
  Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => k.startsWith(`${PATHS}/`)));

function pathCreate(p: Parsed): PropsModify {
  const ns = `${PATHS}/${str(p, 'path_name')}`;
  return { override_props: { [`${ns}/${str(p, 'node_a')}`]: str(p, 'netinterface_a'), [`${ns}/${str(p, 'node_b')}`]: str(p, 'netinterface_b') } };
}
function pathDelete(p: Parsed): PropsModify {
  const ns = `${PATHS}/${str(p, 'path_name')}`;
  return { delete_props: [`${ns}/${str(p, 'node_a')}`, `${ns}/${str(p, 'node_b')}`] };
}

const listOpts = [{ name: 'pastable', short: 'p', kind: 'bool' as const }, groupbyOpt, { name: 'show-props', short: 's', kind: 'list' as const }];
const AB = [{ name: 'node_a' }, { name: 'node_b' }];
const PATH_ARGS = [{ name: 'path_name' }, { name: 'netinterface_a' }, { name: 'netinterface_b' }];

export const nodeConnectionCommand: CmdSpec = {
  name: 'node-connection', aliases: ['nc'], help: 'Node connection subcommands',
  sub: [
    {
      ...LIST, help: 'Prints a list of all non-empty node connections.', args: [{ name: 'node_a', optional: true }, { name: 'node_b', optional: true }], opts: listOpts,
      run: async (ctx, p) => connList(ctx, p, await connectionsApi(ctx).listNode(p.pos.node_a as string | undefined, p.pos.node_b as string | undefined),
        ['Node A', 'Node B', 'Properties'], (c) => [c.node_a, c.node_b, propsCell(c.props)]),
    },
    {
      ...LISTPROP, help: 'Prints all properties of the given node connection.', args: AB,
      run: async (ctx, p) => {
        const cs = await connectionsApi(ctx).listNode(str(p, 'node_a'), str(p, 'node_b'));
        const c = cs.find((x) => samePair(x, str(p, 'node_a'), str(p, 'node_b')));
        return showProps(ctx, c?.props, cs);
      },
    },
    {
      ...SETPROP, help: 'Sets a property of the given node connection (no value deletes it).', args: [...AB, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyNode(str(p, 'node_a'), str(p, 'node_b'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      name: 'path', aliases: ['p'], help: 'Node connection path subcommands',
      sub: [
        { ...CREATE, help: 'Creates a new node connection path.', args: [...AB, ...PATH_ARGS], run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyNode(str(p, 'node_a'), str(p, 'node_b'), pathCreate(p))) },
        {
          ...LIST, help: 'List all existing node connection paths.', args: AB, opts: [{ name: 'pastable', short: 'p', kind: 'bool' }],
          run: async (ctx, p) => {
            const cs = await connectionsApi(ctx).listNode(str(p, 'node_a'), str(p, 'node_b'));
            const c = cs.find((x) => samePair(x, str(p, 'node_a'), str(p, 'node_b')));
            return showProps(ctx, pathProps(c?.props), [pathProps(c?.props)]);
          },
        },
        { ...DELETE, help: 'Deletes an existing node connection path.', args: [...AB, { name: 'path_name' }], run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyNode(str(p, 'node_a'), str(p, 'node_b'), pathDelete(p))) },
      ],
    },
  ],
};

const ABR = [...AB, { name: 'resource_name' }];

export const resourceConnectionCommand: CmdSpec = {
  name: 'resource-connection', aliases: ['rc'], help: 'Resource connection subcommands',
  sub: [
    {
      ...LIST, help: 'Prints a list of all resource connections for the given resource.', args: [{ name: 'resource_name' }], opts: listOpts,
      run: async (ctx, p) => connList(ctx, p, await connectionsApi(ctx).listRsc(str(p, 'resource_name')),
        ['Source', 'Target', 'Properties', 'Port'], (c) => [c.node_a, c.node_b, propsCell(c.props), c.port ?? '']),
    },
    {
      ...LISTPROP, help: 'Prints all properties of the given resource connection.', args: ABR,
      run: async (ctx, p) => { const c = await connectionsApi(ctx).getRsc(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b')); return showProps(ctx, c?.props, [c?.props ?? {}]); },
    },
    {
      ...SETPROP, help: 'Sets a property of the given resource connection (no value deletes it).', args: [...ABR, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyRsc(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      name: 'path', aliases: ['p'], help: 'Resource connection path subcommands',
      sub: [
        { ...CREATE, help: 'Creates a new resource connection path.', args: [...ABR, ...PATH_ARGS], run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyRsc(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b'), pathCreate(p))) },
        {
          ...LIST, help: 'List all existing resource connection paths.', args: ABR, opts: [{ name: 'pastable', short: 'p', kind: 'bool' }],
          run: async (ctx, p) => {
            const cs = await connectionsApi(ctx).listRsc(str(p, 'resource_name'));
            const c = cs.find((x) => samePair(x, str(p, 'node_a'), str(p, 'node_b')));
            return showProps(ctx, pathProps(c?.props), [pathProps(c?.props)]);
          },
        },
        { ...DELETE, help: 'Deletes an existing resource connection path.', args: [...ABR, { name: 'path_name' }], run: async (ctx, p) => showReplies(ctx, await connectionsApi(ctx).modifyRsc(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b'), pathDelete(p))) },
      ],
    },
  ],
};
