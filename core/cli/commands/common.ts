/**
 * Pieces every command family shares, spelled as linstor-client spells them: sub-command names
 * with their one short alias, the list options (-p, -g, -s/--show-props, --props, --from-file),
 * the set-property arguments and the --show-props columns.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type ArgSpec, type Completer, type OptSpec, type Parsed } from '../spec.js';
import type { CellValue, Table } from '../table.js';

const sub = (name: string, short?: string) => ({ name, ...(short && short !== name ? { aliases: [short] } : {}) });

/** linstor-client's Commands.Subcommands. */
export const SUB = {
  list: sub('list', 'l'), show: sub('show', 's'), listProperties: sub('list-properties', 'lp'), listVolumes: sub('list-volumes', 'lv'),
  create: sub('create', 'c'), makeAvailable: sub('make-available', 'mkavail'), autoPlace: sub('auto-place', 'ap'),
  createDevicePool: sub('create-device-pool', 'cdp'), modify: sub('modify', 'm'), interface: sub('interface', 'i'), info: sub('info'),
  delete: sub('delete', 'd'), lost: sub('lost', 'lo'), setProperty: sub('set-property', 'sp'),
  enterPassphrase: sub('enter-passphrase', 'ep'), createPassphrase: sub('create-passphrase', 'cp'), modifyPassphrase: sub('modify-passphrase', 'mp'),
  describe: sub('describe', 'dsc'), drbdOptions: sub('drbd-options', 'opt'), drbdPeerOptions: sub('drbd-peer-options', 'popt'),
  resource: sub('resource', 'r'), volumeDefinition: sub('volume-definition', 'vd'), restore: sub('restore', 'rst'), evacuate: sub('evacuate', 'evac'),
  setSize: sub('set-size', 'size'), queryMaxVolumeSize: sub('query-max-volume-size', 'qmvs'), querySizeInfo: sub('query-size-info', 'qsi'),
  toggleDisk: sub('toggle-disk', 'td'), createTransactional: sub('create-transactional', 'ct'), begin: sub('begin', 'b'), abort: sub('abort', 'a'),
  commit: sub('commit', 'c'), version: sub('version', 'v'), spawn: sub('spawn-resources', 'spawn'), download: sub('download', 'dl'),
  activate: sub('activate', 'act'), deactivate: sub('deactivate', 'deact'), rollback: sub('rollback', 'rb'), ship: sub('ship', 'sh'),
  shipList: sub('ship-list', 'shl'), query: sub('query', 'qry'), involved: sub('involved', 'inv'), which: sub('which'), clone: sub('clone', 'cln'),
  waitSync: sub('wait-sync', 'ws'), adjust: sub('adjust', 'adj'), deploy: sub('deploy', 'dep'), undeploy: sub('undeploy', 'und'),
  backupDb: sub('backupdb', 'bakdb'), enable: sub('enable', 'en'), disable: sub('disable', 'dis'), schedule: sub('schedule', 'sched'),
  setLogLevel: sub('set-log-level', 'setloglevel'),
};

export const pastableOpt: OptSpec = { name: 'pastable', short: 'p', kind: 'bool', help: 'Generate pastable output' };
export const asyncOpt: OptSpec = { name: 'async', kind: 'bool', help: 'Deprecated, kept for compatibility' };
export const propsFilterOpt: OptSpec = { name: 'props', kind: 'list', help: 'Filter list by object properties' };
export const fromFileOpt: OptSpec = { name: 'from-file', kind: 'str', metavar: 'FROM_FILE', complete: 'file', help: 'Read data to display from the given json file' };
export const showPropsOpt = (short = true): OptSpec => ({
  name: 'show-props', ...(short ? { short: 's' } : {}), kind: 'list', default: [],
  help: 'Show these props in the list. Can be key=value pairs where key is the property name and value column header',
});
export const groupbyOpt = (headers: string[]): OptSpec => ({ name: 'groupby', short: 'g', kind: 'list', lower: true, choices: headers.map((h) => h.toLowerCase()) });
export const filterOpt = (name: string, short: string | undefined, help: string, complete?: Completer): OptSpec =>
  ({ name, ...(short ? { short } : {}), kind: 'list', help, ...(complete ? { complete } : {}) });
export const nodesFilter = filterOpt('nodes', 'n', 'Filter by list of nodes', 'node');

/** `--aux` and the `key [value]` arguments of every set-property command. */
export const auxOpt: OptSpec = { name: 'aux', kind: 'bool', help: 'Property is an auxiliary user property.' };
export const keyValueArgs: ArgSpec[] = [
  { name: 'key', help: 'a property key', complete: 'property' },
  { name: 'value', optional: true, help: 'Value for the chosen property. If empty property will be removed.' },
];

/** `-s/--show-props KEY[=Header]`: extra columns after the fixed ones; returns the keys. */
export function addShowPropColumns(t: Table, p: Parsed): string[] {
  const keys: string[] = [];
  for (const s of (p.opt['show-props'] as string[] | undefined) ?? []) {
    const [key, header] = s.split('=');
    keys.push(key!);
    t.addColumn(header ?? key!);
  }
  return keys;
}

export const propCells = (keys: string[], props: Record<string, string> | undefined): CellValue[] => keys.map((k) => props?.[k] ?? '');

/** `--from-file FILE`: the JSON a list command would otherwise fetch. */
export function fromFile<T>(p: Parsed): T | undefined {
  const f = p.opt['from-file'] as string | undefined;
  if (!f) return undefined;
  try { return JSON.parse(readFileSync(f, 'utf8')) as T; } catch (e) { throw new UsageError(`argument --from-file: can't read '${f}': ${(e as Error).message}`); }
}

/** Layer names as typed, checked against LINSTOR's layer kinds (linstor-client's layer_data_check). */
export const LAYERS = ['drbd', 'luks', 'storage', 'nvme', 'writecache', 'cache', 'bcache', 'openflex'];
export function layerList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (!v) return [];
  return v.split(',').map((l) => {
    if (!LAYERS.includes(l.toLowerCase())) throw new UsageError(`Layer name "${l}" not valid`);
    return l;
  });
}
export const layerListOpt: OptSpec = {
  name: 'layer-list', short: 'l', kind: 'str',
  help: `Comma separated layer list, order is from left to right top-down This means the top most layer is on the left. Possible layers are: ${LAYERS.join(',')}`,
};

export const PROVIDERS = ['LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN', 'DISKLESS', 'FILE', 'FILE_THIN', 'SPDK', 'REMOTE_SPDK', 'EXOS', 'EBS_INIT', 'EBS_TARGET', 'STORAGE_SPACES', 'STORAGE_SPACES_THIN'];
export function providerList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (!v) return [];
  return v.split(',').map((x) => {
    if (!PROVIDERS.includes(x.toUpperCase())) throw new UsageError(`Provider "${x}" not valid`);
    return x;
  });
}
