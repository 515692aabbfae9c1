/**
 * Provider-native backup streams (ZFS `zfs send/receive`, LVM_THIN `thin_send/thin_recv`).
 * This machine has no ZFS module and no device-mapper thin pools, so:
 * - the argv lists are checked BY CONSTRUCTION (exact words, as LINSTOR builds them);
 * - the stream plumbing runs for real — BackupJobs, the real `zstd` CLI, a real S3-protocol
 *   server (s3rver) — with a STAND-IN shell script in place of zfs/thin_send/thin_recv (it
 *   prints a test file as the "send" stream and stores what a "receive" gets), and with
 *   recorded outputs for the provider's own queries (`zfs list`, `lvs`).
 */
import test from 'ava';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { RecordedRunner } from '../../core/exec/index.js';
import type { S3Target } from '../../core/model/backup.js';
import { ChildStream } from '../../core/satellite/backup/child-stream.js';
import { BackupJobs } from '../../core/satellite/backup/jobs.js';
import type { StageSpawner } from '../../core/satellite/backup/native.js';
import { thinStreamArgv, zfsStreamArgv } from '../../core/satellite/providers/native-streams.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import { descendants } from '../helpers/processes.js';
import { S3_ACCESS, S3_SECRET, startS3, type S3Server } from '../helpers/s3-server.js';

const MiB = 1024 * 1024;
const BUCKET = 'native';
let s3: S3Server;
let dir: string;
test.before(async () => { s3 = await startS3([BUCKET]); dir = mkdtempSync(join(tmpdir(), 'native-streams-')); });
test.after.always(async () => { await s3?.close(); rmSync(dir, { recursive: true, force: true }); });

test('ZFS argv by construction: full and incremental zfs send, a chain received with zfs receive -F, parts dropped, undo', (t) => {
  t.deepEqual(zfsStreamArgv.send('tank/linstor', 'web_00000', 'back_2'), ['zfs', 'send', 'tank/linstor/web_00000@back_2']);
  t.deepEqual(zfsStreamArgv.send('tank/linstor', 'web_00000', 'back_2', 'back_1'), ['zfs', 'send', '-i', 'tank/linstor/web_00000@back_1', 'tank/linstor/web_00000@back_2']);
  t.deepEqual(zfsStreamArgv.receive('tank/linstor', 'copy_00000', 'back_2', 1), {
    prepare: [], each: [['zfs', 'receive', '-F', 'tank/linstor/copy_00000@back_2']], finish: [], undo: [['zfs', 'destroy', '-r', 'tank/linstor/copy_00000']],
  });
  const chain = zfsStreamArgv.receive('tank/linstor', 'copy_00000', 'back_3', 3);
  t.deepEqual(chain.each, [
    ['zfs', 'receive', '-F', 'tank/linstor/copy_00000@back_3_chain0'],
    ['zfs', 'receive', '-F', 'tank/linstor/copy_00000@back_3_chain1'],
    ['zfs', 'receive', '-F', 'tank/linstor/copy_00000@back_3'],
  ]);
  t.deepEqual(chain.finish, [['zfs', 'destroy', 'tank/linstor/copy_00000@back_3_chain0'], ['zfs', 'destroy', 'tank/linstor/copy_00000@back_3_chain1']]);
});

test('LVM_THIN argv by construction: thin_send [base] snap after activating the snapshots; thin_recv into a new thin LV', (t) => {
  t.deepEqual(thinStreamArgv.send('vg0', 'web_00000', 'back_2'), { prepare: [['lvchange', '-ay', '-K', 'vg0/web_00000_back_2']], send: ['thin_send', 'vg0/web_00000_back_2'] });
  t.deepEqual(thinStreamArgv.send('vg0', 'web_00000', 'back_2', 'back_1'), {
    prepare: [['lvchange', '-ay', '-K', 'vg0/web_00000_back_1'], ['lvchange', '-ay', '-K', 'vg0/web_00000_back_2']],
    send: ['thin_send', 'vg0/web_00000_back_1', 'vg0/web_00000_back_2'],
  });
  t.deepEqual(thinStreamArgv.receive('vg0', 'tp', 'copy_00000', 'back_2', 4096, 2), {
    prepare: [['lvcreate', '--virtualsize', '4096k', '--thinpool', 'tp', '-n', 'copy_00000_back_2', '-y', 'vg0']],
    each: [['thin_recv', 'vg0/copy_00000_back_2'], ['thin_recv', 'vg0/copy_00000_back_2']],
    finish: [['lvchange', '--setactivationskip', 'y', 'vg0/copy_00000_back_2']],
    undo: [['lvremove', '-f', 'vg0/copy_00000_back_2']],
  });
});

// ---- The plumbing, with the stand-in. ----

const STANDIN = `#!/bin/sh
# STAND-IN for zfs send/receive and thin_send/thin_recv: no ZFS or device-mapper on this machine.
# Producers print $DIR/send-<snapshot arg>.bin; consumers store stdin in $DIR/received-<n>.bin.
last=""; for a in "$@"; do last="$a"; done
case "$1 $2" in
  "zfs send"|thin_send*)
    src="$DIR/send-$(echo "$last" | tr '/@' '__').bin"
    case "$MODE" in
      fail) head -c 200000 "$src"; echo "cannot send '$last': stand-in failure" >&2; exit 1 ;;
      hang) head -c 300000 "$src"; exec sleep 60 ;;
      *) exec cat "$src" ;;
    esac ;;
  "zfs receive"|thin_recv*)
    [ "$MODE" = recvfail ] && { head -c 1000 >/dev/null; echo "cannot receive: stand-in failure" >&2; exit 1; }
    n=$(ls "$DIR" | grep -c '^received-'); exec cat > "$DIR/received-$n.bin" ;;
esac
echo "stand-in: unexpected $*" >&2; exit 2
`;

interface Rig { jobs: BackupJobs; runner: RecordedRunner; spawned: string[][]; work: string; s3t: S3Target }

/** A BackupJobs whose zfs/thin_* commands run the stand-in (zstd is real), in folder `work`. */
function rig(name: string, kind: 'ZFS' | 'LVM_THIN', mode = ''): Rig {
  const work = join(dir, name);
  rmSync(work, { recursive: true, force: true });
  mkdtempSync(`${work}-`);
  const fake = join(dir, 'standin-zfs-thin-tools.sh');
  if (!existsSync(fake)) { writeFileSync(fake, STANDIN); chmodSync(fake, 0o755); }
  const w = mkdtempSync(`${work}-`);
  const spawned: string[][] = [];
  const spawn: StageSpawner = (argv, opts) => {
    spawned.push([...argv]);
    return new ChildStream(argv[0] === 'zstd' ? argv : ['env', `DIR=${w}`, `MODE=${mode}`, fake, ...argv], opts);
  };
  const runner = new RecordedRunner([
    { argv: (a) => a[0] === 'zfs' && a[1] === 'list', stdout: 'tank/linstor/web_00000\t1000\t8388608\n' },
    { argv: (a) => a[0] === 'lvs', stdout: '  web_00000;/dev/vg0/web_00000;8192.00;vg0;tp;10.00;Vwi-a-tz--\n  tp;/dev/vg0/tp;102400.00;vg0;;5.00;twi-aotz--\n' },
    { argv: (a) => ['zfs', 'lvchange', 'lvcreate', 'lvremove'].includes(a[0]!) },
  ]);
  const pool = kind === 'ZFS' ? { name: 'z', providerKind: kind, props: { 'StorDriver/StorPoolName': 'tank/linstor' } } : { name: 'z', providerKind: kind, props: { 'StorDriver/StorPoolName': 'vg0/tp' } };
  const provider = createProvider({ runner, pool });
  const s3t: S3Target = { endpoint: s3.url, bucket: BUCKET, region: 'us-east-1', usePathStyle: true, accessKey: S3_ACCESS, secretKey: S3_SECRET };
  return { jobs: new BackupJobs(pino({ level: 'silent' }), () => provider, spawn), runner, spawned, work: w, s3t };
}

const sendData = (r: Rig, snapArg: string, data: Buffer) => writeFileSync(join(r.work, `send-${snapArg.replace(/[/@]/g, '_')}.bin`), data);
const ours = () => descendants(process.pid).filter((p) => p.argv.some((a) => a.endsWith('standin-zfs-thin-tools.sh') || a === 'zstd') || ['zstd', 'sleep', 'cat'].includes(p.comm));

test.serial('ZFS through the stand-in: full and incremental upload as zfs send | zstd, restore of the chain as zstd -d | zfs receive -F, byte for byte', async (t) => {
  const r = rig('zfs-ok', 'ZFS');
  const full = Buffer.concat([randomBytes(MiB), Buffer.alloc(2 * MiB)]);
  const inc = randomBytes(200_000);
  sendData(r, 'tank/linstor/web_00000@s1', full);
  sendData(r, 'tank/linstor/web_00000@s2', inc);
  const vols = (key: string) => [{ volumeNumber: 0, storagePool: 'z', key }];
  const a = await r.jobs.upload({ jobId: 'u1', s3: r.s3t, resource: 'web', snapshot: 's1', volumes: vols('web_00000_back_1') });
  const b = await r.jobs.upload({ jobId: 'u2', s3: r.s3t, resource: 'web', snapshot: 's2', baseSnapshot: 's1', volumes: vols('web_00000_back_2') });
  t.like(a.volumes[0], { sizeBytes: 8 * MiB, changedBytes: full.length });
  t.is(b.volumes[0]!.changedBytes, inc.length);
  t.is(readFileSync(s3.objectFile(BUCKET, 'web_00000_back_1')).subarray(0, 4).toString('hex'), '28b52ffd', 'the object is zstd');
  t.true(a.volumes[0]!.objectBytes < 1.2 * MiB, 'zeros compressed away');

  const chain = [a, b].map((x) => ({ key: x.volumes[0]!.key, sha256: x.volumes[0]!.sha256 }));
  const d = await r.jobs.download({ jobId: 'd1', s3: r.s3t, resource: 'copy', snapshot: 's2', volumes: [{ volumeNumber: 0, storagePool: 'z', sizeBytes: 8 * MiB, imageSha256: '', chain }] });
  t.deepEqual(d.volumes, [0]);
  t.true(readFileSync(join(r.work, 'received-0.bin')).equals(full), 'the full stream arrived at zfs receive unchanged');
  t.true(readFileSync(join(r.work, 'received-1.bin')).equals(inc), 'then the incremental one');
  t.deepEqual(r.spawned.map((c) => c.join(' ')), [
    'zfs send tank/linstor/web_00000@s1', 'zstd -3 -T0 -q -c',
    'zfs send -i tank/linstor/web_00000@s1 tank/linstor/web_00000@s2', 'zstd -3 -T0 -q -c',
    'zstd -d -q -c', 'zfs receive -F tank/linstor/copy_00000@s2_chain0',
    'zstd -d -q -c', 'zfs receive -F tank/linstor/copy_00000@s2',
  ]);
  t.deepEqual(r.runner.commandLines().filter((c) => !c.startsWith('zfs list')), ['zfs destroy tank/linstor/copy_00000@s2_chain0'], 'the chain\'s middle snapshot dropped');
  t.deepEqual(ours(), []);
});

test.serial('LVM_THIN through the stand-in: snapshots activated, thin_send | zstd, restore into a new thin LV with thin_recv', async (t) => {
  const r = rig('thin-ok', 'LVM_THIN');
  const data = randomBytes(300_000);
  sendData(r, 'vg0/web_00000_s1', data);
  const a = await r.jobs.upload({ jobId: 't1', s3: r.s3t, resource: 'web', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', key: 'web_00000_back_t1' }] });
  t.is(a.volumes[0]!.sizeBytes, 8192 * 1024);
  await r.jobs.download({ jobId: 't2', s3: r.s3t, resource: 'copy', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', sizeBytes: 8192 * 1024, imageSha256: '', chain: [{ key: 'web_00000_back_t1', sha256: a.volumes[0]!.sha256 }] }] });
  t.true(readFileSync(join(r.work, 'received-0.bin')).equals(data));
  t.deepEqual(r.spawned.filter((c) => c[0] !== 'zstd').map((c) => c.join(' ')), ['thin_send vg0/web_00000_s1', 'thin_recv vg0/copy_00000_s1']);
  t.deepEqual(r.runner.commandLines().filter((c) => !c.startsWith('lvs')), [
    'lvchange -ay -K vg0/web_00000_s1',
    'lvcreate --virtualsize 8192k --thinpool tp -n copy_00000_s1 -y vg0',
    'lvchange --setactivationskip y vg0/copy_00000_s1',
  ]);
});

test.serial('a producer that fails halfway fails the upload with its own error; no process and no object left', async (t) => {
  const r = rig('zfs-fail', 'ZFS', 'fail');
  sendData(r, 'tank/linstor/web_00000@s1', randomBytes(MiB));
  const e = await t.throwsAsync(r.jobs.upload({ jobId: 'f1', s3: r.s3t, resource: 'web', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', key: 'web_00000_back_fail' }] }));
  t.regex(e!.message, /Streaming volume 0 of 'web' failed: .*exited with code 1: cannot send 'tank\/linstor\/web_00000@s1': stand-in failure/);
  t.deepEqual(ours(), [], 'stand-in and zstd reaped');
  t.false(readdirSync(join(s3.dir, BUCKET)).some((f) => f.startsWith('web_00000_back_fail')), 'no object (the multipart upload was aborted)');
});

test.serial('an abort mid-stream kills the producer and zstd (checked in /proc) and leaves no object', async (t) => {
  const r = rig('zfs-hang', 'ZFS', 'hang');
  sendData(r, 'tank/linstor/web_00000@s1', randomBytes(MiB));
  const up = r.jobs.upload({ jobId: 'h1', s3: r.s3t, resource: 'web', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', key: 'web_00000_back_hang' }] });
  const deadline = Date.now() + 10_000;
  while (!ours().some((p) => p.comm === 'sleep') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  t.true(ours().some((p) => p.comm === 'sleep'), 'the stand-in producer hangs mid-stream');
  t.true(r.jobs.abort('h1'));
  await t.throwsAsync(up, { message: /aborted/ });
  t.deepEqual(ours(), [], 'no stand-in, sleep or zstd left, not even a zombie');
  t.false(readdirSync(join(s3.dir, BUCKET)).some((f) => f.startsWith('web_00000_back_hang')));
});

test.serial('a restore whose receive fails, or whose object does not match its SHA-256, removes what it received; an existing target is refused before anything runs', async (t) => {
  const ok = rig('zfs-src', 'ZFS');
  sendData(ok, 'tank/linstor/web_00000@s1', randomBytes(MiB));
  const a = await ok.jobs.upload({ jobId: 'x1', s3: ok.s3t, resource: 'web', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', key: 'web_00000_back_x' }] });
  const req = (jobId: string, resource: string, sha256: string) => ({ jobId, s3: ok.s3t, resource, snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'z', sizeBytes: 8 * MiB, imageSha256: '', chain: [{ key: 'web_00000_back_x', sha256 }] }] });

  const bad = rig('zfs-recvfail', 'ZFS', 'recvfail');
  await t.throwsAsync(bad.jobs.download(req('x2', 'copy', a.volumes[0]!.sha256)), { message: /Receiving volume 'copy_00000' failed: .*cannot receive: stand-in failure; nothing was restored/ });
  t.deepEqual(bad.runner.commandLines().filter((c) => !c.startsWith('zfs list')), ['zfs destroy -r tank/linstor/copy_00000']);

  const wrong = rig('zfs-badsha', 'ZFS');
  await t.throwsAsync(wrong.jobs.download(req('x3', 'copy', '0'.repeat(64))), { message: /is corrupted: its SHA-256 is [0-9a-f]{64}, the backup's metadata says 0{64}; nothing was restored/ });
  t.deepEqual(wrong.runner.commandLines().filter((c) => !c.startsWith('zfs list')), ['zfs destroy -r tank/linstor/copy_00000']);

  const exists = rig('zfs-exists', 'ZFS');
  await t.throwsAsync(exists.jobs.download(req('x4', 'web', a.volumes[0]!.sha256)), { message: /Volume 'web_00000' .* exists already/ });
  t.deepEqual(exists.spawned, [], 'nothing was started');
  t.deepEqual(exists.runner.commandLines().filter((c) => !c.startsWith('zfs list')), [], 'and nothing removed: it is not ours');
  t.deepEqual(ours(), []);
});
