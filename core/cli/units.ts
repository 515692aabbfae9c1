/**
 * Sizes as linstor-client reads and prints them (python-linstor's SizeCalc): `<digits><unit>`
 * with the unit optional (default GiB for volume sizes), binary K/M/G/T/P and KiB..PiB,
 * decimal kB/MB/GB/TB/PB, B; rounded up to whole KiB. Printed with two decimals unless exact.
 */
import { UsageError } from './spec.js';

const BIN = (e: number): bigint => 1024n ** BigInt(e);
const DEC = (e: number): bigint => 10n ** BigInt(e);

/** Bytes per unit, keys lower-case like SizeCalc.UNITS_MAP. */
const UNIT_BYTES: Record<string, bigint> = {
  b: 1n, k: BIN(1), kb: DEC(3), kib: BIN(1), m: BIN(2), mb: DEC(6), mib: BIN(2), g: BIN(3), gb: DEC(9), gib: BIN(3),
  t: BIN(4), tb: DEC(12), tib: BIN(4), p: BIN(5), pb: DEC(15), pib: BIN(5),
};

export const UNITS_LIST_STR = 'B, K, kB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB, P, PB, PiB';

/**
 * linstor-client's parse_size_str: leading digits, then the rest is the unit (no spaces,
 * no fractions). Returns KiB, rounded up.
 */
export function parseSizeKib(text: string, defaultUnit = 'GiB'): number {
  const m = /^(\d+)(\D*)/.exec(text);
  if (!m) throw new UsageError(`Size is not a valid number: '${text}'`);
  const unit = (m[2] || defaultUnit).toLowerCase();
  const bytes = UNIT_BYTES[unit];
  if (bytes === undefined) throw new UsageError(`"${m[2]}" is not a valid unit!\nValid units: ${UNITS_LIST_STR}`);
  if (m[0].length !== text.length) throw new UsageError(`Size is not a valid number: '${text}'`);
  const total = BigInt(m[1]!) * bytes;
  const kib = total / 1024n + (total % 1024n ? 1n : 0n);
  return Number(kib);
}

/** SizeCalc.approximate_size_string: "1 GiB", "1.50 GiB", KiB up to PiB. */
export function approxSize(kib: number | bigint | undefined): string {
  if (kib === undefined) return '';
  const v = Number(kib);
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let index = 0;
  let magnitude = 1024;
  for (let counter = 1; counter < units.length; counter++) {
    if (v >= magnitude) index = counter; else break;
    magnitude *= 1024;
  }
  const div = 1024 ** index;
  if (v % div !== 0) return `${(v / div).toFixed(2)} ${units[index]}`;
  return `${v / div} ${units[index]}`;
}
