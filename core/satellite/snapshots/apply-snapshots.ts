import type { Logger } from 'pino';
import type { DesiredNodeState, DesiredSnapshot, ReportedResource, ReportedSnapshot } from '../../model/satellite-protocol.js';
import type { CommandRunner } from '../../exec/index.js';
import { parseVolumeName, volumeName, type StorageProvider } from '../providers/provider.js';
import type { SatelliteErrorReporter } from '../errors/error-reporter.js';

/** drbdadm argv to hold and release writes of a resource while its snapshot is taken on every node. */
export const drbdSuspendArgv = {
  suspend: (rsc: string): string[] => ['drbdadm', 'suspend-io', rsc],
  resume: (rsc: string): string[] => ['drbdadm', 'resume-io', rsc],
};

export interface SnapshotApplyDeps {
  runner: CommandRunner;
  log: Logger;
  /** Writes an error report for a failed snapshot step (one per distinct failure). */
  errors?: SatelliteErrorReporter;
}

export interface SnapshotApplyScope {
  /** Only snapshots of this resource's volumes are looked at (`state.snapshots` lists its own). */
  only?: string;
  /** Remove what is not listed, take and roll back nothing (the orphan sweep). */
  removeOnly?: boolean;
}

/**
 * Brings the node's snapshots to the desired state after the resources were applied:
 * removes snapshots that are no longer listed, takes those marked `take` (suspending DRBD I/O
 * around it), rolls back those marked `rollback`, and adds what it found to each resource's
 * report. Without a `snapshots` list in the desired state nothing is touched.
 */
export async function applySnapshots(
  state: DesiredNodeState, providers: Map<string, StorageProvider>, reports: ReportedResource[], deps: SnapshotApplyDeps,
  scope: SnapshotApplyScope = {},
): Promise<void> {
  if (!state.snapshots) return;
  const wanted = new Set<string>();
  for (const s of state.snapshots) for (const v of s.volumes) wanted.add(key(v.storagePool, volumeName(s.resource, v.volumeNumber), s.name));

  const existing = new Set<string>();
  for (const [pool, p] of providers) {
    if (!p.listSnapshots) continue;
    let list: Array<{ volume: string; snapshot: string }>;
    try { list = await p.listSnapshots(); } catch (e) { deps.log.error({ err: e, pool }, 'listing snapshots failed'); continue; }
    for (const s of list) {
      if (scope.only !== undefined && parseVolumeName(s.volume)?.resource !== scope.only) continue;
      if (wanted.has(key(pool, s.volume, s.snapshot))) { existing.add(key(pool, s.volume, s.snapshot)); continue; }
      try {
        await p.deleteSnapshot!(s.volume, s.snapshot);
        deps.log.info({ pool, volume: s.volume, snapshot: s.snapshot }, 'removed snapshot that is not desired');
      } catch (e) {
        deps.log.error({ err: e, pool, volume: s.volume, snapshot: s.snapshot }, 'removing snapshot failed');
        deps.errors?.report(e, { action: `remove snapshot ${s.snapshot} of volume ${s.volume}`, dedupeKey: `snapshot-remove:${pool}/${s.volume}/${s.snapshot}` });
      }
    }
  }

  if (scope.removeOnly) return;
  for (const s of state.snapshots) {
    const report = reports.find((r) => r.name === s.resource);
    const result = await applyOne(s, providers, existing, report, deps);
    if (report) report.snapshots = [...(report.snapshots ?? []), result];
  }
}

async function applyOne(
  s: DesiredSnapshot, providers: Map<string, StorageProvider>, existing: Set<string>, report: ReportedResource | undefined, deps: SnapshotApplyDeps,
): Promise<ReportedSnapshot> {
  const plan: string[] = [];
  const isPresent = () => s.volumes.every((v) => existing.has(key(v.storagePool, volumeName(s.resource, v.volumeNumber), s.name)));
  try {
    if (s.take && !isPresent()) {
      // Without a DRBD kernel module the DRBD layer runs as a dry run: record what would run.
      const dry = report?.dryRun === true;
      const run = async (argv: string[]) => { if (dry) plan.push(argv.join(' ')); else await deps.runner.run(argv); };
      if (s.suspendIo) await run(drbdSuspendArgv.suspend(s.resource));
      try {
        for (const v of s.volumes) {
          const p = provider(providers, v.storagePool);
          await p.createSnapshot!(volumeName(s.resource, v.volumeNumber), s.name);
          existing.add(key(v.storagePool, volumeName(s.resource, v.volumeNumber), s.name));
        }
      } finally {
        if (s.suspendIo) await run(drbdSuspendArgv.resume(s.resource));
      }
    }
    if (s.rollback) {
      for (const v of s.volumes) await provider(providers, v.storagePool).rollbackSnapshot!(volumeName(s.resource, v.volumeNumber), s.name);
    }
    deps.errors?.clear(`snapshot:${s.resource}/${s.name}`);
    return { name: s.name, present: isPresent(), ...(plan.length ? { plan } : {}) };
  } catch (e) {
    deps.log.error({ err: e, resource: s.resource, snapshot: s.name }, 'snapshot operation failed');
    deps.errors?.report(e, { action: s.rollback ? `roll back to snapshot ${s.name}` : `take snapshot ${s.name}`, resource: s.resource, dedupeKey: `snapshot:${s.resource}/${s.name}` });
    return { name: s.name, present: isPresent(), error: (e as Error).message, ...(plan.length ? { plan } : {}) };
  }
}

function provider(providers: Map<string, StorageProvider>, pool: string): StorageProvider {
  const p = providers.get(pool);
  if (!p) throw new Error(`Storage pool '${pool}' is not known on this satellite.`);
  if (!p.createSnapshot || !p.rollbackSnapshot) throw new Error(`Storage driver '${p.kind}' does not support snapshots.`);
  return p;
}

function key(pool: string, volume: string, snapshot: string): string {
  return `${pool}\u0000${volume}\u0000${snapshot}`;
}
