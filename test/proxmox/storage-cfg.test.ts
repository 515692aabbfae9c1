import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  StorageCfgError, findSection, parseStorageCfg, putSection, removeSection, sections, writeStorageCfg,
} from '../../plugins/proxmox/storage-cfg.js';
import { StorageConfigError, linstorStorageFromSection, newLinstorSection } from '../../plugins/proxmox/linstor-storage.js';

// dist/test/proxmox -> test/proxmox/fixtures (fixtures are not compiled)
const FIXTURE = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/proxmox/fixtures/storage.cfg');
const text = readFileSync(FIXTURE, 'utf8');

test('a real storage.cfg with five storages, comments and other types is read section by section', (t) => {
  const cfg = parseStorageCfg(text);
  t.deepEqual(sections(cfg).map((s) => `${s.type}:${s.id}`), ['dir:local', 'lvmthin:local-lvm', 'linstor:linstor_storage', 'nfs:backups', 'drbd:old_drbd']);
  const nfs = findSection(cfg, 'backups')!;
  t.is(nfs.props.get('prune-backups'), 'keep-last=7');
  t.is(nfs.props.get('disable'), '', 'a bare flag has an empty value');
  t.is(findSection(cfg, 'old_drbd')!.props.get('controller'), '10.11.12.13', 'space-indented lines are read too');
});

test('reading and writing storage.cfg without changes gives back the same bytes', (t) => {
  t.is(writeStorageCfg(parseStorageCfg(text)), text);
});

test('changing the linstor storage rewrites only that section; other storages stay byte for byte', (t) => {
  const cfg = parseStorageCfg(text);
  const s = findSection(cfg, 'linstor_storage')!;
  s.props.set('preferlocal', 'no');
  putSection(cfg, s);
  const out = writeStorageCfg(cfg);
  t.true(out.includes('linstor: linstor_storage\n\tresourcegroup pve-rg\n\tcontent images,rootdir\n\tcontroller 10.11.12.13,10.11.12.14,10.11.12.15\n\tshared 1\n\tstatuscache 90\n\tpreferlocal no\n\nnfs: backups'));
  for (const id of ['local', 'local-lvm', 'backups', 'old_drbd']) {
    const before = findSection(parseStorageCfg(text), id)!.raw!;
    t.true(out.includes(before), `${id} unchanged`);
  }
  t.deepEqual(sections(parseStorageCfg(out)).map((x) => x.id), sections(cfg).map((x) => x.id));
});

test('adding a linstor storage appends it after a blank line with shared 1, and removing it restores the file', (t) => {
  const cfg = parseStorageCfg(text);
  putSection(cfg, newLinstorSection('drbd2', { resourceGroup: 'rg2', controllers: ['c1', 'c2'] }));
  const out = writeStorageCfg(cfg);
  t.true(out.endsWith('   controller 10.11.12.13\n\nlinstor: drbd2\n\tresourcegroup rg2\n\tcontent images,rootdir\n\tcontroller c1,c2\n\tshared 1\n'));
  const again = parseStorageCfg(out);
  t.is(linstorStorageFromSection(findSection(again, 'drbd2')!).resourceGroup, 'rg2');
  t.true(removeSection(again, 'drbd2'));
  t.is(writeStorageCfg(again).replace(/\n+$/, '\n'), text);
});

test('the linstor section yields the controller list, group, cache time and defaults of the reference plugin', (t) => {
  const s = linstorStorageFromSection(findSection(parseStorageCfg(text), 'linstor_storage')!, { requireShared: true });
  t.deepEqual(s.controllers, ['10.11.12.13', '10.11.12.14', '10.11.12.15']);
  t.is(s.resourceGroup, 'pve-rg');
  t.is(s.statusCacheSec, 90);
  t.deepEqual(s.content, ['images', 'rootdir']);
  t.true(s.preferLocal);
  t.true(s.allowTwoPrimaries);
  t.false(s.exactSize);
  t.true(s.shared);
});

test('a linstor section with an unknown key or without resourcegroup is reported with what to fix', (t) => {
  const cfg = parseStorageCfg('linstor: bad\n\tcontroler 10.0.0.1\n\tcontent images\n\tshared 1\n');
  const e = t.throws(() => linstorStorageFromSection(findSection(cfg, 'bad')!), { instanceOf: StorageConfigError });
  t.regex(e.message, /unknown key 'controler'/);
  t.regex(e.message, /'resourcegroup' is required/);
});

test('a linstor section without shared 1 is refused when linted, since PVE would not migrate its VMs', (t) => {
  const cfg = parseStorageCfg('linstor: noshare\n\tresourcegroup rg\n');
  const e = t.throws(() => linstorStorageFromSection(findSection(cfg, 'noshare')!, { requireShared: true }));
  t.regex(e!.message, /'shared 1' is missing/);
  t.notThrows(() => linstorStorageFromSection(findSection(cfg, 'noshare')!));
});

test('bad values are named: statuscache out of range, preferlocal not yes/no, a foreign content type', (t) => {
  const cfg = parseStorageCfg('linstor: x1\n\tresourcegroup rg\n\tshared 1\n\tstatuscache 9000\n\tpreferlocal maybe\n\tcontent images,iso\n');
  const e = t.throws(() => linstorStorageFromSection(findSection(cfg, 'x1')!));
  t.regex(e!.message, /statuscache' must be an integer from 0 to 7200/);
  t.regex(e!.message, /preferlocal' must be yes or no/);
  t.regex(e!.message, /content type 'iso'/);
});

test('storage.cfg errors name the line: duplicate attribute, duplicate storage ID, a stray line', (t) => {
  const dup = t.throws(() => parseStorageCfg('dir: local\n\tpath /a\n\tpath /b\n'), { instanceOf: StorageCfgError });
  t.regex(dup.message, /line 3: duplicate attribute 'path'/);
  const twice = t.throws(() => parseStorageCfg('dir: a1\n\tpath /a\n\ndir: a1\n\tpath /b\n'), { instanceOf: StorageCfgError });
  t.regex(twice.message, /line 4: storage ID 'a1' is defined twice/);
  const stray = t.throws(() => parseStorageCfg('dir: a1\n\tpath /a\n\nnot a header\n'), { instanceOf: StorageCfgError });
  t.regex(stray.message, /line 4: expected a section header/);
});

test('comments inside a section and CRLF line ends survive a round trip', (t) => {
  const crlf = 'dir: local\r\n\t# the default\r\n\tpath /var/lib/vz\r\n\r\nlinstor: l1\r\n\tresourcegroup rg\r\n\tshared 1\r\n';
  const cfg = parseStorageCfg(crlf);
  t.is(findSection(cfg, 'local')!.props.get('path'), '/var/lib/vz');
  t.is(writeStorageCfg(cfg), crlf);
});
