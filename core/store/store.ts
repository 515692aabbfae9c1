/**
 * Persistence behind one narrow interface. The controller keeps everything in memory and
 * writes each mutation through as one transaction of row changes before it answers.
 * A row is (table, key, JSON value); a `null` value deletes the row. This shape maps onto
 * SQLite and PostgreSQL/MariaDB (one table per kind) and etcd (one key per row) alike.
 */
export interface RowChange {
  table: TableName;
  key: string;
  value: unknown | null;
}

export const TABLES = [
  'nodes', 'storage_pool_definitions', 'storage_pools', 'resource_groups', 'volume_groups',
  'resource_definitions', 'resources', 'snapshots', 'node_connections', 'resource_connections',
  'key_value_stores', 'controller_props', 'error_reports', 'secrets', 'remotes', 'schedules',
  'external_files',
] as const;
export type TableName = (typeof TABLES)[number];

export const isTableName = (s: string): s is TableName => (TABLES as readonly string[]).includes(s);

export type StoreSnapshot = Record<TableName, Array<{ key: string; value: unknown }>>;

export function emptySnapshot(): StoreSnapshot {
  return Object.fromEntries(TABLES.map((t) => [t, []])) as unknown as StoreSnapshot;
}

export type StoreKind = 'sqlite' | 'postgresql' | 'mariadb' | 'etcd';

export interface Store {
  readonly kind: StoreKind;
  /** Most row changes one commit should carry (etcd's transaction limit); unlimited when absent. */
  readonly maxBatchRows?: number;
  /** Shared stores (PostgreSQL, MariaDB, etcd): who is the one active controller. */
  readonly election?: Election;
  /** The schema version recorded in the database (0: empty, never initialised). */
  schemaVersion(): Promise<number>;
  /** Reads every row of every table (called once, when this controller becomes active). */
  loadAll(): Promise<StoreSnapshot>;
  /**
   * Applies all changes atomically, or none. Once this store's election was won, every
   * commit first checks that the lease/lock is still held and fails if not (fencing).
   */
  commit(changes: readonly RowChange[]): Promise<void>;
  /** True when no table holds a row. */
  isEmpty(): Promise<boolean>;
  /** Deletes every row and writes `snapshot` (database import). */
  replaceAll(snapshot: StoreSnapshot): Promise<void>;
  close(): Promise<void>;
}

/** What an active controller advertises so standbys and clients can name it. */
export interface LeaderInfo {
  /** Unique per controller process. */
  id: string;
  /** Its REST API base URL, e.g. http://ctrl-a:3370. */
  url: string;
  host: string;
  pid: number;
  /** ISO time it became active. */
  since: string;
}

/**
 * One active controller per shared store: a PostgreSQL advisory lock, a MariaDB GET_LOCK or
 * an etcd lease, each held by a session that lapses `leaseMs` after its holder stops
 * renewing it (crash, SIGSTOP, network loss), so a standby can take over.
 */
export interface Election {
  /** One attempt to become the active controller. */
  tryAcquire(me: LeaderInfo): Promise<boolean>;
  /** The active controller as it advertised itself, or null when none holds the lease. */
  leader(): Promise<LeaderInfo | null>;
  /** Called at most once, when a held lease is lost; commits fail from then on. */
  onLost(cb: (reason: string) => void): void;
  /** True while the lease is held. */
  readonly held: boolean;
}

/** A commit refused because this controller is not (or no longer) the active one. */
export class FencedError extends Error {
  constructor(reason: string) {
    super(`Not stored: this controller is not the active controller any more (${reason}).`);
    this.name = 'FencedError';
  }
}

/** Keeps only the last change of each row (a batch may touch a row twice); rows are independent. */
export function coalesce(changes: readonly RowChange[]): RowChange[] {
  const last = new Map<string, RowChange>();
  for (const c of changes) {
    const id = `${c.table}\u0000${c.key}`;
    last.delete(id);
    last.set(id, c);
  }
  return [...last.values()];
}
