/**
 * One command line in, one exit code out. Shared by `main.ts` (argv) and the interactive
 * shell (each typed line), so both behave the same; output goes through the given writers.
 */
import { LinstorClient } from '../client/index.js';
import { resolveControllers } from '../client/controllers.js';
import { clientGlobalConfig } from '../client/client-config.js';
import { clientTlsFromFiles, type ClientAuth, type ClientTls } from '../client/tls.js';
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
  /** Asks for a password without echoing it (absent when there is no terminal). */
  readSecret?: (prompt: string) => Promise<string>;
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
  /** linstor-client's --user/-u, --password/-P, --certfile, --keyfile, --cafile, --allow-insecure-auth. */
  user?: string;
  password?: string;
  certfile?: string;
  keyfile?: string;
  cafile?: string;
  allowInsecureAuth: boolean;
  disableConfig: boolean;
}

/** Pulls the global options out of argv wherever they are; returns the rest. */
export function splitGlobals(argv: string[]): { g: GlobalOpts; rest: string[] } {
  const g: GlobalOpts = { machine: false, outputVersion: 'v1', utf8: true, color: true, curl: false, help: false, version: false, allowInsecureAuth: false, disableConfig: false };
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
      case '-u': case '--user': g.user = value(); break;
      case '-P': case '--password': g.password = value(); break;
      case '--certfile': g.certfile = value(); break;
      case '--keyfile': g.keyfile = value(); break;
      case '--cafile': g.cafile = value(); break;
      case '--allow-insecure-auth': g.allowInsecureAuth = true; break;
      case '--disable-config': g.disableConfig = true; break;
      case '-h': case '--help': g.help = true; break;
      case '-v': case '--version': g.version = true; break;
      default: rest.push(a);
    }
  }
  return { g, rest };
}

export function topUsage(): string {
  const lines = COMMANDS.map((c) => `  ${[c.name, ...(c.aliases ?? [])].join(', ').padEnd(30)} ${c.help}`);
  return `usage: linstor [-h] [-v] [--no-color] [--no-utf8] [--controllers CONTROLLERS] [-m] [--output-version {v0,v1}] [--curl]
               [--user USER] [--password PASSWORD] [--certfile CERTFILE] [--keyfile KEYFILE] [--cafile CAFILE]
               [--allow-insecure-auth] [--disable-config] <command> ...\n\ncommands:\n${lines.join('\n')}\n`;
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

/**
 * TLS and login for this client: the command line over linstor-client.conf's [global]
 * (unless --disable-config). A --user without --password is asked for on the terminal.
 */
export async function clientAccess(g: GlobalOpts, io: Io): Promise<{ tls?: ClientTls; auth?: ClientAuth; allowInsecureAuth: boolean }> {
  const conf = g.disableConfig ? {} : clientGlobalConfig(io.env);
  const pick = (flag: string | undefined, key: string): string | undefined => flag ?? (conf[key] !== undefined && conf[key] !== '' ? conf[key] : undefined);
  const user = pick(g.user, 'user');
  let password = pick(g.password, 'password');
  if (user !== undefined && password === undefined) {
    if (!io.readSecret) throw new UsageError('--user needs --password here (no terminal to ask on)');
    password = await io.readSecret('Enter Linstor password:');
  }
  const tls = clientTlsFromFiles({ certfile: pick(g.certfile, 'certfile'), keyfile: pick(g.keyfile, 'keyfile'), cafile: pick(g.cafile, 'cafile') });
  return {
    ...(tls ? { tls } : {}),
    ...(user !== undefined ? { auth: { user, password: password ?? '' } } : {}),
    allowInsecureAuth: g.allowInsecureAuth || 'allow-insecure-auth' in conf,
  };
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
    const access = await clientAccess(g, io);
    const ctx: Ctx = {
      client: new LinstorClient({ controllers, curl: g.curl, exactIntegers: g.machine, ...(g.timeout ? { timeoutMs: g.timeout * 1000 } : {}), ...access }),
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
