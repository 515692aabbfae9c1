import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type {
  DesiredNodeState, DesiredStateUpdate, NodeReport, ReportedResource, ReportedStoragePool,
} from '../../model/satellite-protocol.js';
import type { CommandRunner } from '../../exec/index.js';
import type { LayerRegistry } from '../layers/registry.js';
import { InventoryProvider } from '../providers/inventory.js';
import { LoopInventory } from '../providers/loop-devices.js';
import { clashingPoolFolders } from '../providers/pool-folder.js';
import type { ProviderContext, StorageProvider } from '../providers/provider.js';
import { createProvider } from '../providers/registry.js';
import { applySnapshots } from '../snapshots/apply-snapshots.js';
import { DesiredModel } from './desired-model.js';
import { refreshAllocated } from './allocated.js';
import { ReportTracker, type PendingReport } from './report-tracker.js';
import type { SatelliteErrorReporter } from '../errors/error-reporter.js';
import { inUseProbe } from './device-in-use.js';
import { applyResource, errorInfo, removeResource, secretsOf } from './resource-apply.js';
import { AppliedVersions, ResourceQueue } from './resource-queue.js';
import { sweepOrphans } from './sweep.js';
import { qosVolumes, type QosThrottler } from '../qos/throttler.js';

export const DEFAULT_APPLY_CONCURRENCY = 4;

export interface ReconcilerDeps {
  runner: CommandRunner;
  log: Logger;
  layers: LayerRegistry;
  /** Resources applied at the same time (default 4); one resource never runs twice at once. */
  concurrency?: number;
  /** Writes an error report for every failed apply or removal (one per distinct failure). */
  errors?: SatelliteErrorReporter;
  /** Extra provider context (a benchmark's wait for device nodes that never appear). */
  providerContext?: Pick<ProviderContext, 'waitForDevice'>;
  /** Sets the QoS limits of the volumes' backing devices (absent: limits are not applied). */
  qos?: QosThrottler;
}

/**
 * Turns the node's desired state into devices, one resource at a time per resource and up to
 * `concurrency` resources at once. A full apply (connect, consistency check, resync) re-lists
 * every inventory, removes what nobody wants (orphans of a crash, devices that drifted) and
 * walks every resource; an update walks only the resources it changed. Every walk is
 * idempotent: a crash between any two commands leaves a state the next walk completes.
 */

export class Reconciler {
  private readonly model = new DesiredModel();
  private readonly providers = new Map<string, InventoryProvider>();
  private readonly loops: LoopInventory;
  private readonly queue: ResourceQueue;
  readonly versions = new AppliedVersions();
  private readonly reports = new ReportTracker();
  /** Last result per resource that is to exist (or failed to go away). */
  private readonly results = new Map<string, ReportedResource>();
  /** The secrets of every resource this node holds (masked in SOS reports). */
  knownSecrets(): string[] {
    return [...this.model.resources.values()].flatMap((r) => secretsOf(r));
  }

  /** Seq of the model: the last message merged into it. */
  version = 0;
  private localSeq = 0;
  /** FILE pools whose folders clash after resolving symlinks: pool → why it is left alone. */
  private refusals = new Map<string, string>();
  private progress: () => void = () => {};

  constructor(private readonly deps: ReconcilerDeps) {
    this.loops = new LoopInventory(deps.runner);
    this.queue = new ResourceQueue(deps.concurrency ?? DEFAULT_APPLY_CONCURRENCY, (name) => this.runResource(name));
  }

  get busy(): boolean { return this.queue.busy; }

  /** The provider of a pool this node holds, for backups (throws when unknown here). */
  provider(pool: string): StorageProvider {
    const p = this.providers.get(pool);
    if (!p) throw new ApiError('FAIL_NOT_FOUND_STOR_POOL', `Storage pool '${pool}' is not known on this satellite.`, { correction: 'Wait until the satellite got its desired state, or name a pool of this node.' });
    return p;
  }

  /** `listener` is called whenever a report may be ready (see takeReport). */
  onProgress(listener: () => void): void { this.progress = listener; }

  /** Replaces the desired state and walks everything; the report after it is a full one. */
  applyFull(state: DesiredNodeState, seq: number): void {
    this.version = seq;
    const change = this.model.replace(state);
    this.updateProviders(change.pools);
    // Everything is listed again: this is where drift behind the satellite's back is seen.
    this.loops.refresh();
    for (const p of this.providers.values()) p.refresh();
    this.versions.reset();
    this.versions.expect(seq, change.resources);
    this.reports.fullAt(seq);
    void this.queue.exclusive(() => sweepOrphans(this.model, this.providers, this.deps)).catch((e: unknown) =>
      this.deps.log.error({ err: e }, 'removing orphans failed'))
      // A node without resources is applied once the sweep is done: its (full) report is due now.
      .finally(() => this.progress());
    for (const name of change.resources) this.queue.schedule(name);
    this.deps.log.info({ seq, resources: change.resources.size }, 'full apply scheduled');
  }

  /** Patches the desired state; only what changed is walked. The caller checked `base`. */
  applyUpdate(u: DesiredStateUpdate, seq: number): void {
    this.version = seq;
    const change = this.model.update(u, (name) => this.results.get(name)?.error !== undefined);
    this.updateProviders(change.pools);
    // updateProviders may add pools whose folder clash changed: their resources are walked again.
    if (change.pools.size) for (const r of this.model.resources.values()) {
      if (r.volumes.some((v) => change.pools.has(v.storagePool))) { change.resources.add(r.name); change.repeated.delete(r.name); }
    }
    for (const p of change.pools) this.reports.poolTouched(p);
    this.versions.expect(seq, [...change.resources, ...change.repeated]);
    // Repeats of a state already applied (a peer's change that left this resource as it was)
    // cost nothing, unless a run of an older state is still going: then it runs once more.
    for (const name of change.repeated) {
      if (this.queue.has(name)) this.queue.schedule(name);
      else this.finish(name, this.versions.startVersion(name));
    }
    for (const name of change.resources) this.queue.schedule(name);
    if (!change.resources.size && !change.repeated.size) this.progress();
  }

  /** Full apply that resolves with the whole report once done (tests, one-shot use). */
  async apply(state: DesiredNodeState): Promise<NodeReport> {
    const seq = Math.max(this.version, this.localSeq) + 1;
    this.localSeq = seq;
    this.applyFull(state, seq);
    await this.queue.idle();
    return this.fullReport();
  }

  /** What to report now: undefined when nothing changed since the last report. */
  async takeReport(): Promise<PendingReport | undefined> {
    return this.reports.take(this.versions.watermark, this.results, this.model.nodeName, (names) => this.poolReport(names), [...this.providers.keys()]);
  }

  async fullReport(): Promise<NodeReport> {
    return { nodeName: this.model.nodeName, storagePools: await this.poolReport([...this.providers.keys()]), resources: [...this.results.values()] };
  }

  /**
   * The periodic refresh while idle: thin volumes fill up as data is written, so their
   * allocated sizes are listed again (one listing per pool) and pool capacities re-read.
   */
  async refreshForReport(): Promise<void> {
    if (this.queue.busy) return;
    const updated = await refreshAllocated(this.model, this.providers, this.results, this.deps.log);
    updated.push(...this.refreshInUse());
    for (const name of updated) if (!this.queue.has(name)) this.reports.resourceDone(name, this.versions.applied.get(name) ?? 0);
    for (const p of this.providers.keys()) this.reports.poolTouched(p);
  }

  /**
   * A device mounted or released after its last apply (a CSI unstage, a VM stopped) changes no
   * desired state, so its in-use flag is read again here. DRBD reports its own role instead.
   */
  private refreshInUse(): string[] {
    const changed: string[] = [];
    const isInUse = inUseProbe();
    for (const [name, r] of this.results) {
      if (!r.ready || r.dryRun || r.drbdConnections !== undefined || this.queue.has(name)) continue;
      const inUse = r.volumes.some((v) => v.devicePath !== undefined && isInUse(v.devicePath));
      if (inUse !== (r.inUse ?? false)) { this.results.set(name, { ...r, inUse }); changed.push(name); }
    }
    return changed;
  }

  private async runResource(name: string): Promise<void> {
    const version = this.versions.startVersion(name);
    const state = this.model.scoped(name);
    const wanted = this.model.wanted(name);
    const { log } = this.deps;
    try {
      if (!wanted) {
        try {
          this.deps.qos?.clear(name);
          await removeResource(this.deps.layers, name, state);
          this.results.delete(name);
          this.model.removed(name);
          this.deps.errors?.clear(`remove:${name}`);
        } catch (e) {
          log.error({ err: e, resource: name }, 'removing resource failed');
          this.results.set(name, { name, ready: false, volumes: [], error: errorInfo(e) });
          this.deps.errors?.report(e, { action: 'remove resource', resource: name, secrets: secretsOf(state.resources[0]), dedupeKey: `remove:${name}` });
        }
        // Snapshots of a resource that is gone still follow their list (a restore source).
        await applySnapshots(state, this.providers, [], this.deps, { only: name });
      } else {
        let failure: unknown;
        const onFailure = (e: unknown) => { failure = e; };
        let result = await applyResource(this.deps.layers, log, wanted, state, onFailure);
        if (result.error && this.relistPoolsOf(name)) {
          // The inventory may be stale (a device detached behind our back): list again, retry once.
          failure = undefined;
          result = await applyResource(this.deps.layers, log, wanted, state, onFailure);
        }
        if (!result.error && this.deps.qos) {
          try {
            this.deps.qos.apply(name, qosVolumes(wanted, result));
          } catch (e) {
            log.error({ err: e, resource: name }, 'applying QoS limits failed');
            failure = e;
            result = { ...result, ready: false, error: errorInfo(e) };
          }
        }
        // Only the failure that stands after the retry is reported.
        if (result.error && failure !== undefined) {
          this.deps.errors?.report(failure, { action: 'apply resource', resource: name, secrets: secretsOf(wanted), dedupeKey: `apply:${name}` });
        } else if (!result.error) this.deps.errors?.clear(`apply:${name}`);
        await applySnapshots(state, this.providers, [result], this.deps, { only: name })
          .catch((e: unknown) => log.error({ err: e, resource: name }, 'applying snapshots failed'));
        this.results.set(name, result);
      }
    } finally {
      for (const v of state.resources[0]?.volumes ?? []) this.reports.poolTouched(v.storagePool);
      this.finish(name, version);
    }
  }

  private finish(name: string, version: number): void {
    this.versions.finished(name, version);
    if (!this.model.wanted(name) && !this.results.has(name)) this.versions.forget(name);
    this.reports.resourceDone(name, version);
    this.progress();
  }

  /** Forgets the listings of the pools `name` uses; false when it uses none. */
  private relistPoolsOf(name: string): boolean {
    const pools = new Set(this.model.resources.get(name)?.volumes.map((v) => v.storagePool) ?? []);
    for (const p of pools) this.providers.get(p)?.refresh();
    if (pools.size) this.loops.refresh();
    return pools.size > 0;
  }

  /** Makes providers for new or changed pools (each keeps its own inventory), drops removed ones. */
  private updateProviders(changed: Set<string>): void {
    if (changed.size) {
      // A pool's folder may now clash with another's (or stop clashing): those get new providers too.
      const before = this.refusals;
      this.refusals = clashingPoolFolders(this.model.pools.values(), this.model.props);
      for (const name of new Set([...before.keys(), ...this.refusals.keys()])) {
        if (before.get(name) !== this.refusals.get(name)) changed.add(name);
      }
      for (const [pool, why] of this.refusals) this.deps.log.error({ pool }, `storage pool refused: ${why}`);
    }
    for (const name of changed) {
      const pool = this.model.pools.get(name);
      if (!pool) { this.providers.delete(name); continue; }
      this.providers.set(name, new InventoryProvider(createProvider({
        ...this.deps.providerContext, runner: this.deps.runner, pool, log: this.deps.log, nodeProps: this.model.props, loops: this.loops,
        nodeName: this.model.nodeName, refusal: this.refusals.get(name),
      })));
    }
    if (changed.size) this.deps.layers.storage.setProviders(this.providers as Map<string, StorageProvider>);
  }

  private async poolReport(names: Iterable<string>): Promise<ReportedStoragePool[]> {
    const out: ReportedStoragePool[] = [];
    for (const name of names) {
      const p = this.providers.get(name);
      if (!p) continue;
      const reflink = p.reflinkSupported ? await p.reflinkSupported().catch(() => false) : undefined;
      const base = { name, providerKind: p.kind, supportsSnapshots: p.supportsSnapshots, ...(reflink !== undefined ? { reflink } : {}) };
      try {
        out.push({ ...base, ...(await p.capacity()) });
        this.deps.errors?.clear(`pool:${name}`);
      } catch (e) {
        out.push({ ...base, freeCapacityKib: 0, totalCapacityKib: 0, error: (e as Error).message });
        // Polled every report interval: one report per distinct failure, not one per poll.
        this.deps.errors?.report(e, { action: `read the capacity of storage pool ${name}`, dedupeKey: `pool:${name}` });
      }
    }
    return out;
  }
}
