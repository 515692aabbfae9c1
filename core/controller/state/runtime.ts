import type { ReportedResource, ReportedStoragePool, SatelliteHello } from '../../model/satellite-protocol.js';

/** LINSTOR's node connection_status values. */
export type ConnectionStatus = 'OFFLINE' | 'CONNECTED' | 'ONLINE' | 'VERSION_MISMATCH' | 'HOSTNAME_MISMATCH' | 'AUTHENTICATION_ERROR' | 'OTHER_CONTROLLER' | 'UNKNOWN';

export interface NodeRuntime {
  status: ConnectionStatus;
  hello?: SatelliteHello;
  /** Why the link is not up (identity not proven, refused by the satellite). */
  lastError?: string;
  lastReportAt?: number;
  /** Sequence number of the last desired state pushed and the last one the satellite applied. */
  pushedSeq: number;
  appliedSeq: number;
  /** External files the satellite could not write at its last list (path → why). */
  extFileFailures?: Record<string, string>;
}

export type RuntimeListener = (table: 'runtime.resources' | 'runtime.pools', key: string, deleted: boolean) => void;

/** A Map that tells its owner about every set and delete (list caches patch what changed). */
class TrackedMap<V> extends Map<string, V> {
  constructor(private readonly onSet: (key: string, deleted: boolean) => void) { super(); }
  override set(key: string, value: V): this {
    super.set(key, value);
    // The Map constructor calls set() before onSet exists.
    this.onSet?.(key, false);
    return this;
  }
  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.onSet(key, true);
    return had;
  }
  override clear(): void {
    for (const k of [...this.keys()]) this.delete(k);
  }
}

/**
 * What satellites report, kept in memory beside the desired state (never persisted, as in
 * LINSTOR: after a restart the satellites report again). Reads of lists use it directly and
 * never wait for a satellite.
 */
export class RuntimeState {
  readonly nodes = new Map<string, NodeRuntime>();
  private readonly listeners: RuntimeListener[] = [];
  /** key NODE/POOL */
  readonly pools: Map<string, ReportedStoragePool> = new TrackedMap((k, d) => this.changed('runtime.pools', k, d));
  /** key RD/NODE */
  readonly resources: Map<string, ReportedResource> = new TrackedMap((k, d) => this.changed('runtime.resources', k, d));
  /** Bumped whenever a reported pool or resource changes: list caches compare it. */
  version = 0;

  /** Called on every set or delete of a reported pool or resource. */
  onChange(listener: RuntimeListener): void {
    this.listeners.push(listener);
  }

  private changed(table: 'runtime.resources' | 'runtime.pools', key: string, deleted: boolean): void {
    for (const l of this.listeners) l(table, key, deleted);
  }

  node(key: string): NodeRuntime {
    let n = this.nodes.get(key);
    if (!n) { n = { status: 'OFFLINE', pushedSeq: 0, appliedSeq: 0 }; this.nodes.set(key, n); }
    return n;
  }
}
