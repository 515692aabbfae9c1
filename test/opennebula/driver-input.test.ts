import test from 'ava';
import { hostPath } from '../../plugins/opennebula/lib/args.js';
import { contextSource } from '../../plugins/opennebula/lib/context-iso.js';
import { capacityFromPools } from '../../plugins/opennebula/lib/capacity.js';
import { datastoreConfig } from '../../plugins/opennebula/lib/datastore-config.js';
import { parseDriverAction, readDriverAction } from '../../plugins/opennebula/lib/drv-action.js';
import { diskResourceName, showDatastore, showVm, vmInfoFromXml } from '../../plugins/opennebula/lib/one-cli.js';
import { DriverError } from '../../plugins/opennebula/lib/log.js';
import { child, parseXml, text } from '../../plugins/opennebula/lib/xml.js';
import { b64, datastoreXml, drvAction, fixture, runDriver, vmXml } from './one-env.js';

test('the real mkfs DRV_ACTION from OpenNebula is read from stdin (≥ 6.8) and from argv (≤ 6.6) alike', async (t) => {
  const xml = fixture('one-ds-mkfs-linstor.xml');
  const fromStdin = await readDriverAction(['18'], async () => b64(xml));
  const fromArgv = await readDriverAction([b64(xml), '18'], async () => { throw new Error('stdin must not be read'); });
  for (const d of [fromStdin, fromArgv]) {
    t.is(d.id, '18');
    t.is(text(d.image, 'SIZE'), '2048');
    t.is(text(d.image, 'FORMAT'), 'qcow2');
    t.is(text(d.datastore, 'TEMPLATE', 'BRIDGE_LIST'), 'oneubu6120 oneubu6121 oneubu6122');
  }
});

test('the pre-2.0 attributes of the fixtures still work but are reported as deprecated', async (t) => {
  const d = await parseDriverAction(fixture('one-ds-mkfs-linstor.xml'));
  const cfg = datastoreConfig(d.datastore, { warn: false });
  t.is(cfg.autoPlace, 2);
  t.is(cfg.storagePool, 'dflt');
  t.is(cfg.cloneMode, 'copy');
  t.deepEqual(cfg.bridgeList, ['oneubu6120', 'oneubu6121', 'oneubu6122']);
  t.deepEqual(cfg.controllers, ['http://localhost:3370']);
  const mon = await parseDriverAction(fixture('one-ds-monitor-linstor.xml'));
  t.is(datastoreConfig(mon.datastore, { warn: false }).storagePool, 'thin');
  t.is(mon.image, undefined, 'monitor carries only the DATASTORE');
});

test('current attributes: resource group, controller list and bridge list', async (t) => {
  const d = await parseDriverAction(drvAction(datastoreXml(120, { LINSTOR_RESOURCE_GROUP: 'OneRscGrp', LINSTOR_CONTROLLERS: 'ctrl-a:3370,linstor+ssl://ctrl-b', BRIDGE_LIST: 'alice bob charlie' })));
  const cfg = datastoreConfig(d.datastore, { warn: false });
  t.is(cfg.resourceGroup, 'OneRscGrp');
  t.deepEqual(cfg.controllers, ['http://ctrl-a:3370', 'https://ctrl-b:3371']);
  t.deepEqual(cfg.bridgeList, ['alice', 'bob', 'charlie']);
  t.is(cfg.autoPlace, undefined);
});

test('a datastore without LINSTOR_RESOURCE_GROUP fails with an ERROR line that says what to set (exit ≠ 0)', async (t) => {
  const xml = drvAction(datastoreXml(121, { BRIDGE_LIST: 'alice' }));
  const r = await runDriver('datastore', 'monitor', ['121'], { stdin: b64(xml) });
  t.not(r.code, 0);
  t.regex(r.stderr, /^ERROR: datastore\/linstor\/monitor: datastore 121 .*LINSTOR_RESOURCE_GROUP is not set.*Fix: create a resource group/m);
  t.is(r.stdout, '');
});

test('a bad LINSTOR_AUTO_PLACE or LINSTOR_CLONE_MODE is rejected with the attribute named', async (t) => {
  for (const [attrs, re] of [[{ LINSTOR_AUTO_PLACE: 'two' }, /LINSTOR_AUTO_PLACE 'two' is not a replica count/], [{ LINSTOR_RESOURCE_GROUP: 'g', LINSTOR_CLONE_MODE: 'fast' }, /LINSTOR_CLONE_MODE 'fast'/]] as const) {
    const r = await runDriver('datastore', 'monitor', ['1'], { stdin: b64(drvAction(datastoreXml(1, attrs))) });
    t.not(r.code, 0);
    t.regex(r.stderr, re);
  }
});

test('mkfs with an image that has no SIZE names IMAGE/SIZE in its error', async (t) => {
  const xml = fixture('one-ds-mkfs-linstor.xml').replace('<SIZE>2048</SIZE>', '<SIZE></SIZE>');
  const r = await runDriver('datastore', 'mkfs', ['18'], { stdin: b64(xml), env: { LINSTOR_CONTROLLERS: 'localhost:1' } });
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: .*IMAGE\/SIZE/);
  t.regex(r.stderr, /WARN: .*LINSTOR_AUTO_PLACE is deprecated/);
});

test('empty stdin is an error that explains how oned passes DRV_ACTION', async (t) => {
  const r = await runDriver('datastore', 'stat', ['5'], { stdin: '' });
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: .*no DRV_ACTION given.*base64/);
});

test('stat prints the size in MB rounded up, for ONE ≥ 6.8 and ≤ 6.6 argument styles', async (t) => {
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'one-stat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'img.raw');
  writeFileSync(f, Buffer.alloc(3 * 1048576 + 1));
  const xml = drvAction(datastoreXml(100, { LINSTOR_RESOURCE_GROUP: 'g', BRIDGE_LIST: 'a' }), `<IMAGE><PATH><![CDATA[${f}]]></PATH><SIZE>0</SIZE></IMAGE>`);
  const a = await runDriver('datastore', 'stat', ['7'], { stdin: b64(xml) });
  const b = await runDriver('datastore', 'stat', [b64(xml), '7']);
  t.is(a.stdout, '4\n', a.stderr);
  t.is(b.stdout, '4\n', b.stderr);
});

test('monitor numbers: the resource group style divides the aggregate by the replica count; per-node style takes the tightest node', (t) => {
  const pools = [
    { storage_pool_name: 'p', node_name: 'a', provider_kind: 'FILE_THIN', total_capacity: 10 * 1024 * 1024, free_capacity: 8 * 1024 * 1024 },
    { storage_pool_name: 'p', node_name: 'b', provider_kind: 'FILE_THIN', total_capacity: 20 * 1024 * 1024, free_capacity: 4 * 1024 * 1024 },
    { storage_pool_name: 'other', node_name: 'b', provider_kind: 'LVM', total_capacity: 99 * 1024 * 1024, free_capacity: 99 * 1024 * 1024 },
    { storage_pool_name: 'DfltDisklessStorPool', node_name: 'c', provider_kind: 'DISKLESS' },
  ];
  t.deepEqual(capacityFromPools(pools, { poolNames: ['p'], placeCount: 2 }), { totalMiB: 15 * 1024, freeMiB: 6 * 1024, usedMiB: 9 * 1024 });
  t.deepEqual(capacityFromPools(pools, { poolNames: ['p'], deploymentNodes: ['a', 'b'] }), { totalMiB: 10 * 1024, freeMiB: 4 * 1024, usedMiB: 6 * 1024 });
});

test('VM disks map to addon-linstor resource names (image, per-VM copy, volatile)', async (t) => {
  const vm = vmInfoFromXml(child(await parseXml(vmXml(42, [
    { diskId: 0, source: 'OpenNebula-Image-7', persistent: false }, { diskId: 1, source: 'OpenNebula-Image-8', persistent: true }, { diskId: 2 },
  ])), 'VM')!);
  t.deepEqual(vm.disks.map((d) => diskResourceName('42', d)), ['OpenNebula-Image-7-vm42-disk0', 'OpenNebula-Image-8', 'OpenNebula-Volatile-vm42-disk2']);
});

test('tm context and the backup actions refuse a destination outside the VM\'s own folder before anything runs', async (t) => {
  const ctx = await runDriver('tm', 'context', ['/tmp/context.sh', 'host:/var/lib/one/datastores/0/6/disk.1', '5', '0']);
  t.not(ctx.code, 0);
  t.regex(ctx.stderr, /ERROR: tm\/linstor\/context: host:path of the context disk 'host:\/var\/lib\/one\/datastores\/0\/6\/disk\.1' is not a folder or disk of VM 5/);
  for (const action of ['prebackup', 'prebackup_live', 'postbackup', 'postbackup_live']) {
    const other = await runDriver('tm', action, ['host:/var/lib/one/datastores/0/6', '0:', 'one-5', '-', '5', '0']);
    t.regex(other.stderr, new RegExp(`ERROR: tm/linstor/${action}: \\$1 \\(host:vm folder\\) 'host:/var/lib/one/datastores/0/6' is not a folder or disk of VM 5`), action);
    const etc = await runDriver('tm', action, ['host:/etc', '0:', 'one-5', '5', '0']);
    t.regex(etc.stderr, /is not a folder or disk of VM 5/, action);
  }
  const disks = await runDriver('tm', 'prebackup', ['host:/var/lib/one/datastores/0/5', '0;rm', 'one-5', '-', '5', '0']);
  t.regex(disks.stderr, /\$2 '0;rm' is not a ':'-separated list of disk ids/);
  const count = await runDriver('tm', 'postbackup', ['host:/var/lib/one/datastores/0/5', '0:', '5', '0']);
  t.regex(count.stderr, /expected 5 or 6 arguments/);
});

test('context file arguments: plain paths, path:\'name\' renames inside the ISO, URLs; relative paths and names with a slash are refused', (t) => {
  t.deepEqual(contextSource('/var/lib/one/vms/5/context.sh'), { from: '/var/lib/one/vms/5/context.sh', name: 'context.sh' });
  t.deepEqual(contextSource("/var/lib/one/datastores/2/0a1b:'init.sh'"), { from: '/var/lib/one/datastores/2/0a1b', name: 'init.sh' });
  t.deepEqual(contextSource('http://fe.example/files/key.pub'), { from: 'http://fe.example/files/key.pub', name: 'key.pub' });
  t.throws(() => contextSource('context.sh'), { message: /not an absolute path/ });
  t.throws(() => contextSource("/a/b:'../x'"), { message: /the name after ':' must be a plain file name/ });
  t.throws(() => contextSource("/a/b:'..'"), { message: /no usable file name/ });
});

test('a TM argument host:path splits on the first colon: the path keeps no colon, a bare path has no host', (t) => {
  t.deepEqual(hostPath('node-1:/var/lib/one/datastores/0/5/disk.0', '$1'), { host: 'node-1', path: '/var/lib/one/datastores/0/5/disk.0' });
  t.deepEqual(hostPath('node-1:/var/lib/one/a:b', '$1'), { host: 'node-1', path: '/var/lib/one/a:b' }, 'a colon inside the path stays');
  t.deepEqual(hostPath('/var/lib/one/datastores/0/5/disk.0', '$1'), { host: '', path: '/var/lib/one/datastores/0/5/disk.0' });
  t.throws(() => hostPath(undefined, '$1 (source)'), { message: /missing argument \$1 \(source\)/ });
});

test('tm actions with missing arguments name the argument to fix', async (t) => {
  const r = await runDriver('tm', 'resize', ['host:/var/lib/one/datastores/0/5/disk.0', 'big', '5', '0']);
  t.not(r.code, 0);
  t.regex(r.stderr, /ERROR: tm\/linstor\/resize: argument \$2 \(size in MB\) must be an integer, got 'big'/);
  const m = await runDriver('tm', 'mkimage', ['64']);
  t.not(m.code, 0);
  t.regex(m.stderr, /ERROR: tm\/linstor\/mkimage: missing argument \$2 \(format\)/);
});

test('ids that are not oned ids are refused before onevm/onedatastore runs', async (t) => {
  for (const id of ['', '1 2', "1' OR '1'='1", '../1', '-1', '1\n2', '$(id)']) {
    await t.throwsAsync(showDatastore(id), { instanceOf: DriverError, message: /is not a datastore id/ }, JSON.stringify(id));
    await t.throwsAsync(showVm(id), { instanceOf: DriverError, message: /is not a VM id/ }, JSON.stringify(id));
  }
});
