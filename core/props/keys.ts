import { ApiError } from '../model/errors.js';
import { checkDrbdOption } from '../model/drbd-options.js';
import { checkCompressionType, checkProxyOption, isProxyKey, KEY_PROXY_AUTO_ENABLE, KEY_PROXY_COMPRESSION_TYPE } from '../model/drbd-proxy-options.js';
import { printable } from '../model/names.js';
import { checkFileDir, FILE_DIR_KEY } from './file-dir.js';
import { checkQosValue, isQosKey } from '../model/qos.js';

/**
 * Property keys LINSTOR accepts. `Aux/` is free-form user data; other namespaces and keys
 * are whitelisted as in LINSTOR, so a typo ("StorPoolNam") is an error instead of a silent no-op.
 */
const FREE_NAMESPACES = ['Aux/'];
const KNOWN_NAMESPACES = [
  'DrbdOptions/', 'StorDriver/', 'FileSystem/', 'Autoplacer/', 'Satellite/', 'NVMe/', 'Cache/',
  'Writecache/', 'BCache/', 'AutoSnapshot/', 'DrbdProxy/', 'SnapshotShipping/', 'Internal/',
  'Cluster/', 'Sys/', 'Luks/', 'Encryption/', 'Linstor/', 'ResourceGroup/', 'Paths/',
  'BackupShipping/', 'Schedule/', 'Backup/',
];
const KNOWN_KEYS = new Set([
  'StorPoolName', 'StorPoolNameDrbdMeta', 'PrefNic', 'AutoplaceTarget', 'TcpPortAutoRange',
  'MinorNrAutoRange', 'MaxOversubscriptionRatio', 'MaxFreeCapacityOversubscriptionRatio',
  'MaxTotalCapacityOversubscriptionRatio', 'NodeUname', 'BalanceResourcesEnabled',
  'BalanceResourcesInterval', 'BalanceResourcesGracePeriod', 'AutoEvictAllowEviction',
  'CurStltConnName', 'DrbdProxy', 'ExtCmdWaitTimeout', 'SearchDomain', 'PeerSlots',
  'AllowMixingStoragePoolDriver', 'AutoSelectFilter', 'RscDfnWaitForStltConnection',
  'MinIoSize', 'NetCom', 'KeepResourceInUse', 'Site', 'Zone', 'Region', 'LogLevel', 'LogLevelLinstor',
]);

const KEY_SYNTAX = /^[A-Za-z0-9_.:-]+(\/[A-Za-z0-9_.:-]+)*$/;
export const MAX_KEY_LENGTH = 512;
export const MAX_VALUE_LENGTH = 16384;

/** Extra per-namespace value checks (e.g. DRBD options) register here. */
const valueCheckers: Array<(key: string, value: string) => void> = [
  (key, value) => {
    if (isProxyKey(key)) checkProxyOption(key, value);
    else if (key.startsWith('DrbdOptions/')) checkDrbdOption(key, value);
  },
  (key, value) => {
    if (key === KEY_PROXY_COMPRESSION_TYPE) checkCompressionType(value);
    if (key === KEY_PROXY_AUTO_ENABLE && !/^(true|false)$/i.test(value.trim())) {
      throw new ApiError('FAIL_INVLD_PROP', `The value '${printable(value)}' of '${key}' is not true or false.`, { correction: 'Give true or false.' });
    }
  },
  (key, value) => { if (key === FILE_DIR_KEY) checkFileDir(value, key); },
  (key, value) => { if (isQosKey(key)) checkQosValue(key, value); },
  (key, value) => {
    if (key === 'BackupShipping/MaxConcurrentBackupsPerNode' && !/^-?\d+$/.test(value.trim())) {
      throw new ApiError('FAIL_INVLD_PROP', `The value '${printable(value)}' of '${key}' is not a whole number.`, { correction: 'Give the number of backups a node may ship at once (-1: no limit).' });
    }
  },
];
export function registerValueChecker(check: (key: string, value: string) => void): void {
  valueCheckers.push(check);
}

export function checkPropKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_SYNTAX.test(key)) {
    throw new ApiError('FAIL_INVLD_PROP', `The property key '${printable(key)}' is invalid.`, {
      cause: 'Keys are path segments of letters, digits, \'_\', \'-\', \'.\' or \':\' separated by \'/\'.',
      correction: 'Use a key such as Aux/my-key or DrbdOptions/Net/protocol.',
    });
  }
  if (FREE_NAMESPACES.some((ns) => key.startsWith(ns))) return key;
  if (KNOWN_KEYS.has(key) || isQosKey(key) || KNOWN_NAMESPACES.some((ns) => key.startsWith(ns))) return key;
  throw new ApiError('FAIL_INVLD_PROP', `The key '${key}' is not whitelisted.`, {
    cause: 'LINSTOR only accepts known property keys outside the Aux/ namespace.',
    correction: `Check the spelling, or use 'Aux/${key}' for your own data.`,
  });
}

export function checkPropValue(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH || value.includes('\u0000')) {
    throw new ApiError('FAIL_INVLD_PROP', `The value for property '${key}' is invalid.`, {
      cause: `A property value must be a string of at most ${MAX_VALUE_LENGTH} characters without NUL bytes.`,
      correction: 'Give the value as a JSON string.',
    });
  }
  for (const check of valueCheckers) check(key, value);
  return value;
}
