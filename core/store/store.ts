/**
 * Persistence behind one narrow interface. The controller keeps everything in memory and
 * writes each mutation through as one transaction of row changes before it answers.
 * A row is (table, key, JSON value); a `null` value deletes the row. This shape maps onto
 * SQLite, PostgreSQL (one table per kind) and etcd (one key per row) alike.
 */
export interface RowChange {
  table: TableName;
  key: string;
  value: unknown | null;
}

export const TABLES = [
  'nodes', 'storage_pool_definitions', 'storage_pools', 'resource_groups', 'volume_groups',
  'resource_definitions', 'resources', 'snapshots', 'node_connections', 'resource_connections',
  'key_value_stores', 'controller_props', 'error_reports', 'secrets',
] as const;
export type TableName = (typeof TABLES)[number];

export type StoreSnapshot = Record<TableName, Array<{ key: string; value: unknown }>>;

export interface Store {
  /** e.g. 'sqlite'. */
  readonly kind: string;
  /** Reads every row of every table (called once, at start). */
  loadAll(): Promise<StoreSnapshot>;
  /** Applies all changes atomically, or none. */
  commit(changes: readonly RowChange[]): Promise<void>;
  /** Writes a consistent copy of the database to `path` (database export). */
  exportTo(path: string): Promise<void>;
  close(): Promise<void>;
}
