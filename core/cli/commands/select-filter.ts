/**
 * The autoplace options (`--place-count`, `--storage-pool`, `--replicas-on-different`, ...) of
 * resource-group create/modify/spawn/query-size-info and resource create --auto-place, and the
 * select_filter they become — keys in python-linstor's order, values as linstor-client sends
 * them (place_count a string for groups, an int for --auto-place; Aux/ added to node properties).
 */
import { UsageError, type OptSpec, type Parsed } from '../spec.js';
import { layerList, layerListOpt, providerList, PROVIDERS } from './common.js';

export function autoSelectOpts(opts: { placeCount: boolean; pForProviders?: boolean }): OptSpec[] {
  return [
    { name: 'storage-pool', short: 's', kind: 'list', nargs: '*', complete: 'storage-pool-definition', help: 'Storage pool name to use, set empty string to remove.' },
    { name: 'diskless-storage-pool', kind: 'list', nargs: '*', complete: 'storage-pool-definition', help: 'Diskless storage pool name to use, set empty string to remove.' },
    opts.placeCount
      ? { name: 'place-count', kind: 'str', metavar: 'REPLICA_COUNT', help: 'Auto place a resource to a specified number of nodes, set 0 to remove' }
      : { name: 'auto-place', kind: 'str', metavar: 'REPLICA_COUNT', help: 'Auto place a resource to a specified number of nodes' },
    { name: 'do-not-place-with', kind: 'list', nargs: '*', metavar: 'RESOURCE_NAME', complete: 'resource', help: 'Try to avoid nodes that already have a given resource deployed.' },
    { name: 'do-not-place-with-regex', kind: 'str', nargs: '?', metavar: 'RESOURCE_REGEX', help: "Try to avoid nodes that already have a resource deployed who's name is matching the given regular expression." },
    { name: 'replicas-on-same', kind: 'list', nargs: '*', metavar: 'AUX_PROPERTY', help: 'Tries to place resources on nodes with the same given auxiliary node property values.' },
    { name: 'replicas-on-different', kind: 'list', nargs: '*', metavar: 'AUX_PROPERTY', help: 'Tries to place resources on nodes with a different value for the given auxiliary node property.' },
    {
      name: 'x-replicas-on-different', kind: 'append', arity: 2, metavar: 'AUX_PROPERTY COUNT',
      help: 'Tries to place at most COUNT replicas on nodes with the same value for the given auxiliary node property.',
    },
    { name: 'diskless-on-remaining', kind: 'str', nargs: '?', const: '', help: 'Will add a diskless resource on all non replica nodes. Setting can be unset if "false" is given as argument' },
    layerListOpt,
    {
      name: 'providers', ...(opts.pForProviders === false ? { aliases: ['--prov'] } : { short: 'p' }), kind: 'str',
      help: `Comma separated providers list. Only storage pools with the given provider kind are considered as auto-place target. Possible providers are: ${PROVIDERS.join(',')}`,
    },
  ];
}

/** prepare_argparse_list: absent stays absent, [] or [''] means "clear", else optionally prefixed. */
function prep(v: string[] | undefined, prefix = ''): string[] | undefined {
  if (v === undefined) return undefined;
  return v.length && v[0] ? v.map((x) => prefix + x) : [];
}

/** parse_diskless_on_remaining: absent → undefined, given bare → true, "false" → false. */
export function disklessOnRemaining(p: Parsed): boolean | undefined {
  const v = p.opt['diskless-on-remaining'];
  if (v === undefined) return undefined;
  return String(v).toLowerCase() !== 'false';
}

export interface PlaceCount { placeCount?: number; additional?: number }

/** `--auto-place N | +N | max | all` (linstor-client's parse_place_count_args). */
export function parsePlaceCount(v: string | undefined): PlaceCount {
  if (!v) return {};
  if (v.startsWith('+')) return { additional: toInt(v.slice(1)) };
  if (v === 'max' || v === 'all') return { placeCount: -1, additional: 0 };
  return { placeCount: toInt(v) };
}

function toInt(v: string): number {
  if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`invalid literal for int() with base 10: '${v}'`);
  return Number(v);
}

export interface FilterInput {
  placeCount?: number | string;
  additional?: number;
  disklessType?: string;
}

/** The select_filter object in python-linstor's key order. */
export function selectFilter(p: Parsed, input: FilterInput = {}): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (input.placeCount !== undefined) f.place_count = input.placeCount;
  if (input.additional !== undefined && input.additional !== 0) f.additional_place_count = input.additional;
  if (input.disklessType) f.diskless_type = input.disklessType;
  const dor = disklessOnRemaining(p);
  if (dor !== undefined) f.diskless_on_remaining = dor;
  const pools = p.opt['storage-pool'] as string[] | undefined;
  if (pools !== undefined) f.storage_pool_list = pools.length && pools[0] ? pools : [];
  const dpools = prep(p.opt['diskless-storage-pool'] as string[] | undefined);
  if (dpools !== undefined) f.storage_pool_diskless_list = dpools;
  const npw = prep(p.opt['do-not-place-with'] as string[] | undefined);
  if (npw !== undefined) f.not_place_with_rsc = npw;
  if (p.opt['do-not-place-with-regex'] !== undefined) f.not_place_with_rsc_regex = p.opt['do-not-place-with-regex'] || null;
  const same = prep(p.opt['replicas-on-same'] as string[] | undefined, 'Aux/');
  if (same !== undefined) f.replicas_on_same = same;
  const diff = prep(p.opt['replicas-on-different'] as string[] | undefined, 'Aux/');
  if (diff !== undefined) f.replicas_on_different = diff;
  const x = p.opt['x-replicas-on-different'] as string[] | undefined;
  if (x !== undefined) {
    const map: Record<string, number> = {};
    for (let i = 0; i + 1 < x.length; i += 2) map[`Aux/${x[i]}`] = toInt(x[i + 1]!);
    f.x_replicas_on_different_map = map;
  }
  const layers = layerList(p.opt['layer-list'] as string | undefined);
  if (layers !== undefined) f.layer_stack = layers;
  const providers = providerList(p.opt.providers as string | undefined);
  if (providers !== undefined) f.provider_list = providers;
  return f;
}
