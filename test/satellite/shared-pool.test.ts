/**
 * Shared storage pools on the satellite (LVM under lvmlockd cannot run here: no device-mapper,
 * no lvmlockd), by command construction with recorded `lvs` output: the volume is created
 * once with the pool's lock mode, another node activates the existing volume instead of
 * creating it, a node that gives its resource up only deactivates the volume while other
 * nodes use it, and volumes of other nodes in the shared volume group are never orphans.
 */
import test from 'ava';
import { RecordedRunner } from '../../core/exec/index.js';
import type { DesiredNodeState, DesiredResource, DesiredStoragePool } from '../../core/model/satellite-protocol.js';
import { LayerRegistry } from '../../core/satellite/layers/registry.js';
import { StorageLayer } from '../../core/satellite/layers/storage-layer.js';
import { applyResource } from '../../core/satellite/reconciler/resource-apply.js';
import { pino } from 'pino';
import { createProvider } from '../../core/satellite/providers/registry.js';

const noDeviceNode = async (): Promise<void> => { /* no device-mapper here: the LV's device node never appears */ };
const VG = 'vg_shared';

function pool(kind: 'LVM' | 'LVM_THIN' = 'LVM', externalLocking = false): DesiredStoragePool {
  return { name: 'shpool', providerKind: kind, props: { 'StorDriver/StorPoolName': kind === 'LVM' ? VG : `${VG}/thin` }, sharedSpace: 'vg-uuid-1', externalLocking };
}
const row = (name: string, attr: string, poolLv = '') => `  ${name};/dev/${VG}/${name};102400.00;${VG};${poolLv};0;${attr}\n`;
const lvs = (stdout: string) => ({ argv: (a: readonly string[]) => a[0] === 'lvs', once: true, stdout });
/** The same listing for every `lvs` call (a removal lists, then looks the volume up again). */
const lvsAlways = (stdout: string) => ({ argv: (a: readonly string[]) => a[0] === 'lvs', stdout });
const notLvs = (r: RecordedRunner) => r.commandLines().filter((c) => !c.startsWith('lvs'));

test('the first node creates the volume with an exclusive lvmlockd activation; the next node activates the existing one', async (t) => {
  const a = new RecordedRunner([lvs(''), { argv: (x) => x[0] === 'lvcreate', stdout: '' }, lvs(row('r1_00000', '-wi-a-----'))]);
  await createProvider({ runner: a, waitForDevice: noDeviceNode, pool: pool() }).create('r1_00000', 100 * 1024);
  t.deepEqual(notLvs(a), [`lvcreate --size 102400k -n r1_00000 -y --wipesignatures y --activate ey ${VG}`]);
  // Node b sees the volume in the shared VG's metadata, inactive here.
  const b = new RecordedRunner([lvs(row('r1_00000', '-wi-------')), { argv: ['lvchange', '--activate', 'ey', `${VG}/r1_00000`], stdout: '' }]);
  const v = await createProvider({ runner: b, waitForDevice: noDeviceNode, pool: pool() }).create('r1_00000', 100 * 1024);
  t.is(v.devicePath, `/dev/${VG}/r1_00000`);
  t.deepEqual(notLvs(b), [`lvchange --activate ey ${VG}/r1_00000`], 'activated, not created a second time');
});

test('external locking: plain activation, the lock manager outside LINSTOR decides; thin pools too', async (t) => {
  const r = new RecordedRunner([lvs(''), { argv: (x) => x[0] === 'lvcreate', stdout: '' }, lvs(row('r2_00000', 'Vwi-a-tz--', 'thin'))]);
  await createProvider({ runner: r, waitForDevice: noDeviceNode, pool: pool('LVM_THIN', true) }).create('r2_00000', 100 * 1024);
  t.deepEqual(notLvs(r), [`lvcreate --virtualsize 102400k --thinpool thin -n r2_00000 -y --activate y ${VG}`]);
});

function layerWith(runner: RecordedRunner): StorageLayer {
  const layer = new StorageLayer();
  layer.setProviders(new Map([['shpool', createProvider({ runner, waitForDevice: noDeviceNode, pool: pool() })]]));
  return layer;
}
const deleting = (keepShared?: boolean): DesiredNodeState => ({
  nodeName: 'b', props: {}, storagePools: [pool()],
  resources: [{ name: 'r1', layerStack: ['STORAGE'], flags: ['DELETE'], props: {}, volumes: [{ volumeNumber: 0, sizeKib: 102400, storagePool: 'shpool', props: {}, ...(keepShared ? { keepShared } : {}) }] } as DesiredResource],
});

test('deleting a resource whose volume other nodes still use only deactivates it here; the last user removes it', async (t) => {
  const keep = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-a-----')), { argv: ['lvchange', '--activate', 'n', `${VG}/r1_00000`], stdout: '' }]);
  await layerWith(keep).remove('r1', deleting(true));
  t.deepEqual(notLvs(keep), [`lvchange --activate n ${VG}/r1_00000`]);
  const last = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-a-----')), { argv: ['lvremove', '-f', `${VG}/r1_00000`], stdout: '' }]);
  await layerWith(last).remove('r1', deleting(false));
  t.deepEqual(notLvs(last), [`lvremove -f ${VG}/r1_00000`]);
  // Without the controller's word (a resource this satellite knows nothing about), never destroy.
  const unknown = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-------'))]);
  await layerWith(unknown).remove('r1', { nodeName: 'b', props: {}, storagePools: [pool()], resources: [] });
  t.deepEqual(notLvs(unknown), [], 'inactive already: nothing to run, and no lvremove');
});

test('volumes of other nodes in the shared volume group are not orphans', async (t) => {
  const r = new RecordedRunner([lvsAlways(row('other_00000', '-wi-------') + row('r9_00000', '-wi-------'))]);
  const removed = await layerWith(r).removeOrphans({ nodeName: 'b', props: {}, storagePools: [pool()], resources: [] }, () => undefined);
  t.deepEqual(removed, []);
  t.deepEqual(notLvs(r), []);
});

test('an INACTIVE resource lets go of its shared volume (lvchange --activate n) and creates nothing; reactivated, it takes it again', async (t) => {
  const inactive = { name: 'r1', layerStack: ['STORAGE'], flags: ['INACTIVE'], props: {}, volumes: [{ volumeNumber: 0, sizeKib: 102400, storagePool: 'shpool', props: {} }] } as DesiredResource;
  const state: DesiredNodeState = { nodeName: 'b', props: {}, storagePools: [pool()], resources: [inactive] };
  const held = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-a-----')), { argv: ['lvchange', '--activate', 'n', `${VG}/r1_00000`], stdout: '' }]);
  const reg = new LayerRegistry();
  reg.storage.setProviders(new Map([['shpool', createProvider({ runner: held, waitForDevice: noDeviceNode, pool: pool() })]]));
  const rep = await applyResource(reg, pino({ level: 'silent' }), inactive, state);
  t.true(rep.ready);
  t.is(rep.error, undefined);
  t.deepEqual(rep.volumes.map((v) => [v.volumeNumber, v.devicePath, v.diskState]), [[0, undefined, 'Inactive']], 'no device offered while inactive');
  t.deepEqual(notLvs(held), [`lvchange --activate n ${VG}/r1_00000`]);
  // Already inactive here: nothing to run, and never lvcreate/lvremove.
  const idle = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-------'))]);
  reg.storage.setProviders(new Map([['shpool', createProvider({ runner: idle, waitForDevice: noDeviceNode, pool: pool() })]]));
  await applyResource(reg, pino({ level: 'silent' }), inactive, state);
  t.deepEqual(notLvs(idle), []);
  // Activated again: the existing volume is activated, not created.
  const active = { ...inactive, flags: [] };
  const back = new RecordedRunner([lvsAlways(row('r1_00000', '-wi-------')), { argv: ['lvchange', '--activate', 'ey', `${VG}/r1_00000`], stdout: '' }]);
  reg.storage.setProviders(new Map([['shpool', createProvider({ runner: back, waitForDevice: noDeviceNode, pool: pool() })]]));
  const again = await applyResource(reg, pino({ level: 'silent' }), active, { ...state, resources: [active] });
  t.true(again.ready, JSON.stringify(again.error));
  t.deepEqual(notLvs(back), [`lvchange --activate ey ${VG}/r1_00000`]);
});
