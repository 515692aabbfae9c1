/**
 * csi-sanity's Identity and Controller checks (contracts/platforms.md §4.3), re-implemented
 * against the endpoint on a unix socket with a real controller and satellites behind it.
 */
import test from 'ava';
import { status } from '@grpc/grpc-js';
import { blockCap, MiB, mountCap, startCsiEnv, storageParams, uniq, type CsiEnv } from './harness.js';

let env: CsiEnv;
test.before(async () => { env = await startCsiEnv(2); });
test.after.always(async () => { await env?.teardown(); });

const ctl = (m: string, r: unknown = {}) => env.clients[0]!.call('controller', m, r);
const idn = (m: string, r: unknown = {}) => env.clients[0]!.call('identity', m, r);
const size = (n: bigint) => ({ required_bytes: String(n) });
async function newVolume(name = uniq('vol'), bytes = 16n * MiB, params = storageParams(env)) {
  const r = await ctl('CreateVolume', { name, capacity_range: size(bytes), volume_capabilities: [mountCap()], parameters: params });
  return r.volume as { volume_id: string; capacity_bytes: string; volume_context: Record<string, string>; accessible_topology: unknown[] };
}
const code = async (p: Promise<unknown>) => { try { await p; return status.OK; } catch (e) { return (e as { code: number }).code; } };

// Identity
test('GetPluginInfo names the plugin linstor.csi.linbit.com with a version', async (t) => {
  const r = await idn('GetPluginInfo');
  t.is(r.name, 'linstor.csi.linbit.com');
  t.regex(r.name, /^[a-zA-Z][A-Za-z0-9-._]{0,61}[a-zA-Z]$/);
  t.truthy(r.vendor_version);
});
test('GetPluginCapabilities advertises the controller service, topology and online expansion', async (t) => {
  const r = await idn('GetPluginCapabilities');
  const types = r.capabilities.map((c: any) => c.service?.type ?? c.volume_expansion?.type);
  t.deepEqual(types.sort(), ['CONTROLLER_SERVICE', 'ONLINE', 'VOLUME_ACCESSIBILITY_CONSTRAINTS']);
});
test('Probe answers ready while the LINSTOR controller is reachable', async (t) => {
  const r = await idn('Probe');
  t.true(r.ready.value);
});

// Controller basics
test('ControllerGetCapabilities lists what Nomad needs', async (t) => {
  const r = await ctl('ControllerGetCapabilities');
  const types = r.capabilities.map((c: any) => c.rpc.type);
  for (const x of ['CREATE_DELETE_VOLUME', 'PUBLISH_UNPUBLISH_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'CREATE_DELETE_SNAPSHOT', 'LIST_SNAPSHOTS', 'EXPAND_VOLUME', 'PUBLISH_READONLY', 'CLONE_VOLUME']) t.true(types.includes(x), x);
});
test('GetCapacity returns the free space of the storage pools, per node with topology', async (t) => {
  const all = await ctl('GetCapacity', { volume_capabilities: [mountCap()], parameters: { storagePool: env.pool } });
  t.true(BigInt(all.available_capacity) > 0n);
  const one = await ctl('GetCapacity', { accessible_topology: { segments: { 'linbit.com/hostname': env.cluster.nodes[0]!.name } } });
  t.true(BigInt(one.available_capacity) > 0n);
  t.true(BigInt(one.available_capacity) < BigInt(all.available_capacity));
  t.true(BigInt(one.maximum_volume_size.value) > 0n);
  const none = await ctl('GetCapacity', { volume_capabilities: [mountCap('MULTI_NODE_MULTI_WRITER')] });
  t.is(none.available_capacity, '0');
});

// CreateVolume
test('CreateVolume without a name is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('CreateVolume', { volume_capabilities: [mountCap()] })), status.INVALID_ARGUMENT);
});
test('CreateVolume without volume capabilities is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('CreateVolume', { name: uniq('v') })), status.INVALID_ARGUMENT);
});
test('CreateVolume with multi-node-multi-writer or single-node-multi-writer is INVALID_ARGUMENT', async (t) => {
  for (const mode of ['MULTI_NODE_MULTI_WRITER', 'MULTI_NODE_SINGLE_WRITER', 'SINGLE_NODE_MULTI_WRITER']) {
    t.is(await code(ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap(mode)], parameters: storageParams(env) })), status.INVALID_ARGUMENT, mode);
  }
});
test('CreateVolume with an unknown parameter is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap()], parameters: { nonsense: '1' } })), status.INVALID_ARGUMENT);
});
test('CreateVolume without capacity gives a volume of the default size', async (t) => {
  const r = await ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap()], parameters: storageParams(env) });
  t.true(BigInt(r.volume.capacity_bytes) > 0n);
  t.truthy(r.volume.volume_id);
  await ctl('DeleteVolume', { volume_id: r.volume.volume_id });
});
test('CreateVolume with 1 GiB gives at least 1 GiB, placed where nodeList says', async (t) => {
  const v = await newVolume(uniq('v'), 1024n * MiB);
  t.true(BigInt(v.capacity_bytes) >= 1024n * MiB);
  t.deepEqual(v.accessible_topology, [{ segments: { 'linbit.com/hostname': env.cluster.nodes[0]!.name } }], 'storage-only volumes are reachable only on their node');
  const rscs = await env.plugins[0]!.ctx.client.resources.list(v.volume_id);
  t.deepEqual(rscs.map((r) => r.node_name), [env.cluster.nodes[0]!.name]);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('CreateVolume twice with the same name and capacity returns the same volume', async (t) => {
  const name = uniq('same');
  const a = await newVolume(name);
  const b = await newVolume(name);
  t.is(a.volume_id, b.volume_id);
  t.is(a.capacity_bytes, b.capacity_bytes);
  await ctl('DeleteVolume', { volume_id: a.volume_id });
});
test('CreateVolume with an existing name and a larger capacity is ALREADY_EXISTS', async (t) => {
  const name = uniq('diff');
  const a = await newVolume(name);
  t.is(await code(newVolume(name, 64n * MiB)), status.ALREADY_EXISTS);
  await ctl('DeleteVolume', { volume_id: a.volume_id });
});
test('CreateVolume with an existing name whose size exceeds limit_bytes is ALREADY_EXISTS; within the range it is the same volume', async (t) => {
  const name = uniq('limit');
  const a = await newVolume(name, 32n * MiB);
  const again = (range: object) => ctl('CreateVolume', { name, capacity_range: range, volume_capabilities: [mountCap()], parameters: storageParams(env) });
  t.is(await code(again({ required_bytes: String(16n * MiB), limit_bytes: String(24n * MiB) })), status.ALREADY_EXISTS, 'existing 32 MiB > limit 24 MiB');
  t.is((await again({ required_bytes: String(16n * MiB), limit_bytes: String(32n * MiB) })).volume.volume_id, a.volume_id, 'limit exactly the existing size');
  t.is((await again({ required_bytes: String(32n * MiB) })).volume.volume_id, a.volume_id, 'required exactly the existing size');
  await ctl('DeleteVolume', { volume_id: a.volume_id });
});
test('CreateVolume with required_bytes above limit_bytes is OUT_OF_RANGE and creates nothing', async (t) => {
  const name = uniq('range');
  const r = ctl('CreateVolume', { name, capacity_range: { required_bytes: String(20n * MiB), limit_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env) });
  t.is(await code(r), status.OUT_OF_RANGE);
  const list = await ctl('ListVolumes', {});
  t.false((list.entries ?? []).some((e: { volume: { volume_id: string } }) => e.volume.volume_id.toLowerCase().includes(name.toLowerCase())), 'no volume was created');
});
test('CreateVolume with an existing name and another content source is ALREADY_EXISTS', async (t) => {
  const src = await newVolume();
  const name = uniq('src');
  const a = await newVolume(name);
  const fromVolume = ctl('CreateVolume', { name, capacity_range: size(16n * MiB), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { volume: { volume_id: src.volume_id } } });
  t.is(await code(fromVolume), status.ALREADY_EXISTS, 'created empty, asked again as a clone');
  const cloneName = uniq('clone');
  const clone = await ctl('CreateVolume', { name: cloneName, capacity_range: size(16n * MiB), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { volume: { volume_id: src.volume_id } } });
  t.is(await code(newVolume(cloneName)), status.ALREADY_EXISTS, 'created as a clone, asked again without a source');
  for (const v of [a, src, clone.volume]) await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('CreateVolume with an existing name and other parameters is ALREADY_EXISTS', async (t) => {
  const name = uniq('params');
  const a = await newVolume(name);
  t.is(await code(newVolume(name, 16n * MiB, storageParams(env, 0, { mountOpts: 'noatime' }))), status.ALREADY_EXISTS, 'another mount option');
  t.is(await code(newVolume(name, 16n * MiB, storageParams(env, 1))), status.ALREADY_EXISTS, 'another node list');
  t.is((await newVolume(name)).volume_id, a.volume_id, 'the same parameters still answer the same volume');
  await ctl('DeleteVolume', { volume_id: a.volume_id });
});
test('CreateVolume accepts a 128-character name (Nomad names like db[0] too)', async (t) => {
  const long = `${'x'.repeat(120)}${uniq('').slice(1)}`.slice(0, 128);
  const a = await newVolume(long);
  t.regex(a.volume_id, /^[A-Za-z_][A-Za-z0-9_-]{1,47}$/);
  const b = await newVolume(long);
  t.is(b.volume_id, a.volume_id);
  const c = await newVolume(`db[${uniq('0')}]`);
  t.not(c.volume_id, a.volume_id);
  const rd = await env.plugins[0]!.ctx.client.resourceDefinitions.get(c.volume_id);
  t.regex(rd.props?.['Aux/csi/name'] ?? '', /^db\[/);
  await ctl('DeleteVolume', { volume_id: a.volume_id });
  await ctl('DeleteVolume', { volume_id: c.volume_id });
});
test('CreateVolume from a snapshot that does not exist is NOT_FOUND', async (t) => {
  t.is(await code(ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { snapshot: { snapshot_id: 'no-such-snapshot' } } })), status.NOT_FOUND);
});
test('CreateVolume from a volume that does not exist is NOT_FOUND', async (t) => {
  t.is(await code(ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { volume: { volume_id: 'no-such-volume' } } })), status.NOT_FOUND);
});
test('CreateVolume with a mutable parameter this plugin does not know (iops) is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('CreateVolume', { name: uniq('v'), volume_capabilities: [mountCap()], parameters: storageParams(env), mutable_parameters: { iops: '10' } })), status.INVALID_ARGUMENT);
});
test('CreateVolume puts the property.* and DrbdOptions/* parameters on the resource group', async (t) => {
  const v = await newVolume(uniq('props'), 16n * MiB, storageParams(env, 0, { 'property.linstor.csi.linbit.com/Aux/team': 'db', 'DrbdOptions/Net/max-buffers': '8000' }));
  const c = env.plugins[0]!.ctx.client;
  const rd = await c.resourceDefinitions.get(v.volume_id);
  const rg = await c.resourceGroups.get(rd.resource_group_name!);
  t.is(rg.props?.['Aux/team'], 'db');
  t.is(rg.props?.['DrbdOptions/Net/max-buffers'], '8000');
  t.deepEqual(rg.select_filter?.layer_stack, ['STORAGE']);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});

// DeleteVolume
test('DeleteVolume without a volume id is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('DeleteVolume', {})), status.INVALID_ARGUMENT);
});
test('DeleteVolume of an unknown volume id succeeds', async (t) => {
  t.is(await code(ctl('DeleteVolume', { volume_id: 'no-such-volume' })), status.OK);
});
test('DeleteVolume removes the resource definition; repeating it succeeds', async (t) => {
  const v = await newVolume();
  await ctl('DeleteVolume', { volume_id: v.volume_id });
  await t.throwsAsync(env.plugins[0]!.ctx.client.resourceDefinitions.get(v.volume_id));
  t.is(await code(ctl('DeleteVolume', { volume_id: v.volume_id })), status.OK);
});

// ValidateVolumeCapabilities
test('ValidateVolumeCapabilities: no volume id or no capabilities is INVALID_ARGUMENT, unknown volume NOT_FOUND', async (t) => {
  t.is(await code(ctl('ValidateVolumeCapabilities', { volume_capabilities: [mountCap()] })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ValidateVolumeCapabilities', { volume_id: 'x-unknown' })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ValidateVolumeCapabilities', { volume_id: 'no-such-volume', volume_capabilities: [mountCap()] })), status.NOT_FOUND);
});
test('ValidateVolumeCapabilities confirms supported modes and not multi-writer', async (t) => {
  const v = await newVolume();
  const ok = await ctl('ValidateVolumeCapabilities', { volume_id: v.volume_id, volume_capabilities: [mountCap(), blockCap('MULTI_NODE_READER_ONLY')] });
  t.is(ok.confirmed.volume_capabilities.length, 2);
  const no = await ctl('ValidateVolumeCapabilities', { volume_id: v.volume_id, volume_capabilities: [mountCap('MULTI_NODE_MULTI_WRITER')] });
  t.falsy(no.confirmed);
  t.regex(no.message, /not supported/);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});

// ListVolumes
test('ListVolumes shows new volumes and not deleted ones, page by page; a bad token is ABORTED', async (t) => {
  const a = await newVolume();
  const b = await newVolume();
  const ids = async () => (await ctl('ListVolumes', {})).entries.map((e: any) => e.volume.volume_id);
  t.true((await ids()).includes(a.volume_id));
  const p1 = await ctl('ListVolumes', { max_entries: 1 });
  t.is(p1.entries.length, 1);
  t.truthy(p1.next_token);
  const p2 = await ctl('ListVolumes', { max_entries: 1, starting_token: p1.next_token });
  t.not(p2.entries[0].volume.volume_id, p1.entries[0].volume.volume_id);
  t.is(await code(ctl('ListVolumes', { starting_token: 'bogus' })), status.ABORTED);
  await ctl('DeleteVolume', { volume_id: a.volume_id });
  t.false((await ids()).includes(a.volume_id));
  t.true((await ids()).includes(b.volume_id));
  await ctl('DeleteVolume', { volume_id: b.volume_id });
});

test('ListVolumes pages neither skip nor repeat a volume when the one just listed is deleted between calls', async (t) => {
  const mine = [await newVolume(), await newVolume(), await newVolume()].map((v) => v.volume_id).sort();
  const seen: string[] = [];
  let token = '';
  let deletedFirst = false;
  do {
    const page = await ctl('ListVolumes', { max_entries: 1, starting_token: token });
    seen.push(...page.entries.map((e: any) => e.volume.volume_id));
    token = page.next_token;
    // Deleting the volume just handed out shifts every later volume one place down the list.
    if (!deletedFirst && seen.includes(mine[0]!)) { await ctl('DeleteVolume', { volume_id: mine[0] }); deletedFirst = true; }
  } while (token);
  t.true(deletedFirst);
  t.deepEqual(seen.filter((id) => mine.includes(id)), mine);
  t.is(new Set(seen).size, seen.length, 'no volume is listed twice');
  for (const id of mine.slice(1)) await ctl('DeleteVolume', { volume_id: id });
});

// ControllerPublishVolume
test('ControllerPublishVolume argument checks: volume id, node id, capability are required', async (t) => {
  const node = env.cluster.nodes[0]!.name;
  t.is(await code(ctl('ControllerPublishVolume', { node_id: node, volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ControllerPublishVolume', { volume_id: 'x-vol', volume_capability: mountCap() })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ControllerPublishVolume', { volume_id: 'x-vol', node_id: node })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ControllerUnpublishVolume', { node_id: node })), status.INVALID_ARGUMENT);
});
test('ControllerPublishVolume of an unknown volume or to an unknown node is NOT_FOUND', async (t) => {
  const v = await newVolume();
  t.is(await code(ctl('ControllerPublishVolume', { volume_id: 'no-such-volume', node_id: env.cluster.nodes[0]!.name, volume_capability: mountCap() })), status.NOT_FOUND);
  t.is(await code(ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: 'no-such-node', volume_capability: mountCap() })), status.NOT_FOUND);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('ControllerPublishVolume is idempotent, and read-only after read-write is ALREADY_EXISTS', async (t) => {
  const v = await newVolume();
  const node = env.cluster.nodes[0]!.name;
  const req = { volume_id: v.volume_id, node_id: node, volume_capability: mountCap() };
  const a = await ctl('ControllerPublishVolume', req);
  const b = await ctl('ControllerPublishVolume', req);
  t.deepEqual(a, b);
  t.regex(a.publish_context.devicePath ?? '', /^\/dev\//);
  t.is(await code(ctl('ControllerPublishVolume', { ...req, readonly: true })), status.ALREADY_EXISTS);
  const listed = (await ctl('ListVolumes', {})).entries.find((e: any) => e.volume.volume_id === v.volume_id);
  t.deepEqual(listed.status.published_node_ids, [node]);
  const got = await ctl('ControllerGetVolume', { volume_id: v.volume_id });
  t.deepEqual(got.status.published_node_ids, [node]);
  t.false(got.status.volume_condition.abnormal);
  await ctl('ControllerUnpublishVolume', { volume_id: v.volume_id, node_id: node });
  await ctl('ControllerUnpublishVolume', { volume_id: v.volume_id, node_id: node });
  t.deepEqual((await ctl('ControllerGetVolume', { volume_id: v.volume_id })).status.published_node_ids, []);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('ControllerPublishVolume of a storage-only volume to a node without a replica is FAILED_PRECONDITION (needs DRBD)', async (t) => {
  const v = await newVolume();
  const e = await ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: env.cluster.nodes[1]!.name, volume_capability: mountCap() }).catch((x) => x);
  t.is(e.code, status.FAILED_PRECONDITION);
  t.regex(e.details, /no replica/);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
test('a single-node volume published on one node cannot be published on a second (FAILED_PRECONDITION)', async (t) => {
  const v = await newVolume(uniq('two'), 16n * MiB, { layerList: 'storage', storagePool: env.pool, nodeList: `${env.cluster.nodes[0]!.name} ${env.cluster.nodes[1]!.name}` });
  await ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: env.cluster.nodes[0]!.name, volume_capability: mountCap() });
  t.is(await code(ctl('ControllerPublishVolume', { volume_id: v.volume_id, node_id: env.cluster.nodes[1]!.name, volume_capability: mountCap() })), status.FAILED_PRECONDITION);
  // multi-node-reader-only may be published on both, read-only
  const ro = await newVolume(uniq('ro'), 16n * MiB, { layerList: 'storage', storagePool: env.pool, nodeList: `${env.cluster.nodes[0]!.name} ${env.cluster.nodes[1]!.name}` });
  for (const n of env.cluster.nodes) await ctl('ControllerPublishVolume', { volume_id: ro.volume_id, node_id: n.name, volume_capability: mountCap('MULTI_NODE_READER_ONLY'), readonly: true });
  t.is((await ctl('ControllerGetVolume', { volume_id: ro.volume_id })).status.published_node_ids.length, 2);
  await ctl('ControllerUnpublishVolume', { volume_id: v.volume_id, node_id: env.cluster.nodes[0]!.name });
  await ctl('ControllerUnpublishVolume', { volume_id: ro.volume_id });
  await ctl('DeleteVolume', { volume_id: v.volume_id });
  await ctl('DeleteVolume', { volume_id: ro.volume_id });
});

// Expand
test('ControllerExpandVolume: no volume id or no capacity range is INVALID_ARGUMENT; growing works and repeats', async (t) => {
  t.is(await code(ctl('ControllerExpandVolume', { capacity_range: size(32n * MiB) })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ControllerExpandVolume', { volume_id: 'x-vol' })), status.INVALID_ARGUMENT);
  const v = await newVolume();
  const r = await ctl('ControllerExpandVolume', { volume_id: v.volume_id, capacity_range: size(32n * MiB), volume_capability: mountCap() });
  t.true(BigInt(r.capacity_bytes) >= 32n * MiB);
  t.true(r.node_expansion_required);
  const again = await ctl('ControllerExpandVolume', { volume_id: v.volume_id, capacity_range: size(32n * MiB), volume_capability: blockCap() });
  t.is(again.capacity_bytes, r.capacity_bytes);
  t.false(again.node_expansion_required);
  t.is(await code(ctl('ControllerExpandVolume', { volume_id: 'no-such-volume', capacity_range: size(32n * MiB) })), status.NOT_FOUND);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});

test('ControllerGetVolume of an unknown volume is NOT_FOUND', async (t) => {
  t.is(await code(ctl('ControllerGetVolume', { volume_id: 'no-such-volume' })), status.NOT_FOUND);
});

test('two concurrent calls on the same volume: the second is ABORTED', async (t) => {
  const name = uniq('race');
  const req = { name, capacity_range: size(16n * MiB), volume_capabilities: [mountCap()], parameters: storageParams(env) };
  const codes = await Promise.all([code(ctl('CreateVolume', req)), code(ctl('CreateVolume', req))]);
  t.deepEqual(codes.sort(), [status.OK, status.ABORTED].sort());
  const v = await newVolume(name);
  await ctl('DeleteVolume', { volume_id: v.volume_id });
});
