/**
 * NVMe-oF/TCP layer. Target: the nvmet configfs tree is written into a temporary folder (NOT the
 * real /sys/kernel/config: no nvmet module here). Initiator: nvme-cli commands are constructed and
 * answered from recorded-shape `nvme list -o json` outputs (test/fixtures/nvme), not run.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../core/model/errors.js';
import type { DesiredNodeState, DesiredResource } from '../../core/model/satellite-protocol.js';
import { RecordedRunner } from '../../core/exec/index.js';
import type { LayerVolume } from '../../core/satellite/layers/layer.js';
import { NvmeLayer, nqnOf, parseNvmeList, serialOf, type NvmeResource } from '../../core/satellite/layers/nvme/index.js';

const fixture = (f: string): Promise<string> => readFile(new URL(`../../../test/fixtures/nvme/${f}`, import.meta.url), 'utf8');

function fakeConfigfs(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'fake-configfs-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function rsc(name: string, extra: Partial<NvmeResource> = {}): NvmeResource {
  return {
    name, layerStack: ['NVME', 'STORAGE'], flags: [], props: {},
    volumes: [0, 1].map((n) => ({ volumeNumber: n, sizeKib: 102400, storagePool: 'pool', props: {} })),
    ...extra,
  };
}
const state = (r: DesiredResource): DesiredNodeState => ({ nodeName: 'n1', props: {}, storagePools: [], resources: [r] });
const lower = (): Map<number, LayerVolume> => new Map([0, 1].map((n) => [n, { volumeNumber: n, devicePath: `/dev/vg/r_0000${n}`, diskState: 'UpToDate', usableSizeKib: 102400 }]));

test('an NVMe target exports each volume as a namespace of one subsystem and listens on TCP 4420 (fake configfs folder)', async (t) => {
  const root = fakeConfigfs(t);
  const layer = new NvmeLayer({ runner: new RecordedRunner(), root, removeDir: (p) => rm(p, { recursive: true }) });
  const r = rsc('res-t', { nvme: { listenAddress: '10.0.0.5' } });
  const res = await layer.apply({ resource: r, state: state(r), lower: lower(), sizesKib: new Map() });
  const sub = join(root, 'nvmet/subsystems', nqnOf('res-t'));
  t.is(readFileSync(join(sub, 'attr_allow_any_host'), 'utf8'), '1');
  t.is(readFileSync(join(sub, 'attr_serial'), 'utf8'), serialOf('res-t'));
  t.is(readFileSync(join(sub, 'namespaces/1/device_path'), 'utf8'), '/dev/vg/r_00000');
  t.is(readFileSync(join(sub, 'namespaces/2/device_path'), 'utf8'), '/dev/vg/r_00001');
  t.is(readFileSync(join(sub, 'namespaces/1/enable'), 'utf8'), '1');
  const port = join(root, 'nvmet/ports/1');
  t.is(readFileSync(join(port, 'addr_trtype'), 'utf8'), 'tcp');
  t.is(readFileSync(join(port, 'addr_traddr'), 'utf8'), '10.0.0.5');
  t.is(readFileSync(join(port, 'addr_trsvcid'), 'utf8'), '4420');
  t.is(readFileSync(join(port, 'addr_adrfam'), 'utf8'), 'ipv4');
  t.is(readlinkSync(join(port, 'subsystems', nqnOf('res-t'))), sub);
  t.is(res.volumes.get(0)!.devicePath, '/dev/vg/r_00000', 'the target keeps using its own device');
  t.deepEqual(await layer.listResources(), ['res-t']);
});

test('exporting twice changes nothing and a second resource shares the port; removal leaves no trace of it', async (t) => {
  const root = fakeConfigfs(t);
  const layer = new NvmeLayer({ runner: new RecordedRunner([{ argv: ['nvme', 'list', '-o', 'json'], stdout: '{"Devices":[]}' }]), root, removeDir: (p) => rm(p, { recursive: true }) });
  const a = rsc('res-a', { nvme: { listenAddress: '10.0.0.5' } });
  const b = rsc('res-b', { nvme: { listenAddress: '10.0.0.5' } });
  await layer.apply({ resource: a, state: state(a), lower: lower(), sizesKib: new Map() });
  await layer.apply({ resource: a, state: state(a), lower: lower(), sizesKib: new Map() });
  await layer.apply({ resource: b, state: state(b), lower: lower(), sizesKib: new Map() });
  t.deepEqual(readdirSync(join(root, 'nvmet/ports')), ['1']);
  t.deepEqual(readdirSync(join(root, 'nvmet/ports/1/subsystems')).sort(), [nqnOf('res-a'), nqnOf('res-b')]);
  await layer.remove('res-a', state(a));
  t.false(existsSync(join(root, 'nvmet/subsystems', nqnOf('res-a'))));
  t.deepEqual(readdirSync(join(root, 'nvmet/ports/1/subsystems')), [nqnOf('res-b')]);
  await layer.remove('res-a', state(a)); // already gone: not an error
  t.deepEqual(await layer.listResources(), ['res-b']);
});

test('NVMe/TRType rdma is written to the port; an unknown transport is refused', async (t) => {
  const root = fakeConfigfs(t);
  const layer = new NvmeLayer({ runner: new RecordedRunner(), root });
  const r = rsc('res-r', { props: { 'NVMe/TRType': 'RDMA' }, nvme: { listenAddress: 'fd00::5', port: 4421 } });
  await layer.apply({ resource: r, state: state(r), lower: lower(), sizesKib: new Map() });
  t.is(readFileSync(join(root, 'nvmet/ports/1/addr_trtype'), 'utf8'), 'rdma');
  t.is(readFileSync(join(root, 'nvmet/ports/1/addr_adrfam'), 'utf8'), 'ipv6');
  t.is(readFileSync(join(root, 'nvmet/ports/1/addr_trsvcid'), 'utf8'), '4421');
  const bad = rsc('res-x', { props: { 'NVMe/TRType': 'fc' } });
  const e = await t.throwsAsync(layer.apply({ resource: bad, state: state(bad), lower: lower(), sizesKib: new Map() }), { instanceOf: ApiError });
  t.regex(e!.message, /NVMe\/TRType/);
});

test('`nvme list -o json` (plain and -v shapes, recorded shape) gives the namespaces of one resource', async (t) => {
  const plain = parseNvmeList(await fixture('nvme-list-2.4.json'));
  t.is(plain.length, 3);
  t.deepEqual(plain.filter((d) => d.serial === serialOf('nvme-res')).map((d) => [d.nsid, d.devicePath]), [[1, '/dev/nvme1n1'], [2, '/dev/nvme1n2']]);
  const verbose = parseNvmeList(await fixture('nvme-list-verbose-2.4.json'));
  t.deepEqual(verbose.map((d) => [d.nsid, d.devicePath, d.subsystemNqn]), [[1, '/dev/nvme1n1', nqnOf('nvme-res')], [2, '/dev/nvme1n2', nqnOf('nvme-res')]]);
  t.deepEqual(parseNvmeList(''), []);
});

test('an NVMe initiator connects with `nvme connect -t tcp -a ADDR -s PORT -n NQN` and uses the remote namespaces (recorded output)', async (t) => {
  const listed = await fixture('nvme-list-2.4.json');
  const runner = new RecordedRunner([
    { argv: ['nvme', 'list', '-o', 'json'], stdout: '{"Devices":[]}', once: true },
    { argv: ['nvme', 'connect', '-t', 'tcp', '-a', '10.0.0.5', '-s', '4420', '-n', nqnOf('nvme-res')] },
    { argv: ['nvme', 'list', '-o', 'json'], stdout: listed },
    { argv: ['nvme', 'disconnect', '-n', nqnOf('nvme-res')], stdout: 'NQN:nqn.2018-02.linbit.linstor:nvme-res disconnected 1 controller(s)\n' },
  ]);
  const layer = new NvmeLayer({ runner, root: fakeConfigfs(t), connectWaitMs: 1000 });
  const r = rsc('nvme-res', { flags: ['NVME_INITIATOR'], nvme: { targetAddress: '10.0.0.5' } });
  const res = await layer.apply({ resource: r, state: state(r), lower: new Map(), sizesKib: new Map() });
  t.is(res.volumes.get(0)!.devicePath, '/dev/nvme1n1');
  t.is(res.volumes.get(1)!.devicePath, '/dev/nvme1n2');
  t.is(res.volumes.get(0)!.usableSizeKib, 102400);
  t.deepEqual(runner.commandLines().slice(0, 3), ['nvme list -o json', `nvme connect -t tcp -a 10.0.0.5 -s 4420 -n ${nqnOf('nvme-res')}`, 'nvme list -o json']);
  // Applying again does not connect twice.
  await layer.apply({ resource: r, state: state(r), lower: new Map(), sizesKib: new Map() });
  t.is(runner.commandLines().filter((c) => c.startsWith('nvme connect')).length, 1);
  await layer.remove('nvme-res', state(r));
  t.is(runner.commandLines().at(-1), `nvme disconnect -n ${nqnOf('nvme-res')}`);
});

test('an NVMe initiator without a target address is refused before anything runs', async (t) => {
  const runner = new RecordedRunner();
  const layer = new NvmeLayer({ runner, root: fakeConfigfs(t) });
  const r = rsc('lonely', { flags: ['NVME_INITIATOR'] });
  const e = await t.throwsAsync(layer.apply({ resource: r, state: state(r), lower: new Map(), sizesKib: new Map() }), { instanceOf: ApiError });
  t.regex(e!.message, /no valid target address/);
  t.deepEqual(runner.calls, []);
});
