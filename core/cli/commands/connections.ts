/**
 * `linstor node-connection` and `linstor resource-connection`: properties on a pair of nodes
 * (for every resource, or for one), DRBD peer options and paths. A path is stored the way
 * linstor-client stores it: `Paths/<path>/<node>` = net interface name, one key per side.
 */
import { basename } from 'node:path';
import { newTable, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, str, type ArgSpec, type CmdSpec, type Parsed } from '../spec.js';
import { seg } from '../../client/http.js';
import { addShowPropColumns, auxOpt, groupbyOpt, keyValueArgs, pastableOpt, propCells, showPropsOpt, SUB } from './common.js';
import { drbdOptionsCommand, PEER_SECTIONS } from './drbd-options.js';

type Obj = Record<string, any>;
type Props = Record<string, string>;

const nodeConnPath = (a: string, b: string): string => `/v1/node-connections/${seg(a)}/${seg(b)}`;
const rscConnPath = (rd: string, a: string, b: string): string => `/v1/resource-definitions/${seg(rd)}/resource-connections/${seg(a)}/${seg(b)}`;
const samePair = (c: Obj, a: string, b: string): boolean => (c.node_a === a && c.node_b === b) || (c.node_a === b && c.node_b === a);

/** linstor-client's Properties column: `basename=value` pairs, cut after 30 characters. */
function propsCell(props: Props | undefined): string {
  const s = Object.entries(props ?? {}).map(([k, v]) => `${basename(k)}=${v}`).join(',');
  return s.length < 30 ? s : `${s.slice(0, 30)}...`;
}

function connTable(ctx: Ctx, p: Parsed, conns: Obj[], headers: string[], row: (c: Obj) => Array<string | number>): string {
  const t = newTable(ctx, p);
  for (const h of headers) t.addColumn(h);
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : [headers[0]!]);
  for (const c of conns.filter((x) => !(x.flags ?? []).includes('DELETED'))) t.addRow([...row(c), ...propCells(keys, c.props)]);
  return t.show();
}

const pathProps = (props: Props | undefined): Props => Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => k.startsWith('Paths/')));
const pathCreate = (p: Parsed): { override_props: Props } => {
  const ns = `Paths/${str(p, 'path_name')}`;
  return { override_props: { [`${ns}/${str(p, 'node_a')}`]: str(p, 'netinterface_a'), [`${ns}/${str(p, 'node_b')}`]: str(p, 'netinterface_b') } };
};
const pathDelete = (p: Parsed): { delete_props: string[] } => {
  const ns = `Paths/${str(p, 'path_name')}`;
  return { delete_props: [`${ns}/${str(p, 'node_a')}`, `${ns}/${str(p, 'node_b')}`] };
};

const AB: ArgSpec[] = [{ name: 'node_a', help: '1. Node of the connection', complete: 'node' }, { name: 'node_b', help: '2. Node of the connection', complete: 'node' }];
const SRC_TGT: ArgSpec[] = [{ name: 'node_name_a', help: 'Node name source of the connection.', complete: 'node' }, { name: 'node_name_b', help: 'Node name target of the connection.', complete: 'node' }];
const PATH_ARGS: ArgSpec[] = [{ name: 'path_name', help: 'Name of the created path' }, { name: 'netinterface_a', help: 'Netinterface name to use for 1. node', complete: 'netif' }, { name: 'netinterface_b', help: 'Netinterface name to use for the 2. node', complete: 'netif' }];
const RSC: ArgSpec = { name: 'resource_name', help: 'Resource name', complete: 'resource' };

export const nodeConnectionCommand: CmdSpec = {
  name: 'node-connection', aliases: ['nc'], help: 'Node connection subcommands', title: 'node connection commands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of all non-empty node connections. By default, the list is printed as a human readable table.',
      args: [{ name: 'node_name_a', optional: true, help: 'Node name', complete: 'node' }, { name: 'node_name_b', optional: true, help: 'Node name', complete: 'node' }],
      opts: [pastableOpt, groupbyOpt(['Node A', 'Node B', 'Properties']), showPropsOpt()],
      run: async (ctx, p) => {
        const conns = await ctx.client.transport.get<Obj[]>('/v1/node-connections', { node_a: p.pos.node_name_a as string | undefined, node_b: p.pos.node_name_b as string | undefined });
        return showList(ctx, 'raw', conns, () => connTable(ctx, p, conns, ['Node A', 'Node B', 'Properties'], (c) => [c.node_a, c.node_b, propsCell(c.props)]));
      },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given node connection.', args: [...SRC_TGT, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(nodeConnPath(str(p, 'node_name_a'), str(p, 'node_name_b')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given node connection.', args: SRC_TGT, opts: [pastableOpt],
      run: async (ctx, p) => {
        const conns = await ctx.client.transport.get<Obj[]>('/v1/node-connections', { node_a: str(p, 'node_name_a'), node_b: str(p, 'node_name_b') });
        return showProps(ctx, conns[0] ? conns[0].props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({
      peer: true, type: 'peer-device', sections: PEER_SECTIONS,
      args: [{ name: 'node_a', help: '1. Node in the node connection', complete: 'node' }, { name: 'node_b', help: '2. Node in the node connection', complete: 'node' }],
      send: (ctx, p, body) => ctx.client.transport.put(nodeConnPath(str(p, 'node_a'), str(p, 'node_b')), body),
    }),
    {
      name: 'path', aliases: ['p'], help: 'path subcommands', title: 'interface subcommands',
      sub: [
        { ...SUB.create, help: 'Creates a new node connection path.', args: [...AB, ...PATH_ARGS], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(nodeConnPath(str(p, 'node_a'), str(p, 'node_b')), pathCreate(p))) },
        {
          ...SUB.list, help: 'List all existing node connection paths.', args: AB, opts: [pastableOpt],
          run: async (ctx, p) => {
            const conns = await ctx.client.transport.get<Obj[]>('/v1/node-connections', { node_a: str(p, 'node_a'), node_b: str(p, 'node_b') });
            const c = conns.find((x) => samePair(x, str(p, 'node_a'), str(p, 'node_b')));
            return showProps(ctx, c ? pathProps(c.props) : undefined, p);
          },
        },
        { ...SUB.delete, help: 'Deletes an existing node connection path.', args: [...AB, { name: 'path_name', help: 'Name of the created path' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(nodeConnPath(str(p, 'node_a'), str(p, 'node_b')), pathDelete(p))) },
      ],
    },
  ],
};

export const resourceConnectionCommand: CmdSpec = {
  name: 'resource-connection', aliases: ['rc'], help: 'Resource connection subcommands', title: 'resource connection commands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of all resource connections for the given resource. By default, the list is printed as a human readable table.',
      args: [RSC], opts: [pastableOpt, groupbyOpt(['Source', 'Target', 'Properties', 'Port']), showPropsOpt()],
      run: async (ctx, p) => {
        const conns = await ctx.client.transport.get<Obj[]>(`/v1/resource-definitions/${seg(str(p, 'resource_name'))}/resource-connections`);
        return showList(ctx, 'resource-connections', conns, () => connTable(ctx, p, conns, ['Source', 'Target', 'Properties', 'Port'], (c) => [c.node_a, c.node_b, propsCell(c.props), c.port ? c.port : '']));
      },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given resource connection.', args: [...SRC_TGT, { ...RSC, help: 'Name of the resource' }, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(rscConnPath(str(p, 'resource_name'), str(p, 'node_name_a'), str(p, 'node_name_b')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given resource connection.', args: [...SRC_TGT, RSC], opts: [pastableOpt],
      run: async (ctx, p) => {
        const c = await ctx.client.transport.get<Obj | Obj[]>(rscConnPath(str(p, 'resource_name'), str(p, 'node_name_a'), str(p, 'node_name_b')));
        const conn = Array.isArray(c) ? c[0] : c;
        return showProps(ctx, conn ? conn.props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({
      peer: true, type: 'peer-device', sections: PEER_SECTIONS,
      args: [{ name: 'node_a', help: '1. Node in the node connection', complete: 'node' }, { name: 'node_b', help: '2. Node in the node connection', complete: 'node' }, RSC],
      send: (ctx, p, body) => ctx.client.transport.put(rscConnPath(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b')), body),
    }),
    {
      name: 'path', aliases: ['p'], help: 'path subcommands', title: 'interface subcommands',
      sub: [
        { ...SUB.create, help: 'Creates a new resource connection path.', args: [...AB, RSC, ...PATH_ARGS], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(rscConnPath(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b')), pathCreate(p))) },
        {
          ...SUB.list, help: 'List all existing resource connection paths.', args: [...AB, RSC], opts: [pastableOpt],
          run: async (ctx, p) => {
            const conns = await ctx.client.transport.get<Obj[]>(`/v1/resource-definitions/${seg(str(p, 'resource_name'))}/resource-connections`);
            const c = conns.find((x) => samePair(x, str(p, 'node_a'), str(p, 'node_b')));
            return showProps(ctx, c ? pathProps(c.props) : undefined, p);
          },
        },
        { ...SUB.delete, help: 'Deletes an existing resource connection path.', args: [...AB, RSC, { name: 'path_name', help: 'Name of the created path' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(rscConnPath(str(p, 'resource_name'), str(p, 'node_a'), str(p, 'node_b')), pathDelete(p))) },
      ],
    },
  ],
};
