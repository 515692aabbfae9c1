import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { dbConfigFromToml, type DbConfig } from '../store/config.js';

/** Controller settings from `linstor.toml` in the config directory, as LINSTOR reads them. */
export interface ControllerConfig {
  configDirectory: string;
  db: DbConfig;
  /** `advertiseUrl`: how clients and standbys reach this controller's REST API (HA). */
  http: { enabled: boolean; port: number; listenAddr: string; advertiseUrl?: string };
  https: { enabled: boolean; port: number; listenAddr: string };
  encrypt: { passphrase?: string };
  logging: { level: string };
}

export function loadControllerConfig(configDirectory = '/etc/linstor'): ControllerConfig {
  const file = join(configDirectory, 'linstor.toml');
  const t = (existsSync(file) ? parse(readFileSync(file, 'utf8')) : {}) as Record<string, Record<string, unknown> | undefined>;
  const s = (sec: string, key: string): unknown => t[sec]?.[key];
  return {
    configDirectory,
    db: dbConfigFromToml(t.db),
    http: {
      enabled: s('http', 'enabled') !== false, port: Number(s('http', 'port') ?? 3370), listenAddr: String(s('http', 'listen_addr') ?? '::'),
      advertiseUrl: s('http', 'advertise_url') === undefined ? undefined : String(s('http', 'advertise_url')),
    },
    https: { enabled: s('https', 'enabled') === true, port: Number(s('https', 'port') ?? 3371), listenAddr: String(s('https', 'listen_addr') ?? '::') },
    encrypt: { passphrase: (s('encrypt', 'passphrase') as string | undefined) ?? process.env.MASTER_PASSPHRASE },
    logging: { level: String(s('logging', 'level') ?? process.env.LINSTOR_LOG_LEVEL ?? 'info') },
  };
}
