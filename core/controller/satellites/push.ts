import { nameKey } from '../../model/names.js';
import type { ControllerMessage, DesiredResource, DesiredStateUpdate } from '../../model/satellite-protocol.js';
import { desiredSnapshots } from '../snapshots/desired.js';
import type { ClusterState } from '../state/cluster-state.js';
import { desiredNodeState, desiredResourceOn, desiredStoragePools, type DesiredStateHints } from './desired-state.js';
import { emptyDelta, mergeDelta, type NodeDelta } from './node-delta.js';
import { desiredExtFiles } from '../ext-files/desired.js';

/**
 * What has been sent to one node on its current connection and what is still to be sent.
 * The first message on a connection is a full apply; after it, changes go as updates that name
 * the seq they build on, unless the satellite cannot take updates (no 'incremental' feature),
 * asked for a resync, or the consistency check is due: then a full apply again.
 */
export class NodePush {
  /** Seq of the last message sent on this connection; undefined until the first full apply. */
  lastSent: number | undefined;
  /** First seq sent on this connection: reports about older ones are from another connection. */
  firstSent: number | undefined;
  private pending: NodeDelta = emptyDelta();
  /** Per resource definition: the seq of its newest change not yet reported applied. */
  readonly changeSeq = new Map<string, number>();
  /** Names of the definitions this node was sent, by key (for removals after the row is gone). */
  private readonly names = new Map<string, string>();

  /** The last list of external files sent to this node was not empty. */
  private filesSent = false;

  constructor(readonly nodeKey: string, readonly incremental: boolean) {}

  /** Records a change that the next message will carry, made at `seq`. */
  add(delta: NodeDelta, seq: number): void {
    mergeDelta(this.pending, delta);
    for (const rd of delta.resources) this.changeSeq.set(rd, seq);
    for (const rd of delta.snapshots) this.changeSeq.set(rd, seq);
  }

  requestFull(): void {
    this.pending.full = true;
  }

  get hasPending(): boolean {
    const p = this.pending;
    return p.full || p.pools || p.files || p.resources.size > 0 || p.snapshots.size > 0 || this.lastSent === undefined;
  }

  /** The message carrying everything pending, as version `seq`; undefined if the node is gone. */
  build(state: ClusterState, seq: number, hints: DesiredStateHints): ControllerMessage | undefined {
    const p = this.pending;
    this.pending = emptyDelta();
    if (p.full || this.lastSent === undefined || !this.incremental) {
      const desired = desiredNodeState(state, this.nodeKey, hints);
      if (!desired) return undefined;
      this.sent(seq);
      this.names.clear();
      for (const r of desired.resources) this.names.set(nameKey(r.name), r.name);
      this.filesSent = (desired.extFiles?.length ?? 0) > 0;
      return { type: 'apply', seq, state: desired };
    }
    const update: DesiredStateUpdate = { base: this.lastSent };
    if (p.pools) update.storagePools = desiredStoragePools(state, this.nodeKey);
    // Only while files exist or this node still has some: otherwise there is nothing to say.
    if (p.files && (state.externalFiles.size > 0 || this.filesSent)) {
      update.extFiles = desiredExtFiles(state, this.nodeKey);
      this.filesSent = update.extFiles.length > 0;
    }
    const resources: DesiredResource[] = [];
    const removed: string[] = [];
    for (const rd of p.resources) {
      const r = desiredResourceOn(state, this.nodeKey, rd, hints);
      if (r) resources.push(r);
      else removed.push(state.resourceDefinitions.get(rd)?.name ?? this.removedName(state, rd));
    }
    if (resources.length) update.resources = resources;
    if (removed.length) update.removed = removed;
    if (p.snapshots.size) {
      update.snapshots = [...p.snapshots].map((rd) => ({
        resource: state.resourceDefinitions.get(rd)?.name ?? this.removedName(state, rd),
        snapshots: desiredSnapshots(state, this.nodeKey, rd),
      }));
    }
    for (const r of resources) this.names.set(nameKey(r.name), r.name);
    for (const n of removed) this.names.delete(nameKey(n));
    this.sent(seq);
    return { type: 'update', seq, update };
  }

  /** The connection is new (or gone): the next message is a full apply again. */
  reset(): void {
    this.lastSent = undefined;
    this.firstSent = undefined;
    this.pending = emptyDelta();
  }

  /** A report says resource `rdKey` is applied at `seq`: its change is no longer outstanding. */
  applied(rdKey: string, seq: number): void {
    const c = this.changeSeq.get(rdKey);
    if (c !== undefined && c <= seq) this.changeSeq.delete(rdKey);
  }

  /** Every message up to `seq` is applied. */
  appliedAll(seq: number): void {
    for (const [rd, c] of this.changeSeq) if (c <= seq) this.changeSeq.delete(rd);
  }

  private sent(seq: number): void {
    this.lastSent = seq;
    this.firstSent ??= seq;
  }

  /**
   * The satellite knows resources by their name as given; a definition deleted meanwhile has
   * only its key left, which is the name in upper case. Names are case-insensitive in
   * LINSTOR, and the satellite matches the names it created.
   */
  private removedName(state: ClusterState, rdKey: string): string {
    return this.names.get(rdKey) ?? state.resourceDefinitions.get(rdKey)?.name ?? rdKey;
  }

}

