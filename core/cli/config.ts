/**
 * linstor-client.conf, read the way python-linstor's Config reads it: every
 * `/etc/linstor/linstor-client.d/*.conf` in name order, then `~/.config/linstor/linstor-client.conf`
 * or else `/etc/linstor/linstor-client.conf` (a later file replaces whole sections).
 * `[global]` keys become global flags (`key = value` → `--key value`, `key =` → `--key`);
 * sections named after a list command (`[node.list]`, `[resource.list]`) hold JSON defaults for
 * that command's options. LINSTOR_CLIENT_CONF names one file instead (tests, containers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ConfigSections = Record<string, Record<string, string>>;

/** INI as Python's ConfigParser reads it: `[section]`, `key = value` or `key: value`, `#`/`;` comments, indented continuations. */
export function parseIni(text: string): ConfigSections {
  const out: ConfigSections = {};
  let section: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^\s*[#;]/.test(raw)) continue;
    if (/^\s/.test(raw) && section && lastKey) { section[lastKey] = `${section[lastKey]}\n${raw.trim()}`.trim(); continue; }
    const sec = /^\[(.+)\]\s*$/.exec(raw.trim());
    if (sec) { section = out[sec[1]!.trim()] ??= {}; lastKey = undefined; continue; }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (kv && section) { lastKey = kv[1]!.trim().toLowerCase(); section[lastKey] = kv[2]!.trim(); }
    else if (section) { lastKey = raw.trim().toLowerCase(); section[lastKey] = ''; }
  }
  return out;
}

function readIni(path: string): ConfigSections | undefined {
  try { return parseIni(readFileSync(path, 'utf8')); } catch { return undefined; }
}

export function loadClientConfig(env: NodeJS.ProcessEnv = process.env): ConfigSections {
  if (env.LINSTOR_CLIENT_CONF) return readIni(env.LINSTOR_CLIENT_CONF) ?? {};
  const config: ConfigSections = {};
  const dir = '/etc/linstor/linstor-client.d';
  let drop: string[] = [];
  try { drop = readdirSync(dir).filter((f) => f.endsWith('.conf')).sort(); } catch { /* no drop-in directory */ }
  for (const f of drop) Object.assign(config, readIni(join(dir, f)) ?? {});
  Object.assign(config, readIni(join(homedir(), '.config', 'linstor', 'linstor-client.conf')) ?? readIni('/etc/linstor/linstor-client.conf') ?? {});
  return config;
}

/** `[global]` as flags to put in front of argv (argv given later wins). */
export function configGlobalArgs(config: ConfigSections, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(config.global ?? {})) {
    if (skip.includes(k)) continue;
    out.push(`--${k}`, ...(v ? [v] : []));
  }
  return out;
}

/** `LS_CLIENT_<NAME>=value` environment variables as flags, as linstor-client reads them. */
export function envGlobalArgs(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('LS_CLIENT_')) continue;
    out.push(`--${k.slice(10).toLowerCase().replace(/_/g, '-')}`, ...(v ? [v] : []));
  }
  return out;
}

/**
 * Applies a command section (`[resource.list]` with `show-props = ["Aux/site"]`): JSON values,
 * lists extend what the command line gave, other values replace it (linstor-client's rule).
 */
export function mergeSection(config: ConfigSections, section: string, opt: Record<string, unknown>): void {
  for (const [key, raw] of Object.entries(config[section] ?? {})) {
    const k = key.replace(/_/g, '-');
    let v: unknown;
    try { v = JSON.parse(raw); } catch { v = raw; }
    const cur = opt[k];
    opt[k] = Array.isArray(cur) && Array.isArray(v) ? [...cur, ...v] : Array.isArray(v) ? v.map(String) : typeof v === 'string' || typeof v === 'boolean' ? v : String(v);
  }
}
