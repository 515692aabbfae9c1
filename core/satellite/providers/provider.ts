import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type { DesiredStoragePool } from '../../model/satellite-protocol.js';
import type { Props, ProviderKind } from '../../model/types.js';
import type { CommandRunner } from '../../exec/index.js';
import type { LoopInventory } from './loop-devices.js';
import type { NativeStreams } from './native-streams.js';

/**
 * A provider knows one kind of disk (LINSTOR's StorageProvider): it creates, grows, lists and
 * deletes the volumes of ONE storage pool. Every call is idempotent, so the reconciler can
 * repeat any step after a crash. A new provider is one file implementing this interface.
 */
export interface StorageProvider {
  readonly kind: ProviderKind;
  readonly pool: DesiredStoragePool;
  readonly supportsSnapshots: boolean;
  /** Whether this node can host pools of this kind at all, and why not. */
  supported(): Promise<Support>;
  capacity(): Promise<PoolCapacity>;
  /** Volumes in this pool whose name looks like ours (`<resource>_<5 digits>`). */
  listVolumes(): Promise<ProviderVolume[]>;
  /** Creates (or completes a half-created) volume; returns it when it already exists. */
  create(name: string, sizeKib: number, volumeProps?: Props): Promise<ProviderVolume>;
  /** Grows the volume to at least sizeKib while it may be in use; never shrinks. */
  resize(name: string, sizeKib: number): Promise<ProviderVolume>;
  /** Removes the volume and everything attached to it; a missing volume is not an error. */
  delete(name: string): Promise<void>;
  /** Shared pools: deactivates the volume on this node only (other nodes keep using it). */
  release?(name: string): Promise<void>;
  devicePath(name: string): Promise<string | undefined>;
  // ---- Snapshots (absent when supportsSnapshots is false: thick FILE and LVM). ----
  /** Takes snapshot `snapshot` of volume `volume`; an existing snapshot is kept as it is. */
  createSnapshot?(volume: string, snapshot: string): Promise<void>;
  /** Removes the snapshot; a missing one is not an error. */
  deleteSnapshot?(volume: string, snapshot: string): Promise<void>;
  /** Snapshots in this pool as `{volume, snapshot}` (volume = `<resource>_<vlmnr>`). */
  listSnapshots?(): Promise<Array<{ volume: string; snapshot: string }>>;
  /** Creates volume `target` with the content of `source`'s snapshot (restore, clone). */
  restoreSnapshot?(source: string, snapshot: string, target: string): Promise<void>;
  /** Makes `volume` hold the snapshot's content again; the snapshot is kept. */
  rollbackSnapshot?(volume: string, snapshot: string): Promise<void>;
  /** FILE_THIN only: whether snapshots are reflink copies on this pool's filesystem. */
  reflinkSupported?(): Promise<boolean>;
  // ---- Backups (FILE_THIN): the snapshot as a file, and a staging area for one being received. ----
  /** The file holding an existing snapshot (throws when it does not exist). */
  snapshotFile?(volume: string, snapshot: string): Promise<string>;
  /** A fresh path in the pool folder for staging a received snapshot (not listed as a snapshot). */
  stagingFile?(tag: string): Promise<string>;
  /** Moves a complete staged file into place as snapshot `snapshot` of `volume`. */
  adoptSnapshotFile?(staged: string, volume: string, snapshot: string): Promise<void>;
  // ---- Backups (ZFS, ZFS_THIN, LVM_THIN): the provider's own send/receive tools. ----
  nativeStreams?(): NativeStreams;
}

export interface Support {
  supported: boolean;
  reasons: string[];
}

export interface PoolCapacity {
  freeCapacityKib: number;
  totalCapacityKib: number;
}

export interface ProviderVolume {
  name: string;
  devicePath?: string;
  allocatedSizeKib: number;
  usableSizeKib: number;
}

export interface ProviderContext {
  runner: CommandRunner;
  pool: DesiredStoragePool;
  log?: Logger;
  /** Node props: StorDriver/* may be set on the node and inherited by pools. */
  nodeProps?: Props;
  /** This satellite's node name: FILE pools write it into their folder's ownership marker. */
  nodeName?: string;
  /** Set when the pool must not be touched this apply (its folder overlaps another pool's). */
  refusal?: string;
  /** The node's loop devices, shared by its FILE pools (kept by the reconciler; see LoopInventory). */
  loops?: LoopInventory;
  /** Replaces the wait for a new device node (tests with recorded outputs have no device node). */
  waitForDevice?: (path: string, timeoutMs: number) => Promise<void>;
}

/** LINSTOR reports a diskless pool's capacity as Long.MAX_VALUE KiB (a double here: see report). */
export const DISKLESS_CAPACITY_KIB = 9223372036854775807;

const VOLUME_NAME = /^([A-Za-z_][A-Za-z0-9_-]*)_(\d{5})$/;

/** `<resource>_<volume number as 5 digits>`, the name LINSTOR gives a volume in every pool. */
export function volumeName(resource: string, volumeNumber: number): string {
  return `${resource}_${String(volumeNumber).padStart(5, '0')}`;
}

/** LINSTOR names a snapshot volume `<resource>_<vlmnr>_<snapshot>` in every provider (`@` for ZFS). */
export function snapshotVolumeName(volume: string, snapshot: string): string {
  return `${volume}_${snapshot}`;
}

export function parseVolumeName(name: string): { resource: string; volumeNumber: number } | undefined {
  const m = VOLUME_NAME.exec(name);
  return m ? { resource: m[1]!, volumeNumber: Number(m[2]) } : undefined;
}

/**
 * Splits `<volume>_<snapshot>` where `<volume>` itself is `<resource>_<5 digits>`: the first
 * `_<5 digits>_` split that leaves a valid volume wins.
 */
export function parseSnapshotVolumeName(name: string): { volume: string; snapshot: string } | undefined {
  const re = /_\d{5}_/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(name)) !== null) {
    const volume = name.slice(0, m.index + 6);
    const snapshot = name.slice(m.index + 7);
    if (parseVolumeName(volume) && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(snapshot)) return { volume, snapshot };
    re.lastIndex = m.index + 1;
  }
  return undefined;
}

/** Reads `StorDriver/<key>` from the pool's props, falling back to the node's. */
export function storDriverProp(ctx: ProviderContext, key: string): string | undefined {
  const k = `StorDriver/${key}`;
  return ctx.pool.props[k] ?? ctx.nodeProps?.[k];
}

/** Splits an options prop ("--stripes 2 -i 64") into argv words; no shell is involved. */
export function optionWords(value: string | undefined): string[] {
  return value ? value.trim().split(/\s+/).filter((w) => w !== '') : [];
}

export function requireProp(ctx: ProviderContext, key: string, example: string): string {
  const v = storDriverProp(ctx, key);
  if (!v) {
    throw new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR',
      `Storage pool '${ctx.pool.name}' (${ctx.pool.providerKind}) has no property StorDriver/${key}.`, {
        cause: `A ${ctx.pool.providerKind} pool needs StorDriver/${key} to know where its volumes live.`,
        correction: `Set it, e.g. StorDriver/${key}=${example}, or recreate the storage pool.`,
      });
  }
  return v;
}

/** Milliseconds to wait for a new device node to appear (StorDriver/WaitTimeoutAfterCreate, ms). */
export function waitTimeoutAfterCreateMs(ctx: ProviderContext): number {
  const v = Number(storDriverProp(ctx, 'WaitTimeoutAfterCreate'));
  return Number.isFinite(v) && v > 0 ? v : 500;
}

/** Per-pool override of the external command timeout (StorDriver/ExtCmdTimeout, seconds). */
export function commandTimeoutMs(ctx: ProviderContext): number | undefined {
  const v = Number(storDriverProp(ctx, 'ExtCmdTimeout'));
  return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
}

export function parseKib(text: string | undefined): number {
  const n = Number.parseFloat((text ?? '').trim());
  return Number.isFinite(n) ? Math.floor(n) : 0;
}

export function roundUp(kib: number, unit: number): number {
  return Math.ceil(kib / unit) * unit;
}
