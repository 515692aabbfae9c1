/**
 * A snapshot (LINSTOR's SnapshotDefinition with its per-node Snapshots), stored in
 * `state.snapshots` keyed `RD/SNAP` (nameKey of both). Data lives on the satellites; this is
 * the desired and recorded state: which nodes hold it, how big each volume was, and its flags.
 */
import type { Props } from './types.js';

/**
 * SUCCESSFUL once every node took it; FAILED_DEPLOYMENT when a node could not; AUTO_SNAPSHOT from
 * the scheduler; SHIPPING while shipped to another node of this cluster, SHIPPED once it arrived.
 */
export type SnapshotFlag = 'SUCCESSFUL' | 'FAILED_DEPLOYMENT' | 'FAILED_DISCONNECT' | 'DELETE' | 'AUTO_SNAPSHOT' | 'SHIPPING' | 'SHIPPED';

export interface SnapshotVolumeDefinition {
  volumeNumber: number;
  sizeKib: number;
  props: Props;
}

export interface SnapshotNode {
  nodeName: string;
  /** Storage pool of each volume on this node (by volume number), fixed when the snapshot is taken. */
  storagePools: Record<string, string>;
  /** Layers of the resource on this node when it was taken (DRBD means I/O was suspended around it). */
  layerStack: string[];
  createTimestamp: number;
  flags: string[];
  props: Props;
  uuid: string;
}

export interface Snapshot {
  name: string;
  resourceName: string;
  flags: SnapshotFlag[];
  props: Props;
  volumeDefinitions: SnapshotVolumeDefinition[];
  nodes: SnapshotNode[];
  /** Order of creation within the resource definition: rollback is allowed only to the highest. */
  sequence: number;
  /** Set while the satellites are asked to take it / roll back to it (cleared when done). */
  take?: boolean;
  rollback?: boolean;
  uuid: string;
}

export function snapshotKey(rdKey: string, snapKey: string): string {
  return `${rdKey}/${snapKey}`;
}
