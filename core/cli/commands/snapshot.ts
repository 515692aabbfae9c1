import { fmtTime, showList, showReplies, type Ctx } from '../context.js';
import { UsageError, list, str, type CmdSpec, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { formatKib } from '../../model/sizes.js';
import type { Snapshot } from '../../client/types.js';
import { CREATE, DELETE, LIST } from './common.js';

function snapState(s: Snapshot): CellValue {
  const f = s.flags ?? [];
  if (f.includes('DELETE')) return { text: 'DELETING', color: Color.RED };
  if (f.includes('FAILED_DEPLOYMENT') || f.includes('FAILED_DISCONNECT')) return { text: 'Failed', color: Color.RED };
  if (f.includes('SUCCESSFUL')) return { text: 'Successful', color: Color.GREEN };
  return { text: 'Incomplete', color: Color.YELLOW };
}

async function snapList(ctx: Ctx, p: Parsed): Promise<number> {
  const snaps = await ctx.client.snapshots.view({ nodes: list(p, 'nodes'), resources: list(p, 'resources') });
  return showList(ctx, snaps, ['ResourceName', 'SnapshotName', 'NodeNames', 'Volumes', 'CreatedOn', 'State'],
    snaps.map((s) => [s.resource_name ?? '', s.name ?? '', (s.nodes ?? []).join(', '),
      (s.volume_definitions ?? []).map((v) => `${v.volume_number ?? 0}: ${formatKib(v.size_kib ?? 0)}`).join(', '),
      fmtTime(Math.min(...(s.snapshots ?? []).map((n) => n.create_timestamp ?? Infinity)) || undefined), snapState(s)]));
}

const restoreOpts = [{ name: 'from-resource', kind: 'str' as const }, { name: 'from-snapshot', kind: 'str' as const }, { name: 'to-resource', kind: 'str' as const }];
function restoreArgs(p: Parsed): { rsc: string; snap: string; to: string } {
  const rsc = p.opt['from-resource'] as string | undefined;
  const snap = p.opt['from-snapshot'] as string | undefined;
  const to = p.opt['to-resource'] as string | undefined;
  if (!rsc || !snap || !to) throw new UsageError('the following arguments are required: --from-resource, --from-snapshot, --to-resource');
  return { rsc, snap, to };
}

export const snapshotCommand: CmdSpec = {
  name: 'snapshot', aliases: ['s'], help: 'Snapshot subcommands',
  sub: [
    {
      ...CREATE, help: 'Creates a snapshot of a resource.', args: [{ name: 'resource_definition_name' }, { name: 'snapshot_name' }], opts: [{ name: 'node-name', short: 'n', kind: 'list' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.snapshots.create(str(p, 'resource_definition_name'), str(p, 'snapshot_name'), list(p, 'node-name'))),
    },
    {
      name: 'create-multiple', aliases: ['cm'], help: 'Creates one snapshot of several resources at once.', args: [{ name: 'snapshot_name' }, { name: 'resource_definition_names', variadic: '+' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.snapshots.createMulti({ snapshots: list(p, 'resource_definition_names').map((r) => ({ name: str(p, 'snapshot_name'), resource_name: r })) })),
    },
    { ...LIST, help: 'Prints a list of all snapshots.', opts: [{ name: 'nodes', short: 'n', kind: 'list' }, { name: 'resources', short: 'r', kind: 'list' }], run: snapList },
    {
      ...DELETE, help: 'Deletes a snapshot.', args: [{ name: 'resource_definition_name' }, { name: 'snapshot_name' }], opts: [{ name: 'nodes', short: 'n', kind: 'list' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.snapshots.delete(str(p, 'resource_definition_name'), str(p, 'snapshot_name'), list(p, 'nodes'))),
    },
    { name: 'rollback', help: 'Rolls a resource back to a snapshot.', args: [{ name: 'resource_definition_name' }, { name: 'snapshot_name' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.snapshots.rollback(str(p, 'resource_definition_name'), str(p, 'snapshot_name'))) },
    {
      name: 'resource', aliases: ['r', 'rsc'], help: 'Snapshot resource subcommands',
      sub: [{
        name: 'restore', help: 'Restores snapshot resources into a (new) resource.', args: [{ name: 'node_name', variadic: '*' }], opts: restoreOpts,
        run: async (ctx, p) => { const a = restoreArgs(p); return showReplies(ctx, await ctx.client.snapshots.restoreResource(a.rsc, a.snap, { to_resource: a.to, ...(list(p, 'node_name').length ? { nodes: list(p, 'node_name') } : {}) })); },
      }],
    },
    {
      name: 'volume-definition', aliases: ['vd'], help: 'Snapshot volume definition subcommands',
      sub: [{
        name: 'restore', help: 'Restores the volume definitions of a snapshot into a (new) resource definition.', opts: restoreOpts,
        run: async (ctx, p) => { const a = restoreArgs(p); return showReplies(ctx, await ctx.client.snapshots.restoreVolumeDefinition(a.rsc, a.snap, { to_resource: a.to })); },
      }],
    },
  ],
};
