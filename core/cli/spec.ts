/**
 * The command tree and its argument parser, in argparse's shape as linstor-client builds it:
 * commands and sub-commands resolve by name, alias or unique prefix (`linstor n l`), options
 * by long name, unique long prefix, alias or short flag; positionals and options mix freely.
 * The same tree drives help, shell completion and the man page.
 */
import type { Ctx } from './context.js';

/**
 * bool: store_true; false: store_false; str/int: one value (nargs '?' makes the value
 * optional, `const` then applies); list: several values (nargs '+' default, or '*');
 * append: repeatable single value collected into a list; count: -vvv.
 */
export type OptKind = 'bool' | 'false' | 'str' | 'int' | 'list' | 'append' | 'count';

/** What a value completes to, for shell completion (names fetched from the controller). */
export type Completer = 'node' | 'resource' | 'resource-definition' | 'storage-pool' | 'storage-pool-definition'
  | 'resource-group' | 'remote' | 'schedule' | 'netif' | 'file' | 'size' | 'property' | 'error-report' | 'snapshot';

export interface OptSpec {
  /** Long name without `--`; also the key in Parsed.opt. */
  name: string;
  short?: string;
  /** More spellings, with their dashes: `--lib`, `-t`, `--prov`. */
  aliases?: string[];
  kind: OptKind;
  nargs?: '?' | '*' | '+';
  /** append: how many values each occurrence takes (argparse nargs=N). */
  arity?: number;
  const?: string;
  choices?: string[];
  /** argparse `type=str.lower`: the value is lower-cased before the choice check. */
  lower?: boolean;
  metavar?: string;
  default?: string | string[] | boolean | number;
  help?: string;
  complete?: Completer;
  /** Options sharing a group name are mutually exclusive. */
  group?: string;
  required?: boolean;
  /** Accepted but not shown in help (argparse.SUPPRESS). */
  hidden?: boolean;
}

export interface ArgSpec {
  name: string;
  variadic?: '*' | '+';
  optional?: boolean;
  help?: string;
  choices?: string[];
  lower?: boolean;
  upper?: boolean;
  metavar?: string;
  complete?: Completer;
  /** argparse type=int */
  int?: boolean;
}

export interface Parsed {
  pos: Record<string, string | string[] | undefined>;
  opt: Record<string, string | boolean | number | string[] | undefined>;
}

export interface CmdSpec {
  name: string;
  aliases?: string[];
  /** The description argparse shows under the usage line. */
  help: string;
  /** Title of the sub-command section of a family ("Node commands"). */
  title?: string;
  args?: ArgSpec[];
  opts?: OptSpec[];
  run?: (ctx: Ctx, p: Parsed) => Promise<number | void>;
  sub?: CmdSpec[];
  /** Not listed (linstor-client's Hidden commands); still runs. */
  hidden?: boolean;
  /** Needs no controller (help, completion, man page). */
  local?: boolean;
  /** Text after the options in help. */
  epilog?: string;
}

/** An argparse-style usage error: exit code 2. */
export class UsageError extends Error {
  /** Where in the command tree the error happened, for the usage line. */
  at?: { path: string[]; cmd: CmdSpec };
  constructor(message: string, readonly usage?: string) { super(message); this.name = 'UsageError'; }
}

export function resolveCommand(list: CmdSpec[], token: string): CmdSpec {
  const exact = list.find((c) => c.name === token || c.aliases?.includes(token));
  if (exact) return exact;
  const hits = list.filter((c) => c.name.startsWith(token) || c.aliases?.some((a) => a.startsWith(token)));
  if (hits.length === 1) return hits[0]!;
  // "cr" among create, create-ebs-target, ...: the name the others only extend wins.
  const base = hits.find((h) => hits.every((o) => o.name.startsWith(`${h.name}-`) || o === h));
  if (base) return base;
  if (hits.length > 1) throw new UsageError(`ambiguous choice: '${token}' could match ${hits.map((h) => h.name).join(', ')}`);
  const choices = list.filter((c) => !c.hidden).flatMap((c) => [c.name, ...(c.aliases ?? [])]).map((n) => `'${n}'`).join(', ');
  throw new UsageError(`argument: invalid choice: '${token}' (choose from ${choices})`);
}

/** Every spelling of an option, with dashes. */
export function optFlags(o: OptSpec): string[] {
  return [...(o.short ? [`-${o.short}`] : []), `--${o.name}`, ...(o.aliases ?? [])];
}

const HELP_OPT: OptSpec = { name: 'help', short: 'h', kind: 'bool', help: 'show this help message and exit' };
export const withHelp = (opts: OptSpec[] | undefined): OptSpec[] => [HELP_OPT, ...(opts ?? [])];

function findOpt(opts: OptSpec[], flag: string): OptSpec {
  const exact = opts.find((o) => optFlags(o).includes(flag));
  if (exact) return exact;
  if (flag.startsWith('--')) {
    const hits = opts.filter((o) => optFlags(o).some((f) => f.startsWith('--') && f.startsWith(flag)));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      const names = hits.flatMap((o) => optFlags(o).filter((f) => f.startsWith(flag)));
      throw new UsageError(`ambiguous option: ${flag} could match ${names.join(', ')}`);
    }
  }
  throw new UsageError(`unrecognized arguments: ${flag}`);
}

/** argparse treats `-1` as a value unless the parser itself has options that look like numbers. */
export const isOptionToken = (s: string): boolean => s.startsWith('-') && s !== '-' && s !== '--' && !/^-\d+$|^-\d*\.\d+$/.test(s);

const display = (o: OptSpec): string => optFlags(o).filter((f) => f.startsWith('--'))[0] ?? optFlags(o)[0]!;
const displayAll = (o: OptSpec): string => optFlags(o).join('/');

function checkChoice(what: string, v: string, choices: string[] | undefined): void {
  if (choices && !choices.includes(v)) throw new UsageError(`argument ${what}: invalid choice: '${v}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`);
}

function convert(o: OptSpec, raw: string): string {
  const v = o.lower ? raw.toLowerCase() : raw;
  if (o.kind === 'int' && !/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`argument ${displayAll(o)}: invalid int value: '${raw}'`);
  checkChoice(displayAll(o), v, o.choices);
  return v;
}

/** Parses the tokens after the command path. `-h`/`--help` is reported as opt.help. */
export function parseArgs(cmd: CmdSpec, tokens: string[]): Parsed {
  const opts = withHelp(cmd.opts);
  const opt: Parsed['opt'] = {};
  const positionals: string[] = [];
  const seenGroups = new Map<string, OptSpec>();
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok === '--') { positionals.push(...tokens.slice(i + 1)); break; }
    if (!isOptionToken(tok)) { positionals.push(tok); continue; }
    let flag = tok;
    let inline: string | undefined;
    if (tok.startsWith('--') && tok.includes('=')) { flag = tok.slice(0, tok.indexOf('=')); inline = tok.slice(tok.indexOf('=') + 1); }
    else if (!tok.startsWith('--') && tok.length > 2) {
      // -p3366: a short flag with its value attached
      const o = opts.find((x) => x.short === tok[1]);
      if (o && o.kind !== 'bool' && o.kind !== 'false' && o.kind !== 'count') { flag = tok.slice(0, 2); inline = tok.slice(2); }
    }
    const o = findOpt(opts, flag);
    if (o.group) {
      const other = seenGroups.get(o.group);
      if (other && other !== o) throw new UsageError(`argument ${displayAll(o)}: not allowed with argument ${displayAll(other)}`);
      seenGroups.set(o.group, o);
    }
    const takeValues = (): string[] => {
      const vals: string[] = [];
      while (i + 1 < tokens.length && !isOptionToken(tokens[i + 1]!) && tokens[i + 1] !== '--') vals.push(tokens[++i]!);
      return vals;
    };
    switch (o.kind) {
      case 'bool': opt[o.name] = true; break;
      case 'false': opt[o.name] = false; break;
      case 'count': opt[o.name] = ((opt[o.name] as number | undefined) ?? 0) + 1; break;
      case 'list': {
        const vals = inline !== undefined ? [inline] : takeValues();
        if (!vals.length && o.nargs !== '*') throw new UsageError(`argument ${displayAll(o)}: expected at least one argument`);
        opt[o.name] = vals.map((v) => convert(o, v));
        break;
      }
      case 'append': {
        const n = o.arity ?? 1;
        const vals = inline !== undefined ? [inline] : [];
        while (vals.length < n && i + 1 < tokens.length && !isOptionToken(tokens[i + 1]!)) vals.push(tokens[++i]!);
        if (vals.length < n) throw new UsageError(`argument ${displayAll(o)}: expected ${n === 1 ? 'one argument' : `${n} arguments`}`);
        opt[o.name] = [...((opt[o.name] as string[] | undefined) ?? []), ...vals.map((v) => convert(o, v))];
        break;
      }
      default: {
        if (inline !== undefined) { opt[o.name] = convert(o, inline); break; }
        if (o.nargs === '?') {
          const next = tokens[i + 1];
          if (next === undefined || isOptionToken(next) || next === '--') opt[o.name] = o.const ?? '';
          else opt[o.name] = convert(o, tokens[++i]!);
          break;
        }
        const v = tokens[i + 1];
        if (v === undefined || isOptionToken(v)) throw new UsageError(`argument ${displayAll(o)}: expected one argument`);
        i++;
        opt[o.name] = convert(o, v);
      }
    }
  }
  if (opt.help === true) return { pos: {}, opt };
  for (const o of cmd.opts ?? []) {
    if (opt[o.name] === undefined && o.default !== undefined) opt[o.name] = o.default as Parsed['opt'][string];
    if (o.required && opt[o.name] === undefined) throw new UsageError(`the following arguments are required: ${display(o)}`);
  }
  return { pos: assignPositionals(cmd.args ?? [], positionals), opt };
}

/** Fixed arguments take from both ends; the one variadic argument takes the middle. */
function assignPositionals(specs: ArgSpec[], vals: string[]): Parsed['pos'] {
  const pos: Parsed['pos'] = {};
  const vi = specs.findIndex((s) => s.variadic);
  const required = specs.filter((s) => !s.variadic && !s.optional).length + (vi >= 0 && specs[vi]!.variadic === '+' ? 1 : 0);
  if (vals.length < required) {
    const missing = specs.filter((s) => !s.optional && s.variadic !== '*').slice(Math.max(0, vals.length - specs.filter((s) => s.optional).length));
    throw new UsageError(`the following arguments are required: ${(missing.length ? missing : specs).map((s) => s.name).join(', ')}`);
  }
  const before = vi < 0 ? specs : specs.slice(0, vi);
  const after = vi < 0 ? [] : specs.slice(vi + 1);
  const rest = [...vals];
  const need = (list: ArgSpec[]): number => list.filter((s) => !s.optional).length;
  for (let k = 0; k < before.length; k++) {
    const s = before[k]!;
    if (!rest.length) break;
    // An optional positional only takes a value when the required ones after it still get theirs.
    if (s.optional && rest.length <= need(before.slice(k + 1)) + need(after) + (vi >= 0 && specs[vi]!.variadic === '+' ? 1 : 0)) continue;
    pos[s.name] = check(s, rest.shift()!);
  }
  for (const s of [...after].reverse()) { if (!rest.length) break; pos[s.name] = check(s, rest.pop()!); }
  if (vi >= 0) pos[specs[vi]!.name] = rest.splice(0).map((v) => check(specs[vi]!, v));
  if (rest.length) throw new UsageError(`unrecognized arguments: ${rest.join(' ')}`);
  return pos;
}

function check(s: ArgSpec, raw: string): string {
  const v = s.lower ? raw.toLowerCase() : s.upper ? raw.toUpperCase() : raw;
  if (s.int && !/^[+-]?\d+$/.test(v)) throw new UsageError(`argument ${s.name}: invalid int value: '${raw}'`);
  checkChoice(s.name, v, s.choices);
  return v;
}

export const str = (p: Parsed, n: string): string => p.pos[n] as string;
export const ostrPos = (p: Parsed, n: string): string | undefined => p.pos[n] as string | undefined;
export const list = (p: Parsed, n: string): string[] => ((p.pos[n] ?? p.opt[n]) as string[] | undefined) ?? [];
/** A list option as given: undefined when absent, [] when given empty (nargs='*'). */
export const olist = (p: Parsed, n: string): string[] | undefined => p.opt[n] as string[] | undefined;
export const ostr = (p: Parsed, n: string): string | undefined => p.opt[n] as string | undefined;
export const oint = (p: Parsed, n: string): number | undefined => (p.opt[n] === undefined || p.opt[n] === '' ? undefined : Number(p.opt[n]));
export const obool = (p: Parsed, n: string): boolean => p.opt[n] === true;
export const int = (p: Parsed, n: string): number => Number(p.pos[n]);
