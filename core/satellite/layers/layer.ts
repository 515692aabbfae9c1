import type { Logger } from 'pino';
import type { DesiredNodeState, DesiredResource, DesiredVolume, ReportedResource } from '../../model/satellite-protocol.js';
import type { LayerKind } from '../../model/types.js';
import type { CommandRunner } from '../../exec/index.js';
import type { Support } from '../providers/provider.js';

/**
 * A layer knows how to stack one kind of device (DRBD, LUKS, ..., STORAGE) on the devices of
 * the layer below it (LINSTOR's DeviceLayer). The reconciler walks a resource's layer stack:
 *   prepare()  top → bottom, before anything is created (validate, fail early);
 *   lowerSizeKib() top → bottom, to know how big each lower device must be;
 *   apply()    bottom → top, each layer handed the device paths of the layer below;
 *   remove()   top → bottom, when the resource is no longer desired on this node;
 *   deactivate() top → bottom, instead of apply while the resource is INACTIVE.
 * Every call must be idempotent: after a crash the reconciler repeats the whole walk.
 *
 * Other layers are plugged in without touching the reconciler: a module at
 * `core/satellite/layers/<kind lower-case>/index.ts` that exports
 * `createLayer(ctx: LayerContext): Layer` is loaded by main.ts at start (see registry.ts).
 */
export interface Layer {
  readonly kind: LayerKind;
  /** Whether this node can run the layer, and why not ("DRBD kernel module not loaded"). */
  supported(): Promise<Support>;
  /** Validates the resource before any device is created; throw an ApiError to stop it. */
  prepare?(input: LayerInput): Promise<void>;
  /** Size the layer below must provide so this layer offers `usableKib` (DRBD adds its metadata). */
  lowerSizeKib?(resource: DesiredResource, volume: DesiredVolume, usableKib: number): number;
  /** Brings the resource's devices of this layer to the desired state on top of `lower`. */
  apply(input: LayerApplyInput): Promise<LayerResult>;
  /**
   * The resource is INACTIVE (`resource deactivate`, or a shared volume another node holds):
   * stop this layer's devices but keep their data and configuration. Layers without it keep
   * their devices as they are.
   */
  deactivate?(input: LayerInput): Promise<void>;
  /** Tears this layer's part of the resource down; a resource that is already gone is not an error. */
  remove(resourceName: string, state: DesiredNodeState): Promise<void>;
  /** Resources this layer has on the node right now, so orphans left by a crash are removed. */
  listResources?(): Promise<string[]>;
}

export interface LayerInput {
  resource: DesiredResource;
  state: DesiredNodeState;
}

export interface LayerApplyInput extends LayerInput {
  /** The devices of the layer below, by volume number (empty for the bottom layer). */
  lower: Map<number, LayerVolume>;
  /** Size in KiB this layer must offer per volume number (the layer above already asked for its overhead). */
  sizesKib: Map<number, number>;
}

export interface LayerVolume {
  volumeNumber: number;
  devicePath?: string;
  backingDevice?: string;
  allocatedSizeKib?: number;
  usableSizeKib?: number;
  /** UpToDate, Diskless, Inconsistent, Failed, ... */
  diskState: string;
  replicationStates?: Record<string, { replication_state: string; done_percentage?: number }>;
}

export interface LayerResult {
  volumes: Map<number, LayerVolume>;
  inUse?: boolean;
  drbdConnections?: ReportedResource['drbdConnections'];
  /** A dry-run layer says so, with the commands it would have run. */
  dryRun?: boolean;
  plan?: string[];
}

export interface LayerContext {
  runner: CommandRunner;
  log: Logger;
  nodeName: string;
  /** From --drbd-dry-run: write configs and construct commands, but do not touch the kernel. */
  dryRun: boolean;
}
