/**
 * Command tree and argument parsing in linstor-client's shape: commands and sub-commands
 * resolve by name, alias or unique prefix (`linstor n l`, `linstor rd c`), options by
 * long name, unique long prefix or short flag, like argparse.
 */
import type { Ctx } from './context.js';

export type OptKind = 'bool' | 'str' | 'int' | 'list';
export interface OptSpec { name: string; short?: string; kind: OptKind; help?: string }
export interface ArgSpec { name: string; variadic?: '*' | '+'; optional?: boolean }
export interface Parsed {
  pos: Record<string, string | string[] | undefined>;
  opt: Record<string, string | boolean | string[] | undefined>;
}
export interface CmdSpec {
  name: string;
  aliases?: string[];
  help: string;
  args?: ArgSpec[];
  opts?: OptSpec[];
  run?: (ctx: Ctx, p: Parsed) => Promise<number | void>;
  sub?: CmdSpec[];
}

/** An argparse-style usage error: exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly usage?: string) { super(message); this.name = 'UsageError'; }
}

export function resolveCommand(list: CmdSpec[], token: string): CmdSpec {
  const t = token.toLowerCase();
  const exact = list.find((c) => c.name === t || c.aliases?.includes(t));
  if (exact) return exact;
  const hits = list.filter((c) => c.name.startsWith(t) || c.aliases?.some((a) => a.startsWith(t)));
  if (hits.length === 1) return hits[0]!;
  const choices = list.map((c) => c.name).join(', ');
  if (hits.length > 1) throw new UsageError(`ambiguous choice: '${token}' could match ${hits.map((h) => h.name).join(', ')}`);
  throw new UsageError(`invalid choice: '${token}' (choose from ${choices})`);
}

function findOpt(opts: OptSpec[], token: string): OptSpec {
  if (token.startsWith('--')) {
    const name = token.slice(2);
    const exact = opts.find((o) => o.name === name);
    if (exact) return exact;
    const hits = opts.filter((o) => o.name.startsWith(name));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new UsageError(`ambiguous option: ${token} could match ${hits.map((h) => `--${h.name}`).join(', ')}`);
  } else {
    const hit = opts.find((o) => o.short === token.slice(1));
    if (hit) return hit;
  }
  throw new UsageError(`unrecognized arguments: ${token}`);
}

const isOptionToken = (s: string): boolean => s.startsWith('-') && s !== '-' && !/^-\d/.test(s);

export function parseArgs(cmd: CmdSpec, tokens: string[]): Parsed {
  const opts = [...(cmd.opts ?? [])];
  const opt: Parsed['opt'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok === '--') { positionals.push(...tokens.slice(i + 1)); break; }
    if (!isOptionToken(tok)) { positionals.push(tok); continue; }
    const eq = tok.startsWith('--') ? tok.indexOf('=') : -1;
    const flag = eq > 0 ? tok.slice(0, eq) : tok;
    const o = findOpt(opts, flag);
    if (o.kind === 'bool') { opt[o.name] = true; continue; }
    if (eq > 0) {
      const v = tok.slice(eq + 1);
      opt[o.name] = o.kind === 'list' ? [...((opt[o.name] as string[]) ?? []), v] : v;
      continue;
    }
    if (o.kind === 'list') {
      const vals: string[] = [];
      while (i + 1 < tokens.length && !isOptionToken(tokens[i + 1]!)) vals.push(tokens[++i]!);
      if (!vals.length) throw new UsageError(`argument --${o.name}: expected at least one argument`);
      opt[o.name] = [...((opt[o.name] as string[]) ?? []), ...vals];
      continue;
    }
    const v = tokens[++i];
    if (v === undefined) throw new UsageError(`argument --${o.name}: expected one argument`);
    if (o.kind === 'int' && !/^-?\d+$/.test(v)) throw new UsageError(`argument --${o.name}: invalid int value: '${v}'`);
    opt[o.name] = v;
  }
  return { pos: assignPositionals(cmd.args ?? [], positionals), opt };
}

/** Fixed arguments take from both ends; the one variadic argument takes the middle. */
function assignPositionals(specs: ArgSpec[], vals: string[]): Parsed['pos'] {
  const pos: Parsed['pos'] = {};
  const vi = specs.findIndex((s) => s.variadic);
  const before = vi < 0 ? specs : specs.slice(0, vi);
  const after = vi < 0 ? [] : specs.slice(vi + 1);
  const required = specs.filter((s) => !s.variadic && !s.optional).length + (vi >= 0 && specs[vi]!.variadic === '+' ? 1 : 0);
  if (vals.length < required) {
    const missing = specs.filter((s) => !s.optional && s.variadic !== '*').slice(vals.length).map((s) => s.name);
    throw new UsageError(`the following arguments are required: ${missing.join(', ') || specs.map((s) => s.name).join(', ')}`);
  }
  const rest = [...vals];
  for (const s of before) { if (rest.length === 0) break; if (s.optional && rest.length <= after.length) continue; pos[s.name] = rest.shift(); }
  for (const s of [...after].reverse()) pos[s.name] = rest.pop();
  if (vi >= 0) pos[specs[vi]!.name] = rest.splice(0);
  if (rest.length) throw new UsageError(`unrecognized arguments: ${rest.join(' ')}`);
  return pos;
}

export function usage(path: string[], cmd: CmdSpec): string {
  if (cmd.sub) {
    const lines = cmd.sub.map((s) => `  ${[s.name, ...(s.aliases ?? [])].join(', ').padEnd(34)} ${s.help}`);
    return `usage: linstor ${path.join(' ')} <command>\n\n${cmd.help}\n\ncommands:\n${lines.join('\n')}\n`;
  }
  const args = (cmd.args ?? []).map((a) => (a.variadic ? `[${a.name} ...]` : a.optional ? `[${a.name}]` : a.name));
  const opts = (cmd.opts ?? []).map((o) => `  ${[o.short ? `-${o.short}` : '', `--${o.name}${o.kind === 'bool' ? '' : o.kind === 'list' ? ' VALUE [VALUE ...]' : ' VALUE'}`].filter(Boolean).join(', ').padEnd(34)} ${o.help ?? ''}`);
  return `usage: linstor ${path.join(' ')} ${args.join(' ')}\n\n${cmd.help}\n${opts.length ? `\noptions:\n${opts.join('\n')}\n` : ''}`;
}

export const str = (p: Parsed, n: string): string => p.pos[n] as string;
export const list = (p: Parsed, n: string): string[] => ((p.pos[n] ?? p.opt[n]) as string[] | undefined) ?? [];
export const ostr = (p: Parsed, n: string): string | undefined => p.opt[n] as string | undefined;
export const oint = (p: Parsed, n: string): number | undefined => (p.opt[n] === undefined ? undefined : Number(p.opt[n]));
export const obool = (p: Parsed, n: string): boolean => p.opt[n] === true;
