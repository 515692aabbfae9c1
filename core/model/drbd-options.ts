import { ApiError } from './errors.js';

/**
 * DRBD's option set as LINSTOR exposes it: `DrbdOptions/<Section>/<option>` properties.
 * The table comes from `drbdsetup xml-help {resource-options,disk-options,new-peer,peer-device-options}`
 * of drbd-utils 9.22 against a DRBD 9.2 kernel (recorded in test/fixtures/drbd/xml-help-*.xml; a test
 * checks this table against them), plus the handlers list and LINSTOR's own DrbdOptions/* keys.
 */
export type DrbdSection = 'Resource' | 'Disk' | 'Net' | 'PeerDevice' | 'Handlers' | 'Linstor';
export type DrbdOptionType = 'bool' | 'enum' | 'numeric' | 'numeric-or-symbol' | 'string';

export interface DrbdOption {
  /** Property key, e.g. DrbdOptions/Net/allow-two-primaries. */
  key: string;
  /** Name in the .res file / drbdsetup (e.g. allow-two-primaries); LINSTOR keys keep their own name. */
  name: string;
  section: DrbdSection;
  /** Section of the .res file it is written to; undefined for LINSTOR's own keys (never written). */
  resSection?: 'options' | 'disk' | 'net' | 'handlers';
  type: DrbdOptionType;
  values?: readonly string[];
  min?: number;
  max?: number;
  dflt?: string;
  /** drbdsetup's unit prefix: '1' plain, 'k' KiB, 's' 512-byte sectors (so K/M/G suffixes are allowed). */
  prefix?: '1' | 'k' | 's';
  unit?: string;
}

type Row = [DrbdSection, string, DrbdOptionType, Partial<DrbdOption>];
const RECOVERY = ['io-error', 'suspend-io'];
const QUORUM = { min: 1, max: 32, dflt: 'off', values: ['off', 'majority', 'all'] };
const TENTHS = '1/10 seconds';

const ROWS: Row[] = [
  ['Resource', 'cpu-mask', 'string', {}],
  ['Resource', 'on-no-data-accessible', 'enum', { values: RECOVERY }],
  ['Resource', 'auto-promote', 'bool', { dflt: 'yes' }],
  ['Resource', 'peer-ack-window', 'numeric', { min: 2048, max: 204800, dflt: '4096', prefix: 's', unit: 'bytes' }],
  ['Resource', 'peer-ack-delay', 'numeric', { min: 1, max: 10000, dflt: '100', unit: 'milliseconds' }],
  ['Resource', 'twopc-timeout', 'numeric', { min: 50, max: 600, dflt: '300', unit: TENTHS }],
  ['Resource', 'twopc-retry-timeout', 'numeric', { min: 1, max: 50, dflt: '1', unit: TENTHS }],
  ['Resource', 'auto-promote-timeout', 'numeric', { min: 0, max: 600, dflt: '20', unit: TENTHS }],
  ['Resource', 'max-io-depth', 'numeric', { min: 4, max: 4294967295, dflt: '8000' }],
  ['Resource', 'quorum', 'numeric-or-symbol', QUORUM],
  ['Resource', 'on-no-quorum', 'enum', { values: RECOVERY }],
  ['Resource', 'quorum-minimum-redundancy', 'numeric-or-symbol', QUORUM],
  ['Resource', 'on-suspended-primary-outdated', 'enum', { values: ['disconnect', 'force-secondary'] }],
  ['Disk', 'on-io-error', 'enum', { values: ['pass_on', 'call-local-io-error', 'detach'] }],
  ['Disk', 'disk-barrier', 'bool', { dflt: 'no' }],
  ['Disk', 'disk-flushes', 'bool', { dflt: 'yes' }],
  ['Disk', 'disk-drain', 'bool', { dflt: 'yes' }],
  ['Disk', 'md-flushes', 'bool', { dflt: 'yes' }],
  // drbdsetup says numeric, but in a .res file it names a resource/volume; LINSTOR patches it to string too.
  ['Disk', 'resync-after', 'string', {}],
  ['Disk', 'al-extents', 'numeric', { min: 67, max: 65534, dflt: '1237' }],
  ['Disk', 'al-updates', 'bool', { dflt: 'yes' }],
  ['Disk', 'discard-zeroes-if-aligned', 'bool', { dflt: 'yes' }],
  ['Disk', 'disable-write-same', 'bool', { dflt: 'no' }],
  ['Disk', 'disk-timeout', 'numeric', { min: 0, max: 6000, dflt: '0', unit: TENTHS }],
  ['Disk', 'read-balancing', 'enum', { values: ['prefer-local', 'prefer-remote', 'round-robin', 'least-pending', 'when-congested-remote', '32K-striping', '64K-striping', '128K-striping', '256K-striping', '512K-striping', '1M-striping'] }],
  ['Disk', 'rs-discard-granularity', 'numeric', { min: 0, max: 1048576, dflt: '0', unit: 'bytes' }],
  ['Net', 'transport', 'string', {}],
  ['Net', 'protocol', 'enum', { values: ['A', 'B', 'C'] }],
  ['Net', 'timeout', 'numeric', { min: 1, max: 600, dflt: '60', unit: TENTHS }],
  ['Net', 'max-epoch-size', 'numeric', { min: 1, max: 20000, dflt: '2048' }],
  ['Net', 'connect-int', 'numeric', { min: 1, max: 120, dflt: '10', unit: 'seconds' }],
  ['Net', 'ping-int', 'numeric', { min: 1, max: 120, dflt: '10', unit: 'seconds' }],
  ['Net', 'sndbuf-size', 'numeric', { min: 0, max: 10485760, dflt: '0', unit: 'bytes' }],
  ['Net', 'rcvbuf-size', 'numeric', { min: 0, max: 10485760, dflt: '0', unit: 'bytes' }],
  ['Net', 'ko-count', 'numeric', { min: 0, max: 200, dflt: '7' }],
  ['Net', 'allow-two-primaries', 'bool', { dflt: 'no' }],
  ['Net', 'cram-hmac-alg', 'string', {}],
  ['Net', 'shared-secret', 'string', {}],
  ['Net', 'after-sb-0pri', 'enum', { values: ['disconnect', 'discard-younger-primary', 'discard-older-primary', 'discard-zero-changes', 'discard-least-changes', 'discard-local', 'discard-remote'] }],
  ['Net', 'after-sb-1pri', 'enum', { values: ['disconnect', 'consensus', 'discard-secondary', 'call-pri-lost-after-sb', 'violently-as0p'] }],
  ['Net', 'after-sb-2pri', 'enum', { values: ['disconnect', 'call-pri-lost-after-sb', 'violently-as0p'] }],
  ['Net', 'always-asbp', 'bool', { dflt: 'no' }],
  ['Net', 'rr-conflict', 'enum', { values: ['disconnect', 'call-pri-lost', 'violently', 'retry-connect', 'auto-discard'] }],
  ['Net', 'ping-timeout', 'numeric', { min: 1, max: 300, dflt: '5', unit: TENTHS }],
  ['Net', 'data-integrity-alg', 'string', {}],
  ['Net', 'tcp-cork', 'bool', { dflt: 'yes' }],
  ['Net', 'on-congestion', 'enum', { values: ['block', 'pull-ahead', 'disconnect'] }],
  ['Net', 'congestion-fill', 'numeric', { min: 0, max: 20971520, dflt: '0', prefix: 's', unit: 'bytes' }],
  ['Net', 'congestion-extents', 'numeric', { min: 67, max: 65534, dflt: '1237' }],
  ['Net', 'csums-alg', 'string', {}],
  ['Net', 'csums-after-crash-only', 'bool', { dflt: 'no' }],
  ['Net', 'verify-alg', 'string', {}],
  ['Net', 'use-rle', 'bool', { dflt: 'yes' }],
  ['Net', 'socket-check-timeout', 'numeric', { min: 0, max: 300, dflt: '0' }],
  ['Net', 'fencing', 'enum', { values: ['dont-care', 'resource-only', 'resource-and-stonith'] }],
  ['Net', 'max-buffers', 'numeric', { min: 32, max: 131072, dflt: '2048' }],
  ['Net', 'allow-remote-read', 'bool', { dflt: 'yes' }],
  ['PeerDevice', 'resync-rate', 'numeric', { min: 1, max: 8388608, dflt: '250', prefix: 'k', unit: 'bytes/second' }],
  ['PeerDevice', 'c-plan-ahead', 'numeric', { min: 0, max: 300, dflt: '20', unit: TENTHS }],
  ['PeerDevice', 'c-delay-target', 'numeric', { min: 1, max: 100, dflt: '10', unit: TENTHS }],
  ['PeerDevice', 'c-fill-target', 'numeric', { min: 0, max: 1048576, dflt: '100', prefix: 's', unit: 'bytes' }],
  ['PeerDevice', 'c-max-rate', 'numeric', { min: 0, max: 4194304, dflt: '102400', prefix: 'k', unit: 'bytes/second' }],
  ['PeerDevice', 'c-min-rate', 'numeric', { min: 0, max: 4194304, dflt: '250', prefix: 'k', unit: 'bytes/second' }],
  ['PeerDevice', 'bitmap', 'bool', { dflt: 'yes' }],
  // Handlers are free-form command lines; the list is DRBD's (drbd.conf(5)) as LINSTOR whitelists it.
  ...['after-resync-target', 'before-resync-target', 'before-resync-source', 'out-of-sync', 'quorum-lost', 'fence-peer',
    'unfence-peer', 'initial-split-brain', 'local-io-error', 'pri-lost', 'pri-lost-after-sb', 'pri-on-incon-degr', 'split-brain',
  ].map((h): Row => ['Handlers', h, 'string', {}]),
  // LINSTOR's own keys directly under DrbdOptions/ (never written to .res files as such).
  ['Linstor', 'auto-quorum', 'enum', { values: ['disabled', 'io-error', 'suspend-io'] }],
  ['Linstor', 'auto-add-quorum-tiebreaker', 'bool', {}],
  ['Linstor', 'auto-diskful', 'numeric', { min: 0, max: 2147483647, unit: 'minutes' }],
  ['Linstor', 'auto-diskful-allow-cleanup', 'bool', {}],
  ['Linstor', 'auto-verify-algo-disable', 'bool', {}],
  ['Linstor', 'auto-resync-after-disable', 'bool', {}],
  ['Linstor', 'auto-rs-discard-granularity', 'bool', {}],
  ['Linstor', 'AutoEvictAfterTime', 'numeric', { min: 0, max: 2147483647, unit: 'minutes' }],
  ['Linstor', 'AutoEvictMaxDisconnectedNodes', 'numeric', { min: 0, max: 100, unit: 'percent' }],
  ['Linstor', 'AutoEvictMinReplicaCount', 'numeric', { min: 1, max: 32 }],
  ['Linstor', 'AutoEvictAllowEviction', 'bool', {}],
  ['Linstor', 'ExactSize', 'bool', {}],
  ['Linstor', 'SkipDisk', 'bool', {}],
];

const RES_SECTION: Record<DrbdSection, DrbdOption['resSection']> = {
  Resource: 'options', Disk: 'disk', Net: 'net', PeerDevice: 'disk', Handlers: 'handlers', Linstor: undefined,
};

function toOption([section, name, type, extra]: Row): DrbdOption {
  const key = section === 'Linstor' ? `DrbdOptions/${name}` : `DrbdOptions/${section}/${name}`;
  const opt: DrbdOption = { key, name, section, type, ...extra };
  const res = RES_SECTION[section];
  if (res) opt.resSection = res;
  if (type === 'numeric' && !opt.prefix) opt.prefix = '1';
  return opt;
}

/** Every known option, keyed by its property key. */
export const DRBD_OPTIONS: ReadonlyMap<string, DrbdOption> = new Map(ROWS.map((r) => [toOption(r).key, toOption(r)]));

export function isDrbdOptionKey(key: string): boolean {
  return key === 'DrbdOptions' || key.startsWith('DrbdOptions/');
}

export function drbdOption(key: string): DrbdOption | undefined {
  return DRBD_OPTIONS.get(key);
}

const BOOL_TRUE = new Set(['yes', 'true', 'on']);
const BOOL_FALSE = new Set(['no', 'false', 'off']);
const SUFFIX_KIB: Record<string, number> = { k: 1, m: 1024, g: 1024 * 1024 };

/** Describes what an option accepts, for error messages and `drbd-options --help` style listings. */
export function describeDrbdOption(o: DrbdOption): string {
  const unit = o.unit ? ` ${o.unit}${o.prefix === 'k' ? ' (KiB; K/M/G suffix allowed)' : o.prefix === 's' ? ' (512-byte sectors; K/M/G suffix allowed)' : ''}` : '';
  switch (o.type) {
    case 'bool': return 'a boolean (yes/no or true/false)';
    case 'enum': return `one of ${o.values!.join(', ')}`;
    case 'numeric': return `an integer from ${o.min} to ${o.max}${unit}`;
    case 'numeric-or-symbol': return `one of ${o.values!.join(', ')} or an integer from ${o.min} to ${o.max}`;
    case 'string': return 'a string';
  }
}

/** Parses a numeric value in the option's own unit; K/M/G suffixes only where drbdsetup scales. */
function parseNumeric(o: DrbdOption, value: string): number | undefined {
  const m = /^(-?\d+)([kKmMgGsS]?)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2]!.toLowerCase();
  if (!suffix) return n;
  if (o.prefix === 'k' && SUFFIX_KIB[suffix]) return n * SUFFIX_KIB[suffix]!;
  if (o.prefix === 's') return suffix === 's' ? n : SUFFIX_KIB[suffix] ? n * SUFFIX_KIB[suffix]! * 2 : undefined;
  return undefined;
}

function invalid(o: DrbdOption, value: string): ApiError {
  return new ApiError('FAIL_INVLD_PROP', `Invalid value '${value}' for property '${o.key}': expected ${describeDrbdOption(o)}.`, {
    cause: `DRBD option '${o.name}' (${o.section === 'Linstor' ? 'LINSTOR DRBD setting' : `section ${o.section}`}) accepts ${describeDrbdOption(o)}.`,
    correction: `Set '${o.key}' to ${describeDrbdOption(o)}${o.dflt !== undefined ? ` (DRBD's default is ${o.dflt})` : ''}.`,
  });
}

/**
 * Validates one DrbdOptions/* property. Throws FAIL_INVLD_PROP for an unknown key or a value
 * of the wrong type/range; returns the value normalised for the .res file (booleans as yes/no).
 */
export function checkDrbdOption(key: string, value: string): string {
  const o = DRBD_OPTIONS.get(key);
  if (!o) {
    const name = key.split('/').pop() ?? key;
    const near = [...DRBD_OPTIONS.values()].filter((x) => x.name === name).map((x) => x.key);
    throw new ApiError('FAIL_INVLD_PROP', `Unknown DRBD option property '${key}'.`, {
      cause: `'${key}' is not an option DRBD or LINSTOR knows in the DrbdOptions namespace.`,
      correction: near.length ? `Did you mean ${near.map((k) => `'${k}'`).join(' or ')}?`
        : 'Use DrbdOptions/{Resource,Disk,Net,PeerDevice,Handlers}/<option> with an option from drbd.conf(5).',
    });
  }
  const v = value.trim();
  switch (o.type) {
    case 'bool':
      if (BOOL_TRUE.has(v.toLowerCase())) return o.section === 'Linstor' ? 'true' : 'yes';
      if (BOOL_FALSE.has(v.toLowerCase())) return o.section === 'Linstor' ? 'false' : 'no';
      throw invalid(o, value);
    case 'enum':
      if (o.values!.includes(v)) return v;
      throw invalid(o, value);
    case 'numeric-or-symbol':
    case 'numeric': {
      if (o.type === 'numeric-or-symbol' && o.values!.includes(v)) return v;
      const n = parseNumeric(o, v);
      if (n === undefined || n < o.min! || n > o.max!) throw invalid(o, value);
      return v;
    }
    case 'string':
      // The value ends up quoted in a .res file: a double quote or newline would break out of it.
      if (/["\n\r\\]/.test(v) || v === '') throw new ApiError('FAIL_INVLD_PROP', `Invalid value for property '${o.key}': it must be a non-empty string without quotes, backslashes or line breaks.`, {
        correction: `Give '${o.key}' a plain value, e.g. a command path for a handler.`,
      });
      return v;
  }
}

/** Options of one .res section taken from a merged prop map, validated, in key order. */
export function drbdOptionsForSection(props: Record<string, string>, section: DrbdSection): Array<{ option: DrbdOption; value: string }> {
  const prefix = `DrbdOptions/${section}/`;
  return Object.keys(props).filter((k) => k.startsWith(prefix)).sort()
    .map((k) => {
      const value = checkDrbdOption(k, props[k]!); // throws for unknown keys, so the option exists below
      return { option: DRBD_OPTIONS.get(k)!, value };
    });
}

/**
 * A DRBD shared secret goes into a quoted string of the .res file: no quote, backslash,
 * blank or control character may end it early. DRBD limits it to 64 characters.
 */
export const DRBD_SECRET = /^[A-Za-z0-9+/=_.,:@%-]{1,64}$/;

export function checkDrbdSecret(secret: string): string {
  if (!DRBD_SECRET.test(secret)) {
    throw new ApiError('FAIL_INVLD_REQUEST', "The DRBD shared secret 'drbd_secret' is invalid.", {
      cause: "A secret is 1 to 64 letters, digits or '+/=_.,:@%-'.",
      correction: 'Leave drbd_secret out to get a random one, or give one made of those characters.',
    });
  }
  return secret;
}
