import type {
  ErrorReport, KeyValueStore, Node, Props, Resource, ResourceConnectionRow, ResourceDefinition, ResourceGroup,
  StoragePool, StoragePoolDefinition, VolumeGroup,
} from '../../model/types.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Remote, Schedule } from '../../model/backup.js';
import type { ExternalFile } from '../../model/ext-files.js';
import type { RowChange, Store, TableName } from '../../store/store.js';
import { CommitPipeline } from './commit-pipeline.js';
import { checkPoolFolders } from './pool-folders.js';
import { DELETED, Table, type MutationScope } from './table.js';
import { Transaction } from './transaction.js';

export { Transaction, StaleWriteError } from './transaction.js';

type AnyTable = Table<unknown>;

/** Called after a successful commit, once per transaction, with its row changes in order. */
export type CommitListener = (changes: readonly RowChange[]) => void;

/**
 * All desired state of the cluster, in memory. Mutations go through `mutate`; the design is
 * in the README ("Mutations with asynchronous commits"). In short:
 *  - the callback runs at once and synchronously, against committed rows plus the staged
 *    writes of transactions still committing, so check-then-create stays atomic;
 *  - its writes are staged, invisible to readers, until the store commit of its batch
 *    succeeds (commits are serial, one batch at a time, many transactions per batch);
 *  - a failed commit drops every staged write: memory and store stay as before;
 *  - readers never wait: outside a callback, tables answer with committed rows only.
 */
export class ClusterState {
  private readonly scope: MutationScope = { current: null };
  readonly nodes = new Table<Node>('nodes', this.scope);
  readonly storagePoolDefinitions = new Table<StoragePoolDefinition>('storage_pool_definitions', this.scope);
  /** key: NODE/POOL */
  readonly storagePools = new Table<StoragePool>('storage_pools', this.scope);
  readonly resourceGroups = new Table<ResourceGroup>('resource_groups', this.scope);
  /** key: RG/volumeNumber */
  readonly volumeGroups = new Table<VolumeGroup>('volume_groups', this.scope);
  readonly resourceDefinitions = new Table<ResourceDefinition>('resource_definitions', this.scope);
  /** key: RD/NODE */
  readonly resources = new Table<Resource>('resources', this.scope);
  /** key: RD/SNAP */
  readonly snapshots = new Table<Snapshot>('snapshots', this.scope);
  readonly nodeConnections = new Table<{ nodeA: string; nodeB: string; props: Props }>('node_connections', this.scope);
  readonly resourceConnections = new Table<ResourceConnectionRow>('resource_connections', this.scope);
  readonly keyValueStores = new Table<KeyValueStore>('key_value_stores', this.scope);
  /** one row, key 'props' */
  readonly controllerProps = new Table<Props>('controller_props', this.scope);
  readonly errorReports = new Table<ErrorReport>('error_reports', this.scope);
  readonly secrets = new Table<unknown>('secrets', this.scope);
  /** key: nameKey(remote) */
  readonly remotes = new Table<Remote>('remotes', this.scope);
  /** key: nameKey(schedule) */
  readonly schedules = new Table<Schedule>('schedules', this.scope);
  /** key: the file's path (paths are case-sensitive) */
  readonly externalFiles = new Table<ExternalFile>('external_files', this.scope);

  private readonly listeners: CommitListener[] = [];
  private readonly byName: Map<TableName, AnyTable>;
  private readonly pipeline: CommitPipeline;
  private seq = 0;
  /** Bumped by every commit that changed something: list caches compare it. */
  version = 0;

  constructor(private readonly store: Store) {
    this.byName = new Map(this.tables().map((t) => [t.name, t]));
    this.pipeline = new CommitPipeline(store, {
      applied: (tx) => this.applyCommitted(tx),
      failed: () => { for (const t of this.tables()) t.discardStaged(); },
    });
  }

  tables(): AnyTable[] {
    return [
      this.nodes, this.storagePoolDefinitions, this.storagePools, this.resourceGroups, this.volumeGroups,
      this.resourceDefinitions, this.resources, this.snapshots, this.nodeConnections, this.resourceConnections,
      this.keyValueStores, this.controllerProps, this.errorReports, this.secrets, this.remotes, this.schedules,
      this.externalFiles,
    ] as AnyTable[];
  }

  table(name: TableName): AnyTable | undefined {
    return this.byName.get(name);
  }

  async load(): Promise<void> {
    const snap = await this.store.loadAll();
    for (const [name, rows] of Object.entries(snap) as Array<[TableName, Array<{ key: string; value: unknown }>]>) {
      const t = this.byName.get(name);
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

  /** True while a mutate callback runs: reads then include staged writes. */
  get inMutation(): boolean { return this.scope.current !== null; }

  /** Runs `fn` seeing committed rows only, even inside a mutate callback (index builds). */
  committedView<R>(fn: () => R): R {
    const saved = this.scope.current;
    this.scope.current = null;
    try { return fn(); } finally { this.scope.current = saved; }
  }

  /** Transactions staged and not yet committed (or failed). */
  get uncommitted(): number { return this.pipeline.size; }

  /**
   * Runs `fn` now, synchronously, and resolves with its result once its changes are
   * committed. `fn` must decide everything it writes from what it reads inside itself
   * (through `state`), never from values read before `mutate` was called.
   */
  async mutate<R>(fn: (tx: Transaction) => R): Promise<R> {
    const tx = new Transaction(++this.seq, this.pipeline.size > 0, (table) => this.byName.get(table)!);
    this.scope.current = tx;
    let result: R;
    try {
      result = fn(tx);
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        throw new Error('ClusterState.mutate: the callback must be synchronous (it returned a promise)');
      }
      // Rules that span objects (no two FILE pools of a node share a folder) hold after every change.
      checkPoolFolders(this, tx);
    } catch (err) {
      tx.unstageAll();
      throw err;
    } finally {
      this.scope.current = null;
    }
    // Nothing written and nothing uncommitted read: done without waiting for the store.
    if (!tx.changes.length && this.pipeline.size === 0) return result;
    await this.pipeline.enqueue(tx);
    return result;
  }

  private applyCommitted(tx: Transaction): void {
    for (const c of tx.changes) {
      this.byName.get(c.table)!.settle(tx.seq, c.key, c.value === null ? DELETED : c.value);
    }
    if (!tx.changes.length) return;
    this.version++;
    for (const l of this.listeners) {
      try { l(tx.changes); } catch (err) { process.emitWarning(`commit listener failed: ${(err as Error).message}`); }
    }
  }
}
