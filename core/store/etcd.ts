import { readFileSync } from 'node:fs';
import { Etcd3, EtcdLeaseInvalidError, Range, type IOptions, type Namespace } from 'etcd3';
import type { DbConfig } from './config.js';
import { parseEtcdUrl } from './config.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { SessionLease } from './session-lease.js';
import { EtcdJournal, type Op } from './etcd-journal.js';
import { FencedError, TABLES, coalesce, isTableName, type Election, type LeaderInfo, type RowChange, type Store, type StoreSnapshot } from './store.js';

const SCHEMA_KEY = '_meta/schema_version';
const LEADER_KEY = '_meta/leader';
/** etcd refuses requests above 1.5 MiB by default; stay well below. */
const MAX_TXN_BYTES = 1024 * 1024;
const PAGE = 1000;

/**
 * etcd 3: one key per row, `<prefix><table>/<key>` = the JSON, under `[db.etcd] prefix`
 * (default /LINSTOR/). A commit is one etcd transaction when it fits `ops_per_transaction`
 * and 1 MiB; a larger one goes through a journal (etcd-journal.ts). The active controller
 * owns `<prefix>_meta/leader`, attached to a lease it keeps alive; every commit compares
 * that key's create revision, so a controller whose lease expired can no longer write.
 */
export class EtcdStore implements Store, Election {
  readonly kind = 'etcd';
  readonly maxBatchRows: number;
  private readonly ns: Namespace;
  private readonly journal: EtcdJournal;
  private lease?: SessionLease;
  private leaderRevision?: string;
  private leaseRelease?: () => Promise<void>;
  private readonly lostCallbacks: Array<(reason: string) => void> = [];

  private constructor(private readonly client: Etcd3, private readonly cfg: DbConfig) {
    this.ns = client.namespace(cfg.etcd.prefix);
    this.maxBatchRows = Math.max(2, cfg.etcd.opsPerTransaction);
    this.journal = new EtcdJournal(this.ns, (ops) => this.txn(ops), this.maxBatchRows, MAX_TXN_BYTES);
  }

  get election(): Election { return this; }
  get held(): boolean { return this.lease?.held ?? false; }

  static async open(cfg: DbConfig): Promise<EtcdStore> {
    const tls = !!cfg.caCertificate;
    const opts: IOptions = { hosts: parseEtcdUrl(cfg.connectionUrl, tls), dialTimeout: 10_000 };
    if (tls) {
      opts.credentials = {
        rootCertificate: readFileSync(cfg.caCertificate!),
        ...(cfg.clientCertificate ? { certChain: readFileSync(cfg.clientCertificate) } : {}),
        ...(cfg.clientKeyPkcs8Pem ? { privateKey: readFileSync(cfg.clientKeyPkcs8Pem) } : {}),
      };
    }
    if (cfg.user) opts.auth = { username: cfg.user, password: cfg.password ?? '' };
    const store = new EtcdStore(new Etcd3(opts), cfg);
    try {
      // No tables to create: record the schema version the rows follow.
      const current = await store.schemaVersion();
      if (current < LATEST_SCHEMA_VERSION) await store.ns.put(SCHEMA_KEY).value(String(LATEST_SCHEMA_VERSION));
    } catch (err) {
      store.client.close();
      throw new Error(`Cannot reach etcd at ${cfg.connectionUrl}: ${(err as Error).message}`);
    }
    return store;
  }

  async schemaVersion(): Promise<number> {
    return Number(await this.ns.get(SCHEMA_KEY).string() ?? 0);
  }

  /** Every key under `prefix`, paged so no single response grows beyond gRPC's limits. */
  private async *scan(prefix: string): AsyncIterableIterator<[string, string]> {
    const all = Range.prefix(prefix);
    let start: Buffer = all.start;
    for (;;) {
      const res = await this.ns.getAll().inRange(new Range(start, all.end)).sort('Key', 'Ascend').limit(PAGE).exec();
      for (const kv of res.kvs) yield [kv.key.toString(), kv.value.toString()];
      if (res.kvs.length < PAGE) return;
      start = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }

  async loadAll(): Promise<StoreSnapshot> {
    const rows = new Map<string, Map<string, unknown>>(TABLES.map((t) => [t, new Map()]));
    for (const t of TABLES) {
      for await (const [k, v] of this.scan(`${t}/`)) rows.get(t)!.set(k.slice(t.length + 1), JSON.parse(v));
    }
    // A journal whose commit marker is written but not yet applied is part of the state.
    for (const c of await this.journal.committedChanges()) {
      if (c.value === null) rows.get(c.table)!.delete(c.key);
      else rows.get(c.table)!.set(c.key, c.value);
    }
    const out = {} as StoreSnapshot;
    for (const t of TABLES) out[t] = [...rows.get(t)!].map(([key, value]) => ({ key, value }));
    return out;
  }

  private rowOps(changes: readonly RowChange[]): Op[] {
    return changes.map((c) => {
      if (!isTableName(c.table)) throw new Error(`Unknown table '${c.table}'`);
      return c.value === null ? { del: `${c.table}/${c.key}` } : { put: `${c.table}/${c.key}`, value: JSON.stringify(c.value) };
    });
  }

  /** One etcd transaction; fenced on the leader key once this controller became active. */
  private async txn(ops: Op[]): Promise<void> {
    if (this.leaderRevision !== undefined) this.lease!.check();
    const clauses = ops.map((o) => ('put' in o ? this.ns.put(o.put).value(o.value) : this.ns.delete().key(o.del)));
    if (this.leaderRevision === undefined) {
      await this.ns.if(SCHEMA_KEY, 'Version', '>', -1).then(...clauses).commit();
      return;
    }
    const res = await this.ns.if(LEADER_KEY, 'Create', '==', this.leaderRevision).then(...clauses).commit();
    if (!res.succeeded) {
      this.lease!.lose('the leader key belongs to another controller');
      this.lease!.check();
    }
  }

  async commit(changes: readonly RowChange[]): Promise<void> {
    if (this.leaderRevision !== undefined) this.lease!.check();
    if (!changes.length) return;
    const ops = this.rowOps(coalesce(changes));
    const bytes = ops.reduce((n, o) => n + ('put' in o ? o.put.length + o.value.length : o.del.length), 0);
    if (ops.length <= this.maxBatchRows && bytes <= MAX_TXN_BYTES) await this.txn(ops);
    else await this.journal.commit(ops);
  }

  async isEmpty(): Promise<boolean> {
    for (const t of TABLES) if ((await this.ns.getAll().prefix(`${t}/`).count()) > 0) return false;
    return true;
  }

  async replaceAll(snapshot: StoreSnapshot): Promise<void> {
    // Not one transaction (etcd's limits); the import tool refuses while a controller is active.
    for (const t of TABLES) await this.ns.delete().prefix(`${t}/`).exec();
    await this.journal.discardAll();
    const ops = this.rowOps(TABLES.flatMap((t) => (snapshot[t] ?? []).map((r) => ({ table: t, key: r.key, value: r.value }))));
    await this.journal.applyInChunks(ops);
  }

  async tryAcquire(me: LeaderInfo): Promise<boolean> {
    if (this.held) return true;
    if (await this.ns.get(LEADER_KEY).exists()) return false;
    const ttl = Math.max(2, Math.ceil(this.cfg.leaseMs / 1000));
    const lease = this.ns.lease(ttl, { autoKeepAlive: false });
    const id = await lease.grant();
    const res = await this.ns.if(LEADER_KEY, 'Create', '==', 0).then(this.ns.put(LEADER_KEY).value(JSON.stringify(me)).lease(id)).commit();
    if (!res.succeeded) { await lease.revoke().catch(() => undefined); return false; }
    this.leaderRevision = String(res.header.revision);
    this.leaseRelease = async () => { await lease.revoke().catch(() => undefined); };
    this.lease = new SessionLease(ttl * 1000, async () => {
      let r;
      try {
        r = await lease.keepaliveOnce();
      } catch (err) {
        if (err instanceof EtcdLeaseInvalidError) throw new FencedError('the etcd lease expired');
        throw err;
      }
      if (Number(r.TTL) <= 0) throw new FencedError('the etcd lease expired');
    });
    for (const cb of this.lostCallbacks.splice(0)) this.lease.onLost(cb);
    this.lease.start();
    // Finish what a previous leader committed through the journal before writing anything new.
    await this.journal.finish();
    return true;
  }

  async leader(): Promise<LeaderInfo | null> {
    const v = await this.ns.get(LEADER_KEY).string();
    return v ? JSON.parse(v) as LeaderInfo : null;
  }

  onLost(cb: (reason: string) => void): void {
    if (this.lease) this.lease.onLost(cb);
    else this.lostCallbacks.push(cb);
  }

  async close(): Promise<void> {
    const wasHeld = this.held;
    this.lease?.stop();
    if (wasHeld) await this.leaseRelease?.();
    this.client.close();
  }
}
