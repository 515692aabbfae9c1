/**
 * Our own rules on request bodies, checked by the validator in the same pass as the schema
 * (as the `x-linstor-rule` keyword on the named component schema). Each rule throws the
 * ApiError LINSTOR answers for that mistake (return code, cause, correction).
 *
 * Rules run after Jackson-like coercion, on values whose JSON type already matches the spec;
 * a field that is absent is left to the service (most are optional in LINSTOR too).
 */
import { isIP } from 'node:net';
import { ApiError } from '../model/errors.js';
import { checkName, printable, type NameKind } from '../model/names.js';
import { checkVolumeSizeKib } from '../model/sizes.js';
import { LAYER_KINDS, NODE_TYPES, PROVIDER_KINDS } from '../model/types.js';
import { compileUserRegex } from '../model/user-regex.js';
import { checkPropKey, checkPropValue, MAX_KEY_LENGTH } from '../props/keys.js';
import type { SchemaName } from './generated/types.js';

type Obj = Record<string, unknown>;
type Rule = (o: Obj) => void;

const MAX_VLM_NR = 65535;

function name(kind: NameKind, v: unknown, required = true): void {
  if (v === undefined && !required) return;
  checkName(kind, v);
}

/** A props map whose keys are whitelisted (object properties). */
function props(v: unknown): void {
  if (v === undefined) return;
  for (const [k, val] of Object.entries(v as Obj)) checkPropValue(checkPropKey(k), val);
}

function propKeys(v: unknown): void {
  for (const k of (v ?? []) as string[]) checkPropKey(k);
}

/** override_props / delete_props of every `*Modify` request. */
function propsModify(o: Obj): void {
  props(o.override_props);
  propKeys(o.delete_props);
}

function intRange(v: unknown, field: string, min: number, max: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' must be an integer between ${min} and ${max}.`, { correction: `Give ${field} as a number.` });
  }
}

function description(v: unknown): void {
  if (typeof v === 'string' && (v.length > 4096 || v.includes('\u0000'))) {
    throw new ApiError('FAIL_INVLD_REQUEST', 'The description is too long or contains NUL bytes.', { correction: 'Use at most 4096 characters.', obj: 'RSC_GRP' });
  }
}

export function checkVolumeNumber(v: unknown, obj: 'VLM_GRP' | 'VLM_DFN'): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_VLM_NR) {
    throw new ApiError('FAIL_INVLD_VLM_NR', `Volume number '${printable(v)}' is invalid.`, { correction: `Use a number from 0 to ${MAX_VLM_NR}.`, obj });
  }
}

function netInterface(o: Obj): void {
  name('net-interface', o.name, false);
  if (o.address !== undefined && !isIP(String(o.address))) {
    throw new ApiError('FAIL_INVLD_NET_ADDR', `Network address '${printable(o.address)}' is invalid.`, {
      cause: 'The address must be an IPv4 or IPv6 address.', correction: 'Give the address as e.g. 192.168.1.10.', obj: 'NET_IF',
    });
  }
  const enc = o.satellite_encryption_type;
  if (enc !== undefined && !['PLAIN', 'SSL'].includes(String(enc).toUpperCase())) {
    throw new ApiError('FAIL_INVLD_NET_TYPE', `Satellite encryption type '${printable(enc)}' is invalid.`, { correction: 'Use PLAIN or SSL.', obj: 'NET_IF' });
  }
  intRange(o.satellite_port, 'satellite_port', 1, 65535);
}

function nodeType(v: unknown): void {
  if (v === undefined) return;
  if (!(NODE_TYPES as readonly string[]).includes(String(v).toUpperCase())) {
    throw new ApiError('FAIL_INVLD_NODE_TYPE', `Node type '${printable(v)}' is invalid.`, { correction: `Use one of ${NODE_TYPES.join(', ')}.`, obj: 'NODE' });
  }
}

function enumList(v: unknown, field: string, allowed: readonly string[], rc: 'FAIL_INVLD_LAYER_STACK' | 'FAIL_INVLD_PROVIDER', obj: 'RSC_GRP' | 'RSC' | 'RSC_DFN' = 'RSC_GRP'): void {
  if (v === undefined) return;
  const up = (v as string[]).map((x) => x.toUpperCase());
  const bad = up.find((x) => !allowed.includes(x));
  if (bad !== undefined) throw new ApiError(rc, `${field} contains the unknown value '${printable(bad)}'.`, { correction: `Use values from ${allowed.join(', ')}.`, obj });
  if (new Set(up).size !== up.length) throw new ApiError(rc, `${field} names a value twice.`, { correction: 'List each value once.', obj });
}

function minInt(v: unknown, field: string, min: number): void {
  if (v === undefined || (v as number) >= min) return;
  throw new ApiError(field === 'place_count' ? 'FAIL_INVLD_PLACE_COUNT' : 'FAIL_INVLD_REQUEST', `select_filter.${field} must be at least ${min}, not ${String(v)}.`, {
    correction: `Give ${field} as an integer of ${min} or more.`, obj: 'RSC_GRP',
  });
}

function selectFilter(f: Obj): void {
  minInt(f.place_count, 'place_count', 1);
  minInt(f.additional_place_count, 'additional_place_count', 0);
  minInt(f.port_count, 'port_count', 0);
  for (const n of (f.node_name_list ?? []) as string[]) checkName('node', n);
  if (f.storage_pool !== undefined) checkName('storage-pool', f.storage_pool);
  for (const p of [...((f.storage_pool_list ?? []) as string[]), ...((f.storage_pool_diskless_list ?? []) as string[])]) checkName('storage-pool', p);
  for (const r of (f.not_place_with_rsc ?? []) as string[]) checkName('resource', r);
  if (typeof f.not_place_with_rsc_regex === 'string') compileUserRegex(f.not_place_with_rsc_regex, 'select_filter.not_place_with_rsc_regex', { obj: 'RSC_GRP' });
  for (const n of Object.values((f.x_replicas_on_different_map ?? {}) as Obj)) {
    if ((n as number) < 1) throw new ApiError('API_CALL_PARSE_ERROR', 'select_filter.x_replicas_on_different_map must be an object of positive integers.', { correction: 'Give e.g. "x_replicas_on_different_map": {"Aux/site": 1}.', obj: 'RSC_GRP' });
  }
  if (typeof f.overprovision === 'number' && f.overprovision < 0) {
    throw new ApiError('API_CALL_PARSE_ERROR', 'select_filter.overprovision must be a non-negative number.', { correction: 'Give e.g. "overprovision": 2.0.', obj: 'RSC_GRP' });
  }
  enumList(f.layer_stack, 'select_filter.layer_stack', LAYER_KINDS, 'FAIL_INVLD_LAYER_STACK');
  enumList(f.provider_list, 'select_filter.provider_list', PROVIDER_KINDS, 'FAIL_INVLD_PROVIDER');
}

/**
 * A key-value store holds the user's own data, so its keys are not whitelisted like object
 * props; they must still be sane path-like strings.
 */
export function checkKvsKey(k: string): string {
  if (k.length === 0 || k.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(k) || k.startsWith('/') || k.endsWith('/') || k.includes('//')) {
    throw new ApiError('FAIL_INVLD_PROP', `The key '${printable(k)}' is invalid.`, {
      cause: `Keys are 1 to ${MAX_KEY_LENGTH} printable characters; '/' separates namespaces.`, correction: 'Use a key such as my-app/setting.', obj: 'KVS',
    });
  }
  return k;
}

/** The rule of each component schema that has one. */
export const SCHEMA_RULES: Partial<Record<SchemaName, Rule>> = {
  Node: (o) => { name('node', o.name); nodeType(o.type); props(o.props); },
  NodeModify: (o) => { nodeType(o.node_type); propsModify(o); },
  NetInterface: netInterface,
  StoragePool: (o) => { name('storage-pool', o.storage_pool_name); props(o.props); },
  StoragePoolDefinition: (o) => { name('storage-pool', o.storage_pool_name); props(o.props); },
  StoragePoolDefinitionModify: propsModify,
  PhysicalStorageStoragePoolCreate: (o) => { name('storage-pool', o.name); props(o.props); },
  ResourceGroup: (o) => { name('resource-group', o.name); description(o.description); props(o.props); intRange(o.peer_slots, 'peer_slots', 1, 31); },
  ResourceGroupModify: (o) => { description(o.description); propsModify(o); intRange(o.peer_slots, 'peer_slots', 1, 31); },
  VolumeGroup: (o) => { checkVolumeNumber(o.volume_number, 'VLM_GRP'); props(o.props); },
  VolumeGroupModify: propsModify,
  AutoSelectFilter: selectFilter,
  ResourceGroupSpawn: (o) => {
    // Either a name or an external name (the service derives the name then).
    if (o.resource_definition_name) name('resource', o.resource_definition_name);
    for (const s of (o.volume_sizes ?? []) as number[]) checkVolumeSizeKib(s);
    props(o.resource_definition_props);
    intRange(o.peer_slots, 'peer_slots', 1, 31);
  },
  ResourceDefinition: (o) => { if (o.name) name('resource', o.name); props(o.props); },
  ResourceDefinitionCreate: (o) => { intRange(o.drbd_port, 'drbd_port', 1, 65535); intRange(o.drbd_peer_slots, 'drbd_peer_slots', 1, 31); },
  ResourceDefinitionModify: (o) => {
    propsModify(o);
    intRange(o.drbd_port, 'drbd_port', 1, 65535);
    intRange(o.drbd_peer_slots, 'drbd_peer_slots', 1, 31);
    if (o.resource_group !== undefined) name('resource-group', o.resource_group);
    enumList(o.layer_stack, 'layer_stack', LAYER_KINDS, 'FAIL_INVLD_LAYER_STACK', 'RSC_DFN');
  },
  VolumeDefinition: (o) => { checkVolumeNumber(o.volume_number, 'VLM_DFN'); checkVolumeSizeKib(o.size_kib); props(o.props); },
  VolumeDefinitionCreate: (o) => intRange(o.drbd_minor_number, 'drbd_minor_number', 0, 1048575),
  VolumeDefinitionModify: (o) => { if (o.size_kib !== undefined) checkVolumeSizeKib(o.size_kib); propsModify(o); },
  Resource: (o) => { if (o.node_name !== undefined) name('node', o.node_name); props(o.props); },
  ResourceCreate: (o) => { enumList(o.layer_list, 'layer_list', LAYER_KINDS, 'FAIL_INVLD_LAYER_STACK', 'RSC'); intRange(o.drbd_node_id, 'drbd_node_id', 0, 31); },
  ResourceModify: propsModify,
  VolumeModify: propsModify,
  NodeConnectionModify: propsModify,
  ResourceConnectionModify: propsModify,
  ControllerPropsModify: propsModify,
  SnapshotModify: propsModify,
  KeyValueStoreModify: (o) => {
    for (const [k, v] of Object.entries((o.override_props ?? {}) as Obj)) checkPropValue(checkKvsKey(k), v);
    for (const k of (o.delete_props ?? []) as string[]) checkKvsKey(k);
  },
  ErrorReportDelete: (o) => {
    for (const f of ['since', 'to'] as const) {
      const v = o[f];
      if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < 0)) {
        throw new ApiError('FAIL_INVLD_TIME_PARAM', `'${f}' must be a time in milliseconds since the epoch.`, { correction: `Give e.g. "${f}": ${Date.now()}.` });
      }
    }
  },
  Snapshot: (o) => { name('snapshot', o.name); if (o.resource_name !== undefined) name('resource', o.resource_name); },
  SnapshotRestore: (o) => { name('resource', o.to_resource); },
  ResourceDefinitionCloneRequest: (o) => { if (o.name) name('resource', o.name); if (o.resource_group) name('resource-group', o.resource_group); },
};
