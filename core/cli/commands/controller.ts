/** `linstor controller ...`: properties, DRBD options, version, which, backupdb, set-log-level, query-max-volume-size. */
import { ExitCode, propsModify, showProps, showReplies, type Ctx } from '../context.js';
import { pyCompact } from '../output.js';
import { list, obool, ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { auxOpt, keyValueArgs, pastableOpt, SUB } from './common.js';
import { drbdOptionsCommand, RESOURCE_SECTIONS } from './drbd-options.js';
import { LOG_LEVELS } from './node.js';
import { showQueryMaxVolumeSize } from './query-max-volume-size.js';

type Obj = Record<string, any>;
const PROPS = '/v1/controller/properties';

/** linstor-client sets and deletes controller properties one POST each. */
async function postEach(ctx: Ctx, m: { override_props?: Record<string, string>; delete_props?: string[] }): Promise<unknown[]> {
  const rcs: unknown[] = [];
  for (const [k, v] of Object.entries(m.override_props ?? {})) rcs.push(...await ctx.client.transport.post<unknown[]>(PROPS, { override_props: { [k]: v } }));
  for (const k of m.delete_props ?? []) rcs.push(...await ctx.client.transport.post<unknown[]>(PROPS, { delete_props: [k] }));
  return rcs;
}

/** The controller URI the way linstor-client names it: linstor://host:port. */
function controllerUri(base: string): string {
  const u = new URL(base);
  return `${u.protocol === 'https:' ? 'linstor+ssl' : 'linstor'}://${u.host}`;
}

export const controllerCommand: CmdSpec = {
  name: 'controller', aliases: ['c'], help: 'Controller subcommands', title: 'Controller commands',
  sub: [
    {
      ...SUB.setProperty, help: 'Set a controller config property.', args: keyValueArgs, opts: [auxOpt],
      run: async (ctx, p) => showReplies(ctx, await postEach(ctx, propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux')))),
    },
    {
      ...SUB.listProperties, help: 'Print current controller config properties.', opts: [pastableOpt],
      run: async (ctx, p) => showProps(ctx, await ctx.client.transport.get<Record<string, string>>(PROPS), p),
    },
    drbdOptionsCommand({ type: 'drbd', sections: RESOURCE_SECTIONS, args: [], send: (ctx, _p, body) => postEach(ctx, body) }),
    {
      ...SUB.version, help: 'Prints the LINSTOR controller version.',
      run: async (ctx) => {
        const v = await ctx.client.transport.get<Obj>('/v1/controller/version');
        ctx.out(ctx.machine ? `${pyCompact(v)}\n` : `linstor controller ${v.version}; GIT-hash: ${v.git_hash}\n`);
        return ExitCode.OK;
      },
    },
    {
      ...SUB.queryMaxVolumeSize, help: 'Queries the controller for the maximum volume size of storage pools, given a specified replica count.',
      args: [{ name: 'replica_count', metavar: 'REPLICA_COUNT', int: true, help: 'The least amount of replicas.' }],
      opts: [
        pastableOpt,
        { name: 'storage-pool', short: 's', kind: 'str', complete: 'storage-pool-definition', help: 'Storage pool name to query.' },
        { name: 'do-not-place-with', kind: 'list', metavar: 'RESOURCE_NAME', complete: 'resource', help: 'Try to avoid nodes that already have a given resource deployed.' },
        { name: 'do-not-place-with-regex', kind: 'str', metavar: 'RESOURCE_REGEX', help: 'Try to avoid nodes that already have a resource deployed whos name is matching the given regular expression.' },
        { name: 'replicas-on-same', kind: 'list', metavar: 'AUX_NODE_PROPERTY', help: 'Tries to place resources on nodes with the same given auxiliary node property values.' },
        { name: 'replicas-on-different', kind: 'list', metavar: 'AUX_NODE_PROPERTY', help: 'Tries to place resources on nodes with a different value for the given auxiliary node property.' },
      ],
      run: async (ctx, p) => {
        const body: Obj = { place_count: Number(str(p, 'replica_count')) };
        if (ostr(p, 'storage-pool')) body.storage_pool = ostr(p, 'storage-pool');
        if (list(p, 'do-not-place-with').length) body.not_place_with_rsc = list(p, 'do-not-place-with');
        if (ostr(p, 'do-not-place-with-regex')) body.not_place_with_rsc_regex = ostr(p, 'do-not-place-with-regex');
        if (list(p, 'replicas-on-same').length) body.replicas_on_same = list(p, 'replicas-on-same').map((x) => `Aux/${x}`);
        if (list(p, 'replicas-on-different').length) body.replicas_on_different = list(p, 'replicas-on-different').map((x) => `Aux/${x}`);
        const r = await ctx.client.transport.request<Obj>('OPTIONS', '/v1/query-max-volume-size', { body });
        return showQueryMaxVolumeSize(ctx, p, r.data);
      },
    },
    {
      ...SUB.which, help: 'Shows controller currently used, and its role (several controllers on one database: one is active).',
      run: async (ctx: Ctx) => {
        // /health answers 200 only on the active controller; the client skips standbys (503).
        const r = await ctx.client.transport.request<{ role?: string; store?: string; active_controller?: string | null }>('GET', '/health');
        const uri = controllerUri(r.controller);
        const h = r.data ?? {};
        const role = h.role ?? 'active';
        if (ctx.machine) ctx.out(`${pyCompact({ controller_uri: uri, role, ...(h.store ? { store: h.store } : {}) })}\n`);
        else ctx.out(`${uri} (${role}${h.store ? `, ${h.store} store` : ''})\n`);
        return ExitCode.OK;
      },
    },
    {
      ...SUB.backupDb, help: 'Create a backup of the controller database.',
      args: [{ name: 'backup_name', metavar: 'BACKUP_NAME', help: 'Base name of the backup' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/controller/backup/db', { backup_name: str(p, 'backup_name') })),
    },
    {
      ...SUB.setLogLevel, help: 'Sets the log level',
      args: [{ name: 'level', choices: LOG_LEVELS, upper: true, help: 'Log level' }],
      opts: [
        { name: 'library', aliases: ['--lib'], kind: 'bool', help: 'Modify the log level of external libraries instead of LINSTOR itself' },
        { name: 'global', kind: 'bool', help: 'Set the log level for the controller and ALL satellites' },
      ],
      run: async (ctx, p: Parsed) => {
        const key = `level${obool(p, 'library') ? '' : '_linstor'}${obool(p, 'global') ? '_global' : ''}`;
        return showReplies(ctx, await ctx.client.transport.put('/v1/controller/config', { log: { [key]: str(p, 'level') } }));
      },
    },
  ],
};
