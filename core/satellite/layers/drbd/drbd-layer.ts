import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredNodeState, DesiredResource, DesiredVolume } from '../../../model/satellite-protocol.js';
import { drbdMinorDevice } from '../../../model/device-path.js';
import { isThinProvider } from '../../../model/provider-kinds.js';
import type { LayerKind } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import type { Layer, LayerApplyInput, LayerInput, LayerResult, LayerVolume } from '../layer.js';
import { detectDrbd } from './detect.js';
import { drbdadm, parseDryRunPlan, type DrbdadmTarget } from './drbdadm.js';
import { parseEvents2, type DrbdResourceState } from './events2.js';
import { grossSizeKib } from './metadata-size.js';
import { buildResFile, isLocalDiskless, resFileName, type LocalVolumeDevices } from './res-file.js';
import { stateToLayerResult } from './state-report.js';

export const DEFAULT_RES_DIR = '/var/lib/linstor.d';

export interface DrbdLayerOptions {
  runner: CommandRunner;
  log?: Logger;
  nodeName: string;
  /** --drbd-dry-run: drbdadm -d for everything that touches the kernel; the printed plan is recorded. */
  dryRun: boolean;
  /** Folder of the generated .res files (default /var/lib/linstor.d). */
  resourceDir?: string;
  /** Gives the external metadata device of a volume whose StorPoolNameDrbdMeta names a pool. */
  metaDevice?: (rsc: DesiredResource, vlm: DesiredVolume, pool: string) => Promise<string>;
  /** Where the kernel module shows itself (tests point it elsewhere). */
  procDrbd?: string;
}

/** What DRBD adds to the generic layer result: the dry-run marker and the plan drbdadm printed. */
export type DrbdLayerResult = LayerResult;

/** Test-only resource prop honoured in dry-run mode only: report the resource as Primary (in use). */
export const DRY_RUN_PRIMARY_PROP = 'Aux/test/primary';

/** Message every dry-run answer carries, so nobody mistakes it for replicated storage. */
export const DRY_RUN_NOTE = 'DRBD dry run (--drbd-dry-run): commands were printed by drbdadm -d, not executed; no kernel state changed.';

/**
 * The DRBD layer: writes `<resource>.res`, creates metadata for new volumes, then `drbdadm adjust`
 * (which is `up` for a resource the kernel does not know yet, and removes peers that left the file).
 * Idempotent: a repeated apply writes the same file, finds the metadata and adjusts to no change.
 */
export class DrbdLayer implements Layer {
  readonly kind: LayerKind = 'DRBD';
  readonly resourceDir: string;
  /** Last plan per resource in dry-run mode (for reports and tests). */
  readonly plans = new Map<string, string[]>();

  constructor(private readonly opts: DrbdLayerOptions) {
    this.resourceDir = opts.resourceDir ?? DEFAULT_RES_DIR;
  }

  supported(): Promise<Support> {
    // A dry run needs no kernel module: it is how DRBD resources are exercised on such machines.
    if (this.opts.dryRun) return Promise.resolve({ supported: true, reasons: [DRY_RUN_NOTE] });
    return detectDrbd(this.opts.runner, this.opts.procDrbd).then(({ supported, reasons }) => ({ supported, reasons }));
  }

  target(rsc: string): DrbdadmTarget {
    return { configFile: join(this.resourceDir, resFileName(rsc)), dryRun: this.opts.dryRun };
  }

  lowerSizeKib(resource: DesiredResource, volume: DesiredVolume, usableKib: number): number {
    if (hasExternalMeta(volume)) return usableKib;
    const d = resource.drbd;
    return grossSizeKib(usableKib, d?.peerSlots ?? 7, d?.alStripes, d?.alStripeSizeKib);
  }

  async prepare({ resource }: { resource: DesiredResource }): Promise<void> {
    if (!resource.drbd) throw new ApiError('FAIL_UNKNOWN_ERROR', `Resource '${resource.name}' uses the DRBD layer but has no DRBD data.`);
  }

  /** Writes the .res file atomically after drbdadm accepted it (a broken file must never replace a good one). */
  async writeResFile(resource: DesiredResource, devices: Record<number, LocalVolumeDevices>): Promise<string> {
    const text = buildResFile({ resource, localNodeName: this.opts.nodeName, devices });
    await mkdir(this.resourceDir, { recursive: true });
    const final = join(this.resourceDir, resFileName(resource.name));
    const tmp = `${final}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 }); // holds the shared secret
    try {
      await this.opts.runner.run(drbdadm.dump({ configFile: tmp, dryRun: false }, resource.name), { quiet: true });
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await rename(tmp, final);
    return final;
  }

  async apply({ resource, state, lower }: LayerApplyInput): Promise<DrbdLayerResult> {
    await this.prepare({ resource });
    const plan: string[] = [];
    const t = this.target(resource.name);
    const diskless = isLocalDiskless(resource);
    const devices: Record<number, LocalVolumeDevices> = {};
    for (const v of resource.volumes) {
      const below = lower.get(v.volumeNumber);
      const dev: LocalVolumeDevices = {};
      if (!diskless && below?.devicePath) dev.backingDevice = below.devicePath;
      if (!diskless && hasExternalMeta(v)) dev.metaDevice = await this.externalMeta(resource, v);
      devices[v.volumeNumber] = dev;
    }
    await this.writeResFile(resource, devices);

    // Metadata lives on the backing disk, not in the kernel: it is created for real even in dry-run mode.
    const newVolumes: number[] = [];
    if (!diskless) {
      for (const v of resource.volumes) {
        const d = resource.drbd!;
        const argv = drbdadm.createMd({ ...t, dryRun: false }, resource.name, v.volumeNumber, d.peerSlots,
          { stripes: d.alStripes, stripeSizeKib: d.alStripeSizeKib });
        // A layer below that also ran dry (LUKS open without device-mapper) has no device to write to.
        const backing = devices[v.volumeNumber]?.backingDevice;
        if (this.opts.dryRun && backing && !existsSync(backing)) {
          plan.push(`# not executed (${backing} exists only in the dry run of the layer below): ${argv.join(' ')}`);
          continue;
        }
        if (await this.hasMetadata(t, resource.name, v.volumeNumber)) continue;
        await this.opts.runner.run(argv);
        plan.push(`# executed: ${argv.join(' ')}`);
        newVolumes.push(v.volumeNumber);
      }
    }

    plan.push(...await this.kernel(drbdadm.adjust(t, resource.name)));

    // A new thin volume reads as zeroes on every node: skip the initial sync, once, from the lowest diskful node-id.
    for (const vlmNr of newVolumes) {
      const v = resource.volumes.find((x) => x.volumeNumber === vlmNr)!;
      if (isThin(state, v) && this.isLowestDiskfulNode(resource)) {
        plan.push(...await this.kernel(drbdadm.newCurrentUuidClearBitmap(t, resource.name, vlmNr)));
      }
    }

    if (this.opts.dryRun) {
      // Nothing is ever Primary in a dry run; tests that need an in-use resource (auto-diskful)
      // set Aux/test/primary on it, and the plan shows the promotion that stands in for a real one.
      const standInPrimary = (resource.props[DRY_RUN_PRIMARY_PROP] ?? '').toLowerCase() === 'true';
      if (standInPrimary) {
        plan.push(`# ${DRY_RUN_PRIMARY_PROP}=true: reported as Primary (in use) although nothing was promoted`);
        plan.push(...await this.kernel(drbdadm.primary(t, resource.name)));
      }
      plan.unshift(`# ${DRY_RUN_NOTE}`);
      this.plans.set(resource.name, plan);
      return { ...dryRunResult(resource, lower), dryRun: true, plan, ...(standInPrimary ? { inUse: true } : {}) };
    }
    const drbdState = await this.status(resource.name);
    return stateToLayerResult(resource, drbdState, lower);
  }

  /** Promotes the resource (e.g. first primary of a new resource with `force` to make its data UpToDate). */
  async primary(rsc: string, force = false): Promise<string[]> {
    return this.kernel(drbdadm.primary(this.target(rsc), rsc, force));
  }

  async secondary(rsc: string): Promise<string[]> {
    return this.kernel(drbdadm.secondary(this.target(rsc), rsc));
  }

  /** Grows the DRBD device after the layer below grew; thin volumes need no resync of the new area. */
  async resize(resource: DesiredResource, state: DesiredNodeState, vlmNr: number): Promise<string[]> {
    const v = resource.volumes.find((x) => x.volumeNumber === vlmNr);
    return this.kernel(drbdadm.resize(this.target(resource.name), resource.name, vlmNr, v ? isThin(state, v) : false));
  }

  /** Inactive: the resource goes down; its .res file and metadata stay for the reactivation. */
  async deactivate({ resource }: LayerInput): Promise<void> {
    const t = this.target(resource.name);
    if (!existsSync(t.configFile)) return;
    const plan = await this.kernel(drbdadm.down(t, resource.name));
    if (this.opts.dryRun) this.plans.set(resource.name, plan);
  }

  async remove(resourceName: string): Promise<void> {
    const t = this.target(resourceName);
    if (existsSync(t.configFile)) {
      const plan = await this.kernel(drbdadm.down(t, resourceName));
      if (this.opts.dryRun) this.plans.set(resourceName, plan);
      await rm(t.configFile, { force: true });
      return;
    }
    // No .res file (crash between down and rm, or never written): drbdsetup needs no config;
    // exit code 10 ("unknown resource") means it is already down.
    const argv = ['drbdsetup', 'down', resourceName];
    if (this.opts.dryRun) this.plans.set(resourceName, [argv.join(' ')]);
    else await this.opts.runner.run(argv, { okExitCodes: [0, 10] });
  }

  async listResources(): Promise<string[]> {
    const files = await readdir(this.resourceDir).catch(() => [] as string[]);
    return files.filter((f) => f.endsWith('.res')).map((f) => f.slice(0, -4));
  }

  /** Current kernel state of one resource from `drbdsetup events2 --now --statistics`. */
  async status(rsc: string): Promise<DrbdResourceState | undefined> {
    const r = await this.opts.runner.run(['drbdsetup', 'events2', '--now', '--statistics', rsc], { quiet: true, okExitCodes: [0, 10] });
    return parseEvents2(r.stdout).get(rsc);
  }

  private async hasMetadata(t: DrbdadmTarget, rsc: string, vlm: number): Promise<boolean> {
    try {
      await this.opts.runner.run(drbdadm.getGi({ ...t, dryRun: false }, rsc, vlm), { quiet: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs a kernel-touching drbdadm command, or in dry-run mode returns the plan it printed. */
  private async kernel(argv: string[]): Promise<string[]> {
    const r = await this.opts.runner.run(argv);
    if (!this.opts.dryRun) return [];
    const plan = parseDryRunPlan(r.stdout);
    this.opts.log?.info({ cmd: argv.join(' '), plan }, 'DRBD dry run: plan recorded');
    return plan;
  }

  private isLowestDiskfulNode(resource: DesiredResource): boolean {
    const d = resource.drbd!;
    return d.peers.filter((p) => !p.diskless).every((p) => p.nodeId > d.nodeId);
  }

  private async externalMeta(resource: DesiredResource, v: DesiredVolume): Promise<string> {
    const pool = v.props['StorPoolNameDrbdMeta']!;
    if (!this.opts.metaDevice) {
      throw new ApiError('FAIL_UNKNOWN_ERROR', `Volume ${v.volumeNumber} of '${resource.name}' wants external DRBD metadata in pool '${pool}', but this satellite cannot create it.`, {
        correction: "Unset 'StorPoolNameDrbdMeta' (internal metadata) or use a satellite with external metadata support.",
      });
    }
    return this.opts.metaDevice(resource, v, pool);
  }
}

function hasExternalMeta(v: DesiredVolume): boolean {
  const pool = v.props['StorPoolNameDrbdMeta'];
  return !!pool && pool !== '.internal';
}

function isThin(state: DesiredNodeState, v: DesiredVolume): boolean {
  const pool = state.storagePools.find((p) => p.name === v.storagePool);
  return !!pool && isThinProvider(pool.providerKind);
}

/** In dry-run mode nothing is up: devices are the ones DRBD would create, states say what they would be. */
function dryRunResult(resource: DesiredResource, lower: Map<number, LayerVolume>): LayerResult {
  const volumes = new Map<number, LayerVolume>();
  const diskless = isLocalDiskless(resource);
  for (const v of resource.volumes) {
    const below = lower.get(v.volumeNumber);
    volumes.set(v.volumeNumber, {
      volumeNumber: v.volumeNumber,
      devicePath: v.minorNumber !== undefined ? drbdMinorDevice(v.minorNumber) : undefined,
      backingDevice: diskless ? undefined : below?.devicePath,
      usableSizeKib: v.sizeKib,
      allocatedSizeKib: below?.allocatedSizeKib,
      diskState: diskless ? 'Diskless' : 'UpToDate',
    });
  }
  const conns: NonNullable<LayerResult['drbdConnections']> = {};
  // Short, as `resource list` prints it per peer; the plan carries the full note.
  for (const p of resource.drbd?.peers ?? []) conns[p.nodeName] = { connected: false, message: 'Unknown' }; // a dry run connects nothing (a value of the spec's enum)
  // Nothing is promoted in a dry run: the resource is reported unused (not "unknown").
  return { volumes, drbdConnections: conns, inUse: false };
}
