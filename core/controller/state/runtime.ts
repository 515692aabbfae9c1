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
}

/**
 * What satellites report, kept in memory beside the desired state (never persisted, as in
 * LINSTOR: after a restart the satellites report again). Reads of lists use it directly and
 * never wait for a satellite.
 */
export class RuntimeState {
  readonly nodes = new Map<string, NodeRuntime>();
  /** key NODE/POOL */
  readonly pools = new Map<string, ReportedStoragePool>();
  /** key RD/NODE */
  readonly resources = new Map<string, ReportedResource>();
  /** Bumped whenever a reported pool or resource changes: list caches compare it. */
  version = 0;

  node(key: string): NodeRuntime {
    let n = this.nodes.get(key);
    if (!n) { n = { status: 'OFFLINE', pushedSeq: 0, appliedSeq: 0 }; this.nodes.set(key, n); }
    return n;
  }
}
