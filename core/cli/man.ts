/** linstor(8) in roff, generated from the same command tree as help and completion. */
import { GLOBAL_OPTS } from './globals.js';
import { argMetavar, optMetavar } from './help.js';
import { optFlags, type CmdSpec, type OptSpec } from './spec.js';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');

function optLine(o: OptSpec): string {
  const value = ['bool', 'false', 'count'].includes(o.kind) ? '' : ` ${o.kind === 'list' ? `${optMetavar(o)}...` : o.nargs === '?' ? `[${optMetavar(o)}]` : optMetavar(o)}`;
  return `.TP\n\\fB${esc(optFlags(o).join(', '))}\\fR${esc(value)}\n${esc(o.help ?? '')}\n`;
}

function leaves(cmds: CmdSpec[], path: string[]): Array<{ path: string[]; cmd: CmdSpec }> {
  return [...cmds].filter((c) => !c.hidden).sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((c) => (c.sub ? leaves(c.sub, [...path, c.name]) : [{ path: [...path, c.name], cmd: c }]));
}

export function manPage(tree: CmdSpec[], date = new Date()): string {
  const out: string[] = [
    `.TH LINSTOR 8 "${date.toISOString().slice(0, 10)}" "linstor-ts" "System Administration"`,
    '.SH NAME', 'linstor \\- manage a LINSTOR cluster (nodes, storage pools, resources, snapshots, backups)',
    '.SH SYNOPSIS', '\\fBlinstor\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIsub\\-command\\fR] [\\fIoptions\\fR] [\\fIarguments\\fR]', '.br',
    '\\fBlinstor\\fR [\\fIglobal options\\fR]   (interactive shell on a terminal)',
    '.SH DESCRIPTION',
    esc('linstor talks to a LINSTOR controller over its REST API (port 3370, 3371 for HTTPS). Commands, options, tables and machine-readable output follow linstor-client 1.27. Commands and sub-commands may be abbreviated to a unique prefix or their short alias (linstor n l = linstor node list). Sizes without a unit are GiB.'),
    '.SH GLOBAL OPTIONS', ...GLOBAL_OPTS.map(optLine),
    '.SH COMMANDS',
  ];
  for (const { path, cmd } of leaves(tree, [])) {
    const aliases = cmd.aliases?.length ? ` (${cmd.aliases.join(', ')})` : '';
    out.push(`.SS ${esc(['linstor', ...path].join(' '))}${esc(aliases)}`);
    out.push(`\\fBlinstor ${esc(path.join(' '))}\\fR ${esc((cmd.args ?? []).map(argMetavar).join(' '))}`, '.br', esc(cmd.help).replace(/\n/g, '\n.br\n'));
    for (const a of cmd.args ?? []) if (a.help) out.push(`.TP\n\\fI${esc(a.name)}\\fR\n${esc(a.help)}`);
    for (const o of (cmd.opts ?? []).filter((x) => !x.hidden)) out.push(optLine(o).trimEnd());
  }
  out.push(
    '.SH ENVIRONMENT',
    '.TP\n\\fBLS_CONTROLLERS\\fR\nComma separated controller list (host, host:port, linstor://host, linstor+ssl://host).',
    '.TP\n\\fBLS_OUTPUT_VERSION\\fR\nDefault for \\-\\-output\\-version (v0 or v1).',
    '.TP\n\\fBLS_CLIENT_\\fIOPTION\\fR\nAny global option, e.g. LS_CLIENT_NO_COLOR= gives \\-\\-no\\-color.',
    '.TP\n\\fBNO_COLOR\\fR\nDisables colours like \\-\\-no\\-color.',
    '.SH FILES',
    '.TP\n\\fI~/.config/linstor/linstor\\-client.conf\\fR, \\fI/etc/linstor/linstor\\-client.conf\\fR, \\fI/etc/linstor/linstor\\-client.d/*.conf\\fR',
    esc('The [global] section holds global options (controllers = host1,host2; no-utf8 =); sections named after list commands ([resource.list]) hold JSON defaults for their options (show-props = ["Aux/site"]).'),
    '.SH EXIT STATUS',
    esc('0 success, 1 unknown error, 2 usage error, 3 object not found, 5 illegal state, 10 the controller answered with an error, 20 no controller reachable, 21 timeout.'),
    '.SH SEE ALSO', 'linstor\\-controller(8), linstor\\-satellite(8)', '',
  );
  return out.join('\n');
}
