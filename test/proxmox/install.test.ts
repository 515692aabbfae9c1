import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/controller.js';
import { findSection, parseStorageCfg } from '../../plugins/proxmox/storage-cfg.js';
import { linstorStorageFromSection } from '../../plugins/proxmox/linstor-storage.js';
import { DOUBLES_DIR } from './pve.js';

const run = promisify(execFile);
const INSTALL = join(REPO_ROOT, 'plugins/proxmox/install.sh');

test('install.sh puts the shim where PVE looks, a working hook wrapper, and prints a storage.cfg section that validates', async (t) => {
  const dest = mkdtempSync(join(tmpdir(), 'pve-install-'));
  t.teardown(() => rmSync(dest, { recursive: true, force: true }));
  const { stdout } = await run('bash', [INSTALL, '--destdir', dest]);
  const pm = join(dest, 'usr/share/perl5/PVE/Storage/Custom/LINSTORPlugin.pm');
  t.true(existsSync(pm));
  // Both storage types load from the installed folder as PVE registers them: ours and linstor-proxmox's drbd.
  const { stdout: types } = await run('perl', ['-I', DOUBLES_DIR, '-I', join(dest, 'usr/share/perl5'), '-MPVE::Storage', '-e',
    `print join(',', sort keys %{ PVE::Storage::load_custom_plugins('${join(dest, 'usr/share/perl5/PVE/Storage/Custom')}') })`]);
  t.is(types, 'drbd,linstor');
  t.true(existsSync(join(dest, 'var/cache/linstor-pve')));
  const hook = join(dest, 'usr/bin/linstor-pve-hook');
  t.truthy(statSync(hook).mode & 0o111, 'wrapper is executable');
  // PVE, played by the test doubles, loads the installed module and it answers through the wrapper.
  const { stdout: out } = await run('perl', ['-I', DOUBLES_DIR, '-I', join(dest, 'usr/share/perl5'), join(DOUBLES_DIR, 'pve-call.pl'), 'parse_volname', '["vm-100-disk-0"]'],
    { env: { ...process.env, LINSTOR_PVE_HOOK: hook } });
  t.regex(out, /"result":\["images","vm-100-disk-0",100,null,null,0,"raw"\]/);
  const section = stdout.slice(stdout.indexOf('linstor: '));
  const s = linstorStorageFromSection(findSection(parseStorageCfg(section), 'linstor_storage')!, { requireShared: true });
  t.is(s.resourceGroup, 'pve-rg');
  t.deepEqual(s.controllers, ['10.11.12.13', '10.11.12.14', '10.11.12.15']);
});

test('install.sh refuses to overwrite the linstor-proxmox package\'s LINSTORPlugin.pm unless forced', async (t) => {
  const dest = mkdtempSync(join(tmpdir(), 'pve-install-'));
  t.teardown(() => rmSync(dest, { recursive: true, force: true }));
  const dir = join(dest, 'usr/share/perl5/PVE/Storage/Custom');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'LINSTORPlugin.pm'), 'package PVE::Storage::Custom::LINSTORPlugin;\nsub type { return "drbd"; }\n1;\n');
  const e = await run('bash', [INSTALL, '--destdir', dest]).then(() => undefined, (x: { stderr: string; code: number }) => x);
  t.truthy(e);
  t.regex(e!.stderr, /belongs to another plugin/);
  t.regex(readFileSync(join(dir, 'LINSTORPlugin.pm'), 'utf8'), /"drbd"/, 'left untouched');
  await run('bash', [INSTALL, '--destdir', dest, '--force']);
  t.regex(readFileSync(join(dir, 'LINSTORPlugin.pm'), 'utf8'), /linstor-pve-hook/);
});

test('the shim declares what PVE checks: type linstor, an API version inside APIVER/APIAGE, raw images and rootdir', async (t) => {
  const code = `my $c = 'PVE::Storage::Custom::LINSTORPlugin';
    print join(' ', $c->type, $c->api, PVE::Storage::plugin_acceptable($c), join(',', sort keys %{ $c->plugindata->{content}[0] }),
      $c->plugindata->{format}[1], $c->options->{resourcegroup}{optional}, exists $c->options->{shared} ? 1 : 0), "\\n";`;
  const opts = (apiver: string) => ({ env: { ...process.env, PVE_TEST_APIVER: apiver } });
  const args = ['-I', DOUBLES_DIR, '-I', join(REPO_ROOT, 'plugins/proxmox/perl'), '-MPVE::Storage', '-MPVE::Storage::Custom::LINSTORPlugin', '-e', code];
  t.is((await run('perl', args, opts('15'))).stdout, 'linstor 15 1 images,rootdir raw 0 1\n');
  t.is((await run('perl', args, opts('13'))).stdout.split(' ').slice(1, 3).join(' '), '13 1', 'an older PVE is told its own version');
  t.is((await run('perl', args, opts('18'))).stdout.split(' ').slice(1, 3).join(' '), '15 1', 'a newer PVE within APIAGE accepts 15');
});

test('every key the shim lets PVE accept in storage.cfg is one the hooks understand, and the other way round', async (t) => {
  const { KNOWN_KEYS } = await import('../../plugins/proxmox/linstor-storage.js');
  const { stdout } = await run('perl', ['-I', DOUBLES_DIR, '-I', join(REPO_ROOT, 'plugins/proxmox/perl'), '-MPVE::Storage::Custom::LINSTORPlugin',
    '-e', 'print join(",", sort keys %{ PVE::Storage::Custom::LINSTORPlugin->options }), "\\n"']);
  t.deepEqual(stdout.trim().split(','), [...KNOWN_KEYS].sort());
});
