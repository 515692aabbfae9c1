/**
 * Shared storage pools (`storage-pool create ... --shared-space NAME [--external-locking]`):
 * pools on several nodes over one backing store. LINSTOR keeps the name as the pool's
 * free-space manager; a pool of its own has the manager `<node>;<pool>`.
 */
import type { StoragePool } from './types.js';

/** Provider kinds a shared space can be built on here: one LVM volume group (thick or thin) seen by every node. */
export const SHARED_SPACE_KINDS = ['LVM', 'LVM_THIN'] as const;

export function sharedSpaceOf(sp: Pick<StoragePool, 'freeSpaceMgrName'>): string | undefined {
  const n = sp.freeSpaceMgrName;
  return n && !n.includes(';') ? n : undefined;
}
