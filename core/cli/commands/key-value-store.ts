/** `linstor key-value-store list|show|modify` (and `delete`, which LINSTOR's API has too). */
import { ExitCode, newTable, propsModify, showReplies } from '../context.js';
import { pyJson } from '../output.js';
import { str, type CmdSpec } from '../spec.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const instance = { name: 'instance', help: 'Key-value store instance to operate on' };

export const keyValueStoreCommand: CmdSpec = {
  name: 'key-value-store', aliases: ['kv'], help: 'Key-value store subcommands', title: 'key-value store commands',
  sub: [
    {
      ...SUB.list, help: 'Lists all key-value store instances.', opts: [pastableOpt],
      run: async (ctx, p) => {
        const kvs = await ctx.client.transport.get<Obj[]>('/v1/key-value-store');
        if (ctx.machine) { ctx.out(`${pyJson(kvs.map((k) => k.name))}\n`); return ExitCode.OK; }
        const t = newTable(ctx, p).addColumn('Name');
        for (const k of kvs) t.addRow([k.name]);
        ctx.out(t.show());
        return ExitCode.OK;
      },
    },
    {
      ...SUB.show, help: 'Lists all key-value pairs in a key-value store instance.', args: [instance], opts: [{ ...pastableOpt, help: 'Generate pastable output.' }],
      run: async (ctx, p) => {
        const kvs = await ctx.client.transport.get<Obj[]>('/v1/key-value-store');
        const props: Record<string, string> = kvs.find((k) => k.name === str(p, 'instance'))?.props ?? {};
        if (ctx.machine) { ctx.out(`${pyJson(Object.entries(props))}\n`); return ExitCode.OK; }
        const t = newTable(ctx, p).addColumn('Key').addColumn('Value');
        for (const [k, v] of Object.entries(props)) t.addRow([k, v]);
        ctx.out(t.show());
        return ExitCode.OK;
      },
    },
    {
      ...SUB.modify, help: 'Modify the value for a given key in the key-value store.',
      args: [instance, { name: 'key', help: 'Key to modify' }, { name: 'value', optional: true, help: 'Value to set key to' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/key-value-store/${encodeURIComponent(str(p, 'instance'))}`, propsModify(str(p, 'key'), p.pos.value as string | undefined, false))),
    },
    {
      ...SUB.delete, help: 'Deletes a key-value store instance with all its keys.', args: [instance],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(`/v1/key-value-store/${encodeURIComponent(str(p, 'instance'))}`)),
    },
  ],
};
