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

const UNITS: Record<string, number> = {
  '': 1, b: 1 / 1024, k: 1, kb: 1000 / 1024, kib: 1,
  m: 1024, mb: 1e6 / 1024, mib: 1024,
  g: 1024 ** 2, gb: 1e9 / 1024, gib: 1024 ** 2,
  t: 1024 ** 3, tb: 1e12 / 1024, tib: 1024 ** 3,
  p: 1024 ** 4, pb: 1e15 / 1024, pib: 1024 ** 4,
};

/** Parses a human size ("10G", "512MiB", "1048576" = KiB as the linstor client does) into KiB. */
export function parseSizeToKib(text: string, defaultUnit = 'KiB'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) throw new ApiError('FAIL_INVLD_VLM_SIZE', `'${text}' is not a size.`, { correction: 'Use a number with an optional unit such as 100M, 10G or 1TiB.' });
  const unit = (m[2] || defaultUnit).toLowerCase();
  const factor = UNITS[unit];
  if (factor === undefined) throw new ApiError('FAIL_INVLD_VLM_SIZE', `Unknown size unit '${m[2]}'.`, { correction: 'Use one of K, M, G, T, P (binary) or KB, MB, GB, TB (decimal).' });
  return Math.ceil(Number(m[1]) * factor);
}

/** Formats KiB the way the linstor client prints sizes ("1.00 GiB"). */
export function formatKib(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${Number.isInteger(v) ? v : v.toFixed(2)} ${units[i]}`;
}
