/** `linstor snapshot ...` as linstor-client 1.27 has it (ship/ship-list were removed in 1.26). */
import { fmtTime, newTable, propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { list, obool, ostr, str, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { approxSize } from '../units.js';
import { seg } from '../../client/http.js';
import { asyncOpt, auxOpt, filterOpt, keyValueArgs, pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const snapPath = (rd: string, snap: string): string => `/v1/resource-definitions/${seg(rd)}/snapshots/${seg(snap)}`;

function stateCell(s: Obj): CellValue {
  const f: string[] = s.flags ?? [];
  if (f.includes('DELETE')) return { text: 'DELETING', color: Color.RED };
  if (f.includes('FAILED_DEPLOYMENT')) return { text: 'Failed', color: Color.RED };
  if (f.includes('FAILED_DISCONNECT')) return { text: 'Satellite disconnected', color: Color.RED };
  if (!f.includes('SUCCESSFUL')) return { text: 'Incomplete', color: Color.DARKBLUE };
  const snaps: Obj[] = s.snapshots ?? [];
  if (f.includes('BACKUP') && f.includes('SHIPPING')) {
    if (snaps.some((x) => (x.flags ?? []).includes('BACKUP_SOURCE'))) return { text: 'Shipping', color: Color.YELLOW };
    if (snaps.some((x) => (x.flags ?? []).includes('BACKUP_TARGET'))) return { text: 'Restoring', color: Color.YELLOW };
  }
  let sub = '';
  for (const x of snaps) { for (const v of x.snapshot_volumes ?? []) if (v.state && v.state !== 'completed') { sub = v.state; break; } if (sub) break; }
  return { text: sub ? `Successful (${sub})` : 'Successful', color: Color.DARKGREEN };
}

function renderSnapshots(ctx: Ctx, p: Parsed, snaps: Obj[]): string {
  const t = newTable(ctx, p).addColumn('ResourceName').addColumn('SnapshotName').addColumn('NodeNames').addColumn('Volumes').addColumn('CreatedOn').addColumn('State', { color: Color.DARKGREEN });
  for (const s of snaps) {
    t.addRow([s.resource_name, s.name, (s.nodes ?? []).join(', '), (s.volume_definitions ?? []).map((v: Obj) => `${v.volume_number}: ${approxSize(v.size_kib)}`).join(', '),
      fmtTime(s.snapshots?.[0]?.create_timestamp), stateCell(s)]);
  }
  return t.show();
}

const rdArg = { name: 'resource_definition_name', help: 'Name of the resource definition', complete: 'resource-definition' as const };
const snapArg = { name: 'snapshot_name', help: 'Name of the snapshot local to the resource definition', complete: 'snapshot' as const };
const restoreOpts = (what: string) => [
  { name: 'from-resource', aliases: ['--fr'], kind: 'str' as const, required: true, complete: 'resource-definition' as const, help: 'Name of the resource definition containing the snapshot' },
  { name: 'from-snapshot', aliases: ['--fs'], kind: 'str' as const, required: true, complete: 'snapshot' as const, help: 'Name of the snapshot to restore from' },
  { name: 'to-resource', aliases: ['--tr'], kind: 'str' as const, required: true, complete: 'resource-definition' as const, help: `Name of the resource definition in which to create ${what}` },
];

function renameMap(p: Parsed): Record<string, string> | undefined {
  const l = p.opt['storpool-rename'] as string[] | undefined;
  if (!l) return undefined;
  return Object.fromEntries(l.map((kv) => {
    const i = kv.indexOf('=');
    if (i < 1) throw new UsageError(`argument --storpool-rename: '${kv}' is not in the format oldname=newname`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }));
}

export const snapshotCommand: CmdSpec = {
  name: 'snapshot', aliases: ['s'], help: 'Snapshot subcommands', title: 'shapshot commands',
  sub: [
    {
      ...SUB.create, help: 'Creates a snapshot of a resource.',
      args: [{ name: 'node_name', variadic: '*', complete: 'node', help: 'Names of the nodes where the snapshot should be created. If none are given, the snapshot will be taken on all nodes where the given resource is present.' }, rdArg, { name: 'snapshot_name', help: 'Name of the snapshot local to the resource definition' }],
      opts: [asyncOpt],
      run: async (ctx, p) => {
        const stop = ctx.progress.start(`Creating snapshot '${str(p, 'snapshot_name')}' of '${str(p, 'resource_definition_name')}'...`);
        try {
          return showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(str(p, 'resource_definition_name'))}/snapshots`, {
            name: str(p, 'snapshot_name'), ...(list(p, 'node_name').length ? { nodes: list(p, 'node_name') } : {}),
          }));
        } finally { stop(); }
      },
    },
    {
      name: 'create-multiple', aliases: ['cm'], help: 'Creates snapshots of multiple resources.', args: [{ name: 'snapshot_name', help: 'Name of the snapshot local to the resource definition' }],
      opts: [
        { name: 'node_names', short: 'n', kind: 'list', nargs: '*', complete: 'node', help: 'Names of the nodes where the snapshots should be created. If none are given, the snapshot will be taken on all nodes where the given resources are present.' },
        { name: 'resource_names', short: 'r', kind: 'list', required: true, complete: 'resource-definition', help: 'Name of the resource definitions' },
      ],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/actions/snapshot/multi', {
        snapshots: list(p, 'resource_names').map((r) => ({ name: str(p, 'snapshot_name'), resource_name: r, ...(list(p, 'node_names').length ? { nodes: list(p, 'node_names') } : {}) })),
      })),
    },
    {
      ...SUB.list, help: 'Prints a list of all snapshots known to LINSTOR. By default, the list is printed as a human readable table.',
      opts: [pastableOpt, filterOpt('resources', 'r', 'Filter by list of resources', 'resource'), filterOpt('nodes', 'n', 'Filter by list of nodes', 'node')],
      run: async (ctx, p) => {
        const snaps = await ctx.client.transport.get<Obj[]>('/v1/view/snapshots', { nodes: list(p, 'nodes'), resources: list(p, 'resources') });
        return showList(ctx, 'snapshots', snaps, (x) => renderSnapshots(ctx, p, x));
      },
    },
    {
      ...SUB.delete, help: 'Deletes a snapshot.', args: [rdArg, snapArg],
      opts: [{ name: 'nodes', short: 'n', kind: 'list', complete: 'node', help: 'Only delete the snapshot from the given nodes. Default: Delete given snapshot from all nodes' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(snapPath(str(p, 'resource_definition_name'), str(p, 'snapshot_name')), { nodes: list(p, 'nodes') })),
    },
    {
      ...SUB.rollback, help: 'Rolls resource data back to snapshot state. The resource must not be in use. The snapshot will not be removed and can be used for subsequent rollbacks. Only the most recent snapshot may be used; to roll back to an earlier snapshot, the intermediate snapshots must first be deleted.',
      args: [rdArg, snapArg],
      opts: [{ name: 'zfs-rollback-strategy', kind: 'str', choices: ['rollback', 'clone'], help: 'How to roll back ZFS volumes: zfs rollback (destroys later snapshots) or a clone' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(str(p, 'resource_definition_name'))}/snapshot-rollback/${seg(str(p, 'snapshot_name'))}`,
        ostr(p, 'zfs-rollback-strategy') ? { zfs_rollback_strategy: ostr(p, 'zfs-rollback-strategy') } : {})),
    },
    {
      ...SUB.setProperty, help: 'Sets properties for the given snapshot.', args: [rdArg, snapArg, ...keyValueArgs], opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(snapPath(str(p, 'resource_definition_name'), str(p, 'snapshot_name')), propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Prints all properties of the given snapshot.', args: [rdArg, snapArg], opts: [pastableOpt],
      run: async (ctx, p) => {
        const snaps = await ctx.client.transport.get<Obj[]>('/v1/view/snapshots', { resources: [str(p, 'resource_definition_name')] });
        const s = snaps.find((x) => x.name === str(p, 'snapshot_name'));
        return showProps(ctx, s ? s.props ?? {} : undefined, p);
      },
    },
    {
      ...SUB.resource, help: 'resource subcommands', title: 'resource subcommands',
      sub: [{
        ...SUB.restore, help: 'Restores a snapshot on a node (or nodes). Creates a new resource initialized with the data from a given snapshot. The volume definitions of the target resource must match those from the snapshot.',
        args: [{ name: 'node_name', variadic: '*', complete: 'node', help: 'Names of the nodes where the snapshot should be restored. If none are given, resources will be created on all nodes where the snapshot is present.' }],
        opts: [...restoreOpts('the resource from this snapshot'), { name: 'storpool-rename', kind: 'list', nargs: '*', help: 'Rename storage pool names. Format: oldname=newname' }],
        run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(ostr(p, 'from-resource')!)}/snapshot-restore-resource/${seg(ostr(p, 'from-snapshot')!)}`, {
          to_resource: ostr(p, 'to-resource'), ...(list(p, 'node_name').length ? { nodes: list(p, 'node_name') } : {}), ...(renameMap(p) ? { stor_pool_rename: renameMap(p) } : {}),
        })),
      }],
    },
    {
      ...SUB.volumeDefinition, help: 'volume-definition subcommands', title: 'volume-definition subcommands',
      sub: [{
        ...SUB.restore, help: 'Creates a volume definition (or definitions) by restoring a snapshot of a specified source resource to a specified target resource. Only the basic structure of the volume definition is restored, that is, volume numbers and sizes. Additional aspects of the source volume definition, such as DRBD options or LINSTOR object properties, are not restored.',
        opts: restoreOpts('the volume definitions'),
        run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(`/v1/resource-definitions/${seg(ostr(p, 'from-resource')!)}/snapshot-restore-volume-definition/${seg(ostr(p, 'from-snapshot')!)}`, { to_resource: ostr(p, 'to-resource') })),
      }],
    },
  ],
};
