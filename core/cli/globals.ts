/**
 * The global options of `linstor`, as linstor-client defines them (its top-level argparse
 * parser). One table: the parser, `linstor --help`, completion and the man page read it.
 * To add a global flag: add an OptSpec to GLOBAL_OPTS, a field to GlobalOpts and its line in
 * toGlobals(); use it where the client is built (clientOptions()) or in run.ts.
 */
import { resolveControllers } from '../client/controllers.js';
import type { LinstorClientOptions } from '../client/index.js';
import { clientTlsFromFiles } from '../client/tls.js';
import { isOptionToken, optFlags, UsageError, type OptSpec } from './spec.js';

export const GLOBAL_OPTS: OptSpec[] = [
  { name: 'version', short: 'v', kind: 'bool', help: "show program's version number and exit" },
  { name: 'no-color', kind: 'bool', help: 'Do not use colors in output. Useful for old terminals/scripting.' },
  { name: 'no-utf8', kind: 'bool', help: 'Do not use utf-8 characters in output (i.e., tables).' },
  { name: 'warn-as-error', kind: 'bool', help: 'Treat WARN return code as error (i.e., return code > 0).' },
  { name: 'curl', kind: 'bool', help: 'Do not execute the action, only output a curl equivalent command.' },
  {
    name: 'controllers', kind: 'str', default: 'localhost:3370',
    help: 'Comma separated list of controllers (e.g.: "host1:port,host2:port"). If the environment variable LS_CONTROLLERS is set, the ones set via this argument get appended.',
  },
  { name: 'machine-readable', short: 'm', kind: 'bool' },
  {
    name: 'output-version', kind: 'str', choices: ['v0', 'v1'],
    help: "Machine readable output format, default 'v1'. Can also be set via environment variable 'LS_OUTPUT_VERSION'",
  },
  { name: 'verbose', short: 'V', kind: 'bool' },
  { name: 'timeout', short: 't', kind: 'int', default: 300, help: 'Connection/Command timeout value in seconds.' },
  { name: 'disable-config', kind: 'bool', help: 'Disable config loading and only use commandline arguments.' },
  { name: 'user', short: 'u', kind: 'str', help: 'Linstor username to use' },
  { name: 'password', short: 'P', kind: 'str', help: 'Linstor user password' },
  { name: 'certfile', kind: 'str', complete: 'file', help: 'SSL certificate file' },
  { name: 'keyfile', kind: 'str', complete: 'file', help: 'SSL key file' },
  { name: 'cafile', kind: 'str', complete: 'file', help: 'SSL CA certificate file' },
  { name: 'allow-insecure-auth', kind: 'bool', help: 'Allow password authentication with HTTP' },
];

export interface GlobalOpts {
  help: boolean;
  version: boolean;
  /** Given with --controllers (or in the command line at all); undefined means "resolve". */
  controllers?: string;
  machine: boolean;
  outputVersion: 'v0' | 'v1';
  /** Box-drawing characters: only on a terminal unless --no-utf8, as linstor-client. */
  utf8: boolean;
  /** Colours: always, unless --no-color (linstor-client colours pipes too) or NO_COLOR. */
  color: boolean;
  warnAsError: boolean;
  curl: boolean;
  verbose: boolean;
  timeout?: number;
  disableConfig: boolean;
  user?: string;
  password?: string;
  certfile?: string;
  keyfile?: string;
  cafile?: string;
  allowInsecureAuth: boolean;
}

type Values = Record<string, string | boolean | undefined>;

/** Python's locale.getdefaultlocale(): the first of LC_ALL, LC_CTYPE, LANG, LANGUAGE names the encoding. */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const v = env.LC_ALL || env.LC_CTYPE || env.LANG || env.LANGUAGE || '';
  return /\.utf-?8(@|$)/i.test(v);
}

function toGlobals(v: Values, isTTY: boolean, env: NodeJS.ProcessEnv): GlobalOpts {
  const ov = (v['output-version'] as string | undefined) ?? env.LS_OUTPUT_VERSION ?? 'v1';
  if (ov !== 'v0' && ov !== 'v1') throw new UsageError(`argument --output-version: invalid choice: '${ov}' (choose from 'v0', 'v1')`);
  return {
    help: v.help === true,
    version: v.version === true,
    controllers: v.controllers as string | undefined,
    machine: v['machine-readable'] === true,
    outputVersion: ov,
    utf8: isTTY && v['no-utf8'] !== true && localeIsUtf8(env),
    color: v['no-color'] !== true && !env.NO_COLOR,
    warnAsError: v['warn-as-error'] === true,
    curl: v.curl === true,
    verbose: v.verbose === true,
    timeout: v.timeout === undefined ? undefined : Number(v.timeout),
    disableConfig: v['disable-config'] === true,
    user: v.user as string | undefined,
    password: v.password as string | undefined,
    certfile: v.certfile as string | undefined,
    keyfile: v.keyfile as string | undefined,
    cafile: v.cafile as string | undefined,
    allowInsecureAuth: v['allow-insecure-auth'] === true,
  };
}

const HELP: OptSpec = { name: 'help', short: 'h', kind: 'bool', help: 'show this help message and exit' };

function lookup(flag: string, prefixOk: boolean): OptSpec | undefined {
  const all = [HELP, ...GLOBAL_OPTS];
  const exact = all.find((o) => optFlags(o).includes(flag));
  if (exact || !prefixOk || !flag.startsWith('--')) return exact;
  const hits = all.filter((o) => optFlags(o).some((f) => f.startsWith(flag)));
  if (hits.length > 1) throw new UsageError(`ambiguous option: ${flag} could match ${hits.map((h) => `--${h.name}`).join(', ')}`);
  return hits[0];
}

/**
 * Splits argv into global options and the command. Before the command every global flag is
 * taken (with argparse's prefix matching); after it, only exact long global flags the command
 * itself does not define (`linstor n l --no-utf8`), so `-m`, `-t`, `-p` stay the command's.
 */
export function parseGlobals(argv: string[], io: { isTTY: boolean; env: NodeJS.ProcessEnv }, commandFlags: (rest: string[]) => string[] = () => []): { g: GlobalOpts; rest: string[] } {
  const values: Values = {};
  const rest: string[] = [];
  // Unknown options before the command: argparse reports them after parsing the command.
  const unknownBefore: string[] = [];
  let seenCommand = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { rest.push(...argv.slice(i)); break; }
    if (!isOptionToken(a)) { seenCommand = true; rest.push(a); continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    let o: OptSpec | undefined;
    if (!seenCommand) o = lookup(flag, true);
    else if (flag.startsWith('--') && !commandFlags(rest).includes(flag)) o = lookup(flag, false);
    if (!o && !seenCommand) { unknownBefore.push(a); continue; }
    if (!o || (seenCommand && o === HELP)) { rest.push(a); continue; }
    if (o.kind === 'bool') { values[o.name] = true; continue; }
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) throw new UsageError(`argument ${optFlags(o).join('/')}: expected one argument`);
    if (o.kind === 'int' && !/^\d+$/.test(v)) throw new UsageError(`argument ${optFlags(o).join('/')}: invalid int value: '${v}'`);
    if (o.choices && !o.choices.includes(v)) throw new UsageError(`argument ${optFlags(o).join('/')}: invalid choice: '${v}' (choose from ${o.choices.map((c) => `'${c}'`).join(', ')})`);
    values[o.name] = v;
  }
  return { g: toGlobals(values, io.isTTY, io.env), rest: [...rest, ...unknownBefore] };
}

/**
 * TLS and login of the client: --cafile/--certfile/--keyfile read as linstor-client does (the
 * key may sit in the certificate file), --user with --password, or the password asked for on
 * the terminal (linstor-client's getpass), and --allow-insecure-auth.
 */
export async function clientAccess(g: GlobalOpts, readSecret?: (prompt: string) => Promise<string>): Promise<Pick<LinstorClientOptions, 'tls' | 'auth' | 'allowInsecureAuth'>> {
  let password = g.password;
  if (g.user !== undefined && password === undefined) {
    if (!readSecret) throw new UsageError('--user needs --password here (no terminal to ask on)');
    password = await readSecret('Enter Linstor password:');
  }
  const tls = clientTlsFromFiles({ certfile: g.certfile, keyfile: g.keyfile, cafile: g.cafile });
  return {
    ...(tls ? { tls } : {}),
    ...(g.user !== undefined ? { auth: { user: g.user, password: password ?? '' } } : {}),
    allowInsecureAuth: g.allowInsecureAuth,
  };
}

/** The REST client's options from the global flags: controllers, timeout, curl mode. */
export function clientOptions(g: GlobalOpts, env: NodeJS.ProcessEnv): LinstorClientOptions {
  return {
    controllers: resolveControllers({ flag: g.controllers, env }),
    curl: g.curl,
    exactIntegers: g.machine,
    ...(g.timeout ? { timeoutMs: g.timeout * 1000 } : {}),
  };
}
