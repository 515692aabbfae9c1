/**
 * linstor-client.conf as linstor-client reads it (python-linstor's Config.get_section): the
 * `[global]` section of /etc/linstor/linstor-client.d/*.conf (in name order), then the first
 * of ~/.config/linstor/linstor-client.conf and /etc/linstor/linstor-client.conf. Each key is
 * a global option (`certfile = /path` is `--certfile /path`; a key without value is a flag,
 * as `allow-insecure-auth`); the command line overrides it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFilePaths } from './controllers.js';

export const CLIENT_CONF_D = '/etc/linstor/linstor-client.d';

/** The entries of one INI section (keys lower-cased, `_` and `-` kept as written). */
export function iniSection(text: string, section: string): Record<string, string> {
  const out: Record<string, string> = {};
  let cur = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) { cur = sec[1]!.trim().toLowerCase(); continue; }
    if (cur !== section) continue;
    const kv = /^([^=:]+)(?:[=:](.*))?$/.exec(line);
    if (kv) out[kv[1]!.trim().toLowerCase()] = (kv[2] ?? '').trim();
  }
  return out;
}

function readOptional(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** The merged `[global]` section; LINSTOR_CLIENT_CONF (tests, containers) names the one file to read. */
export function clientGlobalConfig(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env.LINSTOR_CLIENT_CONF) {
    let names: string[] = [];
    try { names = readdirSync(CLIENT_CONF_D).filter((n) => n.endsWith('.conf')).sort(); } catch { /* none */ }
    for (const n of names) Object.assign(out, iniSection(readOptional(join(CLIENT_CONF_D, n)) ?? '', 'global'));
  }
  for (const p of configFilePaths(env)) {
    const text = readOptional(p);
    if (text !== undefined) { Object.assign(out, iniSection(text, 'global')); break; }
  }
  return out;
}
