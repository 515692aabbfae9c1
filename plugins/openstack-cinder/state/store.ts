/**
 * Persistence in the controller, no second database: each object family is one instance of
 * LINSTOR's key-value store (`cinder-volumes`, `cinder-snapshots`, `cinder-types`,
 * `cinder-quotas`), one key per object id, the value its JSON. A write touches only its own
 * key (override_props), so writers of different objects never overwrite each other.
 */
import { LinstorApiError, type LinstorClient } from '../../../core/client/index.js';
import type { BackupRecord, SnapshotRecord, VolumeRecord, VolumeTypeRecord } from './records.js';

export class KvCollection<T extends { id: string }> {
  private readonly locks = new Map<string, Promise<unknown>>();
  constructor(private readonly client: LinstorClient, readonly instance: string) {}

  async list(): Promise<T[]> {
    let props: Record<string, string>;
    try {
      props = (await this.client.keyValueStore.get(this.instance)).props ?? {};
    } catch (e) {
      if (e instanceof LinstorApiError && e.status === 404) return [];
      throw e;
    }
    const out: T[] = [];
    for (const v of Object.values(props)) {
      try { out.push(JSON.parse(v) as T); } catch { /* a foreign key in our instance: not ours */ }
    }
    return out;
  }

  async get(id: string): Promise<T | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  async put(rec: T): Promise<T> {
    await this.client.keyValueStore.modify(this.instance, { override_props: { [rec.id]: JSON.stringify(rec) } });
    return rec;
  }

  async delete(id: string): Promise<void> {
    await this.client.keyValueStore.modify(this.instance, { delete_props: [id] });
  }

  /**
   * Runs read-modify-write steps on one object one at a time in this process, so two
   * actions on the same volume cannot interleave (different objects run in parallel).
   */
  async withLock<R>(id: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try { return await run; } finally { if (this.locks.get(id) === tail) this.locks.delete(id); }
  }

  /** Reads, changes and writes one object under its lock; undefined when it does not exist. */
  async update(id: string, change: (r: T) => T | Promise<T>): Promise<T | undefined> {
    return this.withLock(id, async () => {
      const cur = await this.get(id);
      if (!cur) return undefined;
      return this.put(await change(cur));
    });
  }
}

export interface QuotaRecord { id: string; limits: Record<string, number> }

export class CinderStore {
  readonly volumes: KvCollection<VolumeRecord>;
  readonly snapshots: KvCollection<SnapshotRecord>;
  readonly types: KvCollection<VolumeTypeRecord>;
  readonly quotas: KvCollection<QuotaRecord>;
  readonly backups: KvCollection<BackupRecord>;
  constructor(client: LinstorClient) {
    this.volumes = new KvCollection(client, 'cinder-volumes');
    this.snapshots = new KvCollection(client, 'cinder-snapshots');
    this.types = new KvCollection(client, 'cinder-types');
    this.quotas = new KvCollection(client, 'cinder-quotas');
    this.backups = new KvCollection(client, 'cinder-backups');
  }
}
