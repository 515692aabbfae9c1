/**
 * Backup transfers the controller is coordinating right now (memory only: after a controller
 * restart nothing is "shipping"; a transfer whose metadata was never written is not a backup).
 */
import type { ClusterState } from '../state/cluster-state.js';

export interface RunningJob {
  jobId: string;
  kind: 'create' | 'restore';
  remote: string;
  rscName: string;
  snapName: string;
  nodeName: string;
  backupId: string;
  basedOn?: string;
  startTimestamp: number;
  done: Promise<void>;
  /** Waiting for a slot on its node (BackupShipping/MaxConcurrentBackupsPerNode). */
  queued?: boolean;
  /** Set when `done` settles: whether the backup was completed (metadata written). */
  succeeded?: boolean;
}

const jobs = new WeakMap<ClusterState, Map<string, RunningJob>>();

export function runningJobs(state: ClusterState): Map<string, RunningJob> {
  let m = jobs.get(state);
  if (!m) { m = new Map(); jobs.set(state, m); }
  return m;
}
