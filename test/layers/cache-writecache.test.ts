/**
 * CACHE (dm-cache) and WRITECACHE (dm-writecache) layers: device-mapper tables and dmsetup command
 * construction only. There is no device-mapper on these machines, so dmsetup answers come from
 * a RecordedRunner (recorded exit codes), and the cache volumes from a fake allocator.
 */
import test from 'ava';
import { ApiError } from '../../core/model/errors.js';
import type { DesiredNodeState, DesiredResource } from '../../core/model/satellite-protocol.js';
import { RecordedRunner } from '../../core/exec/index.js';
import { CacheLayer, cacheSettings, cacheTable } from '../../core/satellite/layers/cache/index.js';
import type { LayerVolume } from '../../core/satellite/layers/layer.js';
import { WritecacheLayer, writecacheSettings, writecacheTable } from '../../core/satellite/layers/writecache/index.js';

const rsc = (name: string, props: Record<string, string>, stack: DesiredResource['layerStack']): DesiredResource => ({
  name, layerStack: stack, flags: [], props, volumes: [{ volumeNumber: 0, sizeKib: 1048576, storagePool: 'hdd', props: {} }],
});
const state = (r: DesiredResource): DesiredNodeState => ({ nodeName: 'n1', props: {}, storagePools: [], resources: [r] });
const lower = (): Map<number, LayerVolume> => new Map([[0, { volumeNumber: 0, devicePath: '/dev/hdd/r_00000', usableSizeKib: 1048576, diskState: 'UpToDate' }]]);

function allocator(): { calls: string[]; allocate: (pool: string, name: string, kib: number) => Promise<string>; release: (pool: string, name: string) => Promise<void> } {
  const calls: string[] = [];
  return {
    calls,
    allocate: async (pool, name, kib) => { calls.push(`alloc ${pool} ${name} ${kib}`); return `/dev/${pool}/${name}`; },
    release: async (pool, name) => { calls.push(`release ${pool} ${name}`); },
  };
}
const notThere = (name: string) => ({ argv: ['dmsetup', 'status', name], exitCode: 1, stderr: `Device ${name} not found\nCommand failed.\n` });

test('a cached resource gets a dm-cache device with cache and metadata volumes from the Cache/* pools (dmsetup recorded)', async (t) => {
  const dev = 'linstor_cache_web_00000';
  const runner = new RecordedRunner([notThere(dev), { argv: (a) => a[0] === 'dmsetup' && a[1] === 'create' }]);
  const alloc = allocator();
  const layer = new CacheLayer({ runner, dryRun: false, ...alloc });
  const r = rsc('web', { 'Cache/CachePool': 'ssd', 'Cache/MetaPool': 'ssdmeta', 'Cache/OpMode': 'writeback', 'Cache/Cachesize': '10%', 'Cache/Policy': 'smq' }, ['CACHE', 'STORAGE']);
  const res = await layer.apply({ resource: r, state: state(r), lower: lower(), sizesKib: new Map() });
  t.deepEqual(alloc.calls, ['alloc ssd web.dcache_00000 104860', 'alloc ssdmeta web.dmeta_00000 12288']);
  t.deepEqual(runner.calls[1], ['dmsetup', 'create', dev, '--table',
    '0 2097152 cache /dev/ssdmeta/web.dmeta_00000 /dev/ssd/web.dcache_00000 /dev/hdd/r_00000 64 1 writeback smq 0']);
  t.is(res.volumes.get(0)!.devicePath, `/dev/mapper/${dev}`);
  t.is(res.volumes.get(0)!.backingDevice, '/dev/hdd/r_00000');
});

test('a dm-cache device that already exists is not created again', async (t) => {
  const runner = new RecordedRunner([{ argv: ['dmsetup', 'status', 'linstor_cache_web_00000'], stdout: '0 2097152 cache 8 27/3072 128 0/1638 0 0 0 0 0 0 0 1 writeback 2 migration_threshold 2048 smq 0 rw -\n' }]);
  const alloc = allocator();
  const layer = new CacheLayer({ runner, dryRun: false, ...alloc });
  const r = rsc('web', { 'Cache/CachePool': 'ssd' }, ['CACHE', 'STORAGE']);
  await layer.apply({ resource: r, state: state(r), lower: lower(), sizesKib: new Map() });
  t.deepEqual(alloc.calls, []);
  t.is(runner.calls.length, 1);
});

test('Cache/* defaults and validation: writethrough, smq, 5 %, metadata in the cache pool; bad values are refused', (t) => {
  const s = cacheSettings({ 'Cache/CachePool': 'ssd' }, 1048576);
  t.like(s, { cachePool: 'ssd', metaPool: 'ssd', opMode: 'writethrough', policy: 'smq', blockSectors: 64, cacheKib: 52432, metaKib: 12288 });
  t.is(cacheTable(100, '/m', '/c', '/o', s), '0 100 cache /m /c /o 64 1 writethrough smq 0');
  t.throws(() => cacheSettings({}, 1), { instanceOf: ApiError, message: /Cache\/CachePool/ });
  t.throws(() => cacheSettings({ 'Cache/CachePool': 'ssd', 'Cache/OpMode': 'writearound' }, 1), { message: /Cache\/OpMode/ });
  t.throws(() => cacheSettings({ 'Cache/CachePool': 'ssd', 'Cache/Blocksize': '100' }, 1), { message: /Cache\/Blocksize/ });
  t.throws(() => cacheSettings({ 'Cache/CachePool': 'ssd', 'Cache/Cachesize': 'lots' }, 1), { message: /Cachesize/ });
  t.is(cacheSettings({ 'Cache/CachePool': 'ssd', 'Cache/Cachesize': '2G' }, 1).cacheKib, 2097152);
});

test('removing a cached resource removes the dm-cache device and gives the cache volumes back (dry run records dmsetup)', async (t) => {
  const alloc = allocator();
  const layer = new CacheLayer({ runner: new RecordedRunner(), dryRun: true, ...alloc });
  const r = rsc('web', { 'Cache/CachePool': 'ssd' }, ['CACHE', 'STORAGE']);
  await layer.remove('web', state(r));
  t.deepEqual(layer.dm.plans.get('web'), [['dmsetup', 'remove', '--retry', 'linstor_cache_web_00000']]);
  t.deepEqual(alloc.calls, ['release ssd web.dcache_00000', 'release ssd web.dmeta_00000']);
});

test('a writecached resource gets a dm-writecache table with the Writecache/Options/* arguments (dmsetup recorded)', async (t) => {
  const dev = 'linstor_wcache_db_00000';
  const runner = new RecordedRunner([notThere(dev), { argv: (a) => a[1] === 'create' }]);
  const alloc = allocator();
  const layer = new WritecacheLayer({ runner, dryRun: false, ...alloc });
  const r = rsc('db', {
    'Writecache/PoolName': 'pmem', 'Writecache/Size': '65536',
    'Writecache/Options/HighWatermark': '60', 'Writecache/Options/LowWatermark': '40', 'Writecache/Options/Fua': 'off',
  }, ['WRITECACHE', 'STORAGE']);
  const res = await layer.apply({ resource: r, state: state(r), lower: lower(), sizesKib: new Map() });
  t.deepEqual(alloc.calls, ['alloc pmem db.dcache_00000 65536']);
  t.deepEqual(runner.calls[1], ['dmsetup', 'create', dev, '--table',
    '0 2097152 writecache s /dev/hdd/r_00000 /dev/pmem/db.dcache_00000 4096 5 nofua high_watermark 60 low_watermark 40']);
  t.is(res.volumes.get(0)!.devicePath, `/dev/mapper/${dev}`);
});

test('Writecache/* validation: a pool is required, options are checked, 5 % is the default size', (t) => {
  t.throws(() => writecacheSettings({}, 1), { instanceOf: ApiError, message: /Writecache\/PoolName/ });
  t.throws(() => writecacheSettings({ 'Writecache/PoolName': 'p', 'Writecache/Options/HighWatermark': 'high' }, 1), { message: /HighWatermark/ });
  t.throws(() => writecacheSettings({ 'Writecache/PoolName': 'p', 'Writecache/Options/Turbo': '1' }, 1), { message: /Unknown property/ });
  t.throws(() => writecacheSettings({ 'Writecache/PoolName': 'p', 'Writecache/Options/Additional': 'x; rm -rf /' }, 1), { message: /Invalid word/ });
  const s = writecacheSettings({ 'Writecache/PoolName': 'p', 'Writecache/Options/Additional': 'cleaner' }, 1048576);
  t.is(s.cacheKib, 52432);
  t.is(writecacheTable(8, '/o', '/c', s), '0 8 writecache s /o /c 4096 1 cleaner');
});

test('removing a writecached resource flushes before removing the device (dry run records dmsetup)', async (t) => {
  const alloc = allocator();
  const layer = new WritecacheLayer({ runner: new RecordedRunner(), dryRun: true, ...alloc });
  const r = rsc('db', { 'Writecache/PoolName': 'pmem' }, ['WRITECACHE', 'STORAGE']);
  await layer.remove('db', state(r));
  t.deepEqual(layer.dm.plans.get('db'), [
    ['dmsetup', 'message', 'linstor_wcache_db_00000', '0', 'flush'],
    ['dmsetup', 'remove', '--retry', 'linstor_wcache_db_00000'],
  ]);
  t.deepEqual(alloc.calls, ['release pmem db.dcache_00000']);
});

test('without device-mapper both layers report themselves unsupported with the reason', async (t) => {
  const runner = new RecordedRunner([{ argv: ['dmsetup', 'targets'], stdout: 'striped          v1.6.0\nlinear           v1.4.0\nerror            v1.6.0\n' }]);
  t.deepEqual(await new CacheLayer({ runner, dryRun: true }).supported(), { supported: false, reasons: ['device-mapper target "cache" not loaded (modprobe dm-cache)'] });
  t.false((await new WritecacheLayer({ runner: new RecordedRunner(), dryRun: true }).supported()).supported);
});
