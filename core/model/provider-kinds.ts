import type { ProviderKind } from './types.js';

/**
 * What a storage provider kind can do, as linstor-server's DeviceProviderKind says. One home
 * for the facts the controller (capacity, views, snapshots), the satellite (DRBD resize and
 * initial sync) and the adapters (Proxmox `sparseinit`) all ask about.
 */

/** Thin kinds: space is taken when written, so pools may be over-provisioned. */
export const THIN_PROVIDER_KINDS: readonly ProviderKind[] = ['LVM_THIN', 'ZFS_THIN', 'FILE_THIN'];

/** Kinds whose volumes can be snapshotted (thick ZFS too: a zvol snapshot needs no thin pool). */
export const SNAPSHOT_PROVIDER_KINDS: readonly ProviderKind[] = ['LVM_THIN', 'ZFS', 'ZFS_THIN', 'FILE_THIN'];

export function isThinProvider(kind: string | undefined): boolean {
  return kind !== undefined && (THIN_PROVIDER_KINDS as readonly string[]).includes(kind.toUpperCase());
}

export function supportsSnapshots(kind: string | undefined): boolean {
  return kind !== undefined && (SNAPSHOT_PROVIDER_KINDS as readonly string[]).includes(kind.toUpperCase());
}
