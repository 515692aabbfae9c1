import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DesiredNodeState } from '../../core/model/satellite-protocol.js';
import {
  FakeControllerClient, loopDevicesUnder, makeTempDir, removeTempDir, startSatellite, storageResource,
} from '../helpers/satellite.js';

test('a satellite killed with SIGKILL mid-apply, restarted and sent the state again, converges with no orphan loop device or file (the test plays the controller end of the link)', async (t) => {
  const dir = makeTempDir();
  t.teardown(() => removeTempDir(dir));
  const names = ['vm-a', 'vm-b', 'vm-c', 'vm-d', 'vm-e', 'vm-f'];
  const state = (rscs: string[]): DesiredNodeState => ({
    nodeName: 'crashnode', props: {},
    storagePools: [{ name: 'filepool', providerKind: 'FILE', props: { 'StorDriver/FileDir': dir } }],
    resources: rscs.map((n) => storageResource(n, 'filepool', [8192, 4096])),
  });

  const first = await startSatellite({ address: '127.0.0.3', nodeName: 'crashnode' });
  t.teardown(() => first.kill9());
  const ctrl1 = await FakeControllerClient.connect('127.0.0.3', first.port);
  await ctrl1.hello(first.nodeName);
  ctrl1.applyNoWait(state(names));
  // Kill as soon as some but not all volumes are attached: the apply is half done.
  const attached = (): number => first.logs.filter((l) => l.includes('losetup --find --show') && l.includes('command finished')).length;
  const deadline = Date.now() + 20_000;
  while (attached() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await first.kill9();
  ctrl1.close();
  const attachedAtKill = attached();
  t.true(attachedAtKill >= 3 && attachedAtKill < names.length * 2, `killed mid-apply (after ${attachedAtKill} of ${names.length * 2} attaches)`);

  // After the restart the controller sends the full state again; meanwhile vm-a was deleted.
  const second = await startSatellite({ address: '127.0.0.3', nodeName: 'crashnode' });
  t.teardown(() => second.stop());
  const ctrl2 = await FakeControllerClient.connect('127.0.0.3', second.port);
  t.teardown(() => ctrl2.close());
  const wanted = names.slice(1);
  const report = await ctrl2.apply(state(wanted));
  t.deepEqual(report.resources.filter((r) => !r.ready).map((r) => r.error), []);

  const expectedFiles = wanted.flatMap((n) => [`${n}_00000.img`, `${n}_00001.img`]).sort();
  t.deepEqual(readdirSync(dir).filter((f) => f !== '.linstor-pool').sort(), expectedFiles, 'exactly the desired volume files');
  const loops = loopDevicesUnder(dir);
  t.deepEqual(loops.map((l) => l.backFile).sort(), expectedFiles.map((f) => join(dir, f)), 'one loop device per desired volume, none for vm-a');
  const reported = report.resources.flatMap((r) => r.volumes.map((v) => v.devicePath)).sort();
  t.deepEqual(reported, loops.map((l) => l.device).sort(), 'the report names the real devices');

  // Applying the same state again changes nothing.
  const again = await ctrl2.apply(state(wanted));
  t.deepEqual(again.resources.flatMap((r) => r.volumes.map((v) => v.devicePath)).sort(), reported);
});
