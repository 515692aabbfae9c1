/**
 * Jackson-like coercion of request bodies (core/api/validate.ts), one table per endpoint
 * family: numeric strings become integers, numbers and booleans become strings where the
 * schema says string ("True"/"TRUE" are booleans, fractions are truncated to integers, as
 * Jackson reads them), a single value where a list belongs is refused (LINSTOR's mappers leave
 * ACCEPT_SINGLE_VALUE_AS_ARRAY off), unknown fields are ignored.
 */
import test from 'ava';
import { validateRequest, type RequestKey } from '../../core/api/validate.js';
import { ApiError } from '../../core/model/errors.js';

interface Row { family: string; key: RequestKey; body: unknown; expect: unknown }

/** Accepted requests: what the service receives. */
const COERCED: Row[] = [
  { family: 'nodes', key: 'POST /v1/nodes', body: { name: 'n1', type: 'satellite', props: { 'Aux/rack': 7 }, net_interfaces: [{ name: 'default', address: '10.0.0.1', satellite_port: '3366', is_active: 'true' }], unknown: 1 },
    expect: { name: 'n1', type: 'satellite', props: { 'Aux/rack': '7' }, net_interfaces: [{ name: 'default', address: '10.0.0.1', satellite_port: 3366, is_active: true }], unknown: 1 } },
  { family: 'nodes', key: 'PUT /v1/nodes/{node}', body: { override_props: { 'Aux/flag': true }, delete_props: ['Aux/x'] }, expect: { override_props: { 'Aux/flag': 'true' }, delete_props: ['Aux/x'] } },
  { family: 'storage pools', key: 'POST /v1/nodes/{node}/storage-pools', body: { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { MaxOversubscriptionRatio: 3 }, external_locking: 'false' },
    expect: { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { MaxOversubscriptionRatio: '3' }, external_locking: false } },
  { family: 'resource groups', key: 'POST /v1/resource-groups', body: { name: 'rg1', select_filter: { place_count: '2', storage_pool_list: ['fpool'], layer_stack: ['storage'] } },
    expect: { name: 'rg1', select_filter: { place_count: 2, storage_pool_list: ['fpool'], layer_stack: ['storage'] } } },
  { family: 'resource groups', key: 'POST /v1/resource-groups/{resource_group}/spawn', body: { resource_definition_name: 'r1', volume_sizes: ['65536'], partial: 'false', select_filter: { place_count: '1' } },
    expect: { resource_definition_name: 'r1', volume_sizes: [65536], partial: false, select_filter: { place_count: 1 } } },
  { family: 'volume groups', key: 'POST /v1/resource-groups/{resource_group}/volume-groups', body: { volume_number: '1', props: { 'Aux/v': 1.5 } }, expect: { volume_number: 1, props: { 'Aux/v': '1.5' } } },
  { family: 'resource definitions', key: 'POST /v1/resource-definitions', body: { resource_definition: { name: 'r1', props: { 'Aux/pm/vmid': 100 } }, drbd_port: '7000' },
    expect: { resource_definition: { name: 'r1', props: { 'Aux/pm/vmid': '100' } }, drbd_port: 7000 } },
  { family: 'volume definitions', key: 'POST /v1/resource-definitions/{resource}/volume-definitions', body: { volume_definition: { size_kib: '1048576', volume_number: '0' } },
    expect: { volume_definition: { size_kib: 1048576, volume_number: 0 } } },
  { family: 'volume definitions', key: 'PUT /v1/resource-definitions/{resource}/volume-definitions/{volume_number}', body: { size_kib: '2048' }, expect: { size_kib: 2048 } },
  { family: 'resources', key: 'POST /v1/resource-definitions/{resource}/resources', body: [{ resource: { node_name: 'n1', props: { 'Aux/a': 1 } }, drbd_node_id: '3' }],
    expect: [{ resource: { node_name: 'n1', props: { 'Aux/a': '1' } }, drbd_node_id: 3 }] },
  { family: 'resources', key: 'POST /v1/resource-definitions/{resource}/autoplace', body: { diskless_on_remaining: null, select_filter: { place_count: '2' } }, expect: { select_filter: { place_count: 2 } } },
  { family: 'snapshots', key: 'POST /v1/resource-definitions/{resource}/snapshots', body: { name: 'snap1', nodes: ['n1'], extra: 'x' }, expect: { name: 'snap1', nodes: ['n1'], extra: 'x' } },
  { family: 'controller', key: 'POST /v1/controller/properties', body: { override_props: { 'DrbdOptions/Net/max-buffers': 8000 } }, expect: { override_props: { 'DrbdOptions/Net/max-buffers': '8000' } } },
  { family: 'controller', key: 'PUT /v1/controller/config', body: { log: { level_linstor: 'INFO' } }, expect: { log: { level_linstor: 'INFO' } } },
  { family: 'key-value store', key: 'PUT /v1/key-value-store/{instance}', body: { override_props: { counter: 42 } }, expect: { override_props: { counter: '42' } } },
  { family: 'error reports', key: 'PATCH /v1/error-reports', body: { since: '1700000000000', ids: ['A-1'] }, expect: { since: 1700000000000, ids: ['A-1'] } },
  { family: 'encryption', key: 'PATCH /v1/encryption/passphrase', body: 'secret', expect: 'secret' },
  // Jackson's own leniencies beyond ajv's: "True"/"TRUE"/"FALSE" booleans, fractions truncated to integers.
  { family: 'resource groups', key: 'POST /v1/resource-groups/{resource_group}/spawn', body: { resource_definition_name: 'r1', volume_sizes: [65536.7], partial: 'True', definitions_only: 'FALSE', select_filter: { place_count: 2.9, diskless_on_remaining: 'TRUE' } },
    expect: { resource_definition_name: 'r1', volume_sizes: [65536], partial: true, definitions_only: false, select_filter: { place_count: 2, diskless_on_remaining: true } } },
  { family: 'node lifecycle', key: 'PUT /v1/nodes/{node}/restore', body: { delete_resources: 'true', delete_snapshots: false }, expect: { delete_resources: true, delete_snapshots: false } },
];

for (const row of COERCED) {
  test(`${row.family}: ${row.key} is coerced as Jackson reads it (${JSON.stringify(row.body).slice(0, 60)})`, (t) => {
    t.deepEqual(validateRequest(row.key, row.body), row.expect);
  });
}

/** Refused as Jackson refuses them: HTTP 400 API_CALL_PARSE_ERROR naming the field. */
const UNPARSABLE: Array<{ family: string; key: RequestKey; body: unknown; field: RegExp }> = [
  { family: 'resource groups', key: 'POST /v1/resource-groups', body: { name: 'rg1', select_filter: { storage_pool_list: 'fpool' } }, field: /storage_pool_list' must be array/ },
  { family: 'resource groups', key: 'POST /v1/resource-groups', body: { name: 'rg1', select_filter: { place_count: 'two' } }, field: /place_count' must be integer/ },
  { family: 'nodes', key: 'POST /v1/nodes', body: { name: 'n1', net_interfaces: { name: 'default', address: '10.0.0.1' } }, field: /net_interfaces' must be array/ },
  { family: 'resources', key: 'POST /v1/resource-definitions/{resource}/resources', body: { resource: { node_name: 'n1' } }, field: /The request body must be array/ },
  { family: 'volume definitions', key: 'POST /v1/resource-definitions/{resource}/volume-definitions', body: { volume_definition: { size_kib: '10G' } }, field: /size_kib' must be integer/ },
  { family: 'controller', key: 'POST /v1/controller/properties', body: { override_props: { 'Aux/x': { nested: true } } }, field: /Aux\/x' must be string/ },
  { family: 'node lifecycle', key: 'PUT /v1/nodes/{node}/evacuate', body: { target: 'n2' }, field: /target' must be array/ },
  { family: 'resource groups', key: 'POST /v1/resource-groups/{resource_group}/spawn', body: { resource_definition_name: 'r1', partial: 'yes' }, field: /partial' must be boolean/ },
  { family: 'snapshots', key: 'POST /v1/actions/snapshot/multi', body: { snapshots: { name: 's', resource_name: 'r' } }, field: /snapshots' must be array/ },
];

for (const row of UNPARSABLE) {
  test(`${row.family}: ${row.key} refuses what Jackson cannot read (${row.field.source})`, (t) => {
    const e = t.throws(() => validateRequest(row.key, row.body), { instanceOf: ApiError });
    t.is(e?.rc, 'API_CALL_PARSE_ERROR');
    t.is(e?.message, 'Unable to parse input json.');
    t.regex(e?.opts.details ?? '', row.field);
  });
}

test('a rule error keeps LINSTOR\'s return code, message and correction', (t) => {
  const e = t.throws(() => validateRequest('POST /v1/resource-groups', { name: 'rg1', select_filter: { place_count: '0' } }), { instanceOf: ApiError });
  t.is(e?.rc, 'FAIL_INVLD_PLACE_COUNT');
  t.regex(e?.opts.correction ?? '', /integer of 1 or more/);
  const name = t.throws(() => validateRequest('POST /v1/nodes', { name: 'bad_node!', net_interfaces: [] }), { instanceOf: ApiError });
  t.is(name?.rc, 'FAIL_INVLD_NODE_NAME');
  const key = t.throws(() => validateRequest('PUT /v1/nodes/{node}', { override_props: { NoSuchKey: 1 } }), { instanceOf: ApiError });
  t.is(key?.rc, 'FAIL_INVLD_PROP');
});

test('a parse error wins over a rule error, as Jackson parses before LINSTOR checks', (t) => {
  const e = t.throws(() => validateRequest('POST /v1/resource-groups', { name: 'x', select_filter: { place_count: 'many' } }), { instanceOf: ApiError });
  t.is(e?.rc, 'API_CALL_PARSE_ERROR');
});
