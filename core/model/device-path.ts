/**
 * Where a volume's block device is. DRBD names its devices `/dev/drbd<minor>`; drbd-utils'
 * udev rules add `/dev/drbd/by-res/<resource>/<volume>`, a name that survives a minor change,
 * which LINBIT's own plugins (linstor-proxmox) open. Every other top layer's device is the one
 * the satellite reports (a loop device, an LV, a zvol, /dev/mapper/…, an NVMe namespace).
 */

/** The kernel device of a DRBD minor. */
export function drbdMinorDevice(minor: number): string {
  return `/dev/drbd${minor}`;
}

/** drbd-utils' stable link to a DRBD volume. */
export function drbdByResPath(resource: string, volumeNumber: number): string {
  return `/dev/drbd/by-res/${resource}/${volumeNumber}`;
}

export interface VolumeDeviceFacts {
  resource: string;
  volumeNumber: number;
  /** The resource's top layer on this node (DRBD, LUKS, NVME, STORAGE, ...), any case. */
  topLayer?: string;
  /** The device path the satellite reported for the volume, if it did. */
  reportedPath?: string;
}

/**
 * The device a consumer (an adapter attaching a disk to a VM or container) opens: the by-res
 * link when DRBD is on top, else the reported path; undefined while there is none yet.
 */
export function volumeDevicePath(v: VolumeDeviceFacts): string | undefined {
  if (v.topLayer?.toUpperCase() === 'DRBD') return drbdByResPath(v.resource, v.volumeNumber);
  return v.reportedPath || undefined;
}
