/**
 * `--help` text in argparse's layout (usage line, description, positional arguments,
 * optional arguments, sub-command list), built from the same command tree the parser uses.
 */
import { optFlags, withHelp, type ArgSpec, type CmdSpec, type OptSpec } from './spec.js';

const HELP_POS = 24;

/** argparse: the terminal width less 2, 78 when there is no terminal. */
export function helpWidth(env: NodeJS.ProcessEnv = process.env): number {
  const cols = Number(env.COLUMNS) || process.stdout.columns || 80;
  return Math.max(40, cols - 2);
}

export function optMetavar(o: OptSpec): string {
  if (o.metavar) return o.metavar;
  if (o.choices) return `{${o.choices.join(',')}}`;
  return o.name.replace(/-/g, '_').toUpperCase();
}

function valuePart(o: OptSpec): string {
  const m = optMetavar(o);
  switch (o.kind) {
    case 'bool': case 'false': case 'count': return '';
    case 'list': return o.nargs === '*' ? ` [${m} ...]` : ` ${m} [${m} ...]`;
    default: return o.nargs === '?' ? ` [${m}]` : ` ${m}`;
  }
}

export function argMetavar(a: ArgSpec): string {
  const m = a.metavar ?? (a.choices ? `{${a.choices.join(',')}}` : a.name);
  if (a.variadic === '*') return `[${m} ...]`;
  if (a.variadic === '+') return `${m} [${m} ...]`;
  return a.optional ? `[${m}]` : m;
}

export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

function usageLine(prog: string, cmd: CmdSpec, width: number): string {
  const parts = [
    ...withHelp(cmd.opts).filter((o) => !o.hidden).map((o) => {
      const s = `${optFlags(o)[0]}${valuePart(o)}`;
      return o.required ? s : `[${s}]`;
    }),
    ...(cmd.args ?? []).map(argMetavar),
    ...(cmd.sub ? ['...'] : []),
  ];
  const head = `usage: ${prog} `;
  const lines: string[] = [];
  let line = head;
  for (const p of parts) {
    if (line.length > head.length && line.length + p.length + 1 > width) { lines.push(line.trimEnd()); line = ' '.repeat(head.length); }
    line += `${p} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

function item(invocation: string, help: string | undefined, width: number): string[] {
  const lead = `  ${invocation}`;
  const body = help ? wrap(help, Math.max(20, width - HELP_POS)) : [];
  if (!body.length) return [lead];
  if (lead.length <= HELP_POS - 2) return [lead.padEnd(HELP_POS) + body[0], ...body.slice(1).map((l) => ' '.repeat(HELP_POS) + l)];
  return [lead, ...body.map((l) => ' '.repeat(HELP_POS) + l)];
}

/** Lists the sub-commands of a family: ` - create (c)`, sorted by name as linstor-client does. */
export function subcommandList(cmd: CmdSpec): string {
  return [...(cmd.sub ?? [])].filter((s) => !s.hidden).sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((s) => ` - ${s.name}${s.aliases?.length ? ` (${s.aliases[0]})` : ''}`).join('\n');
}

export function formatHelp(path: string[], cmd: CmdSpec, width = helpWidth()): string {
  const prog = ['linstor', ...path].join(' ');
  const out = [usageLine(prog, cmd, width), ''];
  if (cmd.help) out.push(...wrap(cmd.help, width), '');
  const args = cmd.args ?? [];
  if (args.length) {
    out.push('positional arguments:');
    for (const a of args) out.push(...item(a.metavar ?? (a.choices ? `{${a.choices.join(',')}}` : a.name), a.help, width));
    out.push('');
  }
  out.push('optional arguments:');
  for (const o of withHelp(cmd.opts).filter((x) => !x.hidden)) {
    const inv = optFlags(o).map((f) => `${f}${valuePart(o)}`).join(', ');
    out.push(...item(inv, o.help, width));
  }
  out.push('');
  if (cmd.sub) out.push(`${cmd.title ?? `${cmd.name} commands`}:`, subcommandList(cmd), '');
  if (cmd.epilog) out.push(...wrap(cmd.epilog, width), '');
  return out.join('\n');
}

/** The first line of the usage, for argparse-style error messages. */
export function shortUsage(path: string[], cmd: CmdSpec, width = helpWidth()): string {
  return usageLine(['linstor', ...path].join(' '), cmd, width);
}
