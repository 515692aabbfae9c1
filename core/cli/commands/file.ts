/**
 * `linstor file ...`: external files the controller deploys to satellites with a resource
 * definition. `modify` opens $EDITOR on a terminal (argv, no shell) or reads stdin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, newTable, showList, showReplies, type Ctx } from '../context.js';
import { str, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import { LinstorApiError } from '../../client/errors.js';
import { seg } from '../../client/http.js';
import { SUB } from './common.js';

type Obj = Record<string, any>;
const filePath = (name: string): string => `/v1/files/${seg(name)}`;
const fileArg = (help: string) => ({ name: 'file_name', help, complete: 'file' as const });

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Edits `initial` in the user's editor (EDITOR, else nano) and returns what was saved. */
function edit(initial: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-file-'));
  const f = join(dir, 'content.tmp');
  try {
    writeFileSync(f, initial);
    const editor = process.env.EDITOR || 'nano';
    const r = spawnSync(editor, [f], { stdio: 'inherit' });
    if (r.error) throw new UsageError(`cannot start editor '${editor}': ${r.error.message}`);
    return readFileSync(f);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function modify(ctx: Ctx, p: Parsed): Promise<number> {
  const name = str(p, 'file_name');
  let content: Buffer;
  if (process.stdin.isTTY) {
    let initial = '';
    try { initial = Buffer.from(String((await ctx.client.transport.get<Obj>(filePath(name))).content ?? ''), 'base64').toString(); } catch (e) { if (!(e instanceof LinstorApiError)) throw e; }
    content = edit(initial);
  } else content = await readStdin();
  return showReplies(ctx, await ctx.client.transport.put(filePath(name), { path: name, content: content.toString('base64') }));
}

/** python-linstor's file_deploy/file_undeploy: POST/DELETE on the definition's files/{path}. */
const deployPath = (rd: string, name: string): string => `/v1/resource-definitions/${seg(rd)}/files/${seg(name)}`;

export const fileCommand: CmdSpec = {
  name: 'file', aliases: ['f'], help: 'File subcommands', title: 'file commands',
  sub: [
    {
      ...SUB.list, help: 'Lists all files in the cluster.', opts: [{ name: 'pastable', short: 'p', kind: 'bool', help: 'Generate pastable output.' }],
      run: async (ctx, p) => {
        const files = await ctx.client.transport.get<Obj[]>('/v1/files');
        return showList(ctx, 'raw', files, () => { const t = newTable(ctx, p).addColumn('Path'); for (const f of files) t.addRow([f.path]); return t.show(); });
      },
    },
    {
      ...SUB.show, help: 'Show a single file, including its content.', args: [fileArg('Name of the file to show')],
      run: async (ctx, p) => {
        const f = await ctx.client.transport.get<Obj>(filePath(str(p, 'file_name')));
        ctx.out(Buffer.from(String(f.content ?? ''), 'base64').toString());
        return ExitCode.OK;
      },
    },
    { ...SUB.modify, help: 'Modify the contents of a file.', args: [fileArg('Name of the file to modify')], run: modify },
    { ...SUB.delete, help: 'Delete a file.', args: [fileArg('Name of the file to delete')], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(filePath(str(p, 'file_name')))) },
    {
      ...SUB.deploy, help: 'Deploy a file with a resource definition.',
      args: [fileArg('Name of the file to deploy'), { name: 'resource_name', help: 'Name of the resource definition to deploy the file with', complete: 'resource-definition' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(deployPath(str(p, 'resource_name'), str(p, 'file_name')))),
    },
    {
      ...SUB.undeploy, help: 'Undeploy a file from a resource definition.',
      args: [fileArg('Name of the file to undeploy'), { name: 'resource_name', help: 'Name of the resource definition to undeploy the file from', complete: 'resource-definition' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(deployPath(str(p, 'resource_name'), str(p, 'file_name')))),
    },
  ],
};
