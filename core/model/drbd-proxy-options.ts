/**
 * DRBD Proxy's options as LINSTOR stores them: `DrbdOptions/Proxy/<option>` (the `proxy`
 * section of the .res file), `DrbdProxy/CompressionType` and
 * `DrbdOptions/ProxyCompression/<option>` (the compression plugin's words). Ranges and
 * choices as in LINSTOR's REST API description.
 */
import { ApiError } from './errors.js';
import { printable } from './names.js';

export const PROXY_NS = 'DrbdOptions/Proxy/';
export const PROXY_COMPRESSION_NS = 'DrbdOptions/ProxyCompression/';
export const KEY_PROXY_COMPRESSION_TYPE = 'DrbdProxy/CompressionType';
export const KEY_PROXY_AUTO_ENABLE = 'DrbdProxy/AutoEnable';
/** The resource connection flag of a connection through DRBD Proxy (LINSTOR's name). */
export const FLAG_LOCAL_DRBD_PROXY = 'LOCAL_DRBD_PROXY';

export const COMPRESSION_TYPES = ['none', 'zlib', 'lzma', 'lz4', 'zstd'] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

export interface ProxyOption {
  name: string;
  /** Numeric range (bytes accept K/M/G/T suffixes where `bytes`), or a list of choices. */
  min?: bigint;
  max?: bigint;
  bytes?: boolean;
  values?: string[];
  unit?: string;
  dflt?: string;
}

const range = (name: string, min: number | bigint, max: number | bigint, extra: Partial<ProxyOption> = {}): ProxyOption => ({ name, min: BigInt(min), max: BigInt(max), ...extra });

export const PROXY_OPTIONS: readonly ProxyOption[] = [
  range('memlimit', 16777216, 9223372036854775807n, { bytes: true, unit: 'bytes' }),
  range('read-loops', 0, 2147483647),
  range('sndbuf-size', 0, 10485760, { bytes: true, unit: 'bytes' }),
  range('rcvbuf-size', 0, 10485760, { bytes: true, unit: 'bytes' }),
  range('ping-timeout', 1, 300, { unit: '1/10 seconds', dflt: '200' }),
];

export const COMPRESSION_OPTIONS: Readonly<Record<CompressionType, readonly ProxyOption[]>> = {
  none: [],
  zlib: [range('level', 1, 9)],
  lzma: [
    range('dict-size', 4096, 1610612736, { bytes: true }), range('lc', 0, 4), range('lp', 0, 4), range('pb', 0, 4),
    range('nice-len', 0, 273), { name: 'mf', values: ['hc4', 'hc3', 'bt2', 'bt3', 'bt4'] }, { name: 'mode', values: ['fast', 'normal'] },
    range('depth', 0, 1000), range('level', 1, 9), range('contexts', 1, 253), { name: 'fallback-to-zlib', values: ['off', 'on'] },
    range('numa-threshold', 0, 253),
  ],
  lz4: [],
  zstd: [range('level', 1, 22)],
};

const SUFFIX: Record<string, bigint> = { '': 1n, K: 1024n, M: 1024n ** 2n, G: 1024n ** 3n, T: 1024n ** 4n };

function invalid(key: string, value: string, o: ProxyOption): ApiError {
  const allowed = o.values ? `one of ${o.values.join(', ')}` : `a number from ${o.min} to ${o.max}${o.bytes ? ' (K, M, G, T suffixes allowed)' : ''}`;
  return new ApiError('FAIL_INVLD_PROP', `The value '${printable(value)}' of '${key}' is invalid.`, { correction: `Give ${allowed}.` });
}

/** Checks one option's value; returns it trimmed. */
export function checkOptionValue(key: string, o: ProxyOption, value: string): string {
  const v = value.trim();
  if (o.values) { if (!o.values.includes(v)) throw invalid(key, value, o); return v; }
  const m = /^(\d{1,19})([KMGT]?)$/i.exec(v);
  if (!m || (m[2] && !o.bytes)) throw invalid(key, value, o);
  const n = BigInt(m[1]!) * SUFFIX[m[2]!.toUpperCase()]!;
  if (n < o.min! || n > o.max!) throw invalid(key, value, o);
  return v;
}

export function isProxyKey(key: string): boolean {
  return key.startsWith(PROXY_NS) || key.startsWith(PROXY_COMPRESSION_NS);
}

/**
 * A `DrbdOptions/Proxy/*` or `DrbdOptions/ProxyCompression/*` property: a known option with a
 * valid value. Compression options are checked against every plugin that has the option (the
 * plugin in use decides which of them reach the .res file).
 */
export function checkProxyOption(key: string, value: string): string {
  const name = key.slice(key.startsWith(PROXY_NS) ? PROXY_NS.length : PROXY_COMPRESSION_NS.length);
  const candidates = key.startsWith(PROXY_NS) ? PROXY_OPTIONS.filter((o) => o.name === name)
    : Object.values(COMPRESSION_OPTIONS).flat().filter((o) => o.name === name);
  if (!candidates.length) {
    throw new ApiError('FAIL_INVLD_PROP', `Unknown DRBD Proxy option property '${printable(key)}'.`, {
      correction: key.startsWith(PROXY_NS) ? `Use ${PROXY_NS}{${PROXY_OPTIONS.map((o) => o.name).join(',')}}.`
        : `Use a compression option of the plugin: ${Object.entries(COMPRESSION_OPTIONS).filter(([, os]) => os.length).map(([t, os]) => `${t}: ${os.map((o) => o.name).join(', ')}`).join('; ')}.`,
    });
  }
  let last: unknown;
  for (const o of candidates) { try { return checkOptionValue(key, o, value); } catch (e) { last = e; } }
  throw last;
}

export function checkCompressionType(value: unknown): CompressionType {
  const v = String(value ?? '').trim().toLowerCase();
  if (!(COMPRESSION_TYPES as readonly string[]).includes(v)) {
    throw new ApiError('FAIL_INVLD_PROP', `The compression type '${printable(value)}' is invalid.`, { correction: `Use one of ${COMPRESSION_TYPES.join(', ')}.` });
  }
  return v as CompressionType;
}
