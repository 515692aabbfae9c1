/**
 * One command line in, one exit code out. Shared by `main.ts` (argv) and the interactive
 * shell (each typed line), so both behave the same; output goes through the given writers.
 */
import { LinstorClient } from '../client/index.js';
import { CurlRequested, LinstorApiError, LinstorConnectionError } from '../client/errors.js';
import { ApiError } from '../model/errors.js';
import { COMMANDS } from './commands/index.js';
import { configGlobalArgs, envGlobalArgs, loadClientConfig, mergeSection, type ConfigSections } from './config.js';
import type { Ctx } from './context.js';
import { clientAccess, clientOptions, GLOBAL_OPTS, parseGlobals, type GlobalOpts } from './globals.js';
import { formatHelp, helpWidth, shortUsage, subcommandList } from './help.js';
import { ExitCode, showReplies } from './output.js';
import { createProgress } from './progress.js';
import { connectionErrorText } from './connection-error.js';
import { optFlags, parseArgs, resolveCommand, UsageError, withHelp, type CmdSpec } from './spec.js';

export const CLIENT_VERSION = '1.27.1';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal (box characters) */
  isTTY: boolean;
  /** stderr is a terminal too (progress spinner) */
  errTTY?: boolean;
  env: NodeJS.ProcessEnv;
  /** Asks for a password without echoing it (absent when there is no terminal). */
  readSecret?: (prompt: string) => Promise<string>;
}

const ROOT: CmdSpec = { name: 'linstor', help: '', opts: GLOBAL_OPTS, sub: COMMANDS, title: 'subcommands' };

/** Walks the command tree: returns the leaf, its path and the remaining tokens. */
export function resolve(tokens: string[], root: CmdSpec[] = COMMANDS): { cmd: CmdSpec; path: string[]; rest: string[] } {
  let level: CmdSpec[] = root;
  let cmd: CmdSpec | undefined;
  const path: string[] = [];
  let i = 0;
  while (i < tokens.length && (!cmd || cmd.sub)) {
    if (tokens[i]!.startsWith('-')) break;
    try { cmd = resolveCommand(level, tokens[i]!); } catch (e) {
      if (e instanceof UsageError && cmd) e.at = { path: [...path], cmd };
      throw e;
    }
    path.push(cmd.name);
    level = cmd.sub ?? [];
    i++;
  }
  if (!cmd) throw new UsageError('the following arguments are required: command');
  return { cmd, path, rest: tokens.slice(i) };
}

export function topUsage(width = helpWidth()): string {
  return `${formatHelp([], ROOT, width).replace(/^usage: linstor/, 'usage: linstor')}`;
}

/** The command's own flags, so global long flags after the command do not steal them. */
function commandFlags(rest: string[]): string[] {
  try { return withHelp(resolve(rest).cmd.opts).flatMap(optFlags); } catch { return []; }
}

/** Config [global] keys and LS_CLIENT_* variables as flags in front of argv (argv wins). */
export function withConfigArgs(argv: string[], env: NodeJS.ProcessEnv, config: ConfigSections): string[] {
  const disabled = argv.includes('--disable-config');
  // controllers from the config file rank below LS_CONTROLLERS; resolveControllers reads them.
  return [...(disabled ? [] : configGlobalArgs(config, ['controllers'])), ...envGlobalArgs(env), ...argv];
}

async function buildCtx(g: GlobalOpts, io: Io, config: ConfigSections): Promise<Ctx> {
  return {
    client: new LinstorClient({ ...clientOptions(g, io.env), ...await clientAccess(g, io.readSecret) }),
    machine: g.machine, outputVersion: g.outputVersion, warnAsError: g.warnAsError,
    color: g.color, style: { utf8: g.utf8, color: g.color, width: Number(io.env.COLUMNS) || undefined },
    out: io.out, err: io.err, curl: g.curl, env: io.env, config,
    progress: createProgress({ enabled: io.isTTY && io.errTTY === true && !g.machine && !g.curl, write: io.err }),
  };
}

export async function run(argv: string[], io: Io): Promise<number> {
  let usagePath: string[] = [];
  let usageCmd: CmdSpec | undefined;
  let g: GlobalOpts | undefined;
  try {
    const config = argv.includes('--disable-config') ? {} : loadClientConfig(io.env);
    const parsedGlobals = parseGlobals(withConfigArgs(argv, io.env, config), io, commandFlags);
    g = parsedGlobals.g;
    const rest = parsedGlobals.rest;
    if (g.version) { io.out(`linstor-client ${CLIENT_VERSION}; GIT-hash: linstor-ts\n`); return ExitCode.OK; }
    if (!rest.length) { io.out(topUsage()); return g.help ? ExitCode.OK : ExitCode.ARGPARSE_ERROR; }
    // Only options nobody knows, no command: argparse's "unrecognized arguments".
    if (rest.every((a) => a.startsWith('-'))) throw new UsageError(`unrecognized arguments: ${rest.join(' ')}`);
    const { cmd, path, rest: tail } = resolve(rest);
    usagePath = path; usageCmd = cmd;
    if (g.help || (!cmd.run && (tail.includes('-h') || tail.includes('--help')))) { io.out(formatHelp(path, cmd)); return ExitCode.OK; }
    if (!cmd.run) {
      // A family without a sub-command: its sub-commands, as linstor-client 1.28 prints them.
      io.out(`${shortUsage(path, cmd)}\n\n${cmd.help}\n\n${cmd.title ?? 'commands'}:\n${subcommandList(cmd)}\n`);
      return ExitCode.ARGPARSE_ERROR;
    }
    const parsed = parseArgs(cmd, tail);
    if (parsed.opt.help) { io.out(formatHelp(path, cmd)); return ExitCode.OK; }
    if (path[path.length - 1] === 'list' || path[path.length - 1] === 'list-volumes') {
      mergeSection(config, `${path[path.length - 1] === 'list-volumes' ? 'volume' : path[0]}.list`, parsed.opt);
    }
    const ctx = await buildCtx(g, io, config);
    return (await cmd.run(ctx, parsed)) ?? ExitCode.OK;
  } catch (e) {
    return reportError(e, io, g, usagePath, usageCmd);
  }
}

function reportError(e: unknown, io: Io, g: GlobalOpts | undefined, path: string[], cmd: CmdSpec | undefined): number {
  if (e instanceof CurlRequested) { io.out(`${e.command}\n`); return ExitCode.OK; }
  if (e instanceof UsageError) {
    if (!cmd && e.at) { path = e.at.path; cmd = e.at.cmd; }
    io.err(`${cmd ? shortUsage(path, cmd) : 'usage: linstor [-h] [-v] ... {command} ...'}\n${['linstor', ...path].join(' ')}: error: ${e.message}\n`);
    return ExitCode.ARGPARSE_ERROR;
  }
  if (e instanceof LinstorConnectionError) { io.err(connectionErrorText(e, io.env)); return ExitCode.CONNECTION_ERROR; }
  if (e instanceof LinstorApiError) {
    // As linstor-client: error replies go where all replies go (stdout), -m prints them as JSON.
    if (e.rcs.length) {
      const out = { machine: g?.machine ?? false, outputVersion: g?.outputVersion ?? 'v1', warnAsError: g?.warnAsError ?? false, color: g?.color ?? false, out: io.out } as const;
      const rc = showReplies(out, e.rcs);
      const hint = notSupported(e);
      if (hint && !out.machine && e.rcs.some((r) => /Unknown API call/i.test(r.message ?? ''))) io.err(`linstor: ${hint}\n`);
      return out.machine ? rc : ExitCode.API_ERROR;
    }
    io.err(`Error: ${notSupported(e) ?? e.message}\n`);
    return ExitCode.API_ERROR;
  }
  if (e instanceof ApiError) { io.err(`linstor: error: ${e.message}\n`); return ExitCode.ARGPARSE_ERROR; }
  io.err(`Error: ${(e as Error).message}\n`);
  return ExitCode.UNKNOWN_ERROR;
}

/** A 404/405/501 without ApiCallRc body: the controller has no such endpoint. */
function notSupported(e: LinstorApiError): string | undefined {
  if (![404, 405, 501].includes(e.status)) return undefined;
  const path = new URL(e.url).pathname;
  return `${e.method} ${path} is not supported by this controller (HTTP ${e.status}). The controller does not implement this feature yet.`;
}
