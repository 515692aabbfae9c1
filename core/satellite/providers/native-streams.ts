/**
 * Provider-native backup streams, as LINSTOR builds them (ZfsProvider / LvmThinProvider
 * `getSnapshotShipping{Sending,Receiving}CommandImpl`): ZFS ships `zfs send [-i base] snap` and
 * receives with `zfs receive -F`; LVM_THIN ships LINBIT's `thin_send [base] snap` and receives
 * with `thin_recv` into an existing thin volume. The stream is piped through zstd by the
 * backup code (core/satellite/backup/native.ts); here only the argv, all built from names the
 * satellite derived itself (`<resource>_<vlmnr>`, snapshot names validated at the edge).
 */
import type { CommandRunner } from '../../exec/index.js';
import type { StreamFamily } from '../../model/backup.js';
import { snapshotVolumeName } from './provider.js';

export interface SendPlan {
  /** Run first through the provider's runner (e.g. activating skip-flagged thin snapshots). */
  prepare: string[][];
  /** The producer: writes the stream to stdout. */
  send: string[];
}

export interface ReceivePlan {
  prepare: string[][];
  /** One consumer per stream of the chain (full first), each reading its stream on stdin. */
  each: string[][];
  /** After the whole chain arrived. */
  finish: string[][];
  /** Removes everything the receive made (it made it all: the target must not exist before). */
  undo: string[][];
}

export interface NativeStreams {
  readonly family: StreamFamily;
  readonly runner: CommandRunner;
  send(volume: string, snapshot: string, baseSnapshot?: string): SendPlan;
  /** Receiving a chain of `count` streams into new snapshot `snapshot` of `volume` (`sizeKib` large). */
  receive(volume: string, snapshot: string, sizeKib: number, count: number): ReceivePlan;
  /** Whether the volume or that snapshot of it exists (a receive never overwrites either). */
  exists(volume: string, snapshot: string): Promise<boolean>;
  /** The volume's size in bytes (recorded in the backup's metadata). */
  sizeBytes(volume: string): Promise<number>;
}

/** Snapshots received before the last one of a chain get this name until they are dropped. */
export const chainPartName = (snapshot: string, i: number): string => `${snapshot}_chain${i}`;

export const zfsStreamArgv = {
  send: (ds: string, volume: string, snapshot: string, base?: string): string[] =>
    ['zfs', 'send', ...(base ? ['-i', `${ds}/${volume}@${base}`] : []), `${ds}/${volume}@${snapshot}`],
  /**
   * `-F` as LINSTOR: an incremental must roll the received volume back to its base first. Each
   * stream of a chain lands as its own snapshot; the last one gets the wanted name.
   */
  receive: (ds: string, volume: string, snapshot: string, count: number): ReceivePlan => ({
    prepare: [],
    each: Array.from({ length: count }, (_, i) => ['zfs', 'receive', '-F', `${ds}/${volume}@${i === count - 1 ? snapshot : chainPartName(snapshot, i)}`]),
    finish: Array.from({ length: count - 1 }, (_, i) => ['zfs', 'destroy', `${ds}/${volume}@${chainPartName(snapshot, i)}`]),
    undo: [['zfs', 'destroy', '-r', `${ds}/${volume}`]],
  }),
};

export const thinStreamArgv = {
  /** Thin snapshots carry the activation-skip flag; thin_send reads them, so they are activated (-K). */
  send: (vg: string, volume: string, snapshot: string, base?: string): SendPlan => {
    const lvs = [...(base ? [snapshotVolumeName(volume, base)] : []), snapshotVolumeName(volume, snapshot)].map((lv) => `${vg}/${lv}`);
    return { prepare: lvs.map((lv) => ['lvchange', '-ay', '-K', lv]), send: ['thin_send', ...lvs] };
  },
  /**
   * thin_recv writes into an existing thin volume: the snapshot LV is created empty in the thin
   * pool, every stream of the chain is received into it in order, and it gets the activation
   * skip flag like a snapshot taken with lvcreate --snapshot.
   */
  receive: (vg: string, thinPool: string, volume: string, snapshot: string, sizeKib: number, count: number): ReceivePlan => {
    const lv = snapshotVolumeName(volume, snapshot);
    return {
      prepare: [['lvcreate', '--virtualsize', `${sizeKib}k`, '--thinpool', thinPool, '-n', lv, '-y', vg]],
      each: Array.from({ length: count }, () => ['thin_recv', `${vg}/${lv}`]),
      finish: [['lvchange', '--setactivationskip', 'y', `${vg}/${lv}`]],
      undo: [['lvremove', '-f', `${vg}/${lv}`]],
    };
  },
};
