/** controller, key-value-store and error-reports: the cluster-wide administrative commands. */
import { propsModify, showList, showProps, showReplies, type Ctx } from '../context.js';
import { obool, ostr, str, type CmdSpec } from '../spec.js';
import { toJson } from '../../model/json.js';
import { DELETE, LIST, LISTPROP, MODIFY, SETPROP, setPropOpts } from './common.js';

export const controllerCommand: CmdSpec = {
  name: 'controller', aliases: ['c'], help: 'Controller subcommands',
  sub: [
    { ...LISTPROP, help: 'Prints the controller properties.', run: async (ctx) => { const p = await ctx.client.controller.properties(); return showProps(ctx, p, p); } },
    {
      ...SETPROP, help: 'Sets a controller property (no value deletes it).', args: [{ name: 'key' }, { name: 'value', optional: true }], opts: setPropOpts,
      run: async (ctx, p) => {
        const m = propsModify(str(p, 'key'), p.pos.value as string | undefined, obool(p, 'aux'));
        return showReplies(ctx, m.delete_props ? await ctx.client.controller.deleteProperty(m.delete_props[0]!) : await ctx.client.controller.setProperties(m));
      },
    },
    {
      name: 'which', help: 'Shows the controller in use and its role (active, or which one is).',
      run: async (ctx: Ctx) => {
        const h = await ctx.client.controller.health();
        const uri = ctx.client.transport.controller;
        if (ctx.machine) ctx.out(toJson({ controller_uri: uri, role: h.role, active_controller: h.active_controller ?? h.controller ?? uri, store: h.store }, 2) + '\n');
        else ctx.out(`${uri} (${h.role}${h.store ? `, ${h.store} store` : ''})\n`);
        return 0;
      },
    },
    {
      name: 'version', aliases: ['v'], help: 'Prints the controller version.',
      run: async (ctx: Ctx) => {
        const v = await ctx.client.controller.version();
        if (ctx.machine) ctx.out(toJson([v], 2) + '\n');
        else ctx.out(`linstor controller ${v.version ?? '?'}; GIT-hash: ${v.git_hash ?? '?'}\n`);
        return 0;
      },
    },
  ],
};

export const keyValueStoreCommand: CmdSpec = {
  name: 'key-value-store', aliases: ['kv'], help: 'Key-value store subcommands',
  sub: [
    { ...LIST, help: 'Lists all key-value store instances.', run: async (ctx) => { const l = await ctx.client.keyValueStore.list(); return showList(ctx, l, ['Name'], l.map((k) => [k.name ?? ''])); } },
    {
      name: 'show', aliases: ['s'], help: 'Shows the keys and values of one instance.', args: [{ name: 'instance' }],
      run: async (ctx, p) => { const k = await ctx.client.keyValueStore.get(str(p, 'instance')); return showList(ctx, [k], ['Key', 'Value'], Object.keys(k.props ?? {}).sort().map((key) => [key, k.props![key]!])); },
    },
    {
      ...MODIFY, help: 'Sets (or, without value, deletes) a key of an instance; creates the instance if needed.', args: [{ name: 'instance' }, { name: 'key' }, { name: 'value', optional: true }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.keyValueStore.modify(str(p, 'instance'), propsModify(str(p, 'key'), p.pos.value as string | undefined, false))),
    },
    { ...DELETE, help: 'Deletes an instance.', args: [{ name: 'instance' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.keyValueStore.delete(str(p, 'instance'))) },
  ],
};

const reportId = (filename: string | undefined): string => (filename ?? '').replace(/^ErrorReport-/, '').replace(/\.log$/, '');

export const errorReportsCommand: CmdSpec = {
  name: 'error-reports', aliases: ['err'], help: 'Error report subcommands',
  sub: [
    {
      ...LIST, help: 'Lists error reports.', opts: [{ name: 'nodes', short: 'n', kind: 'str' }, { name: 'since', short: 's', kind: 'str', help: 'e.g. 5d, 3h' }],
      run: async (ctx, p) => {
        const since = ostr(p, 'since');
        let sinceMs: number | undefined;
        if (since) { const m = /^(\d+)([dhm])?$/.exec(since); if (m) sinceMs = Date.now() - Number(m[1]) * ({ d: 86400e3, h: 3600e3, m: 60e3 }[(m[2] ?? 'd') as 'd' | 'h' | 'm']); }
        const l = await ctx.client.errorReports.list({ node: ostr(p, 'nodes'), since: sinceMs });
        return showList(ctx, l, ['Id', 'Datetime', 'Node', 'Exception'],
          l.map((e) => [reportId(e.filename), new Date(e.error_time).toISOString().replace('T', ' ').slice(0, 19), e.node_name ?? '', `${e.exception ?? ''}${e.exception_message ? `: ${e.exception_message}` : ''}`]));
      },
    },
    {
      name: 'show', aliases: ['s'], help: 'Shows the full text of an error report.', args: [{ name: 'report_id' }],
      run: async (ctx, p) => {
        const l = await ctx.client.errorReports.get(str(p, 'report_id'));
        if (ctx.machine) { ctx.out(toJson([l], 2) + '\n'); return 0; }
        if (!l.length) { ctx.err(`Error report '${str(p, 'report_id')}' not found.\n`); return 3; }
        for (const e of l) ctx.out(`${e.text ?? ''}\n`);
        return 0;
      },
    },
    { ...DELETE, help: 'Deletes an error report.', args: [{ name: 'report_id' }], run: async (ctx, p) => showReplies(ctx, await ctx.client.errorReports.delete(str(p, 'report_id'))) },
  ],
};
