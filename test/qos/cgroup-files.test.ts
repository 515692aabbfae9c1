import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { locateThrottleFiles } from '../../core/satellite/qos/cgroup-files.js';
import { QosThrottler } from '../../core/satellite/qos/throttler.js';

const log = pino({ level: 'silent' });
const temp = () => mkdtempSync(join(tmpdir(), 'qos-files-'));

test('cgroup v2 io.max: limits are written as "MAJ:MIN rbps=N" and removed with "max" (faked: a plain file stands in for io.max, this machine has cgroup v1)', (t) => {
  const dir = temp();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ioMax = join(dir, 'io.max');
  writeFileSync(ioMax, '7:3 rbps=1000 wbps=max riops=max wiops=250\n');
  const files = locateThrottleFiles(dir);
  if ('unavailable' in files) return t.fail(files.unavailable);
  t.is(files.read('7:3', 'read'), '1000');
  t.is(files.read('7:3', 'write'), undefined, '"max" is no limit');
  t.is(files.read('7:3', 'writeIops'), '250');
  t.is(files.read('7:4', 'read'), undefined);
  files.write('7:3', 'write', '2048');
  t.is(readFileSync(ioMax, 'utf8'), '7:3 wbps=2048\n', 'one key per write, as the kernel takes it');
  files.write('7:3', 'write', undefined);
  t.is(readFileSync(ioMax, 'utf8'), '7:3 wbps=max\n');
});

test('no throttle files below the root: a wanted limit fails the apply with the reason, none wanted is fine', (t) => {
  const dir = temp();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cgroup.controllers'), 'io memory\n');
  const found = locateThrottleFiles(dir);
  t.true('unavailable' in found && /cgroup v2 root, which has no io.max/.test(found.unavailable));
  const q = new QosThrottler(dir, log);
  // A block device node (its MAJ:MIN is read; nothing is written to it): /dev/loop0 exists on every loop-capable machine.
  const dev = '/dev/loop0';
  t.notThrows(() => q.apply('r1', [{ volumeNumber: 0, device: dev }]));
  t.throws(() => q.apply('r1', [{ volumeNumber: 0, device: dev, qos: { write: '1048576' } }]), { message: /QoS limits cannot be applied: .*io\.max/ });
});
