import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesiredNodeState, NodeReport } from '../../core/model/satellite-protocol.js';
import {
  FakeControllerClient, fileThinPool, loopDevicesUnder, makeTempDir, randomSuffix, removeTempDir, startSatellite, storageResource,
} from '../helpers/satellite.js';

test('the test, playing the controller end of the link, says hello to a real satellite on 127.0.0.2 and learns what the node supports', async (t) => {
  const sat = await startSatellite({ address: '127.0.0.2', nodeName: 'not-the-uname' });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect('127.0.0.2', sat.port);
  t.teardown(() => ctrl.close());
  const hello = await ctrl.hello('not-the-uname');
  t.is(hello.version, '1.0');
  t.is(hello.nodeName, 'not-the-uname');
  t.is(hello.uname, spawnSync('uname', ['-n'], { encoding: 'utf8' }).stdout.trim());
  t.true(hello.providers.includes('FILE_THIN') && hello.providers.includes('FILE') && hello.providers.includes('DISKLESS'));
  t.true(hello.layers.includes('STORAGE'));
  if (!existsSync('/proc/drbd')) t.true(hello.unsupportedLayers['DRBD']?.includes('DRBD kernel module not loaded'));
  if (!existsSync('/sys/module/zfs')) t.truthy(hello.unsupportedProviders['ZFS']?.length);
  await sat.waitForLog(/differs from this host's uname/);
});

test('the satellite reads its port and bind address from linstor_satellite.toml in --config-directory (the test plays the controller end of the link)', async (t) => {
  const cfg = makeTempDir('sat-cfg-');
  t.teardown(() => removeTempDir(cfg));
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(join(cfg, 'linstor_satellite.toml'), `[netcom]\n  port = ${port}\n  bind_address = "127.0.0.4"\n`);
  const sat = await startSatellite({ configDirectory: cfg, portFromConfig: true });
  t.teardown(() => sat.stop());
  t.is(sat.port, port);
  t.is(sat.address, '127.0.0.4');
  const ctrl = await FakeControllerClient.connect('127.0.0.4', port);
  t.teardown(() => ctrl.close());
  t.is((await ctrl.hello(sat.nodeName)).type, 'hello');
});

test('a resource created through the link is a real writable device, grows, and is deleted with its loop device (the test plays the controller end of the link)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const sat = await startSatellite({ address: '127.0.0.3' });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect('127.0.0.3', sat.port);
  t.teardown(() => ctrl.close());
  await ctrl.hello(sat.nodeName);
  const rsc = `web-${randomSuffix()}`;
  const state = (sizeKib: number, resources = [storageResource(rsc, 'thinpool', [sizeKib, 8192])]): DesiredNodeState =>
    ({ nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('thinpool', dir), { name: 'DfltDisklessStorPool', providerKind: 'DISKLESS', props: {} }], resources });

  let report = await ctrl.apply(state(16384));
  const r = report.resources.find((x) => x.name === rsc)!;
  t.true(r.ready, JSON.stringify(r.error));
  t.is(r.volumes.length, 2);
  const dev = r.volumes[0]!.devicePath!;
  t.regex(dev, /^\/dev\/loop\d+$/);
  t.is(r.volumes[0]!.usableSizeKib, 16384);
  t.is(r.volumes[0]!.diskState, 'UpToDate');
  t.deepEqual(r.volumes[0]!.layers?.map((l) => l.type), ['STORAGE']);
  const pool = report.storagePools.find((p) => p.name === 'thinpool')!;
  t.true(pool.totalCapacityKib > 0 && pool.freeCapacityKib > 0);
  t.is(report.storagePools.find((p) => p.name === 'DfltDisklessStorPool')!.providerKind, 'DISKLESS');
  t.is(spawnSync('dd', ['if=/dev/zero', `of=${dev}`, 'bs=1M', 'count=2', 'oflag=direct']).status, 0);

  report = await ctrl.apply(state(32768));
  t.is(report.resources[0]!.volumes[0]!.usableSizeKib, 32768, 'volume definition grown');
  t.is(report.resources[0]!.volumes[0]!.devicePath, dev, 'same device after growing');

  const deleting = state(32768);
  deleting.resources[0]!.flags.push('DELETE');
  report = await ctrl.apply(deleting);
  t.deepEqual(report.resources, []);
  t.deepEqual(loopDevicesUnder(dir), [], 'loop devices freed');
});

test('a resource whose layer stack needs a layer the satellite does not have (BCACHE) fails with a clear error, others are still created (the test plays the controller end of the link)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const sat = await startSatellite({ address: '127.0.0.2' });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect('127.0.0.2', sat.port);
  t.teardown(() => ctrl.close());
  const report = await ctrl.apply({
    nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('thinpool', dir)],
    resources: [storageResource('cached', 'thinpool', [4096], { layerStack: ['BCACHE', 'STORAGE'] }), storageResource('plain', 'thinpool', [4096])],
  });
  const cached = report.resources.find((r) => r.name === 'cached')!;
  t.false(cached.ready);
  t.is(cached.error?.message, 'layer BCACHE not available on this satellite');
  t.deepEqual(loopDevicesUnder(dir).map((l) => l.backFile), [join(dir, 'plain_00000.img')], 'nothing was created for the failed resource');
  t.true(report.resources.find((r) => r.name === 'plain')!.ready, 'other resources are still created');
});

test('the satellite sends a periodic report with pool capacities (the test plays the controller end of the link)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const sat = await startSatellite({ address: '127.0.0.3', reportIntervalMs: 300 });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect('127.0.0.3', sat.port);
  t.teardown(() => ctrl.close());
  await ctrl.apply({ nodeName: sat.nodeName, props: {}, storagePools: [fileThinPool('thinpool', dir)], resources: [] });
  const from = ctrl.count;
  const m = await ctrl.next<{ type: 'report'; seq: number; report: NodeReport }>((x) => x.type === 'report', 5000, from);
  t.is(m.report.storagePools[0]!.name, 'thinpool');
  t.true(m.report.storagePools[0]!.freeCapacityKib > 0);
});

test('physical-storage list and create-device-pool are answered over the link (the test plays the controller end of the link)', async (t) => {
  const sat = await startSatellite({ address: '127.0.0.2' });
  t.teardown(() => sat.stop());
  const ctrl = await FakeControllerClient.connect('127.0.0.2', sat.port);
  t.teardown(() => ctrl.close());
  const list = await ctrl.request({ type: 'physical-storage-list' });
  t.true(list.ok);
  t.true(Array.isArray((list as { result: unknown }).result));
  const bad = await ctrl.request({ type: 'create-device-pool', request: { providerKind: 'LVM', poolName: 'x y', devicePaths: ['/dev/nothing'] } });
  t.false(bad.ok);
  if (!bad.ok) t.is(bad.error.rc, 'FAIL_INVLD_STOR_POOL_NAME');
});
