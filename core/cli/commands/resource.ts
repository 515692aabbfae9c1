/** `linstor resource ...` and `linstor volume ...`, with linstor-client's options and requests. */
import { ExitCode, propsModify, showProps, showReplies, type Ctx } from '../context.js';
import { int, list, obool, oint, ostr, str, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import { seg } from '../../client/http.js';
import { transaction } from '../transaction.js';
import { asyncOpt, auxOpt, filterOpt, fromFileOpt, groupbyOpt, keyValueArgs, layerList, layerListOpt, pastableOpt, propsFilterOpt, showPropsOpt, SUB } from './common.js';
import { drbdOptionsCommand, PEER_SECTIONS } from './drbd-options.js';
import { autoPlace, disklessTypeOf } from './resource-definition.js';
import { involved, resourceList, RSC_HEADERS, volumeList } from './resource-views.js';
import { autoSelectOpts } from './select-filter.js';

type Obj = Record<string, any>;
const rscPath = (rd: string, node: string): string => `/v1/resource-definitions/${seg(rd)}/resources/${seg(node)}`;

/** One entry of the resource create array, as python-linstor's resource_create builds it. */
function createEntry(p: Parsed, node: string): Obj {
  const r: Obj = { node_name: node };
  const flags = [
    ...(obool(p, 'diskless') ? ['DISKLESS'] : []), ...(obool(p, 'drbd-diskless') ? ['DRBD_DISKLESS'] : []),
    ...(obool(p, 'nvme-initiator') ? ['NVME_INITIATOR'] : []), ...(obool(p, 'ebs-initiator') ? ['EBS_INITIATOR'] : []),
    ...(obool(p, 'inactive') ? ['INACTIVE'] : []),
  ];
  if (flags.length) r.flags = flags;
  const pool = (p.opt['storage-pool'] as string[] | undefined)?.[0];
  if (pool) r.props = { StorPoolName: pool };
  const e: Obj = { resource: r };
  if (oint(p, 'node-id') !== undefined) e.drbd_node_id = oint(p, 'node-id');
  const layers = layerList(ostr(p, 'layer-list'));
  if (layers?.length) e.layer_list = layers;
  return e;
}

async function create(ctx: Ctx, p: Parsed): Promise<number> {
  const rd = str(p, 'resource_definition_name');
  if (ostr(p, 'auto-place')) {
    if (transaction.active) { ctx.out(`Error: --auto-place not allowed in state '${transaction.name}'\n`); return ExitCode.ILLEGAL_STATE; }
    return autoPlace(ctx, p, rd, ostr(p, 'auto-place'), disklessTypeOf(p));
  }
  const nodes = list(p, 'node_name');
  if (!nodes.length) throw new UsageError('resource create: too few arguments: Node name missing.');
  const body = nodes.map((n) => createEntry(p, n));
  if (transaction.active) {
    transaction.add(rd, body);
    ctx.out(`${body.length} resource(s) added to transaction\n`);
    return ExitCode.OK;
  }
  const stop = ctx.progress.start(`Creating resource '${rd}' on ${nodes.join(', ')}...`);
  try {
    return showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(rd)}/resources`, body));
  } finally { stop(); }
}

function toggleDiskPath(p: Parsed): string {
  const pool = ostr(p, 'storage-pool');
  const from = ostr(p, 'migrate-from');
  if (obool(p, 'diskless') && from) throw new UsageError('--migrate-from cannot be used with --diskless');
  let path = rscPath(str(p, 'name'), str(p, 'node_name'));
  path += from ? `/migrate-disk/${seg(from)}` : `/toggle-disk/${obool(p, 'diskless') ? 'diskless' : 'diskful'}`;
  if (pool) path += `/${seg(pool)}`;
  return path;
}

const rscArgs = (nodeHelp: string, rscHelp: string, rscName = 'resource_name') => [
  { name: 'node_name', help: nodeHelp, complete: 'node' as const }, { name: rscName, help: rscHelp, complete: 'resource' as const },
];

const transactional: CmdSpec = {
  ...SUB.createTransactional, help: 'create-transactional subcommands', title: 'create-transactional subcommands',
  sub: [
    {
      ...SUB.begin, help: 'Define a list of resources to create in a single transaction.',
      opts: [{ name: 'terminate-on-error', kind: 'bool', help: 'Abort the transaction when any command fails.' }],
      run: async (ctx, p) => transaction.begin(ctx, obool(p, 'terminate-on-error')),
    },
    { ...SUB.abort, help: 'Abort resource creation transaction.', run: async (ctx) => transaction.abort(ctx) },
    {
      ...SUB.commit, help: 'Create resources defined in the current resource creation transaction.', opts: [asyncOpt],
      run: async (ctx) => {
        const pending = transaction.commitList(ctx);
        if (!pending) return ExitCode.ILLEGAL_STATE;
        const rcs: unknown[] = [];
        for (const [rd, body] of pending) rcs.push(...await ctx.client.transport.post<unknown[]>(`/v1/resource-definitions/${seg(rd)}/resources`, body));
        return showReplies(ctx, rcs);
      },
    },
  ],
};

export const resourceCommand: CmdSpec = {
  name: 'resource', aliases: ['r'], help: 'Resouce subcommands', title: 'resource commands',
  sub: [
    {
      ...SUB.create, help: 'Deploys a resource definition to a node.',
      args: [{ name: 'node_name', variadic: '*', help: 'Name of the node to deploy the resource', complete: 'node' }, { name: 'resource_definition_name', help: 'Name of the resource definition', complete: 'resource-definition' }],
      opts: [
        { name: 'diskless', short: 'd', kind: 'bool', help: 'DEPRECATED. Use --nvme-initiator or --drbd-diskless instead' },
        { name: 'node-id', kind: 'int', help: 'Override the automatic selection of DRBD node ID' },
        asyncOpt,
        { name: 'nvme-initiator', kind: 'bool', help: 'Mark this resource as NVMe initiator' },
        { name: 'drbd-diskless', kind: 'bool', help: 'Mark this resource as DRBD diskless' },
        { name: 'ebs-initiator', kind: 'bool', help: 'Mark this resource as EBS initiator' },
        { name: 'inactive', kind: 'bool', help: 'Marks the resource created as inactive' },
        ...autoSelectOpts({ placeCount: false }),
      ],
      run: create,
    },
    {
      ...SUB.makeAvailable, help: 'Make a resource available on a node. Does nothing if resource already exists on the node.',
      args: rscArgs('Name of the node to deploy the resource', 'Name of the resource definition'),
      opts: [{ name: 'diskful', kind: 'bool', help: 'Make the resource diskful on the node.' }, layerListOpt],
      run: async (ctx, p) => {
        const layers = layerList(ostr(p, 'layer-list'));
        const stop = ctx.progress.start(`Making resource '${str(p, 'resource_name')}' available on ${str(p, 'node_name')}...`);
        try {
          return showReplies(ctx, await ctx.client.transport.post(`${rscPath(str(p, 'resource_name'), str(p, 'node_name'))}/make-available`,
            { diskful: obool(p, 'diskful'), ...(layers?.length ? { layer_list: layers } : {}) }));
        } finally { stop(); }
      },
    },
    {
      ...SUB.list, help: 'Prints a list of all resource definitions known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [
        pastableOpt, groupbyOpt(RSC_HEADERS), filterOpt('resources', 'r', 'Filter by list of resources', 'resource'), filterOpt('nodes', 'n', 'Filter by list of nodes', 'node'),
        { name: 'all', short: 'a', kind: 'bool', help: 'Show all resources.' }, { name: 'faulty', kind: 'bool', help: 'Only show faulty resource.' },
        { name: 'show-drbd-ports', kind: 'bool', help: 'Show the DRBD port of each resource.' },
        propsFilterOpt, showPropsOpt(), fromFileOpt,
      ],
      run: resourceList,
    },
    {
      ...SUB.listVolumes, help: 'Prints a list of all volumes.',
      opts: [pastableOpt, filterOpt('nodes', 'n', 'Filter by list of nodes', 'node'), filterOpt('storage-pools', 's', 'Filter by list of storage pools', 'storage-pool'),
        filterOpt('resources', 'r', 'Filter by list of resources', 'resource'), { name: 'all', short: 'a', kind: 'bool', help: 'Show all resources.' },
        { name: 'hide-replication-states', kind: 'bool', help: 'Do not show the DRBD replication states (Repl column).' }, showPropsOpt(false)],
      run: volumeList,
    },
    {
      ...SUB.delete, help: "Removes a resource. The resource is undeployed from the node and the resource entry is marked for removal from LINSTOR's data tables. After the node has undeployed the resource, the resource entry is removed from LINSTOR's data tables.",
      args: [{ name: 'node_name', variadic: '+', help: 'Name of the node', complete: 'node' }, { name: 'name', help: 'Name of the resource to delete', complete: 'resource' }],
      opts: [asyncOpt, { name: 'keep-tiebreaker', kind: 'bool', help: 'Keep a DRBD tiebreaker instead of deleting the resource completely' }],
      run: async (ctx, p) => {
        const rcs: unknown[] = [];
        const stop = ctx.progress.start(`Deleting resource '${str(p, 'name')}'...`);
        try {
          for (const n of list(p, 'node_name')) rcs.push(...await ctx.client.resources.delete(str(p, 'name'), n, obool(p, 'keep-tiebreaker') ? { keepTiebreaker: true } : {}));
        } finally { stop(); }
        return showReplies(ctx, rcs);
      },
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given resource on the given node.',
      args: [...rscArgs('Node name where resource is deployed.', 'Name of the resource', 'name'), ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(rscPath(str(p, 'name'), str(p, 'node_name')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given resource.', args: rscArgs('Node name where the resource is deployed.', 'Resource name'), opts: [pastableOpt],
      run: async (ctx, p) => {
        const rscs = await ctx.client.resources.view({ nodes: [str(p, 'node_name')], resources: [str(p, 'resource_name')] }) as Obj[];
        return showProps(ctx, rscs[0] ? rscs[0].props ?? {} : undefined, p);
      },
    },
    drbdOptionsCommand({
      peer: true, type: 'peer-device', sections: PEER_SECTIONS,
      args: [{ name: 'node_a', help: '1. Node in the node connection', complete: 'node' }, { name: 'node_b', help: '1. Node in the node connection', complete: 'node' }, { name: 'resource_name', help: 'Resource name', complete: 'resource' }],
      send: (ctx, p, body) => ctx.client.transport.put(`/v1/resource-definitions/${seg(str(p, 'resource_name'))}/resource-connections/${seg(str(p, 'node_a'))}/${seg(str(p, 'node_b'))}`, body),
    }),
    {
      ...SUB.toggleDisk, help: 'Toggles a resource between diskless and diskful (backed by disk/s).',
      args: rscArgs('Node name where resource is deployed', 'Name of the resource', 'name'),
      opts: [
        { name: 'storage-pool', short: 's', kind: 'str', group: 'storage', complete: 'storage-pool-definition', help: 'Add disks to a diskless resource using this storage pool name' },
        { name: 'default-storage-pool', aliases: ['--dflt'], kind: 'bool', group: 'storage', help: 'Add disks to a diskless resource using the storage pools determined from the properties of the objects to which the volumes belong' },
        { name: 'diskless', short: 'd', aliases: ['--drbd-diskless'], kind: 'bool', group: 'storage', help: 'Remove the disks from a resource (toggles --drbd-diskless)' },
        asyncOpt,
        { name: 'migrate-from', kind: 'str', metavar: 'MIGRATION_SOURCE', complete: 'node', help: 'Name of the node on which the resource should be deleted once the sync is complete. Only applicable when adding a disk to a diskless resource. The command will complete once the new disk has been added; the deletion will occur later in the background.' },
      ],
      run: async (ctx, p) => {
        const stop = ctx.progress.start(`Toggling disk of '${str(p, 'name')}' on ${str(p, 'node_name')}...`);
        try { return showReplies(ctx, await ctx.client.transport.put(toggleDiskPath(p))); } finally { stop(); }
      },
    },
    transactional,
    { ...SUB.activate, help: 'Activate a resource.', args: rscArgs('Node name of the resource', 'Name of the resource'), run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.activate(str(p, 'resource_name'), str(p, 'node_name'))) },
    { ...SUB.deactivate, help: 'Deactivate a resource.', args: rscArgs('Node name of the resource', 'Name of the resource'), run: async (ctx, p) => showReplies(ctx, await ctx.client.resources.deactivate(str(p, 'resource_name'), str(p, 'node_name'))) },
    {
      ...SUB.involved, help: 'Prints a list of resources involved on a given node.',
      args: [{ name: 'node', help: 'Node name where a resource is used', complete: 'node' }],
      opts: [pastableOpt, { name: 'inuse', short: 'i', kind: 'bool', help: 'Only show resource bundles that are used.' },
        { name: 'diskless-inuse', short: 'd', kind: 'bool', help: 'Only show resource bundles that have a diskless in-use.' },
        { name: 'min-diskful', short: 'm', kind: 'int', help: 'Only show resource bundles that have less diskful replicas.' }, showPropsOpt()],
      run: involved,
    },
  ],
};

const vlmArgs = [
  { name: 'node_name', help: 'Node name where the resource is deployed.', complete: 'node' as const },
  { name: 'resource_name', help: 'Resource name', complete: 'resource' as const },
  { name: 'volume_number', int: true, help: 'Volume number' },
];

export const volumeCommand: CmdSpec = {
  name: 'volume', aliases: ['v'], help: 'Volume subcommands', title: 'volume commands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of all volumes.',
      opts: [pastableOpt, filterOpt('nodes', 'n', 'Filter by list of nodes', 'node'), filterOpt('storage-pools', 's', 'Filter by list of storage pools', 'storage-pool'),
        filterOpt('resources', 'r', 'Filter by list of resources', 'resource'), { name: 'all', short: 'a', kind: 'bool', help: 'Show all resources.' },
        { name: 'hide-replication-states', kind: 'bool', help: 'Do not show the DRBD replication states (Repl column).' }, showPropsOpt(false), fromFileOpt],
      run: volumeList,
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the specified volume of a specified resource and node.', args: [...vlmArgs, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`${rscPath(str(p, 'resource_name'), str(p, 'node_name'))}/volumes/${int(p, 'volume_number')}`,
        propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Lists all properties set on the specified volume.', args: vlmArgs, opts: [pastableOpt],
      run: async (ctx, p) => {
        const rscs = await ctx.client.resources.view({ nodes: [str(p, 'node_name')], resources: [str(p, 'resource_name')] }) as Obj[];
        const v = (rscs[0]?.volumes ?? []).find((x: Obj) => x.volume_number === int(p, 'volume_number'));
        return showProps(ctx, v ? v.props ?? {} : undefined, p);
      },
    },
  ],
};

export { groupbyOpt };
