import type { StoreSnapshot, TableName } from './store.js';

/**
 * Schema migrations, applied in order and recorded as the schema version. Every backend
 * renders `tables` in its own dialect (SQL tables; nothing to create in etcd). A migration
 * that changes the shape of rows adds `transform`, which import-db applies to an export made
 * before it. Add a new entry to change the schema; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  description: string;
  /** Tables this migration creates. */
  tables: TableName[];
  /** Rewrites rows written by the schema before this version (exports being imported). */
  transform?: (tables: StoreSnapshot) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'one key/value table per object kind',
    tables: [
      'nodes', 'storage_pool_definitions', 'storage_pools', 'resource_groups', 'volume_groups',
      'resource_definitions', 'resources', 'snapshots', 'node_connections', 'resource_connections',
      'key_value_stores', 'controller_props', 'error_reports',
    ],
  },
  {
    version: 2,
    description: 'encrypted secrets (volume keys, passphrase check data)',
    tables: ['secrets'],
  },
  {
    version: 3,
    description: 'backup remotes (secrets sealed under the master key) and backup schedules',
    tables: ['remotes', 'schedules'],
  },
  {
    version: 4,
    description: 'external files (linstor file ...), keyed by their path',
    tables: ['external_files'],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Migrations above `version`, in order. */
export function pendingMigrations(version: number, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  return migrations.filter((m) => m.version > version);
}
