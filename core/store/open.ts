import { ApiError } from '../model/errors.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * Opens the store named by `[db] connection_url` (linstor.toml). `sqlite:/path/linstor.db`
 * is built in; `jdbc:`-style and other URLs are reserved for PostgreSQL and etcd stores.
 */
export function openStore(connectionUrl: string): Store {
  const url = connectionUrl.trim();
  if (url.startsWith('sqlite:')) return new SqliteStore(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  if (url === ':memory:') return new SqliteStore(':memory:');
  throw new ApiError('FAIL_UNKNOWN_ERROR', `Unsupported database connection_url '${url}'.`, {
    cause: 'Only the embedded SQLite store is built in so far (sqlite:/path/to/linstor.db).',
    correction: 'Set [db] connection_url = "sqlite:/var/lib/linstor/linstor.db" in linstor.toml.',
  });
}
