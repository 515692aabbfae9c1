/**
 * Switching from LINBIT's linstor-proxmox without touching /etc/pve/storage.cfg: its `drbd:`
 * sections, its keys, and volume names and vmids exactly as PVE passes them. PVE's side is
 * played by the Perl doubles in perl-doubles/ (registration rules of pve-storage and
 * SectionConfig, the cluster lock); the storage side is a real controller with real
 * satellites registered by FQDN, so `searchdomain` has something to resolve to.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { findSection, parseStorageCfg } from '../../plugins/proxmox/storage-cfg.js';
import { linstorNodeName, linstorStorageFromSection } from '../../plugins/proxmox/linstor-storage.js';
import { startPveCluster, waitFor, type PveCluster } from './cluster.js';
import { DOUBLES_DIR, SHIM_DIR, pve, pveCall } from './pve.js';

const run = promisify(execFile);
const CUSTOM_DIR = join(SHIM_DIR, 'PVE/Storage/Custom');
const FIXTURE = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/proxmox/fixtures/storage.cfg');
const DOMAIN = 'pve.example.test';
const STOREID = 'old_drbd';

/** Perl with the PVE doubles and our modules on @INC, as PVE would load them. */
const perl = (code: string, env: Record<string, string> = {}) =>
  run('perl', ['-I', DOUBLES_DIR, '-I', SHIM_DIR, '-MPVE::Storage', '-e', code], { env: { ...process.env, ...env } });

test('PVE registers both types from our modules: drbd (linstor-proxmox\'s) and linstor, with no property defined twice', async (t) => {
  const { stdout } = await perl(`my $p = PVE::Storage::load_custom_plugins('${CUSTOM_DIR}');
    for my $type (sort keys %$p) { my $c = $p->{$type};
      print join(' ', $type, $c, scalar(keys %{ $c->properties }), join(',', sort keys %{ $c->options }),
        $c->options->{resourcegroup}{optional}, join(',', sort keys %{ $c->plugindata->{content}[0] })), "\\n"; }`);
  const [drbd, linstor] = stdout.trim().split('\n').map((l) => l.split(' '));
  t.is(drbd![0], 'drbd');
  t.is(drbd![1], 'PVE::Storage::Custom::LINSTORDRBDPlugin');
  t.is(drbd![2], '0', 'the drbd type defines no property of its own (SectionConfig would die on a duplicate)');
  t.is(linstor![0], 'linstor');
  t.is(drbd![4], '0', 'resourcegroup is required as in linstor-proxmox');
  t.is(drbd![5], 'images,rootdir');
  // linstor-proxmox 8.2's options, plus the two keys of 8.3; no `shared`: PVE sets it for drbd.
  t.deepEqual(drbd![3]!.split(','), ['allowtwoprimaries', 'apica', 'apicrt', 'apikey', 'clusterlocktimeout', 'content', 'controller', 'disable',
    'exactsize', 'nodes', 'preferlocal', 'resourcegroup', 'searchdomain', 'statuscache']);
  t.deepEqual(linstor![3]!.split(',').filter((k) => k !== 'shared'), drbd![3]!.split(','));
});

test('the drbd module would break PVE if it defined the properties again: the double refuses a duplicate, as SectionConfig does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pve-custom-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { mkdirSync, writeFileSync, copyFileSync } = await import('node:fs');
  mkdirSync(join(dir, 'PVE/Storage/Custom'), { recursive: true });
  copyFileSync(join(CUSTOM_DIR, 'LINSTORPlugin.pm'), join(dir, 'PVE/Storage/Custom/LINSTORPlugin.pm'));
  const broken = readFileSync(join(CUSTOM_DIR, 'LINSTORDRBDPlugin.pm'), 'utf8').replace(/^sub properties .*$/m, '');
  writeFileSync(join(dir, 'PVE/Storage/Custom/LINSTORDRBDPlugin.pm'), broken);
  const e = await run('perl', ['-I', DOUBLES_DIR, '-I', dir, '-MPVE::Storage', '-e', `PVE::Storage::load_custom_plugins('${dir}/PVE/Storage/Custom')`])
    .then(() => undefined, (x: { stderr: string }) => x);
  t.regex(e?.stderr ?? '', /duplicate property/);
});

test('clusterlocktimeout: PVE\'s storage lock waits that many seconds when the caller names no timeout; an explicit timeout wins', async (t) => {
  const cfg = JSON.stringify({ ids: { slow: { type: 'drbd', resourcegroup: 'rg', clusterlocktimeout: 120 }, plain: { type: 'drbd', resourcegroup: 'rg' } } });
  const { stdout } = await perl(`my $c = 'PVE::Storage::Custom::LINSTORDRBDPlugin'; require PVE::Storage::Custom::LINSTORDRBDPlugin;
    my @r = ($c->cluster_lock_storage('slow', 1, undef, sub { "ran:@_" }, 'x'),
             $c->cluster_lock_storage('slow', 1, 5, sub { 'ran' }),
             $c->cluster_lock_storage('plain', 1, undef, sub { 'ran' }));
    print join(' ', @r, map { $_->{timeout} // 'pve-default' } @PVE::Storage::Plugin::LOCKS), "\\n";`, { PVE_TEST_STORAGE_CFG: cfg });
  t.is(stdout.trim(), 'ran:x ran ran 120 5 pve-default');
});

test('an existing linstor-proxmox section (drbd:, no shared line) validates unchanged, and the new keys are checked', (t) => {
  const cfg = parseStorageCfg(readFileSync(FIXTURE, 'utf8'));
  const s = linstorStorageFromSection(findSection(cfg, 'old_drbd')!, { requireShared: true });
  t.true(s.shared, 'PVE treats drbd as shared storage by itself');
  t.is(s.resourceGroup, 'defaultpool');
  t.deepEqual(s.controllers, ['10.11.12.13']);
  const bad = parseStorageCfg('drbd: d1\n\tresourcegroup rg\n\tclusterlocktimeout 0\n\tsearchdomain -bad..domain\n');
  const e = t.throws(() => linstorStorageFromSection(findSection(bad, 'd1')!));
  t.regex(e!.message, /type drbd/);
  t.regex(e!.message, /'clusterlocktimeout' must be an integer from 1 to 3600/);
  t.regex(e!.message, /'searchdomain' must be a DNS domain/);
  const good = linstorStorageFromSection(findSection(parseStorageCfg('drbd: d2\n\tresourcegroup rg\n\tclusterlocktimeout 60\n\tsearchdomain example.com\n'), 'd2')!);
  t.is(good.clusterLockTimeoutSec, 60);
  t.is(linstorNodeName('pve1', good), 'pve1.example.com');
  t.is(linstorNodeName('pve1.other.org', good), 'pve1.other.org', 'a name that is already qualified stays');
});

// ---- through the shim against a real controller whose nodes are registered by FQDN ----

let cl: PveCluster;
let work: string;
let scfg: Record<string, unknown>;
let shortA = '';

const asA = {
  call: <T = unknown[]>(method: string, args: unknown[]) => pve<T>(shortA, join(work, 'cache'), method, args, { PVE_CALL_CLASS: 'LINSTORDRBDPlugin' }),
  try: <T = unknown[]>(method: string, args: unknown[]) => pveCall<T>(shortA, join(work, 'cache'), method, args, { PVE_CALL_CLASS: 'LINSTORDRBDPlugin' }),
};

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pve-dropin-'));
  cl = await startPveCluster({ nodes: 2, placeCount: 1, domain: DOMAIN });
  shortA = cl.nodes[0]!.slice(0, -DOMAIN.length - 1);
  // As PVE hands a drbd section to the plugin: parsed, content as a hash, shared set by PVE.
  scfg = { type: 'drbd', resourcegroup: cl.rg, content: { images: 1, rootdir: 1 }, controller: cl.ctl.url.replace('http://', ''), searchdomain: DOMAIN, shared: 1 };
});
test.after.always(async () => {
  await cl?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const replicaNodes = async (res: string) => (await cl.client.resources.view({ resources: [res] })).map((r) => r.node_name);

test.serial('a drbd: storage allocates with the vmid as PVE sends it (a string from the API): pm- name, vmid on the definition, replica on this node by its FQDN', async (t) => {
  const r = await asA.try<[string]>('alloc_image', [STOREID, scfg, '101', 'raw', '', '4096']);
  t.true(r.ok, r.error);
  t.regex(r.result[0], /^pm-[0-9a-f]{8}_101$/);
  const res = r.result[0].slice(0, 11);
  t.is((await cl.client.resourceDefinitions.get(res)).props?.['Aux/pm/vmid'], '101');
  t.regex(r.notices, new RegExp(`on \\(${cl.nodes[0]!.replace(/\./g, '\\.')}\\)`), 'the NOTICE names the LINSTOR node: short name + searchdomain');
  t.deepEqual(await replicaNodes(res), [cl.nodes[0]]);
  await asA.call('free_image', [STOREID, scfg, r.result[0], 0, 'raw']);
});

test.serial('names PVE picks itself keep them in LINSTOR: vm-<vmid>-disk-<n>, vm-<vmid>-cloudinit (again: no error), vm-<vmid>-state-<snapshot with capitals>', async (t) => {
  const names = ['vm-101-disk-0', 'vm-101-cloudinit', 'vm-101-state-Before_Upgrade'];
  for (const n of names) t.deepEqual(await asA.call<[string]>('alloc_image', [STOREID, scfg, 101, 'raw', n, 4096]), [n], n);
  // PVE re-allocates cloud-init on a node that does not see the device yet: same name, no error.
  t.deepEqual(await asA.call<[string]>('alloc_image', [STOREID, scfg, '101', 'raw', 'vm-101-cloudinit', 4096]), ['vm-101-cloudinit']);
  const again = await asA.try('alloc_image', [STOREID, scfg, 101, 'raw', 'vm-101-disk-0', 4096]);
  t.regex(again.error ?? '', /already exists/);
  const rds = (await cl.client.resourceDefinitions.list()).map((rd) => rd.name);
  for (const n of names) t.true(rds.includes(n), `${n} is the LINSTOR resource name`);
  for (const n of names) {
    const [vtype, name, vmid, , , isBase, fmt] = await asA.call<unknown[]>('parse_volname', [n]);
    t.deepEqual([vtype, name, vmid, isBase, fmt], ['images', n, 101, 0, 'raw']);
  }
  const [listed] = await asA.call<[Array<{ volid: string; vmid: number }>]>('list_images', [STOREID, scfg, '101', null, {}]);
  t.deepEqual(listed.map((i) => i.volid).sort(), names.map((n) => `${STOREID}:${n}`).sort());
  t.true(listed.every((i) => i.vmid === 101));
  for (const n of names) await asA.call('free_image', [STOREID, scfg, n, 0, 'raw']);
  const left = (await cl.client.resourceDefinitions.list()).map((rd) => rd.name);
  for (const n of names) t.false(left.includes(n));
});

test.serial('a name of another VM, a template name or a vmid that is not a number is refused before anything is created', async (t) => {
  const before = (await cl.client.resourceDefinitions.list()).length;
  const other = await asA.try('alloc_image', [STOREID, scfg, 101, 'raw', 'vm-102-disk-0', 4096]);
  t.regex(other.error ?? '', /illegal name 'vm-102-disk-0' - should belong to VM 101/);
  const base = await asA.try('alloc_image', [STOREID, scfg, 101, 'raw', 'base-vm-101-disk-0', 4096]);
  t.regex(base.error ?? '', /template name/);
  const nan = await asA.try('alloc_image', [STOREID, scfg, 'abc', 'raw', null, 4096]);
  t.regex(nan.error ?? '', /invalid vmid 'abc'/);
  t.is((await cl.client.resourceDefinitions.list()).length, before);
  // A template's name still parses (PVE asks for it): base- prefix, same vmid, isBase 1.
  const [, name, vmid, , , isBase] = await asA.call<unknown[]>('parse_volname', ['base-vm-101-disk-0']);
  t.deepEqual([name, vmid, isBase], ['base-vm-101-disk-0', 101, 1]);
});

test.serial('activating on this node creates the assignment on the FQDN node LINSTOR knows (searchdomain), not on the short name', async (t) => {
  const [name] = await asA.call<[string]>('alloc_image', [STOREID, scfg, 103, 'raw', 'vm-103-disk-0', 4096]);
  await waitFor(async () => (await replicaNodes(name)).length === 1, 'placed');
  const other = cl.nodes[1]!;
  const shortB = other.slice(0, -DOMAIN.length - 1);
  await pve(shortB, join(work, 'cache-b'), 'activate_volume', [STOREID, scfg, name, null, {}], { PVE_CALL_CLASS: 'LINSTORDRBDPlugin' });
  await waitFor(async () => (await replicaNodes(name)).includes(other), `assignment on ${other}`);
  t.false((await cl.client.nodes.list()).some((n) => n.name === shortB), 'no node with the short name was involved');
  await asA.call('free_image', [STOREID, scfg, name, 0, 'raw']);
});
