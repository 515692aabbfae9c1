import { ApiError } from './errors.js';
import { printable } from './names.js';

/**
 * QoS (LINSTOR guide "QoS settings"): block I/O limits of a volume's backing device, set as
 * `sys/fs/blkio_throttle_*` properties at any level and resolved through the one inheritance
 * order (core/props/chain.ts). Bytes per second for read/write, operations per second for the
 * IOPS keys; 0 or no value: no limit.
 */
export const QOS_KEYS = {
  read: 'sys/fs/blkio_throttle_read',
  write: 'sys/fs/blkio_throttle_write',
  readIops: 'sys/fs/blkio_throttle_read_iops',
  writeIops: 'sys/fs/blkio_throttle_write_iops',
} as const;
export type QosKind = keyof typeof QOS_KEYS;
export const QOS_KINDS = Object.keys(QOS_KEYS) as QosKind[];

/** The limits a volume's device gets, as decimal strings (the kernel's own unit); absent: none. */
export type VolumeQos = Partial<Record<QosKind, string>>;

const KEY_SET = new Set<string>(Object.values(QOS_KEYS));
export const isQosKey = (key: string): boolean => KEY_SET.has(key);

/** Largest value the kernel's throttle files take (u64); more digits are a typo. */
const MAX_DIGITS = 19;

/** A limit: a whole number ≥ 0 ("2" and " 2 " alike, as LINSTOR's props are strings). */
export function checkQosValue(key: string, value: string): string {
  const v = value.trim();
  if (!/^\d+$/.test(v) || v.length > MAX_DIGITS) {
    throw new ApiError('FAIL_INVLD_PROP', `The value '${printable(value)}' of '${key}' is not a whole number.`, {
      cause: 'QoS limits are bytes per second (read/write) or I/O operations per second (the _iops keys).',
      correction: `Give a whole number of at most ${MAX_DIGITS} digits, e.g. 10485760 for 10 MiB/s; delete the property to remove the limit.`,
    });
  }
  return String(BigInt(v));
}
