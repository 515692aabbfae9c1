/**
 * One command line in, one exit code out. Shared by `main.ts` (argv) and the interactive
 * shell (each typed line), so both behave the same; output goes through the given writers.
 */
import { LinstorClient } from '../client/index.js';
import { resolveControllers } from '../client/controllers.js';
import { CurlRequested, LinstorApiError, LinstorConnectionError } from '../client/errors.js';
import { ApiError } from '../model/errors.js';
import { ExitCode, showReplies, type Ctx } from './context.js';
import { COMMANDS } from './commands/index.js';
import { UsageError, parseArgs, resolveCommand, usage, type CmdSpec } from './spec.js';

export const CLIENT_VERSION = '1.26.1';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export interface GlobalOpts {
  controllers?: string;
  machine: boolean;
  outputVersion: 'v0' | 'v1';
  utf8: boolean;
  color: boolean;
  curl: boolean;
  help: boolean;
  version: boolean;
  timeout?: number;
}

/** Pulls the global options out of argv wherever they are; returns the rest. */
export function splitGlobals(argv: string[]): { g: GlobalOpts; rest: string[] } {
  const g: GlobalOpts = { machine: false, outputVersion: 'v1', utf8: true, color: true, curl: false, help: false, version: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`argument ${flag}: expected one argument`);
      return v;
    };
    switch (flag) {
      case '--controllers': g.controllers = value(); break;
      case '-m': case '--machine-readable': g.machine = true; break;
      case '--output-version': {
        const v = value();
        if (v !== 'v0' && v !== 'v1') throw new UsageError(`argument --output-version: invalid choice: '${v}' (choose from 'v0', 'v1')`);
        g.outputVersion = v; break;
      }
      case '--no-utf8': g.utf8 = false; break;
      case '--no-color': g.color = false; break;
      case '--curl': g.curl = true; break;
      case '--timeout': g.timeout = Number(value()); break;
      case '-h': case '--help': g.help = true; break;
      case '-v': case '--version': g.version = true; break;
      default: rest.push(a);
    }
  }
  return { g, rest };
}

export function topUsage(): string {
  const lines = COMMANDS.map((c) => `  ${[c.name, ...(c.aliases ?? [])].join(', ').padEnd(30)} ${c.help}`);
  return `usage: linstor [-h] [-v] [--no-color] [--no-utf8] [--controllers CONTROLLERS] [-m] [--output-version {v0,v1}] [--curl] <command> ...\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Walks the command tree: returns the leaf, its path and the remaining tokens. */
export function resolve(tokens: string[]): { cmd: CmdSpec; path: string[]; rest: string[] } {
  let level: CmdSpec[] = COMMANDS;
  let cmd: CmdSpec | undefined;
  const path: string[] = [];
  let i = 0;
  while (i < tokens.length && (!cmd || cmd.sub)) {
    if (tokens[i]!.startsWith('-')) break;
    cmd = resolveCommand(level, tokens[i]!);
    path.push(cmd.name);
    level = cmd.sub ?? [];
    i++;
  }
  if (!cmd) throw new UsageError('the following arguments are required: command');
  return { cmd, path, rest: tokens.slice(i) };
}

export async function run(argv: string[], io: Io): Promise<number> {
  let pathForUsage: string[] = [];
  let cmdForUsage: CmdSpec | undefined;
  let machine = false;
  try {
    const { g, rest } = splitGlobals(argv);
    machine = g.machine;
    if (g.version) { io.out(`linstor ${CLIENT_VERSION}; GIT-hash: linstor-ts\n`); return ExitCode.OK; }
    if (!rest.length) { io.out(topUsage()); return g.help ? ExitCode.OK : ExitCode.ARGPARSE_ERROR; }
    const { cmd, path, rest: tail } = resolve(rest);
    pathForUsage = path; cmdForUsage = cmd;
    if (g.help || !cmd.run) {
      io.out(usage(path, cmd));
      return g.help ? ExitCode.OK : ExitCode.ARGPARSE_ERROR;
    }
    const parsed = parseArgs(cmd, tail);
    const controllers = resolveControllers({ flag: g.controllers, env: io.env });
    const ctx: Ctx = {
      client: new LinstorClient({ controllers, curl: g.curl, exactIntegers: g.machine, ...(g.timeout ? { timeoutMs: g.timeout * 1000 } : {}) }),
      machine: g.machine, outputVersion: g.outputVersion,
      style: { utf8: g.utf8, color: g.color && io.isTTY && !io.env.NO_COLOR },
      out: io.out, err: io.err,
    };
    return (await cmd.run(ctx, parsed)) ?? ExitCode.OK;
  } catch (e) {
    if (e instanceof CurlRequested) { io.out(e.command + '\n'); return ExitCode.OK; }
    if (e instanceof UsageError) {
      io.err(`${cmdForUsage ? usage(pathForUsage, cmdForUsage).split('\n')[0] : 'usage: linstor [-h] <command> ...'}\nlinstor: error: ${e.message}\n`);
      return ExitCode.ARGPARSE_ERROR;
    }
    if (e instanceof LinstorConnectionError) { io.err(`Error: ${e.message}\n`); return ExitCode.CONNECTION_ERROR; }
    if (e instanceof LinstorApiError) {
      if (e.rcs.length) {
        // -m prints the error replies as JSON on stdout, like any other reply.
        showReplies({ machine, out: machine ? io.out : io.err } as unknown as Ctx, e.rcs);
      } else io.err(`Error: ${e.message}\n`);
      return ExitCode.API_ERROR;
    }
    if (e instanceof ApiError) { io.err(`linstor: error: ${e.message}\n`); return ExitCode.ARGPARSE_ERROR; }
    io.err(`Error: ${(e as Error).message}\n`);
    return ExitCode.UNKNOWN_ERROR;
  }
}
