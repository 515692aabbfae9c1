import test from 'ava';
import { asHost, connKey, resTextFor, runner, suffix, tempDir, writeRes, type TestResource } from './cluster.js';

const names = (n: number): string[] => ['alpha', 'bravo', 'charlie', 'delta', 'echo'].slice(0, n);

function topology(n: number, extra: Partial<TestResource> = {}): TestResource {
  return {
    name: `r${n}-${suffix()}`,
    port: 7000 + n,
    secret: `s3cr3t${n}`,
    nodes: names(n).map((name, i) => ({ name, nodeId: i, address: `10.0.0.${i + 1}` })),
    volumes: [{ volumeNumber: 0, minor: 1000 + n, sizeKib: 102400 }],
    ...extra,
  };
}

/** drbdadm -d up as `host`: the drbdsetup/drbdmeta calls it would make. */
async function dryUp(file: string, host: string, rsc: string, cmd = 'up'): Promise<string[]> {
  const r = await runner.run(asHost(host, ['drbdadm', '-c', file, '-d', cmd, rsc]));
  return r.stdout.trim().split('\n');
}

async function dumpAs(file: string, host: string, rsc: string): Promise<string> {
  return (await runner.run(asHost(host, ['drbdadm', '-c', file, 'dump', rsc]))).stdout;
}

test('a one-node resource file is accepted by the real drbdadm and brings up a device without peers (real drbdadm -d)', async (t) => {
  const dir = await tempDir(t, 'drbd-res1');
  const r = topology(1);
  const file = await writeRes(dir, r, 'alpha');
  t.regex(await dumpAs(file, 'alpha', r.name), new RegExp(`resource ${r.name} on alpha: not ignored`));
  const plan = await dryUp(file, 'alpha', r.name);
  t.deepEqual(plan, [
    `drbdsetup new-resource ${r.name} 0`,
    `drbdsetup new-minor ${r.name} 1001 0`,
    `drbdmeta 1001 v09 /dev/vg/${r.name}_00000 internal apply-al`,
    `drbdsetup attach 1001 /dev/vg/${r.name}_00000 /dev/vg/${r.name}_00000 internal`,
  ]);
});

test('a two-node mirror: each node sees the other as peer with the shared secret and protocol C (real drbdadm -d up)', async (t) => {
  const dir = await tempDir(t, 'drbd-res2');
  const r = topology(2);
  for (const [me, other, myId, otherId] of [['alpha', 'bravo', 0, 1], ['bravo', 'alpha', 1, 0]] as const) {
    const file = await writeRes(dir, r, me);
    const plan = await dryUp(file, me, r.name);
    t.is(plan[0], `drbdsetup new-resource ${r.name} ${myId}`);
    t.true(plan.includes(`drbdsetup new-peer ${r.name} ${otherId} --_name=${other} --protocol=C --shared-secret=s3cr3t2 --cram-hmac-alg=sha1`), plan.join('\n'));
    const myIp = `10.0.0.${myId + 1}`;
    const otherIp = `10.0.0.${otherId + 1}`;
    t.true(plan.includes(`drbdsetup new-path ${r.name} ${otherId} ipv4:${myIp}:7002 ipv4:${otherIp}:7002`));
    t.is(plan.at(-1), `drbdsetup connect ${r.name} ${otherId}`);
  }
});

test('three nodes with a tie-breaker and quorum: the tie-breaker attaches no disk, the others see it as diskless (real drbdadm)', async (t) => {
  const dir = await tempDir(t, 'drbd-res3');
  const r = topology(3, { props: { 'DrbdOptions/Resource/quorum': 'majority', 'DrbdOptions/Resource/on-no-quorum': 'io-error' } });
  r.nodes[2]!.tieBreaker = true;
  const tbFile = await writeRes(dir, r, 'charlie');
  const tbPlan = await dryUp(tbFile, 'charlie', r.name);
  t.is(tbPlan[0], `drbdsetup new-resource ${r.name} 2 --on-no-quorum=io-error --quorum=majority`);
  t.false(tbPlan.some((l) => l.includes('attach') || l.includes('drbdmeta')), 'a tie-breaker has no local disk');
  t.true(tbPlan.includes(`drbdsetup new-minor ${r.name} 1003 0 --diskless`));
  const aFile = await writeRes(dir, r, 'alpha');
  const aDump = await dumpAs(aFile, 'alpha', r.name);
  t.regex(aDump, /on charlie \{\s+node-id 2;\s+volume 0 \{\s+device\s+\/dev\/drbd1003 minor 1003;\s+disk\s+none;/);
  // A diskful node disables the bitmap towards the diskless peer, as DRBD does for clients.
  t.true((await dryUp(aFile, 'alpha', r.name)).includes(`drbdsetup peer-device-options ${r.name} 2 0 --bitmap=no`));
});

test('four nodes with two diskless clients: no connection between the clients (real drbdadm -d up)', async (t) => {
  const dir = await tempDir(t, 'drbd-res4');
  const r = topology(4);
  r.nodes[2]!.diskless = true;
  r.nodes[3]!.diskless = true;
  const plan = await dryUp(await writeRes(dir, r, 'charlie'), 'charlie', r.name);
  t.deepEqual(plan.filter((l) => l.startsWith('drbdsetup new-peer')).map((l) => l.split(' ')[3]), ['0', '1']);
  t.false(plan.some((l) => l.includes('attach')));
  const full = await dryUp(await writeRes(dir, r, 'alpha'), 'alpha', r.name);
  t.deepEqual(full.filter((l) => l.startsWith('drbdsetup connect')), [1, 2, 3].map((id) => `drbdsetup connect ${r.name} ${id}`));
});

test('five nodes with two network paths, options on resource, volume and connection level (real drbdadm dump and -d up)', async (t) => {
  const dir = await tempDir(t, 'drbd-res5');
  const r = topology(5, {
    props: {
      'DrbdOptions/Net/allow-two-primaries': 'yes',
      'DrbdOptions/Net/max-buffers': '8000',
      'DrbdOptions/Resource/quorum': 'majority',
      'DrbdOptions/Disk/on-io-error': 'detach',
      'DrbdOptions/PeerDevice/c-max-rate': '100M',
      'DrbdOptions/Handlers/split-brain': '/usr/lib/drbd/notify-split-brain.sh root',
    },
    volumes: [
      { volumeNumber: 0, minor: 1005, sizeKib: 102400, props: { 'DrbdOptions/Disk/al-extents': '6007' } },
      { volumeNumber: 1, minor: 1006, sizeKib: 204800 },
    ],
  });
  r.nodes[4]!.diskless = true;
  r.nodes[0]!.netInterfaces = { default: '10.0.0.1', data: '192.168.10.1' };
  r.nodes[1]!.netInterfaces = { default: '10.0.0.2', data: '192.168.10.2' };
  r.connections = {
    [connKey('alpha', 'bravo')]: {
      'Paths/path1/alpha': 'default', 'Paths/path1/bravo': 'default',
      'Paths/path2/alpha': 'data', 'Paths/path2/bravo': 'data',
      'DrbdOptions/Net/protocol': 'A',
      'DrbdOptions/PeerDevice/resync-rate': '50M',
    },
  };
  const file = await writeRes(dir, r, 'alpha');
  const dump = await dumpAs(file, 'alpha', r.name);
  t.regex(dump, /allow-two-primaries\s+yes;/);
  t.regex(dump, /split-brain\s+"\/usr\/lib\/drbd\/notify-split-brain.sh root";/);
  const plan = await dryUp(file, 'alpha', r.name);
  const id = r.name;
  t.true(plan.includes(`drbdsetup new-path ${id} 1 ipv4:10.0.0.1:7005 ipv4:10.0.0.2:7005`));
  t.true(plan.includes(`drbdsetup new-path ${id} 1 ipv4:192.168.10.1:7005 ipv4:192.168.10.2:7005`));
  const peerB = plan.find((l) => l.startsWith(`drbdsetup new-peer ${id} 1 `))!;
  t.regex(peerB, /--protocol=A/, 'connection-level protocol overrides the resource default');
  t.regex(peerB, /--allow-two-primaries=yes/);
  t.regex(plan.find((l) => l.startsWith(`drbdsetup new-peer ${id} 2 `))!, /--protocol=C/);
  t.true(plan.some((l) => l.startsWith(`drbdsetup attach 1005`) && l.includes('--al-extents=6007') && l.includes('--on-io-error=detach')), plan.join('\n'));
  t.true(plan.some((l) => l.startsWith(`drbdsetup peer-device-options ${id} 1 0`) && l.includes('--resync-rate=50M')), plan.join('\n'));
  t.true(plan.some((l) => l.startsWith(`drbdsetup peer-device-options ${id} 3 1`) && l.includes('--c-max-rate=100M')), plan.join('\n'));
  // The diskless client's own view parses too and attaches nothing.
  const ePlan = await dryUp(await writeRes(dir, r, 'echo'), 'echo', id);
  t.false(ePlan.some((l) => l.includes('attach')));
  // adjust against a kernel without the resource is the same plan as up.
  t.deepEqual(await dryUp(file, 'alpha', id, 'adjust'), plan.map((l) => l.replace(/peer-device-options (\S+ \d+ \d+) /, 'peer-device-options $1 --set-defaults ')));
});

test('a volume without a minor number is refused before drbdadm sees the file', (t) => {
  const r = topology(2);
  r.volumes = [{ volumeNumber: 0, minor: undefined as unknown as number, sizeKib: 1024 }];
  const e = t.throws(() => resTextFor(r, 'alpha'));
  t.regex(e!.message, /no DRBD minor number/);
});

test('a connection path naming an unknown network interface is a clear error', (t) => {
  const r = topology(2);
  r.connections = { [connKey('alpha', 'bravo')]: { 'Paths/p/alpha': 'fast', 'Paths/p/bravo': 'fast' } };
  const e = t.throws(() => resTextFor(r, 'alpha'));
  t.regex(e!.message, /Network interface 'fast' of node 'alpha' does not exist/);
});
