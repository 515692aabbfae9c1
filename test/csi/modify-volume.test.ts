/**
 * ControllerModifyVolume (CSI 1.12, MODIFY_VOLUME) in the style of csi-sanity's checks, with a
 * real controller and satellite: mutable parameters become LINSTOR properties of the volume's
 * own resource definition (not of the group other volumes share), creation-time parameters and
 * unknown keys are INVALID_ARGUMENT with nothing changed, and CreateVolume applies
 * mutable_parameters from the start.
 */
import test from 'ava';
import { status } from '@grpc/grpc-js';
import { MiB, mountCap, startCsiEnv, storageParams, uniq, type CsiEnv } from './harness.js';

let env: CsiEnv;
test.before(async () => { env = await startCsiEnv(1); });
test.after.always(async () => { await env?.teardown(); });

const ctl = (m: string, r: unknown = {}) => env.clients[0]!.call('controller', m, r);
const code = async (p: Promise<unknown>) => { try { await p; return status.OK; } catch (e) { return (e as { code: number }).code; } };
const rdProps = async (id: string) => (await env.plugins[0]!.ctx.client.resourceDefinitions.get(id)).props ?? {};
async function newVolume(extra: Record<string, unknown> = {}) {
  const r = await ctl('CreateVolume', { name: uniq('mod'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env), ...extra });
  return r.volume as { volume_id: string };
}

test('ControllerGetCapabilities advertises MODIFY_VOLUME', async (t) => {
  const r = await ctl('ControllerGetCapabilities');
  t.true(r.capabilities.map((c: any) => c.rpc.type).includes('MODIFY_VOLUME'));
});

test('ControllerModifyVolume without volume_id or without mutable_parameters is INVALID_ARGUMENT; an unknown volume is NOT_FOUND', async (t) => {
  t.is(await code(ctl('ControllerModifyVolume', { mutable_parameters: { 'DrbdOptions/Net/protocol': 'C' } })), status.INVALID_ARGUMENT);
  const v = await newVolume();
  t.is(await code(ctl('ControllerModifyVolume', { volume_id: v.volume_id })), status.INVALID_ARGUMENT);
  t.is(await code(ctl('ControllerModifyVolume', { volume_id: 'no-such-volume', mutable_parameters: { 'DrbdOptions/Net/protocol': 'C' } })), status.NOT_FOUND);
});

test('ControllerModifyVolume sets LINSTOR properties on the volume\'s own resource definition; repeating it succeeds; an empty value removes one', async (t) => {
  const a = await newVolume();
  const b = await newVolume();
  const change = { 'property.linstor.csi.linbit.com/DrbdOptions/auto-quorum': 'suspend-io', 'DrbdOptions/Net/max-buffers': '9000', 'property.linstor.csi.linbit.com/Aux/tier': 'gold' };
  t.deepEqual(await ctl('ControllerModifyVolume', { volume_id: a.volume_id, mutable_parameters: change }), {});
  t.deepEqual(await ctl('ControllerModifyVolume', { volume_id: a.volume_id, mutable_parameters: change }), {});
  const props = await rdProps(a.volume_id);
  t.like(props, { 'DrbdOptions/auto-quorum': 'suspend-io', 'DrbdOptions/Net/max-buffers': '9000', 'Aux/tier': 'gold' });
  // The other volume of the same group (same parameters) is untouched.
  t.false('Aux/tier' in (await rdProps(b.volume_id)));
  const rd = await env.plugins[0]!.ctx.client.resourceDefinitions.get(a.volume_id);
  t.false('Aux/tier' in ((await env.plugins[0]!.ctx.client.resourceGroups.get(rd.resource_group_name!)).props ?? {}));
  await ctl('ControllerModifyVolume', { volume_id: a.volume_id, mutable_parameters: { 'property.linstor.csi.linbit.com/Aux/tier': '' } });
  const after = await rdProps(a.volume_id);
  t.false('Aux/tier' in after);
  t.is(after['DrbdOptions/Net/max-buffers'], '9000', 'keys not given are left alone');
});

test('creation-time parameters, unknown keys and the plugin\'s own Aux/csi properties are INVALID_ARGUMENT, and nothing of the request is applied', async (t) => {
  const v = await newVolume();
  const before = await rdProps(v.volume_id);
  for (const bad of [
    { 'linstor.csi.linbit.com/autoPlace': '3', 'property.linstor.csi.linbit.com/Aux/tier': 'gold' },
    { storagePool: 'other' },
    { iops: '1000' },
    { 'property.linstor.csi.linbit.com/Aux/csi/name': 'stolen' },
  ]) {
    const err = await t.throwsAsync(ctl('ControllerModifyVolume', { volume_id: v.volume_id, mutable_parameters: bad }));
    t.is((err as { code?: number }).code, status.INVALID_ARGUMENT, JSON.stringify(bad));
  }
  const msg = (await t.throwsAsync(ctl('ControllerModifyVolume', { volume_id: v.volume_id, mutable_parameters: { layerList: 'drbd storage' } })))!.message;
  t.regex(msg, /layerList is fixed when the volume is created/);
  t.deepEqual(await rdProps(v.volume_id), before);
});

test('a value LINSTOR refuses for a property is INVALID_ARGUMENT and changes nothing', async (t) => {
  const v = await newVolume();
  const err = await t.throwsAsync(ctl('ControllerModifyVolume', { volume_id: v.volume_id, mutable_parameters: { 'DrbdOptions/Net/protocol': 'Z', 'property.linstor.csi.linbit.com/Aux/tier': 'gold' } }));
  t.is((err as { code?: number }).code, status.INVALID_ARGUMENT, (err as Error).message);
  t.false('Aux/tier' in (await rdProps(v.volume_id)));
});

test('CreateVolume applies mutable_parameters to the new volume\'s resource definition; a creation-only key there is INVALID_ARGUMENT', async (t) => {
  const v = await newVolume({ mutable_parameters: { 'property.linstor.csi.linbit.com/Aux/tier': 'silver', 'DrbdOptions/Net/max-buffers': '7000' } });
  t.like(await rdProps(v.volume_id), { 'Aux/tier': 'silver', 'DrbdOptions/Net/max-buffers': '7000' });
  t.is(await code(newVolume({ mutable_parameters: { autoPlace: '2' } })), status.INVALID_ARGUMENT);
});
