import { ApiError } from '../model/errors.js';
import { dbConfig, type DbConfig } from './config.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * Opens (and migrates) the store named by `[db] connection_url` in linstor.toml:
 * `sqlite:/path/linstor.db` (embedded default), `jdbc:postgresql://...`,
 * `jdbc:mariadb://...` / `jdbc:mysql://...`, `etcd://host:2379,...`.
 */
export async function openStore(config: DbConfig | string): Promise<Store> {
  const cfg = typeof config === 'string' ? dbConfig({ connectionUrl: config }) : config;
  const url = cfg.connectionUrl.trim();
  if (url.startsWith('sqlite:')) return new SqliteStore(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  if (url === ':memory:') return new SqliteStore(':memory:');
  // Loaded on demand: the drivers (etcd's gRPC stack above all) cost start time nobody else should pay.
  if (/^jdbc:postgresql:/i.test(url)) return (await import('./postgres.js')).PostgresStore.open(cfg);
  if (/^jdbc:(mariadb|mysql):/i.test(url)) return (await import('./mariadb.js')).MariaDbStore.open(cfg);
  if (/^etcds?:\/\//i.test(url)) return (await import('./etcd.js')).EtcdStore.open(cfg);
  throw new ApiError('FAIL_UNKNOWN_ERROR', `Unsupported database connection_url '${url}'.`, {
    cause: 'Known stores: sqlite:, jdbc:postgresql:, jdbc:mariadb: (jdbc:mysql:), etcd://.',
    correction: 'Set [db] connection_url in linstor.toml, e.g. "jdbc:postgresql://db1:5432/linstor" or "etcd://etcd1:2379".',
  });
}
