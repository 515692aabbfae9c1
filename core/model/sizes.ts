import { ApiError } from './errors.js';

/** Smallest and largest volume a definition may ask for, in KiB (DRBD's limits: 4 KiB .. 1 PiB). */
export const MIN_VOLUME_KIB = 4;
export const MAX_VOLUME_KIB = 1024 ** 4;

export function checkVolumeSizeKib(size: unknown): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < MIN_VOLUME_KIB || size > MAX_VOLUME_KIB) {
    throw new ApiError('FAIL_INVLD_VLM_SIZE', `Volume size '${String(size)}' KiB is invalid.`, {
      cause: `A volume size must be a whole number of KiB between ${MIN_VOLUME_KIB} and ${MAX_VOLUME_KIB}.`,
      correction: 'Give the size in KiB as a positive integer, e.g. 1048576 for 1 GiB.',
    });
  }
  return size;
}

/** Formats KiB the way the linstor client prints sizes ("1.00 GiB"). */
export function formatKib(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${Number.isInteger(v) ? v : v.toFixed(2)} ${units[i]}`;
}
