import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredNodeState, DesiredResource, DesiredVolume } from '../../../model/satellite-protocol.js';
import type { LayerKind, Props } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import type { Layer, LayerApplyInput, LayerResult, LayerVolume } from '../layer.js';
import { dmsetup, dmTargetSupport, DmRunner, type AllocateDevice, type ReleaseDevice } from './dmsetup.js';

export interface StackedDmLayerOptions {
  runner: CommandRunner;
  log?: Logger;
  dryRun: boolean;
  /** Extra volumes (cache data, metadata) come from other storage pools through the providers. */
  allocate?: AllocateDevice;
  release?: ReleaseDevice;
}

/** A volume a caching layer takes from another pool: which pool, its name there, its size. */
export interface ExtraVolume { pool: string; name: string; sizeKib: number }

/**
 * A device-mapper target stacked on the device below (CACHE, WRITECACHE): for each volume,
 * allocate its extra volumes from other pools, create `/dev/mapper/<name>` with a table over
 * the lower device, and on removal tear the mapping down, then release the extra volumes.
 * A mapping that exists is left as it is, so a repeated apply after a crash creates nothing
 * twice. Subclasses say which target, which props and which table.
 */
export abstract class StackedDmLayer<Settings> implements Layer {
  abstract readonly kind: LayerKind;
  /** The device-mapper target and the kernel module that provides it. */
  protected abstract readonly target: { name: string; module: string };
  readonly dm: DmRunner;
  constructor(protected readonly opts: StackedDmLayerOptions) {
    this.dm = new DmRunner(opts.runner, opts.dryRun, opts.log);
  }

  /** Reads and checks the layer's props for one volume (throws FAIL_INVLD_PROP). */
  protected abstract settings(props: Props, originKib: number): Settings;
  protected abstract deviceName(resource: string, volumeNumber: number): string;
  /** Volumes to allocate from other pools, in the order their devices are handed to table(). */
  protected abstract extraVolumes(resource: string, volumeNumber: number, s: Settings): ExtraVolume[];
  protected abstract table(originSectors: number, origin: string, extraDevices: string[], s: Settings): string;
  /** The extra volumes to release on removal, read from the props alone (settings may no longer validate). */
  protected abstract releaseVolumes(resource: string, volumeNumber: number, props: Props): Array<{ pool: string; name: string }>;
  /** Commands to run on an existing mapping before it is removed (dm-writecache flushes). */
  protected beforeRemove(_deviceName: string): string[][] { return []; }

  supported(): Promise<Support> {
    return dmTargetSupport(this.opts.runner, this.target.name, this.target.module);
  }

  async apply({ resource, lower }: LayerApplyInput): Promise<LayerResult> {
    const volumes = new Map<number, LayerVolume>();
    for (const v of resource.volumes) {
      const below = lower.get(v.volumeNumber);
      if (!below?.devicePath) { volumes.set(v.volumeNumber, { volumeNumber: v.volumeNumber, diskState: below?.diskState ?? 'Diskless' }); continue; }
      const originKib = below.usableSizeKib ?? v.sizeKib;
      const s = this.settings(volumeProps(resource, v), originKib);
      const name = this.deviceName(resource.name, v.volumeNumber);
      if (!(await this.dm.exists(resource.name, name))) {
        if (!this.opts.allocate) {
          throw new ApiError('FAIL_UNKNOWN_ERROR', `The ${this.kind} layer cannot allocate its cache volumes on this satellite.`, {
            correction: `Run a satellite whose main module wires the ${this.kind.toLowerCase()} layer to the storage providers.`,
          });
        }
        const devices: string[] = [];
        for (const x of this.extraVolumes(resource.name, v.volumeNumber, s)) devices.push(await this.opts.allocate(x.pool, x.name, x.sizeKib));
        await this.dm.run(resource.name, dmsetup.create(name, this.table(originKib * 2, below.devicePath, devices, s)));
      }
      volumes.set(v.volumeNumber, { ...below, devicePath: `/dev/mapper/${name}`, backingDevice: below.devicePath, usableSizeKib: originKib });
    }
    return { volumes };
  }

  async remove(resourceName: string, state: DesiredNodeState): Promise<void> {
    const rsc = state.resources.find((r) => r.name === resourceName);
    for (const v of rsc?.volumes ?? []) {
      const name = this.deviceName(resourceName, v.volumeNumber);
      if (this.opts.dryRun || (await this.dm.exists(resourceName, name))) {
        for (const argv of this.beforeRemove(name)) await this.dm.run(resourceName, argv);
        await this.dm.run(resourceName, dmsetup.remove(name));
      }
      if (!this.opts.release) continue;
      for (const x of this.releaseVolumes(resourceName, v.volumeNumber, volumeProps(rsc!, v))) await this.opts.release(x.pool, x.name);
    }
  }
}

/** Volume props win over the resource's. */
function volumeProps(r: DesiredResource, v: DesiredVolume): Props {
  return { ...r.props, ...v.props };
}
