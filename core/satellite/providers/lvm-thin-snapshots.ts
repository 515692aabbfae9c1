import { snapshotVolumeName } from './provider.js';

/**
 * argv for LVM thin snapshots, `<vg>/<resource>_<vlmnr>_<snapshot>`. Thin snapshots carry
 * the activation-skip flag, so a restored volume is activated with `-K` (ignore the skip).
 */
export const lvmThinSnapshotArgv = {
  create: (vg: string, volume: string, snapshot: string): string[] =>
    ['lvcreate', '--snapshot', '--name', snapshotVolumeName(volume, snapshot), `${vg}/${volume}`],
  delete: (vg: string, volume: string, snapshot: string): string[] =>
    ['lvremove', '-f', `${vg}/${snapshotVolumeName(volume, snapshot)}`],
  /** A restore is a writable thin snapshot of the snapshot, named like a volume. */
  restore: (vg: string, source: string, snapshot: string, target: string): string[][] => [
    ['lvcreate', '--snapshot', '--name', target, `${vg}/${snapshotVolumeName(source, snapshot)}`],
    ['lvchange', '-ay', '-K', `${vg}/${target}`],
  ],
  /** Merging consumes the snapshot: take it again from the rolled-back volume to keep it. */
  rollback: (vg: string, volume: string, snapshot: string): string[][] => [
    ['lvconvert', '--merge', `${vg}/${snapshotVolumeName(volume, snapshot)}`],
    ['lvcreate', '--snapshot', '--name', snapshotVolumeName(volume, snapshot), `${vg}/${volume}`],
  ],
};
