/**
 * Resource flags that mean "no local disk". In linstor-server each of these implies the
 * DISKLESS bit (DRBD_DISKLESS = DISKLESS | …, TIE_BREAKER = DRBD_DISKLESS | …,
 * NVME_INITIATOR = DISKLESS | …), so any one of them on a resource makes it diskless.
 */
export const DISKLESS_FLAGS: readonly string[] = ['DISKLESS', 'DRBD_DISKLESS', 'TIE_BREAKER', 'NVME_INITIATOR', 'EBS_INITIATOR'];

/** Whether a resource with these flags (model or wire) has no local disk. */
export function isDisklessResource(flags: readonly string[] | undefined): boolean {
  return (flags ?? []).some((f) => DISKLESS_FLAGS.includes(f.toUpperCase()));
}
