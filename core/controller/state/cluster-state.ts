import type {
  ErrorReport, KeyValueStore, Node, Props, Resource, ResourceDefinition, ResourceGroup,
  StoragePool, StoragePoolDefinition, VolumeGroup,
} from '../../model/types.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { RowChange, Store, TableName } from '../../store/store.js';
import { checkPoolFolders } from './pool-folders.js';
import { Table } from './table.js';

type AnyTable = Table<unknown>;

/** A pending change to memory, with what it replaced so a failed commit can be undone. */
interface Undo { table: AnyTable; key: string; before: unknown | undefined }

export class Transaction {
  readonly changes: RowChange[] = [];
  readonly undo: Undo[] = [];
  put<T>(table: Table<T>, key: string, value: T): void {
    this.undo.push({ table: table as AnyTable, key, before: table.get(key) });
    table.setRaw(key, value);
    this.changes.push({ table: table.name, key, value });
  }
  delete<T>(table: Table<T>, key: string): void {
    if (!table.has(key)) return;
    this.undo.push({ table: table as AnyTable, key, before: table.get(key) });
    table.deleteRaw(key);
    this.changes.push({ table: table.name, key, value: null });
  }
  rollback(): void {
    for (const u of this.undo.reverse()) {
      if (u.before === undefined) u.table.deleteRaw(u.key);
      else u.table.setRaw(u.key, u.before);
    }
  }
}

export type CommitListener = (changes: readonly RowChange[]) => void;

/**
 * All desired state of the cluster, in memory. Mutations go through `mutate`: the callback
 * changes memory synchronously through a Transaction, then the rows are committed to the
 * store; if the callback throws or the commit fails, memory is restored and nothing is stored.
 * Because the callback is synchronous, check-then-create is atomic (no two requests can both
 * create the same name), and requests for different objects never wait on each other.
 */
export class ClusterState {
  readonly nodes = new Table<Node>('nodes');
  readonly storagePoolDefinitions = new Table<StoragePoolDefinition>('storage_pool_definitions');
  /** key: NODE/POOL */
  readonly storagePools = new Table<StoragePool>('storage_pools');
  readonly resourceGroups = new Table<ResourceGroup>('resource_groups');
  /** key: RG/volumeNumber */
  readonly volumeGroups = new Table<VolumeGroup>('volume_groups');
  readonly resourceDefinitions = new Table<ResourceDefinition>('resource_definitions');
  /** key: RD/NODE */
  readonly resources = new Table<Resource>('resources');
  /** key: RD/SNAP */
  readonly snapshots = new Table<Snapshot>('snapshots');
  readonly nodeConnections = new Table<{ nodeA: string; nodeB: string; props: Props }>('node_connections');
  readonly resourceConnections = new Table<{ resource: string; nodeA: string; nodeB: string; props: Props }>('resource_connections');
  readonly keyValueStores = new Table<KeyValueStore>('key_value_stores');
  /** one row, key 'props' */
  readonly controllerProps = new Table<Props>('controller_props');
  readonly errorReports = new Table<ErrorReport>('error_reports');
  readonly secrets = new Table<unknown>('secrets');

  private readonly listeners: CommitListener[] = [];
  /** Bumped by every commit that changed something: list caches compare it. */
  version = 0;

  constructor(private readonly store: Store) {}

  tables(): AnyTable[] {
    return [
      this.nodes, this.storagePoolDefinitions, this.storagePools, this.resourceGroups, this.volumeGroups,
      this.resourceDefinitions, this.resources, this.snapshots, this.nodeConnections, this.resourceConnections,
      this.keyValueStores, this.controllerProps, this.errorReports, this.secrets,
    ] as AnyTable[];
  }

  async load(): Promise<void> {
    const snap = await this.store.loadAll();
    const byName = new Map<TableName, AnyTable>(this.tables().map((t) => [t.name, t]));
    for (const [name, rows] of Object.entries(snap) as Array<[TableName, Array<{ key: string; value: unknown }>]>) {
      const t = byName.get(name);
      if (!t) continue;
      for (const r of rows) t.setRaw(r.key, r.value);
    }
  }

  get ctrlProps(): Props {
    return this.controllerProps.get('props') ?? {};
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  async mutate<R>(fn: (tx: Transaction) => R): Promise<R> {
    const tx = new Transaction();
    let result: R;
    try {
      result = fn(tx);
      // Rules that span objects (no two FILE pools of a node share a folder) hold after every change.
      checkPoolFolders(this, tx);
      await this.store.commit(tx.changes);
    } catch (err) {
      tx.rollback();
      throw err;
    }
    if (tx.changes.length) {
      this.version++;
      for (const l of this.listeners) l(tx.changes);
    }
    return result;
  }
}
