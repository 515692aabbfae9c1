/**
 * Where the controllers are. LINSTOR clients take a comma list whose entries may be
 * `host`, `host:port`, `[v6]:port`, `http://host:port`, `linstor://host` or `linstor+ssl://host`,
 * and try them in order until one answers.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_PORT = 3370;
export const DEFAULT_SSL_PORT = 3371;
export const DEFAULT_CONTROLLERS = 'linstor://localhost';

/** Turns one controller entry into a base URL such as `http://host:3370`. */
export function controllerUrl(entry: string): string {
  const e = entry.trim();
  const scheme = /^([a-z+]+):\/\//i.exec(e);
  let proto = 'http';
  let rest = e;
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    rest = e.slice(scheme[0].length);
    if (s === 'https' || s === 'linstor+ssl') proto = 'https';
    else if (s === 'http' || s === 'linstor') proto = 'http';
    else throw new Error(`Unsupported controller scheme '${s}' in '${entry}'`);
  }
  rest = rest.replace(/\/+$/, '');
  if (!rest) throw new Error(`Empty controller address in '${entry}'`);
  const defaultPort = proto === 'https' ? DEFAULT_SSL_PORT : DEFAULT_PORT;
  // A bare IPv6 address (more than one colon, no brackets) has no port.
  if (!rest.startsWith('[') && (rest.match(/:/g) ?? []).length > 1) return `${proto}://[${rest}]:${defaultPort}`;
  const hasPort = /:\d+$/.test(rest);
  return `${proto}://${rest}${hasPort ? '' : `:${defaultPort}`}`;
}

export function parseControllerList(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map(controllerUrl);
}

/** Reads `controllers=` from the `[global]` section of an INI-style linstor-client.conf. */
export function controllersFromConfig(text: string): string | undefined {
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) { section = sec[1]!.trim().toLowerCase(); continue; }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (kv && section === 'global' && kv[1]!.trim().toLowerCase() === 'controllers') return kv[2]!.trim();
  }
  return undefined;
}

export function configFilePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  // LINSTOR_CLIENT_CONF is ours (tests, containers); the other two are linstor-client's.
  if (env.LINSTOR_CLIENT_CONF) return [env.LINSTOR_CLIENT_CONF];
  return [join(homedir(), '.config', 'linstor', 'linstor-client.conf'), '/etc/linstor/linstor-client.conf'];
}

/** Precedence as in linstor-client: --controllers, then LS_CONTROLLERS, then the config file, then localhost. */
export function resolveControllers(opts: { flag?: string; env?: NodeJS.ProcessEnv } = {}): string[] {
  const env = opts.env ?? process.env;
  if (opts.flag) return parseControllerList(opts.flag);
  if (env.LS_CONTROLLERS) return parseControllerList(env.LS_CONTROLLERS);
  for (const p of configFilePaths(env)) {
    let text: string;
    try { text = readFileSync(p, 'utf8'); } catch { continue; }
    const c = controllersFromConfig(text);
    if (c) return parseControllerList(c);
  }
  return parseControllerList(DEFAULT_CONTROLLERS);
}
