/** csi-sanity's snapshot checks (contracts/platforms.md §4.3) on FILE_THIN volumes. */
import test from 'ava';
import { status } from '@grpc/grpc-js';
import { MiB, mountCap, startCsiEnv, storageParams, uniq, type CsiEnv } from './harness.js';

let env: CsiEnv;
let volumeId: string;
test.before(async () => {
  env = await startCsiEnv(1);
  const r = await env.clients[0]!.call('controller', 'CreateVolume', { name: uniq('snapsrc'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env) });
  volumeId = r.volume.volume_id;
});
test.after.always(async () => { await env?.teardown(); });

const ctl = (m: string, r: unknown = {}) => env.clients[0]!.call('controller', m, r);
const code = async (p: Promise<unknown>) => { try { await p; return status.OK; } catch (e) { return (e as { code: number }).code; } };
async function snap(name = uniq('snap'), source = volumeId) {
  return (await ctl('CreateSnapshot', { name, source_volume_id: source })).snapshot as { snapshot_id: string; source_volume_id: string; size_bytes: string; ready_to_use: boolean; creation_time: { seconds: string } };
}

test.serial('CreateSnapshot: no name or no source volume is INVALID_ARGUMENT', async (t) => {
  t.is(await code(ctl('CreateSnapshot', { source_volume_id: volumeId })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('CreateSnapshot', { name: uniq('s') })), status.INVALID_ARGUMENT);
});
test.serial('CreateSnapshot returns a ready snapshot with size and time; repeating it returns the same', async (t) => {
  const name = uniq('snap');
  const a = await snap(name);
  t.is(a.source_volume_id, volumeId);
  t.true(a.ready_to_use);
  t.true(BigInt(a.size_bytes) >= 16n * MiB);
  t.true(Number(a.creation_time.seconds) > 1_600_000_000);
  const b = await snap(name);
  t.is(b.snapshot_id, a.snapshot_id);
  await ctl('DeleteSnapshot', { snapshot_id: a.snapshot_id });
});
test.serial('CreateSnapshot with an existing name and another source volume is ALREADY_EXISTS', async (t) => {
  const other = (await ctl('CreateVolume', { name: uniq('other'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env) })).volume.volume_id;
  const name = uniq('snap');
  const a = await snap(name);
  t.is(await code(ctl('CreateSnapshot', { name, source_volume_id: other })), status.ALREADY_EXISTS);
  await ctl('DeleteSnapshot', { snapshot_id: a.snapshot_id });
  await ctl('DeleteVolume', { volume_id: other });
});
test.serial('CreateSnapshot accepts a 128-character name', async (t) => {
  const a = await snap('s'.repeat(122) + uniq('').slice(1, 7));
  t.truthy(a.snapshot_id);
  await ctl('DeleteSnapshot', { snapshot_id: a.snapshot_id });
});
test.serial('ListSnapshots filters by snapshot id and source volume, pages with next_token, and rejects bad tokens', async (t) => {
  const a = await snap();
  const b = await snap();
  const all = await ctl('ListSnapshots', {});
  t.true(all.entries.some((e: any) => e.snapshot.snapshot_id === a.snapshot_id));
  const byId = await ctl('ListSnapshots', { snapshot_id: a.snapshot_id });
  t.deepEqual(byId.entries.map((e: any) => e.snapshot.snapshot_id), [a.snapshot_id]);
  t.is((await ctl('ListSnapshots', { snapshot_id: 'no-such-snapshot' })).entries.length, 0);
  const bySrc = await ctl('ListSnapshots', { source_volume_id: volumeId });
  t.true(bySrc.entries.length >= 2);
  t.is((await ctl('ListSnapshots', { source_volume_id: 'no-such-volume' })).entries.length, 0);
  const page = await ctl('ListSnapshots', { max_entries: 1 });
  t.is(page.entries.length, 1);
  t.truthy(page.next_token);
  t.is(await code(ctl('ListSnapshots', { starting_token: 'zzz' })), status.ABORTED);
  const got = await ctl('GetSnapshot', { snapshot_id: b.snapshot_id });
  t.is(got.snapshot.snapshot_id, b.snapshot_id);
  t.is(await code(ctl('GetSnapshot', {})), status.INVALID_ARGUMENT);
  t.is(await code(ctl('GetSnapshot', { snapshot_id: 'no-such-snapshot' })), status.NOT_FOUND);
  await ctl('DeleteSnapshot', { snapshot_id: a.snapshot_id });
  await ctl('DeleteSnapshot', { snapshot_id: b.snapshot_id });
  t.is((await ctl('ListSnapshots', { snapshot_id: a.snapshot_id })).entries.length, 0);
});
test.serial('DeleteSnapshot: no id is INVALID_ARGUMENT, an unknown id succeeds', async (t) => {
  t.is(await code(ctl('DeleteSnapshot', {})), status.INVALID_ARGUMENT);
  t.is(await code(ctl('DeleteSnapshot', { snapshot_id: 'no-such-snapshot' })), status.OK);
});
test.serial('CreateVolume from a snapshot and from a volume (clone) give new volumes of the source size', async (t) => {
  const s = await snap();
  const fromSnap = await ctl('CreateVolume', { name: uniq('fromsnap'), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { snapshot: { snapshot_id: s.snapshot_id } } });
  t.is(fromSnap.volume.content_source.snapshot.snapshot_id, s.snapshot_id);
  t.true(BigInt(fromSnap.volume.capacity_bytes) >= 16n * MiB);
  const clone = await ctl('CreateVolume', { name: uniq('clone'), volume_capabilities: [mountCap()], parameters: storageParams(env), volume_content_source: { volume: { volume_id: volumeId } } });
  t.is(clone.volume.content_source.volume.volume_id, volumeId);
  t.true(BigInt(clone.volume.capacity_bytes) >= 16n * MiB);
  await ctl('DeleteVolume', { volume_id: clone.volume.volume_id });
  await ctl('DeleteVolume', { volume_id: fromSnap.volume.volume_id });
  await ctl('DeleteSnapshot', { snapshot_id: s.snapshot_id });
});
test.serial('a volume deleted while it has snapshots disappears from ListVolumes; its last snapshot takes it along', async (t) => {
  const v = (await ctl('CreateVolume', { name: uniq('withsnap'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env) })).volume.volume_id;
  const s = await snap(uniq('keep'), v);
  await ctl('DeleteVolume', { volume_id: v });
  const ids = (await ctl('ListVolumes', {})).entries.map((e: any) => e.volume.volume_id);
  t.false(ids.includes(v));
  t.is((await ctl('ListSnapshots', { snapshot_id: s.snapshot_id })).entries.length, 1, 'the snapshot survives');
  await ctl('DeleteSnapshot', { snapshot_id: s.snapshot_id });
  await t.throwsAsync(env.plugins[0]!.ctx.client.resourceDefinitions.get(v));
});
