/**
 * Shell completion from the command tree: what may follow a partial command line (sub-commands,
 * flags, choices, and object names fetched from the controller for node/resource/... arguments).
 * bash and zsh call `linstor __complete`; the interactive shell calls complete() directly.
 */
import { LinstorClient } from '../client/index.js';
import { resolveControllers } from '../client/controllers.js';
import { COMMANDS } from './commands/index.js';
import { GLOBAL_OPTS } from './globals.js';
import { isOptionToken, optFlags, withHelp, type ArgSpec, type CmdSpec, type Completer, type OptSpec } from './spec.js';
import { UNITS_LIST_STR } from './units.js';

type Obj = Record<string, any>;
export type Fetcher = (kind: Completer) => Promise<string[]>;

const takesValue = (o: OptSpec): boolean => !['bool', 'false', 'count'].includes(o.kind);

function findOpt(opts: OptSpec[], flag: string): OptSpec | undefined {
  const exact = opts.find((o) => optFlags(o).includes(flag));
  if (exact || !flag.startsWith('--')) return exact;
  const hits = opts.filter((o) => optFlags(o).some((f) => f.startsWith(flag)));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Visible names of a level; short aliases only when no full name matches. */
function names(level: CmdSpec[], prefix: string): string[] {
  const visible = level.filter((c) => !c.hidden);
  const full = visible.map((c) => c.name).filter((n) => n.startsWith(prefix));
  return full.length ? full : visible.flatMap((c) => c.aliases ?? []).filter((n) => n.startsWith(prefix));
}

/** The spec of the k-th positional value (the variadic one takes what the fixed ones leave). */
function argAt(args: ArgSpec[], k: number): ArgSpec | undefined {
  const vi = args.findIndex((a) => a.variadic);
  if (vi < 0) return args[k];
  return k < vi ? args[k] : args[vi];
}

async function valuesFor(spec: { choices?: string[]; complete?: Completer } | undefined, prefix: string, fetch: Fetcher | undefined): Promise<string[]> {
  if (!spec) return [];
  if (spec.choices) return spec.choices.filter((c) => c.startsWith(prefix));
  if (spec.complete === 'size') {
    const digits = /^\d+/.exec(prefix)?.[0];
    return digits ? UNITS_LIST_STR.split(', ').map((u) => digits + u).filter((c) => c.startsWith(prefix)) : [];
  }
  if (!spec.complete || !fetch) return [];
  try { return (await fetch(spec.complete)).filter((n) => n.startsWith(prefix)); } catch { return []; }
}

/** Candidates for the last word of `words` (the words after `linstor`; the last may be ""). */
export async function complete(words: string[], fetch?: Fetcher): Promise<string[]> {
  const cur = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  let i = 0;
  // Global options come first.
  while (i < before.length && isOptionToken(before[i]!)) {
    const o = findOpt(GLOBAL_OPTS, before[i]!.split('=')[0]!);
    i += o && takesValue(o) && !before[i]!.includes('=') ? 2 : 1;
  }
  if (i > before.length) return valuesFor(findOpt(GLOBAL_OPTS, before[before.length - 1]!), cur, fetch);
  let level = COMMANDS;
  let cmd: CmdSpec | undefined;
  while (i < before.length && (!cmd || cmd.sub)) {
    const w = before[i]!;
    if (isOptionToken(w)) break;
    cmd = level.find((c) => c.name === w || c.aliases?.includes(w)) ?? (level.filter((c) => c.name.startsWith(w)).length === 1 ? level.find((c) => c.name.startsWith(w)) : undefined);
    if (!cmd) return [];
    level = cmd.sub ?? [];
    i++;
  }
  if (!cmd || cmd.sub) {
    if (cur.startsWith('-')) return withHelp(cmd ? [] : GLOBAL_OPTS).flatMap(optFlags).filter((f) => f.startsWith(cur));
    return names(level, cur).sort();
  }
  const opts = withHelp(cmd.opts);
  let positional = 0;
  let pending: OptSpec | undefined;
  for (let j = i; j < before.length; j++) {
    const t = before[j]!;
    if (isOptionToken(t)) {
      const o = findOpt(opts, t.split('=')[0]!);
      pending = o && takesValue(o) && !t.includes('=') ? o : undefined;
      continue;
    }
    if (pending && pending.kind !== 'list') { pending = undefined; continue; }
    if (!pending) positional++;
  }
  if (cur.startsWith('-')) return [...opts.filter((o) => !o.hidden).flatMap(optFlags), ...GLOBAL_OPTS.map((o) => `--${o.name}`)].filter((f) => f.startsWith(cur));
  if (pending) {
    const values = await valuesFor(pending, cur, fetch);
    if (pending.kind !== 'list' || values.length) return values.sort();
  }
  return (await valuesFor(argAt(cmd.args ?? [], positional), cur, fetch)).sort();
}

/** Object names from the controller named in the words (or the usual resolution), 2 s at most. */
export function controllerFetcher(words: string[], env: NodeJS.ProcessEnv): Fetcher {
  const at = words.findIndex((w) => w === '--controllers' || w.startsWith('--controllers='));
  const flag = at < 0 ? undefined : words[at]!.includes('=') ? words[at]!.split('=')[1] : words[at + 1];
  let client: LinstorClient | undefined;
  const get = async <T>(path: string): Promise<T> => {
    client ??= new LinstorClient({ controllers: resolveControllers({ flag, env }), timeoutMs: 2000 });
    return client.transport.get<T>(path);
  };
  const uniq = (l: string[]): string[] => [...new Set(l)];
  return async (kind) => {
    switch (kind) {
      case 'node': return (await get<Obj[]>('/v1/nodes')).map((n) => n.name);
      case 'resource': case 'resource-definition': return (await get<Obj[]>('/v1/resource-definitions')).map((r) => r.name);
      case 'storage-pool': return uniq((await get<Obj[]>('/v1/view/storage-pools')).map((s) => s.storage_pool_name));
      case 'storage-pool-definition': return (await get<Obj[]>('/v1/storage-pool-definitions')).map((s) => s.storage_pool_name);
      case 'resource-group': return (await get<Obj[]>('/v1/resource-groups')).map((g) => g.name);
      case 'snapshot': return uniq((await get<Obj[]>('/v1/view/snapshots')).map((s) => s.name));
      case 'error-report': return (await get<Obj[]>('/v1/error-reports?withContent=False')).map((e) => String(e.filename ?? '').replace(/^ErrorReport-|\.log$/g, ''));
      case 'remote': {
        const r = await get<Obj>('/v1/remotes');
        return [...(r.s3_remotes ?? []), ...(r.linstor_remotes ?? []), ...(r.ebs_remotes ?? [])].map((x: Obj) => x.remote_name);
      }
      case 'schedule': { const r = await get<Obj>('/v1/schedules'); return ((Array.isArray(r) ? r : r.data) ?? []).map((s: Obj) => s.schedule_name); }
      default: return [];
    }
  };
}

/** `linstor __complete INDEX linstor WORD...`: one candidate per line (what the shell scripts call). */
export async function completeCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const index = Number(argv[0]);
  if (!Number.isInteger(index) || index < 1) return '';
  const words = argv.slice(2, index + 2);
  while (words.length < index) words.push('');
  const out = await complete(words, controllerFetcher(words, env));
  return out.length ? `${out.join('\n')}\n` : '';
}

export function bashScript(): string {
  return `# bash completion for linstor, generated from its command tree: source <(linstor completion bash)
_linstor() {
    local IFS=$'\\n'
    COMPREPLY=( $(linstor __complete "\${COMP_CWORD}" "\${COMP_WORDS[@]}" 2>/dev/null) )
}
complete -o default -F _linstor linstor
`;
}

export function zshScript(): string {
  return `#compdef linstor
# zsh completion for linstor, generated from its command tree: source <(linstor completion zsh)
_linstor() {
    local -a candidates
    candidates=("\${(@f)$(linstor __complete $((CURRENT - 1)) "\${words[@]}" 2>/dev/null)}")
    candidates=(\${candidates:#})
    if (( \${#candidates} )); then
        compadd -Q -a candidates
    else
        _files
    fi
}
if (( $+functions[compdef] )); then
    compdef _linstor linstor
else
    autoload -Uz compinit && compinit && compdef _linstor linstor
fi
`;
}
