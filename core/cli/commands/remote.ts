/** `linstor remote ...`: S3, LINSTOR and EBS remotes for backups and shipping. */
import { ExitCode, newTable, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { ostr, str, type CmdSpec, type Parsed } from '../spec.js';
import { seg } from '../../client/http.js';
import { askPassphrase } from './passphrase.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const nameArg = { name: 'name', help: 'Remote name', complete: 'remote' as const };

/** A secret given on the command line, or asked for (nargs='?' with const '' means "prompt"). */
async function secret(v: unknown, prompt: string, required: boolean): Promise<string | undefined> {
  if (typeof v === 'string' && v) return v;
  if (v === '' || (required && v === undefined)) return askPassphrase(false, undefined, prompt);
  return undefined;
}

const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

async function listRemotes(ctx: Ctx, p: Parsed): Promise<number> {
  const r = await ctx.client.transport.get<Obj>('/v1/remotes');
  if (ctx.machine) { ctx.out(`${pyJson(r)}\n`); return ExitCode.OK; }
  const t = newTable(ctx, p).addColumn('Name').addColumn('Type').addColumn('Info');
  for (const s of r.s3_remotes ?? []) t.addRow([s.remote_name, 'S3', `${s.region}.${s.endpoint}/${s.bucket}`]);
  for (const l of r.linstor_remotes ?? []) t.addRow([l.remote_name, 'Linstor', l.url]);
  for (const e of r.ebs_remotes ?? []) t.addRow([e.remote_name, 'EBS', `${e.endpoint}, AZ: ${e.availability_zone}`]);
  ctx.out(t.show());
  return ExitCode.OK;
}

export const remoteCommand: CmdSpec = {
  name: 'remote', help: 'Remote subcommands', title: 'remote commands',
  sub: [
    { ...SUB.list, help: 'Prints a list of all remotes.', opts: [pastableOpt], run: listRemotes },
    {
      ...SUB.create, help: 'Create a new remote.', title: 'remote create commands',
      sub: [
        {
          name: 's3', help: 'Create a new S3 remote',
          args: [{ name: 'name', help: 'Remote name' }, { name: 'endpoint', help: 'Endpoint of the S3 remote' }, { name: 'bucket', help: 'Bucket of the S3 remote' },
            { name: 'region', help: 'Region of the S3 remote' }, { name: 'access_key', help: 'Access key of the S3 remote' },
            { name: 'secret_key', optional: true, help: 'Secret key of the S3 remote, if not provided will be prompted' }],
          opts: [{ name: 'use-path-style', kind: 'bool', help: 'Set if you AWS instance uses path style' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/remotes/s3', {
            remote_name: str(p, 'name'), endpoint: str(p, 'endpoint'), bucket: str(p, 'bucket'), region: str(p, 'region'),
            access_key: str(p, 'access_key'), secret_key: await secret(p.pos.secret_key, 'Secret-key: ', true), use_path_style: p.opt['use-path-style'] === true,
          })),
        },
        {
          name: 'linstor', aliases: ['l'], help: 'Create a new Linstor remote',
          args: [{ name: 'name', help: 'Remote name' }, { name: 'url', help: 'URL of the target Linstor controller' }],
          opts: [{ name: 'cluster-id', kind: 'str', help: "UUID of the target Linstor cluster. See 'Cluster/LocalID' property on REMOTE controller level" },
            { name: 'passphrase', kind: 'str', nargs: '?', const: '', help: 'Passphrase of the target Linstor controller (needed if shipping LUKS based backups)' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/remotes/linstor', defined({
            remote_name: str(p, 'name'), url: str(p, 'url'), passphrase: await secret(p.opt.passphrase, "Remote controllers passphrase: ", false), cluster_id: ostr(p, 'cluster-id'),
          }))),
        },
        {
          name: 'ebs', help: 'Create a new EBS remote',
          args: [{ name: 'name', help: 'Remote name' }, { name: 'availability_zone', help: 'Availability zone. Example: eu-central-1b' }, { name: 'access_key', help: 'Access key of the EBS remote' },
            { name: 'secret_key', optional: true, help: 'Secret key of the EBS remote, if not provided will be prompted' }],
          opts: [{ name: 'endpoint', kind: 'str', help: 'Endpoint of the EBS remote. If omitted the endpoint is constructed based on the region' },
            { name: 'region', kind: 'str', help: 'Region of the EBS remote. If omitted the region is constructed based on the availability zone' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post('/v1/remotes/ebs', defined({
            remote_name: str(p, 'name'), endpoint: ostr(p, 'endpoint'), region: ostr(p, 'region'), availability_zone: str(p, 'availability_zone'),
            access_key: str(p, 'access_key'), secret_key: await secret(p.pos.secret_key, 'Secret-key: ', true),
          }))),
        },
      ],
    },
    {
      ...SUB.modify, help: 'Modify a remote.', title: 'remote modify commands',
      sub: [
        {
          name: 's3', help: 'Modify a S3 remote', args: [nameArg],
          opts: [{ name: 'endpoint', kind: 'str', help: 'Endpoint of the S3 remote' }, { name: 'bucket', kind: 'str', help: 'Bucket of the S3 remote' },
            { name: 'region', kind: 'str', help: 'Region of the S3 remote' }, { name: 'access_key', kind: 'str', help: 'Access key of the S3 remote' },
            { name: 'secret_key', kind: 'str', nargs: '?', const: '', help: 'Secret key of the S3 remote, if not provided will be prompted' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/remotes/s3/${seg(str(p, 'name'))}`, defined({
            remote_name: str(p, 'name'), endpoint: ostr(p, 'endpoint'), bucket: ostr(p, 'bucket'), region: ostr(p, 'region'), access_key: ostr(p, 'access_key'),
            secret_key: await secret(p.opt.secret_key, 'Secret-key: ', false),
          }))),
        },
        {
          name: 'linstor', aliases: ['l'], help: 'Modify a Linstor remote', args: [nameArg],
          opts: [{ name: 'url', kind: 'str', help: 'URL of the target Linstor controller' },
            { name: 'cluster-id', kind: 'str', help: "UUID of the target Linstor cluster. See 'Cluster/LocalID' property on REMOTE controller level" },
            { name: 'passphrase', kind: 'str', nargs: '?', const: '', help: 'Passphrase of the target Linstor controller (needed if shipping LUKS based backups)' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/remotes/linstor/${seg(str(p, 'name'))}`, defined({
            remote_name: str(p, 'name'), url: ostr(p, 'url'), passphrase: await secret(p.opt.passphrase, "Remote controllers passphrase: ", false), cluster_id: ostr(p, 'cluster-id'),
          }))),
        },
        {
          name: 'ebs', help: 'Modify a EBS remote', args: [nameArg],
          opts: [{ name: 'endpoint', kind: 'str', help: 'Endpoint of the EBS remote' }, { name: 'availability-zone', aliases: ['--az'], kind: 'str', help: 'Availability Zone of the EBS remote. Example: eu-central-1b' },
            { name: 'region', kind: 'str', help: 'Region of the EBS remote' }, { name: 'access_key', kind: 'str', help: 'Access key of the EBS remote' },
            { name: 'secret_key', kind: 'str', nargs: '?', const: '', help: 'Secret key of the EBS remote, if not provided will be prompted' }],
          run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`/v1/remotes/ebs/${seg(str(p, 'name'))}`, defined({
            remote_name: str(p, 'name'), endpoint: ostr(p, 'endpoint'), region: ostr(p, 'region'), availability_zone: ostr(p, 'availability-zone'),
            access_key: ostr(p, 'access_key'), secret_key: await secret(p.opt.secret_key, 'Secret-key: ', false),
          }))),
        },
      ],
    },
    {
      ...SUB.delete, help: 'Delete a remote.', args: [{ ...nameArg, help: 'Name of the remote to delete' }],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete('/v1/remotes', { remote_name: str(p, 'name') })),
    },
  ],
};
