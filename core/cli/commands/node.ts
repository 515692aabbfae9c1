/** `linstor node ...`, with linstor-client's sub-commands, options and help texts. */
import { lookup } from 'node:dns/promises';
import { ExitCode, propsModify, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, oint, ostr, str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { seg } from '../../client/http.js';
import { asyncOpt, auxOpt, fromFileOpt, groupbyOpt, keyValueArgs, nodesFilter, pastableOpt, propsFilterOpt, showPropsOpt, SUB } from './common.js';
import { netIfList, NODE_HEADERS, nodeDescribe, nodeInfo, nodeList } from './node-views.js';

const NODE_TYPES = ['controller', 'auxiliary', 'combined', 'satellite'];
export const LOG_LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];
const port: OptSpec = { name: 'port', short: 'p', kind: 'int', help: 'Port to use for satellite connections' };
const commType: OptSpec = { name: 'communication-type', kind: 'str', lower: true, choices: ['plain', 'ssl'], default: 'plain', help: 'Communication type (default: plain)' };

function checkPort(p: Parsed): number | undefined {
  const v = oint(p, 'port');
  if (v !== undefined && (v < 1 || v > 65535)) throw new UsageError(`${v} not in range: [1, 65535]`);
  return v;
}

/** linstor-client resolves a missing IP from the node name, skipping loopback addresses. */
async function resolveIp(name: string): Promise<string> {
  try {
    const all = await lookup(name, { all: true, family: 4 });
    const hit = all.find((a) => !a.address.startsWith('127.'));
    if (hit) return hit.address;
  } catch (e) {
    throw new UsageError(`Unable to resolve ip address for '${name}': ${(e as Error).message}`);
  }
  throw new UsageError(`Unable determine a valid ip address '${name}'`);
}

async function create(ctx: Ctx, p: Parsed): Promise<number> {
  const type = ostr(p, 'node-type')!;
  const com = ostr(p, 'communication-type')!;
  const ip = (p.pos.ip as string | undefined) ?? await resolveIp(str(p, 'name'));
  const port = checkPort(p) ?? (com === 'ssl' ? (type === 'satellite' ? 3367 : 3371) : type === 'controller' ? 3370 : 3366);
  return showReplies(ctx, await ctx.client.transport.post('/v1/nodes', {
    name: str(p, 'name'), type,
    net_interfaces: [{ name: ostr(p, 'interface-name'), address: ip, satellite_port: port, satellite_encryption_type: com, is_active: true }],
  }));
}

async function createRemoteSpdk(ctx: Ctx, p: Parsed): Promise<number> {
  const props: Record<string, string> = { 'StorDriver/RemoteSpdk/ApiHost': str(p, 'api_host') };
  const more: Array<[string, string | undefined]> = [
    ['ApiPort', ostr(p, 'api-port')], ['ApiUserName', ostr(p, 'api-user')], ['ApiUserNameEnv', ostr(p, 'api-user-env')],
    ['ApiUserPw', p.opt['api-pw'] === '' ? undefined : ostr(p, 'api-pw')], ['ApiUserPwEnv', ostr(p, 'api-pw-env')],
  ];
  for (const [k, v] of more) if (v) props[`StorDriver/RemoteSpdk/${k}`] = v;
  return showReplies(ctx, await ctx.client.transport.post('/v1/nodes', {
    name: str(p, 'node_name'), type: 'Remote_Spdk',
    net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: 3366, satellite_encryption_type: 'Plain', is_active: true }], props,
  }));
}

async function netIf(ctx: Ctx, p: Parsed, modify: boolean): Promise<number> {
  const node = str(p, 'node_name');
  const nif = str(p, 'interface_name');
  const port = checkPort(p);
  const body: Record<string, unknown> = { name: nif };
  const ip = modify ? ostr(p, 'ip') : str(p, 'ip');
  if (ip) body.address = ip;
  if (port) { body.satellite_port = port; body.satellite_encryption_type = ostr(p, 'communication-type'); }
  body.is_active = obool(p, 'active');
  return showReplies(ctx, modify
    ? await ctx.client.transport.put(`/v1/nodes/${seg(node)}/net-interfaces/${seg(nif)}`, body)
    : await ctx.client.transport.post(`/v1/nodes/${seg(node)}/net-interfaces`, body));
}

async function listProps(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list({ nodes: [str(p, 'node_name')] });
  const n = nodes.find((x) => x.name === str(p, 'node_name'));
  if (!n) { ctx.err(`Node '${str(p, 'node_name')}' not found on controller.\n`); return ExitCode.OBJECT_NOT_FOUND; }
  return showProps(ctx, n.props ?? {}, p);
}

async function evacuate(ctx: Ctx, p: Parsed): Promise<number> {
  const target = p.opt.target as string[] | undefined;
  const dnt = p.opt['do-not-target'] as string[] | undefined;
  const body = target || dnt ? { ...(target ? { target } : {}), ...(dnt ? { do_not_target: dnt } : {}) } : undefined;
  const stop = ctx.progress.start(`Evacuating node '${str(p, 'node_name')}'...`);
  let replies: unknown;
  try {
    replies = await ctx.client.transport.put(`/v1/nodes/${seg(str(p, 'node_name'))}/evacuate`, body);
  } finally { stop(); }
  return showReplies(ctx, replies);
}

async function restore(ctx: Ctx, p: Parsed): Promise<number> {
  const dr = obool(p, 'delete-resources');
  const ds = obool(p, 'delete-snapshots');
  const body = dr || ds ? { delete_resources: dr, delete_snapshots: ds } : undefined;
  return showReplies(ctx, await ctx.client.transport.put(`/v1/nodes/${seg(str(p, 'node_name'))}/restore`, body));
}

const interfaceCommand: CmdSpec = {
  ...SUB.interface, help: 'interface subcommands', title: 'interface subcommands',
  sub: [
    {
      ...SUB.create, help: 'Creates and adds a new network interface to a given node. If a port is specified this network interface is used as satellite port.',
      args: [{ name: 'node_name', help: 'Name of the node to add the net interface', complete: 'node' }, { name: 'interface_name', help: 'Interface name' }, { name: 'ip', help: 'New IP address for the network interface' }],
      opts: [port, commType, { name: 'active', kind: 'bool', help: 'Create this net interface as the active satellite connection' }],
      run: (ctx, p) => netIf(ctx, p, false),
    },
    {
      ...SUB.list, help: 'Prints a list of network interfaces for a specified node.',
      args: [{ name: 'node_name', help: 'Node name for which to print the net interfaces', complete: 'node' }], opts: [pastableOpt], run: netIfList,
    },
    {
      ...SUB.modify, help: 'Modify the network interface of a specified node: port number, communication type, active satellite connection state, IP address listening on.',
      args: [{ name: 'node_name', help: 'Name of the node', complete: 'node' }, { name: 'interface_name', help: 'Interface to change', complete: 'netif' }],
      opts: [port, commType, { name: 'active', kind: 'bool', help: 'Set this net interface as the active satellite connection' }, { name: 'ip', kind: 'str', help: 'New IP address for the network interface' }],
      run: (ctx, p) => netIf(ctx, p, true),
    },
    {
      ...SUB.delete, help: 'Delete a network interface from a node.',
      args: [{ name: 'node_name', help: 'Name of the node to remove the net interface', complete: 'node' }, { name: 'interface_name', variadic: '+', help: 'Interface name', complete: 'netif' }],
      run: async (ctx, p) => {
        const rcs: unknown[] = [];
        for (const nif of list(p, 'interface_name')) rcs.push(...await ctx.client.transport.delete<unknown[]>(`/v1/nodes/${seg(str(p, 'node_name'))}/net-interfaces/${seg(nif)}`));
        return showReplies(ctx, rcs);
      },
    },
  ],
};

export const nodeCommand: CmdSpec = {
  name: 'node', aliases: ['n'], help: 'Node subcommands', title: 'Node commands',
  sub: [
    {
      ...SUB.create, help: 'Creates a node entry for a node that participates in the LINSTOR cluster.',
      args: [
        { name: 'name', help: 'Name of the new node, must match the nodes hostname' },
        { name: 'ip', optional: true, help: 'IP address of the new node, if not specified it will be resolved by the name.' },
      ],
      opts: [
        { ...port, help: 'default: Satellite 3366 for Plain; Controller 3370 for Plain; 3371 for SSL' },
        { name: 'node-type', kind: 'str', lower: true, choices: NODE_TYPES, default: 'satellite', help: 'Node type (default: satellite)' },
        commType,
        { name: 'interface-type', kind: 'str', lower: true, choices: ['ip'], default: 'ip', help: 'Interface type (default: ip)' },
        { name: 'interface-name', kind: 'str', default: 'default', help: 'Interface name (default: default)' },
      ],
      run: create,
    },
    {
      name: 'create-remote-spdk-target', aliases: ['crspdkt'], help: 'Creates a virtual remote SPDK target node on the LINSTOR controller.',
      args: [{ name: 'node_name', help: 'Name of the new remote SPDK target node' }, { name: 'api_host', help: 'Remote SPDK storage device API host' }],
      opts: [
        { name: 'api-port', kind: 'str', help: 'Remote SPDK storage device API port' },
        { name: 'api-user', kind: 'str', help: 'Remote SPDK storage device API user name' },
        { name: 'api-user-env', kind: 'str', help: 'Environment variable containing remote SPDK storage device API user name' },
        { name: 'api-pw', kind: 'str', nargs: '?', const: '', help: 'Remote SPDK storage device API password' },
        { name: 'api-pw-env', kind: 'str', help: 'Environment variable containing remote SPDK storage device API password' },
      ],
      run: createRemoteSpdk,
    },
    {
      name: 'create-ebs-target', aliases: ['cebst'], help: 'Creates a virtual EBS target node on the LINSTOR controller.',
      args: [{ name: 'node_name', help: 'Name of the new EBS target node' }, { name: 'ebs_remote_name', help: 'EBS Remote name', complete: 'remote' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/nodes/ebs', { name: str(p, 'node_name'), ebs_remote_name: str(p, 'ebs_remote_name') })),
    },
    {
      ...SUB.list, help: 'Prints a list of all cluster nodes known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, groupbyOpt(NODE_HEADERS), nodesFilter, { name: 'show-aux-props', kind: 'bool', help: 'Show aux properties for nodes' }, propsFilterOpt, showPropsOpt(), fromFileOpt],
      run: nodeList,
    },
    {
      ...SUB.delete, help: "Removes a node from the LINSTOR cluster. All LINSTOR resources that are still deployed on the specified node are marked for undeployment, and the node entry is marked for removal from LINSTOR's data tables. The specified node is expected to undeploy all resources. As soon as all resources have been undeployed from the node, the node entry is removed from LINSTOR's data tables.",
      args: [{ name: 'name', help: 'Name of the node to remove', complete: 'node' }], opts: [asyncOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.delete(str(p, 'name'))),
    },
    {
      ...SUB.lost, help: 'Removes an unrecoverable node from the LINSTOR cluster. All LINSTOR resources attached to this node will be deleted from the database.',
      args: [{ name: 'name', help: 'Name of the node to delete.', complete: 'node' }], opts: [asyncOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.lost(str(p, 'name'))),
    },
    {
      ...SUB.describe, help: 'Shows a tree view of storage pools, resources, and volumes, in that order, on a specified node (or all nodes if none specified).',
      args: [{ name: 'name', optional: true, help: 'Name of the node to be described. With no name, all nodes are described', complete: 'node' }],
      run: nodeDescribe,
    },
    interfaceCommand,
    {
      ...SUB.info, help: 'Prints detailed information about supported storage technologies for all cluster nodes known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, { name: 'full', short: 'f', kind: 'bool', help: 'Also shows provider/layer errors' }, nodesFilter], run: nodeInfo,
    },
    {
      ...SUB.setProperty, help: 'Set a property on the given node.',
      args: [{ name: 'node_name', help: 'Node for which to set the property', complete: 'node' }, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.modify(str(p, 'node_name'), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given node.',
      args: [{ name: 'node_name', help: 'Node for which to print the properties', complete: 'node' }], opts: [pastableOpt, fromFileOpt], run: listProps,
    },
    {
      ...SUB.modify, help: 'Modify node type for a specified node.',
      args: [{ name: 'node_name', help: 'Name of the node to modify.', complete: 'node' }],
      opts: [{ name: 'node-type', short: 't', kind: 'str', lower: true, choices: NODE_TYPES, default: 'satellite', help: 'Node type (default: satellite)' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.modify(str(p, 'node_name'), { node_type: ostr(p, 'node-type') })),
    },
    {
      name: 'reconnect', aliases: ['rc'], help: "Reconnect a node to the LINSTOR controller, reinitializing the node's state.",
      args: [{ name: 'nodes', variadic: '+', help: 'List of nodes to reconnect.', complete: 'node' }],
      run: async (ctx, p) => { const rcs: unknown[] = []; for (const n of list(p, 'nodes')) rcs.push(...await ctx.client.nodes.reconnect(n)); return showReplies(ctx, rcs); },
    },
    {
      // linstor-ts extension (not in linstor-client): satellite pairing, see the README.
      name: 'reset-pairing', help: "Forget the identity of the node's satellite (after reinstalling it): the next satellite to answer pairs anew.",
      args: [{ name: 'node_name', help: 'Node whose satellite pairing to reset', complete: 'node' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.nodes.resetPairing(str(p, 'node_name'))),
    },
    {
      ...SUB.restore, help: 'Restore an evicted node.',
      args: [{ name: 'node_name', help: 'Evicted node to restore', complete: 'node' }],
      opts: [
        { name: 'delete-resources', kind: 'bool', help: 'Delete the resources before reconnecting the node' },
        { name: 'delete-snapshots', kind: 'bool', help: 'Delete the snapshots before reconnecting the node' },
      ],
      run: restore,
    },
    {
      ...SUB.evacuate, help: 'Evacuate a node.',
      args: [{ name: 'node_name', help: 'Node to evacuate', complete: 'node' }],
      opts: [
        { name: 'target', kind: 'list', complete: 'node', help: 'Only use the given nodes as evacuation targets' },
        { name: 'do-not-target', kind: 'list', complete: 'node', help: 'Do not use the given nodes as evacuation targets' },
      ],
      run: evacuate,
    },
    {
      ...SUB.setLogLevel, help: 'Sets the log level',
      args: [{ name: 'node_name', help: 'Node to set the log level', complete: 'node' }, { name: 'level', choices: LOG_LEVELS, upper: true, help: 'Log level' }],
      opts: [{ name: 'library', aliases: ['--lib'], kind: 'bool', help: 'Modify the log level of external libraries instead of LINSTOR itself' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/nodes/${seg(str(p, 'node_name'))}/config`,
        { log: { [obool(p, 'library') ? 'level' : 'level_linstor']: str(p, 'level') } })),
    },
  ],
};
