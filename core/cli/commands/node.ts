import { propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, ostr, str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { nodeInfo } from './node-info.js';
import { Color, type CellValue } from '../table.js';
import type { Node } from '../../client/types.js';
import { CREATE, DELETE, LIST, LISTPROP, MODIFY, SETPROP, listOpts, setPropOpts } from './common.js';

function nodeState(n: Node): CellValue {
  if (n.flags?.includes('EVICTED')) return { text: 'EVICTED', color: Color.RED };
  if (n.flags?.includes('DELETE')) return { text: 'DELETING', color: Color.YELLOW };
  const s = n.connection_status ?? 'UNKNOWN';
  if (s === 'ONLINE') return { text: 'Online', color: Color.GREEN };
  if (s === 'CONNECTED') return { text: 'Connected', color: Color.YELLOW };
  return { text: s, color: Color.RED };
}

function addresses(n: Node): string {
  return (n.net_interfaces ?? [])
    .map((i) => `${i.address}${i.satellite_port ? `:${i.satellite_port}` : ''} (${(i.satellite_encryption_type ?? 'PLAIN').toUpperCase()})`)
    .join(',');
}

async function nodeList(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list({ nodes: list(p, 'nodes'), props: list(p, 'props') });
  return showList(ctx, nodes, ['Node', 'NodeType', 'Addresses', 'State'],
    nodes.map((n) => [n.name, n.type.toUpperCase(), addresses(n), nodeState(n)]));
}

const ENC = (s: string | undefined): string => ((s ?? 'plain').toLowerCase() === 'ssl' ? 'SSL' : 'PLAIN');

const NETIF_OPTS: OptSpec[] = [
  { name: 'port', short: 'p', kind: 'int', help: 'Port to use for satellite connections' },
  { name: 'communication-type', kind: 'str', help: 'plain or ssl (default: plain)' },
  { name: 'active', kind: 'bool', help: 'Use this interface for the satellite connection' },
];

/** A port makes the interface a satellite-connection candidate; the encryption type goes with it. */
function netIfPort(p: Parsed): { satellite_port?: number; satellite_encryption_type?: string } {
  const ct = ostr(p, 'communication-type');
  if (ct !== undefined && !['plain', 'ssl'].includes(ct.toLowerCase())) throw new UsageError(`argument --communication-type: invalid choice: '${ct}' (choose from 'plain', 'ssl')`);
  return p.opt.port === undefined ? {} : { satellite_port: Number(p.opt.port), satellite_encryption_type: ENC(ct) };
}

/** As linstor-client: the node's name heads the first column, whose cells mark the satellite connection. */
async function netIfList(ctx: Ctx, p: Parsed): Promise<number> {
  const node = str(p, 'node_name');
  const nifs = await ctx.client.nodes.listNetInterfaces(node);
  return showList(ctx, nifs, [node, 'NetInterface', 'IP', 'Port', 'EncryptionType'],
    nifs.map((i) => [{ text: i.is_active ? '+ StltCon' : '+', color: Color.GREEN }, i.name, i.address, i.satellite_port ?? '', i.satellite_encryption_type ?? '']));
}

export const nodeCommand: CmdSpec = {
  name: 'node', aliases: ['n'], help: 'Node subcommands',
  sub: [
    {
      ...CREATE, help: 'Creates a node entry for a node that participates in the LINSTOR cluster.',
      args: [{ name: 'name' }, { name: 'ip' }],
      opts: [
        { name: 'port', kind: 'int', help: 'Satellite port (default 3366, 3367 for SSL)' },
        { name: 'communication-type', kind: 'str', help: 'plain or ssl' },
        { name: 'node-type', kind: 'str', help: 'satellite, combined, controller or auxiliary' },
        { name: 'interface-name', kind: 'str', help: 'Name of the first net interface (default: default)' },
      ],
      run: async (ctx, p) => {
        const enc = ENC(ostr(p, 'communication-type'));
        const port = p.opt.port ? Number(p.opt.port) : enc === 'SSL' ? 3367 : 3366;
        return showReplies(ctx, await ctx.client.nodes.create({
          name: str(p, 'name'), type: (ostr(p, 'node-type') ?? 'satellite').toUpperCase(),
          net_interfaces: [{ name: ostr(p, 'interface-name') ?? 'default', address: str(p, 'ip'), satellite_port: port, satellite_encryption_type: enc }],
        }));
      },
    },
    { ...LIST, help: 'Prints a list of all cluster nodes known to LINSTOR.', opts: listOpts, run: nodeList },
    {
      name: 'info', help: 'Prints the storage providers and resource layers each node supports.',
      opts: [{ name: 'full', short: 'f', kind: 'bool', help: 'Also show why providers/layers are unsupported' }, { name: 'nodes', short: 'n', kind: 'list' }, { name: 'pastable', short: 'p', kind: 'bool' }],
      run: nodeInfo,
    },
    { ...DELETE, help: 'Removes a node from the LINSTOR cluster.', args: [{ name: 'node_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.delete(str(p, 'node_name'))) },
    { name: 'lost', help: 'Removes an unrecoverable node from the cluster.', args: [{ name: 'node_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.lost(str(p, 'node_name'))) },
    {
      name: 'reconnect', help: 'Reconnect a node to the controller.', args: [{ name: 'nodes', variadic: '+' }],
      run: async (ctx, p) => { let rc = 0; for (const n of list(p, 'nodes')) rc = Math.max(rc, showReplies(ctx, await ctx.client.nodes.reconnect(n))); return rc; },
    },
    {
      name: 'reset-pairing', help: 'Forget the identity of the node\'s satellite (after reinstalling it): the next satellite to answer pairs anew.', args: [{ name: 'node_name' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.resetPairing(str(p, 'node_name'))),
    },
    { name: 'evacuate', help: 'Moves all resources off the node.', args: [{ name: 'node_name' }], opts: [{ name: 'target', kind: 'list' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.evacuate(str(p, 'node_name'), { target_nodes: list(p, 'target') })) },
    { name: 'restore', help: 'Restores an evicted node.', args: [{ name: 'node_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.restore(str(p, 'node_name'))) },
    {
      ...MODIFY, help: 'Modify a node.', args: [{ name: 'node_name' }], opts: [{ name: 'node-type', kind: 'str' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.modify(str(p, 'node_name'), { node_type: ostr(p, 'node-type')?.toUpperCase() })),
    },
    {
      ...SETPROP, help: 'Sets a property on the given node (no value deletes it).', args: [{ name: 'node_name' }, { name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.modify(str(p, 'node_name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, p.opt.aux === true))),
    },
    {
      ...LISTPROP, help: 'Prints all properties of the given node.', args: [{ name: 'node_name' }],
      run: async (ctx, p) => { const n = await ctx.client.nodes.get(str(p, 'node_name')); return showProps(ctx, n.props, [n]); },
    },
    {
      name: 'interface', aliases: ['i'], help: 'Node interface subcommands',
      sub: [
        {
          ...CREATE, help: 'Creates a network interface on a node (with --port it is used for satellite connections).', args: [{ name: 'node_name' }, { name: 'interface_name' }, { name: 'ip' }],
          opts: NETIF_OPTS,
          run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.createNetInterface(str(p, 'node_name'), {
            name: str(p, 'interface_name'), address: str(p, 'ip'), ...netIfPort(p), ...(obool(p, 'active') ? { is_active: true } : {}),
          })),
        },
        {
          ...MODIFY, help: 'Modifies a network interface: address, satellite port, communication type, active connection.', args: [{ name: 'node_name' }, { name: 'interface_name' }],
          opts: [...NETIF_OPTS, { name: 'ip', kind: 'str', help: 'New IP address of the interface' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.modifyNetInterface(str(p, 'node_name'), str(p, 'interface_name'), {
            name: str(p, 'interface_name'), ...(ostr(p, 'ip') ? { address: ostr(p, 'ip') } : {}), ...netIfPort(p), ...(obool(p, 'active') ? { is_active: true } : {}),
          })),
        },
        { ...LIST, help: 'Lists network interfaces of a node.', args: [{ name: 'node_name' }], opts: [{ name: 'pastable', short: 'p', kind: 'bool' }], run: netIfList },
        {
          ...DELETE, help: 'Deletes network interfaces of a node.', args: [{ name: 'node_name' }, { name: 'interface_name', variadic: '+' }],
          run: async (ctx, p) => {
            const rcs = [];
            for (const nif of list(p, 'interface_name')) rcs.push(...await ctx.client.nodes.deleteNetInterface(str(p, 'node_name'), nif));
            return showReplies(ctx, rcs);
          },
        },
      ],
    },
  ],
};
