import { ApiError } from '../../model/errors.js';
import { checkName, nameKey, printable } from '../../model/names.js';
import { LAYER_KINDS, PROVIDER_KINDS, type AutoSelectFilter } from '../../model/types.js';
import type { ClusterState } from '../state/cluster-state.js';

function parseError(field: string, what: string, example: string): ApiError {
  return new ApiError('API_CALL_PARSE_ERROR', `select_filter.${field} must be ${what}.`, {
    cause: 'The request body does not match the AutoSelectFilter schema.', correction: `Give e.g. "${field}": ${example}.`, obj: 'RSC_GRP',
  });
}

function int(v: unknown, field: string, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v > 2_147_483_647) throw parseError(field, 'an integer', '2');
  if (v < min) {
    throw new ApiError(field === 'place_count' ? 'FAIL_INVLD_PLACE_COUNT' : 'FAIL_INVLD_REQUEST', `select_filter.${field} must be at least ${min}, not ${v}.`, {
      correction: `Give ${field} as an integer of ${min} or more.`, obj: 'RSC_GRP',
    });
  }
  return v;
}

function strings(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw parseError(field, 'a list of strings', '["a", "b"]');
  return v as string[];
}

function enumList(v: unknown, field: string, allowed: readonly string[], rc: 'FAIL_INVLD_LAYER_STACK' | 'FAIL_INVLD_PROVIDER'): string[] | undefined {
  const list = strings(v, field);
  if (!list) return undefined;
  const up = list.map((x) => x.toUpperCase());
  const bad = up.find((x) => !allowed.includes(x));
  if (bad !== undefined) {
    throw new ApiError(rc, `select_filter.${field} contains the unknown value '${printable(bad)}'.`, { correction: `Use values from ${allowed.join(', ')}.`, obj: 'RSC_GRP' });
  }
  if (new Set(up).size !== up.length) {
    throw new ApiError(rc, `select_filter.${field} names a value twice.`, { correction: 'List each value once.', obj: 'RSC_GRP' });
  }
  return up;
}

/**
 * Validates an AutoSelectFilter from a request: types as in the OpenAPI schema, names by
 * LINSTOR's rules, enums against LayerKind/ProviderKind. Absent fields stay absent, so a
 * modify can merge only what was given (LINSTOR's AutoSelectorConfig.applyChanges).
 */
export function checkSelectFilter(raw: unknown): AutoSelectFilter {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw parseError('', 'an object', '{"place_count": 2}');
  const f = raw as Record<string, unknown>;
  const pools = (v: unknown, field: string): string[] | undefined => strings(v, field)?.map((p) => checkName('storage-pool', p));
  const bool = (v: unknown, field: string): boolean | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw parseError(field, 'true or false', 'true');
    return v;
  };
  const str = (v: unknown, field: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw parseError(field, 'a string', '"x"');
    return v;
  };
  const regex = str(f.not_place_with_rsc_regex, 'not_place_with_rsc_regex');
  if (regex !== undefined) {
    try { new RegExp(regex); } catch {
      throw new ApiError('FAIL_INVLD_REQUEST', `select_filter.not_place_with_rsc_regex '${printable(regex)}' is not a valid regular expression.`, { correction: 'Fix the regular expression.', obj: 'RSC_GRP' });
    }
  }
  let xMap: Record<string, number> | undefined;
  if (f.x_replicas_on_different_map !== undefined && f.x_replicas_on_different_map !== null) {
    const m = f.x_replicas_on_different_map;
    if (typeof m !== 'object' || Array.isArray(m) || Object.values(m as object).some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
      throw parseError('x_replicas_on_different_map', 'an object of positive integers', '{"Aux/site": 1}');
    }
    xMap = m as Record<string, number>;
  }
  const overprovision = f.overprovision;
  if (overprovision !== undefined && overprovision !== null && (typeof overprovision !== 'number' || !Number.isFinite(overprovision) || overprovision < 0)) {
    throw parseError('overprovision', 'a non-negative number', '2.0');
  }
  const storagePool = str(f.storage_pool, 'storage_pool');
  const out: AutoSelectFilter = {
    place_count: int(f.place_count, 'place_count', 1),
    additional_place_count: int(f.additional_place_count, 'additional_place_count', 0),
    node_name_list: strings(f.node_name_list, 'node_name_list')?.map((n) => checkName('node', n)),
    storage_pool: storagePool === undefined ? undefined : checkName('storage-pool', storagePool),
    storage_pool_list: pools(f.storage_pool_list, 'storage_pool_list'),
    storage_pool_diskless_list: pools(f.storage_pool_diskless_list, 'storage_pool_diskless_list'),
    not_place_with_rsc: strings(f.not_place_with_rsc, 'not_place_with_rsc')?.map((n) => checkName('resource', n)),
    not_place_with_rsc_regex: regex,
    replicas_on_same: strings(f.replicas_on_same, 'replicas_on_same'),
    replicas_on_different: strings(f.replicas_on_different, 'replicas_on_different'),
    x_replicas_on_different_map: xMap,
    layer_stack: enumList(f.layer_stack, 'layer_stack', LAYER_KINDS, 'FAIL_INVLD_LAYER_STACK'),
    provider_list: enumList(f.provider_list, 'provider_list', PROVIDER_KINDS, 'FAIL_INVLD_PROVIDER'),
    diskless_on_remaining: bool(f.diskless_on_remaining, 'diskless_on_remaining'),
    diskless_type: str(f.diskless_type, 'diskless_type'),
    overprovision: overprovision as number | undefined,
    port_count: int(f.port_count, 'port_count', 0),
  };
  for (const k of Object.keys(out) as Array<keyof AutoSelectFilter>) if (out[k] === undefined) delete out[k];
  return out;
}

/** Given fields replace the old ones; absent fields keep their value. */
export function mergeSelectFilter(old: AutoSelectFilter, change: AutoSelectFilter): AutoSelectFilter {
  return { ...old, ...change };
}

/** Pools named in a filter that no storage pool definition knows (LINSTOR warns, does not refuse). */
export function unknownPools(state: ClusterState, f: AutoSelectFilter): string[] {
  const names = [...(f.storage_pool ? [f.storage_pool] : []), ...(f.storage_pool_list ?? []), ...(f.storage_pool_diskless_list ?? [])];
  return names.filter((n) => !state.storagePoolDefinitions.has(nameKey(n)));
}
