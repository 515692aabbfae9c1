/**
 * `linstor backup ...`: backups of resources to S3 or another LINSTOR cluster (remotes). The CLI
 * sends linstor-client's requests; a controller without the feature answers with an error that
 * run.ts turns into "not supported by this controller".
 */
import { ExitCode, fmtTime, newTable, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { list, obool, ostr, str, UsageError, type ArgSpec, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { Color } from '../table.js';
import { approxSize } from '../units.js';
import { seg } from '../../client/http.js';
import { askPassphrase } from './passphrase.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const remoteArg: ArgSpec = { name: 'remote', help: 'Remote name for backup command', complete: 'remote' };
const backups = (p: Parsed, rest = ''): string => `/v1/remotes/${seg(str(p, 'remote'))}/backups${rest}`;

const storpoolRename: OptSpec = { name: 'storpool-rename', kind: 'list', nargs: '*', help: 'Rename storage pool names. Format: oldname=newname' };
/** `--storpool-rename a=b c=d` → {a: b, c: d} (linstor-client's _KeyValue action). */
function renameMap(p: Parsed): Record<string, string> | undefined {
  const l = p.opt['storpool-rename'] as string[] | undefined;
  if (!l) return undefined;
  const m: Record<string, string> = {};
  for (const kv of l) {
    const i = kv.indexOf('=');
    if (i < 1) throw new UsageError(`argument --storpool-rename: '${kv}' is not in the format oldname=newname`);
    m[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return m;
}

const targetRg: OptSpec[] = [
  { name: 'target-resource-group', kind: 'str', complete: 'resource-group', help: 'Resource group to put the restored resource definition into' },
  { name: 'force-move-resource-group', kind: 'bool', help: 'Move the resource definition into the target resource group even if it exists already' },
];
const rgFields = (p: Parsed): Obj => ({
  ...(ostr(p, 'target-resource-group') ? { dst_rsc_grp: ostr(p, 'target-resource-group') } : {}),
  ...(obool(p, 'force-move-resource-group') ? { force_mv_rsc_grp: true } : {}),
});
const exclusive = (group: string): OptSpec[] => [
  { name: 'download-only', kind: 'bool', group, help: 'Only download backups' },
  { name: 'force-restore', kind: 'bool', group, help: 'Restore the backup even if a single replica already exists in the target resource' },
];

async function passphrase(p: Parsed, prompt: string): Promise<string | undefined> {
  const v = p.opt.passphrase;
  if (v === undefined) return undefined;
  return v === '' ? askPassphrase(false, undefined, prompt) : String(v);
}

function showBackups(ctx: Ctx, p: Parsed, r: Obj): void {
  const t = newTable(ctx, p);
  if (obool(p, 'others')) {
    t.addColumn('S3 Key');
    for (const f of r.other?.files ?? []) t.addRow([f]);
  } else {
    for (const h of ['Resource', 'Snapshot', 'Finished at', 'Based On', 'Status']) t.addColumn(h);
    if (obool(p, 'show-id')) t.addColumn('Backup Name(ID)');
    for (const b of r.linstor ?? []) {
      const status = b.shipping ? { text: 'Shipping', color: Color.YELLOW } : b.restorable === false ? { text: 'Not restorable', color: Color.RED } : { text: 'Success', color: Color.GREEN };
      t.addRow([b.origin_rsc ?? b.origin_rsc_name ?? '', b.origin_snap ?? b.origin_snap_name ?? '', b.finished_timestamp ? fmtTime(Math.floor(b.finished_timestamp / 1000) * 1000) : '',
        b.based_on_id ? String(b.based_on_id).slice(0, -5) : b.based_on ? String(b.based_on).slice(0, -5) : '', status, ...(obool(p, 'show-id') ? [b.id ?? ''] : [])]);
    }
  }
  ctx.out(t.show());
}

/** backup list/queue/info print the raw reply object with -m (linstor-client's machine_readable_raw). */
function raw(ctx: Ctx, r: unknown, human: () => void): number {
  if (ctx.machine) ctx.out(`${pyJson(r)}\n`); else human();
  return ExitCode.OK;
}

const deleteFlags = (cascade: boolean, keep: boolean): OptSpec[] => [
  ...(cascade ? [{ name: 'cascade', aliases: ['--cascading'], kind: 'bool' as const, help: 'Also delete backups depending on selected backups' }] : []),
  { name: 'dry-run', aliases: ['--dryrun'], kind: 'bool', help: 'Does not delete anything, only shows what would be deleted' },
  ...(keep ? [{ name: 'keep-snaps', aliases: ['--keep-snapshots'], kind: 'bool' as const, help: 'Do not delete the local snapshots, only the remote backups' }] : []),
];
const deleteQuery = (p: Parsed): Obj => ({
  ...(obool(p, 'cascade') ? { cascading: true } : {}), ...(obool(p, 'dry-run') ? { dryrun: true } : {}), ...(obool(p, 'keep-snaps') ? { keep_snaps: true } : {}),
});

const rdRg: OptSpec[] = [
  { name: 'rd', aliases: ['--resource-definition'], kind: 'str', group: 'rdrg', complete: 'resource-definition', help: 'Resource definition name' },
  { name: 'rg', aliases: ['--resource-group'], kind: 'str', group: 'rdrg', complete: 'resource-group', help: 'Resource group name' },
];
const schedArgs: ArgSpec[] = [{ name: 'remote_name', help: 'Remote name', complete: 'remote' }, { name: 'schedule_name', help: 'Schedule name', complete: 'schedule' }];
const schedPath = (p: Parsed, action: string): string => `/v1/remotes/${seg(str(p, 'remote_name'))}/backups/schedule/${seg(str(p, 'schedule_name'))}/${action}`;
const rdRgBody = (p: Parsed): Obj => ({ ...(ostr(p, 'rd') ? { rsc_name: ostr(p, 'rd') } : {}), ...(ostr(p, 'rg') ? { grp_name: ostr(p, 'rg') } : {}) });

export const backupCommand: CmdSpec = {
  name: 'backup', aliases: ['b'], help: 'Commands to manage Backups', title: 'Backup subcommands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of backups on an S3 remote.', args: [{ name: 'remote_name', help: 'S3 remote name to show backups for', complete: 'remote' }],
      opts: [pastableOpt, { name: 'resource', short: 'r', kind: 'str', complete: 'resource', help: 'Only show backups for given resource' },
        { name: 'snapshot', short: 's', kind: 'str', help: 'Only show backups with the given snapshot name' },
        { name: 'others', short: 'o', kind: 'bool', help: 'Only show S3 objects that are unknown to LINSTOR' },
        { name: 'show-id', short: 'i', kind: 'bool', help: 'Include the full ID in the output' }],
      run: async (ctx, p) => {
        const r = await ctx.client.transport.get<Obj>(`/v1/remotes/${seg(str(p, 'remote_name'))}/backups`, { rsc_name: ostr(p, 'resource'), snap_name: ostr(p, 'snapshot') });
        return raw(ctx, r, () => showBackups(ctx, p, r));
      },
    },
    {
      ...SUB.create, help: 'Create a new remote backup.', args: [remoteArg, { name: 'resource', help: 'Resource used for the backup', complete: 'resource' }],
      opts: [{ name: 'full', short: 'f', kind: 'bool', help: 'Create a full backup' }, { name: 'node', short: 'n', kind: 'str', complete: 'node', help: 'Node to prefer to upload backup' },
        { name: 'snapshot', short: 's', aliases: ['--source-snapshot'], kind: 'str', help: 'Name of the local snapshot to create' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(backups(p), {
        rsc_name: str(p, 'resource'), ...(ostr(p, 'node') ? { node_name: ostr(p, 'node') } : {}), ...(ostr(p, 'snapshot') ? { snap_name: ostr(p, 'snapshot') } : {}), incremental: !obool(p, 'full'),
      })),
    },
    {
      ...SUB.delete, help: 'Delete backup(s) from a remote.', title: 'Delete backup commands',
      sub: [
        {
          name: 'id', help: 'Delete a remote backup by ID', args: [remoteArg, { name: 'id', help: 'ID of the backup to delete' }],
          opts: [{ name: 'prefix', kind: 'bool', help: 'Use the ID as a prefix instead of full match' }, ...deleteFlags(true, true)],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(backups(p), { [obool(p, 'prefix') ? 'id_prefix' : 'id']: str(p, 'id'), ...deleteQuery(p) })),
        },
        {
          name: 'filter', aliases: ['f'], help: 'Delete a remote backup by resource name, uploader node name or older than specifc time', args: [remoteArg],
          opts: [{ name: 'time', short: 't', kind: 'str', help: 'Delete backups older than specified time. Expected format is YYYYMMDD_HHMMSS' },
            { name: 'resource', short: 'r', kind: 'str', complete: 'resource', help: 'Delete backups matching the given resource name' },
            { name: 'node', short: 'n', kind: 'str', complete: 'node', help: 'Delete backups uploaded by the given node name' }, ...deleteFlags(true, true)],
          run: async (ctx, p) => {
            if (!ostr(p, 'time') && !ostr(p, 'resource') && !ostr(p, 'node')) throw new UsageError('At least one of --time, --resource or --node has to be used');
            return showReplies(ctx, await ctx.client.transport.delete(backups(p), {
              ...(ostr(p, 'time') ? { timestamp: ostr(p, 'time') } : {}), ...(ostr(p, 'resource') ? { resource_name: ostr(p, 'resource') } : {}),
              ...(ostr(p, 'node') ? { node_name: ostr(p, 'node') } : {}), ...deleteQuery(p),
            }));
          },
        },
        {
          name: 'all', aliases: ['a'], help: 'Delete all LINSTOR backups of the given remote. Will NOT delete non-LINSTOR S3 objects', args: [remoteArg],
          opts: [{ name: 'cluster', short: 'c', kind: 'bool', help: 'Only delete LINSTOR backups created by the local cluster' }, ...deleteFlags(false, true)],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(backups(p), { ...(obool(p, 'cluster') ? { all_local_cluster: true } : { all: true }), ...deleteQuery(p) })),
        },
        {
          name: 's3key', aliases: ['s3'], help: 'Delete a given S3 object. Use this option to delete non-LINSTOR S3 objects', args: [remoteArg, { name: 's3key', help: 'S3 key to delete' }],
          opts: deleteFlags(false, false),
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(backups(p), { s3key: str(p, 's3key'), ...deleteQuery(p) })),
        },
      ],
    },
    {
      ...SUB.abort, help: 'Aborts a backup. If neither --create nor --restore is given, both will be aborted (if any in progress).',
      args: [remoteArg, { name: 'resource', help: 'The resource to abort', complete: 'resource' }],
      opts: [{ name: 'restore', short: 'r', kind: 'bool', help: 'Only abort a restoration of the given resource' }, { name: 'create', short: 'c', kind: 'bool', help: 'Only abort a creation of the given resource' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(backups(p, '/abort'), { rsc_name: str(p, 'resource'), restore: obool(p, 'restore'), create: obool(p, 'create') })),
    },
    {
      ...SUB.restore, help: 'Restore a backup. Either --id OR --resource must be used (not both)',
      args: [remoteArg, { name: 'target_node', help: 'Target node to restore', complete: 'node' }, { name: 'target_resource', help: 'Target resource name to restore into' }],
      opts: [
        { name: 'resource', short: 'r', kind: 'str', complete: 'resource', help: 'Restore the latest backup of the given resource' },
        { name: 'snapshot', short: 's', kind: 'str', help: 'Restore the latest backup with the given snapshot name' },
        { name: 'id', kind: 'str', help: 'Specific backup to restore' },
        { name: 'passphrase', kind: 'str', nargs: '?', const: '', help: 'The passphrase of the uploader cluster. Required if the resource to restore has a LUKS layer' },
        storpoolRename, ...exclusive('dl'), ...targetRg,
      ],
      run: async (ctx, p) => {
        const pass = await passphrase(p, 'Origin clusters passphrase: ');
        return showReplies(ctx, await ctx.client.transport.post(backups(p, '/restore'), {
          ...(ostr(p, 'resource') ? { src_rsc_name: ostr(p, 'resource') } : {}), ...(ostr(p, 'snapshot') ? { src_snap_name: ostr(p, 'snapshot') } : {}),
          ...(ostr(p, 'id') ? { last_backup: ostr(p, 'id') } : {}), stor_pool_map: renameMap(p) ?? {}, target_rsc_name: str(p, 'target_resource'),
          ...(pass !== undefined ? { passphrase: pass } : {}),
          node_name: str(p, 'target_node'), download_only: obool(p, 'download-only'), force_restore: obool(p, 'force-restore'), ...rgFields(p),
        }));
      },
    },
    {
      name: 'ship', aliases: ['s'], help: 'Ships a backup to another LINSTOR cluster.',
      args: [remoteArg, { name: 'source_resource', help: 'The local resource name to ship', complete: 'resource' }, { name: 'target_resource', help: 'The resource name on the target LINSTOR cluster' }],
      opts: [
        { name: 'source-node', kind: 'str', complete: 'node', help: 'Prefer the given node to send the backup' },
        { name: 'target-node', kind: 'str', help: 'Specify which node in the target LINSTOR cluster should receive the backup' },
        { name: 'target-net-if', kind: 'str', help: 'Specify on which LINSTOR network interface the target node should listen' },
        { name: 'target-storage-pool', kind: 'str', help: 'Specify in which target storage pool the backup should be received' },
        { name: 'source-snapshot', kind: 'str', help: 'Ship this existing snapshot instead of taking a new one' },
        { name: 'full', kind: 'bool', help: 'Ship a full backup even if an incremental one would be possible' },
        storpoolRename, ...exclusive('dl'), ...targetRg,
      ],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(backups(p, '/ship'), {
        src_rsc_name: str(p, 'source_resource'), dst_rsc_name: str(p, 'target_resource'),
        ...(ostr(p, 'source-node') ? { src_node_name: ostr(p, 'source-node') } : {}), ...(ostr(p, 'target-node') ? { dst_node_name: ostr(p, 'target-node') } : {}),
        ...(ostr(p, 'target-net-if') ? { dst_net_if_name: ostr(p, 'target-net-if') } : {}), ...(ostr(p, 'target-storage-pool') ? { dst_stor_pool: ostr(p, 'target-storage-pool') } : {}),
        ...(renameMap(p) ? { stor_pool_rename: renameMap(p) } : {}), download_only: obool(p, 'download-only'), force_restore: obool(p, 'force-restore'),
        allow_incremental: !obool(p, 'full'), ...(ostr(p, 'source-snapshot') ? { src_snap_name: ostr(p, 'source-snapshot') } : {}), ...rgFields(p),
      })),
    },
    {
      ...SUB.info, aliases: ['i'], help: 'Retrieve information about a given backup. Either --id OR --resource must be used (not both). Option --storpool-rename must be used in combination with --target-node.',
      args: [remoteArg],
      opts: [
        { name: 'resource', short: 'r', kind: 'str', complete: 'resource', help: 'Get info about the latest backup of the given resource' },
        { name: 'snapshot', short: 's', kind: 'str', help: 'Get info about the last backup with this snapshot name' },
        { name: 'id', kind: 'str', help: 'Get info about the given backup to restore' },
        { name: 'target_node', short: 'n', kind: 'str', complete: 'node', help: 'Target node to calculate remaining free space' },
        { ...storpoolRename, help: 'Rename storage pool names. Format: $oldname=$newname' }, pastableOpt,
      ],
      run: async (ctx, p) => {
        const r = await ctx.client.transport.post<Obj>(backups(p, '/info'), {
          ...(ostr(p, 'resource') ? { src_rsc_name: ostr(p, 'resource') } : {}), ...(ostr(p, 'snapshot') ? { src_snap_name: ostr(p, 'snapshot') } : {}),
          ...(ostr(p, 'id') ? { last_backup: ostr(p, 'id') } : {}), ...(renameMap(p) ? { stor_pool_map: renameMap(p) } : {}), ...(ostr(p, 'target_node') ? { node_name: ostr(p, 'target_node') } : {}),
        });
        return raw(ctx, r, () => {
          const t = newTable(ctx, p);
          for (const h of ['Resource', 'Snapshot', 'Full Backup', 'Latest Backup', 'Backup Count', 'Download Size', 'Allocated Size']) t.addColumn(h);
          t.addRow([r.rsc ?? '', r.snap ?? '', r.full ?? '', r.latest ?? '', r.count ?? '', approxSize(r.dl_size_kib ?? r.dl_size ?? 0), approxSize(r.alloc_size_kib ?? r.alloc_size ?? 0)]);
          ctx.out(t.show());
        });
      },
    },
    {
      ...SUB.schedule, help: 'Schedule backup(s) from a remote.', title: 'Schedule backup commands',
      sub: [
        {
          ...SUB.enable, help: 'Enable a schedule.', args: schedArgs,
          opts: [{ name: 'node', aliases: ['--preferred-node'], kind: 'str', complete: 'node', help: 'Preferred node name' },
            { name: 'target-storage-pool', kind: 'str', help: 'Specify in which target storage pool the backup should be received' },
            { name: 'target-resource-name', kind: 'str', help: 'Name of the resource on the target cluster' },
            storpoolRename, ...rdRg, { name: 'force-restore', kind: 'bool', help: 'Restore the backup even if a single replica already exists in the target resource' }, ...targetRg],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(schedPath(p, 'enable'), {
            ...rdRgBody(p), ...(ostr(p, 'node') ? { node_name: ostr(p, 'node') } : {}), ...(ostr(p, 'target-storage-pool') ? { dst_stor_pool: ostr(p, 'target-storage-pool') } : {}),
            ...(renameMap(p) ? { stor_pool_rename: renameMap(p) } : {}), force_restore: obool(p, 'force-restore'), ...rgFields(p),
            ...(ostr(p, 'target-resource-name') ? { dst_rsc_name: ostr(p, 'target-resource-name') } : {}),
          })),
        },
        { ...SUB.disable, help: 'Disable a schedule.', args: schedArgs, opts: rdRg, run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(schedPath(p, 'disable'), rdRgBody(p))) },
        { ...SUB.delete, help: 'Delete a schedule.', args: schedArgs, opts: rdRg, run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(schedPath(p, 'delete'), rdRgBody(p))) },
      ],
    },
    {
      name: 'queue', aliases: ['q'], help: 'Commands for backup queue', title: 'Backup queue subcommands',
      sub: [{
        ...SUB.list, help: 'Lists backups that are queued on nodes.',
        opts: [
          pastableOpt,
          { name: 'nodes', short: 'n', kind: 'list', nargs: '*', complete: 'node', help: 'Only show queued backups on the given node name(s)' },
          { name: 'snaps', short: 's', aliases: ['--snapshots'], kind: 'list', nargs: '*', help: 'Only show queued backups matching the given snapshot name(s)' },
          { name: 'rscs', aliases: ['--resources'], kind: 'list', nargs: '*', complete: 'resource', help: 'Only show queued backups belonging to the given resource name(s)' },
          { name: 'remotes', kind: 'list', nargs: '*', complete: 'remote', help: 'Only show queued backups with the given remote name(s) as destination' },
          { name: 'snap-to-node', aliases: ['--stn', '--s2n'], kind: 'bool', help: 'Inverts the table by listing the backups and on which nodes they are queued instead of the nodes with all backups queued on them' },
        ],
        run: async (ctx, p) => {
          const r = await ctx.client.transport.get<Obj>('/v1/view/backup/queue', {
            nodes: list(p, 'nodes'), snapshots: list(p, 'snaps'), resources: list(p, 'rscs'), remotes: list(p, 'remotes'), ...(obool(p, 'snap-to-node') ? { snap_to_node: true } : {}),
          });
          return raw(ctx, r, () => {
            const t = newTable(ctx, p);
            const hdr = ['Resource', 'Snapshot', 'Remote', 'Based On', 'Created at', 'Preferred Node'];
            const time = (ms: number | undefined): string => (ms ? fmtTime(Math.floor(ms / 1000) * 1000) : '');
            if (obool(p, 'snap-to-node')) {
              for (const h of [...hdr, 'Node']) t.addColumn(h);
              for (const s of r.snap_queues ?? []) t.addRow([s.resource_name, s.snapshot_name, s.remote_name, s.incremental ? s.based_on ?? '' : '', time(s.start_timestamp), s.pref_node ?? '', (s.queue ?? []).map((n: Obj) => n.node_name).join('\n')]);
            } else {
              for (const h of ['Node', ...hdr]) t.addColumn(h);
              for (const n of r.node_queues ?? []) {
                const q: Obj[] = n.queue ?? [];
                t.addRow([n.node_name, ...[(s: Obj) => s.resource_name, (s: Obj) => s.snapshot_name, (s: Obj) => s.remote_name, (s: Obj) => (s.incremental ? s.based_on ?? '' : ''),
                  (s: Obj) => time(s.start_timestamp), (s: Obj) => s.pref_node ?? ''].map((f) => q.map(f).join('\n'))]);
              }
            }
            ctx.out(t.show());
          });
        },
      }],
    },
  ],
};
