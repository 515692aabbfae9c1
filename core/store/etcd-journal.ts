import type { Namespace } from 'etcd3';
import { isTableName, type RowChange } from './store.js';

export type Op = { put: string; value: string } | { del: string };

const JOURNAL = '_meta/journal/';
const PART_BYTES = 512 * 1024;

/**
 * Commits too large for one etcd transaction (ops_per_transaction, 1.5 MiB requests) stay
 * atomic through a journal: the operations are written as parts under
 * `_meta/journal/<id>/part/<n>`, then `_meta/journal/<id>/commit` — the commit point — then
 * applied to the rows in chunks, then the journal is deleted. A controller that becomes
 * active finishes committed journals and drops uncommitted ones before it writes; loading
 * reads committed journals over the rows. Every transaction goes through `txn`, which
 * fences it like any other commit.
 */
export class EtcdJournal {
  private counter = 0;

  constructor(
    private readonly ns: Namespace,
    private readonly txn: (ops: Op[]) => Promise<void>,
    private readonly maxOps: number,
    private readonly maxBytes: number,
  ) {}

  async commit(ops: Op[]): Promise<void> {
    const id = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${++this.counter}`;
    const parts: Op[][] = [[]];
    let size = 0;
    for (const o of ops) {
      const n = JSON.stringify(o).length;
      if (size + n > PART_BYTES && parts[parts.length - 1]!.length) { parts.push([]); size = 0; }
      parts[parts.length - 1]!.push(o);
      size += n;
    }
    for (let i = 0; i < parts.length; i++) await this.txn([{ put: `${JOURNAL}${id}/part/${String(i).padStart(6, '0')}`, value: JSON.stringify(parts[i]) }]);
    await this.txn([{ put: `${JOURNAL}${id}/commit`, value: String(parts.length) }]);
    await this.applyInChunks(ops);
    await this.ns.delete().prefix(`${JOURNAL}${id}/`).exec();
  }

  /** Writes `ops` in transactions that fit etcd's limits (not atomic as a whole). */
  async applyInChunks(ops: Op[]): Promise<void> {
    let chunk: Op[] = [];
    let bytes = 0;
    for (const o of ops) {
      const n = 'put' in o ? o.put.length + o.value.length : o.del.length;
      if (chunk.length && (chunk.length >= this.maxOps || bytes + n > this.maxBytes)) { await this.txn(chunk); chunk = []; bytes = 0; }
      chunk.push(o);
      bytes += n;
    }
    if (chunk.length) await this.txn(chunk);
  }

  /** Journals by id: their parts' operations and whether the commit marker was written. */
  private async read(): Promise<Map<string, { committed: boolean; parts: Map<string, Op[]> }>> {
    const all = await this.ns.getAll().prefix(JOURNAL).sort('Key', 'Ascend').strings();
    const out = new Map<string, { committed: boolean; parts: Map<string, Op[]> }>();
    for (const [k, v] of Object.entries(all)) {
      const [id, kind, n] = k.slice(JOURNAL.length).split('/');
      let j = out.get(id!);
      if (!j) { j = { committed: false, parts: new Map() }; out.set(id!, j); }
      if (kind === 'commit') j.committed = true;
      else if (kind === 'part') j.parts.set(n!, JSON.parse(v) as Op[]);
    }
    return out;
  }

  /** Row changes of committed, not yet applied journals, oldest first. */
  async committedChanges(): Promise<RowChange[]> {
    const out: RowChange[] = [];
    for (const j of [...(await this.read()).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, j]) => j)) {
      if (!j.committed) continue;
      for (const n of [...j.parts.keys()].sort()) {
        for (const o of j.parts.get(n)!) {
          const key = 'put' in o ? o.put : o.del;
          const slash = key.indexOf('/');
          const table = key.slice(0, slash);
          if (!isTableName(table)) continue;
          out.push({ table, key: key.slice(slash + 1), value: 'put' in o ? JSON.parse(o.value) as unknown : null });
        }
      }
    }
    return out;
  }

  /** Applies committed journals and drops unfinished ones (the new active controller calls it). */
  async finish(): Promise<void> {
    const journals = [...(await this.read()).entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const [id, j] of journals) {
      if (j.committed) await this.applyInChunks([...j.parts.keys()].sort().flatMap((n) => j.parts.get(n)!));
      await this.ns.delete().prefix(`${JOURNAL}${id}/`).exec();
    }
  }

  async discardAll(): Promise<void> {
    await this.ns.delete().prefix(JOURNAL).exec();
  }
}
