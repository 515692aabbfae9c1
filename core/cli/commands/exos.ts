/**
 * `linstor exos ...`: Seagate EXOS enclosures (linstor-client removed these in 1.26; kept here
 * for controllers and scripts that still use them).
 */
import { ExitCode, newTable, showList, showReplies, type Ctx } from '../context.js';
import { pyCompact } from '../output.js';
import { list, obool, oint, ostr, str, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { Color } from '../table.js';
import { seg } from '../../client/http.js';
import { askPassphrase } from './passphrase.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const BASE = '/v1/vendor/seagate/exos';
const nameArg = { name: 'name', help: 'Name of the enclosure' };

async function password(p: Parsed): Promise<string | undefined> {
  const v = p.opt.password;
  if (v === undefined) return undefined;
  return v === '' ? askPassphrase(false, undefined, 'Password: ') : String(v);
}

const credOpts: OptSpec[] = [
  { name: 'username', kind: 'str', help: 'Username for this Exos enclosure' },
  { name: 'username-env', kind: 'str', help: 'Environment variable containing the username for this Exos enclosure' },
  { name: 'password', kind: 'str', nargs: '?', const: '', help: 'Password for this Exos enclosure' },
  { name: 'password-env', kind: 'str', help: 'Environment variable containing the username for this Exos enclosure' },
];

async function enclosureBody(p: Parsed, create: boolean): Promise<Obj> {
  const b: Obj = { name: str(p, 'name') };
  const a = create ? str(p, 'ctrl_a_ip') : ostr(p, 'ctrl-a-ip');
  const bIp = create ? (p.pos.ctrl_b_ip as string | undefined) : ostr(p, 'ctrl-b-ip');
  if (a) b.ctrl_a_ip = a;
  if (bIp) b.ctrl_b_ip = bIp;
  if (ostr(p, 'username')) b.username = ostr(p, 'username');
  if (ostr(p, 'username-env')) b.username_env = ostr(p, 'username-env');
  const pw = await password(p);
  if (pw) b.password = pw;
  if (ostr(p, 'password-env')) b.password_env = ostr(p, 'password-env');
  return b;
}

const notSet = (v: unknown): string => (v ? String(v) : '-- Not set --');

export const exosCommand: CmdSpec = {
  name: 'exos', help: 'Exos subcommands', title: 'Exos commands',
  sub: [
    {
      ...SUB.create, help: 'Create a new Exos enclosure.', args: [nameArg, { name: 'ctrl_a_ip', help: 'IP address of the first Exos controller' }, { name: 'ctrl_b_ip', optional: true, help: 'IP address of the second Exos controller' }],
      opts: credOpts, run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(`${BASE}/enclosures`, await enclosureBody(p, true))),
    },
    {
      ...SUB.list, help: 'Lists the Exos enclosures known to LINSTOR.', opts: [{ name: 'nocache', kind: 'bool', help: 'Force recaching' }, pastableOpt],
      run: async (ctx, p) => {
        const l = await ctx.client.transport.get<Obj[]>(`${BASE}/enclosures`, obool(p, 'nocache') ? { nocache: 'true' } : undefined);
        return showList(ctx, 'raw', l, () => {
          const t = newTable(ctx, p);
          for (const h of ['Enclosure', 'Ctrl A IP', 'Ctrl B IP', 'Health', 'Health Reason']) t.addColumn(h);
          t.setGroupBy(['Enclosure']);
          for (const e of l) t.addRow([e.name, e.ctrl_a_ip || '-', e.ctrl_b_ip || '-', { text: String(e.health ?? ''), color: e.health === 'OK' ? Color.GREEN : Color.RED }, e.health_reason || '']);
          return t.show();
        });
      },
    },
    { ...SUB.delete, help: 'Deletes the specified Exos enclosure.', args: [nameArg], run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.delete(`${BASE}/enclosures/${seg(str(p, 'name'))}`)) },
    {
      ...SUB.modify, help: 'Modifies the specified Exos enclosure.', args: [nameArg],
      opts: [{ name: 'ctrl-a-ip', kind: 'str', help: 'IP address of the first Exos controller' }, { name: 'ctrl-b-ip', kind: 'str', help: 'IP address of the second Exos controller' }, ...credOpts],
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.put(`${BASE}/enclosures/${seg(str(p, 'name'))}`, await enclosureBody(p, false))),
    },
    {
      name: 'set-defaults', help: 'Sets the default configuration for all enclosures.',
      opts: [
        { name: 'username', kind: 'str', help: 'Default username' }, { name: 'username-env', kind: 'str', help: 'Default environment variable containing the username' },
        { name: 'password', kind: 'str', nargs: '?', const: '', help: 'Default password' }, { name: 'password-env', kind: 'str', help: 'Default environment variable containing the password' },
        { name: 'unset-username', kind: 'bool', help: 'Unsets the default username' }, { name: 'unset-username-env', kind: 'bool', help: 'Unsets the default username-env' },
        { name: 'unset-password-env', kind: 'bool', help: 'Unsets the default password-env' }, { name: 'unset-password', kind: 'bool', help: 'Unsets the default password' },
      ],
      run: async (ctx, p) => {
        const unset = [['unset-username', 'username'], ['unset-username-env', 'usernameEnv'], ['unset-password', 'password'], ['unset-password-env', 'passwordEnv']].filter(([f]) => obool(p, f!)).map(([, k]) => k);
        return showReplies(ctx, await ctx.client.transport.put(`${BASE}/defaults`, {
          username: ostr(p, 'username') ?? null, username_env: ostr(p, 'username-env') ?? null, password: (await password(p)) ?? null, password_env: ostr(p, 'password-env') ?? null, unset_keys: unset,
        }));
      },
    },
    {
      name: 'get-defaults', help: 'Lists the default configuration.', opts: [pastableOpt],
      run: async (ctx, p) => {
        const d = await ctx.client.transport.get<Obj>(`${BASE}/defaults`);
        return showList(ctx, 'raw', d, () => newTable(ctx, p).addColumn('Property').addColumn('Value')
          .addRow(['Username', notSet(d.username)]).addRow(['UsernameEnv', notSet(d.username_env)]).addRow(['Password', notSet(d.password)]).addRow(['PasswordEnv', notSet(d.password_env)]).show());
      },
    },
    {
      name: 'events', aliases: ['e'], help: 'Lists events from the controllers in the specified Exos enclosure.', args: [nameArg], opts: [{ name: 'count', kind: 'int', help: 'Fetch the last X events (default 20)' }],
      run: async (ctx, p) => {
        const l = await ctx.client.transport.get<Obj[]>(`${BASE}/enclosures/${seg(str(p, 'name'))}/events`, oint(p, 'count') ? { count: oint(p, 'count') } : undefined);
        return showList(ctx, 'raw', l, () => l.map((e) => [
          `${e.severity}, ${e.event_id}, ${e.time_stamp}`, `Message: ${e.message}`,
          ...(e.additional_information !== 'None.' ? [`Additional information: ${e.additional_information}`] : []),
          ...(e.recommended_action !== '- No action is required.' ? [`Recommended Action: ${e.recommended_action}`] : []),
        ].join('\n')).join('\n------\n') + (l.length ? '\n' : ''));
      },
    },
    {
      name: 'map', help: 'Lists to which Exos controller.ports each LINSTOR node is connected.', opts: [pastableOpt],
      run: async (ctx, p) => {
        const l = await ctx.client.transport.get<Obj[]>(`${BASE}/map`);
        return showList(ctx, 'raw', l, () => {
          const t = newTable(ctx, p).addColumn('Node').addColumn('Enclosure').addColumn('Connected Ports');
          t.setGroupBy(['Node']);
          for (const m of l) t.addRow([m.node_name, m.enclosure_name, (m.connections ?? []).join(', ')]);
          return t.show();
        });
      },
    },
    {
      name: 'exec', help: 'Pass Exos API command(s) to the specified Exos enclosure.', args: [nameArg, { name: 'exos_cmd', variadic: '+', help: 'Exos API command' }],
      run: async (ctx: Ctx, p) => {
        const r = await ctx.client.transport.get(`${BASE}/enclosures/${seg(str(p, 'name'))}/exec/${list(p, 'exos_cmd').map(seg).join('/')}`);
        ctx.out(`${pyCompact(r)}\n`);
        return ExitCode.OK;
      },
    },
  ],
};
