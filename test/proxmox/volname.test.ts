import test from 'ava';
import { checkRequestedName, newUuidName, parseVolname, pveName, snapshotName } from '../../plugins/proxmox/volname.js';

test('a new-style disk name pm-<8 hex>_<vmid> maps to LINSTOR resource pm-<8 hex> of that VM', (t) => {
  const p = parseVolname('pm-12cf742a_101');
  t.is(p.linstorName, 'pm-12cf742a');
  t.is(p.vmid, 101);
  t.false(p.isBase);
});

test('legacy, cloud-init and RAM-state names keep their name in LINSTOR', (t) => {
  t.is(parseVolname('vm-100-disk-1').kind, 'legacy');
  t.is(parseVolname('vm-100-cloudinit').kind, 'cloudinit');
  t.is(parseVolname('vm-100-state-before_upgrade').linstorName, 'vm-100-state-before_upgrade');
  t.is(checkRequestedName('vm-7-disk-0').linstorName, 'vm-7-disk-0');
});

test('a template disk is base-<name>, same LINSTOR resource, flagged as base for PVE', (t) => {
  const p = parseVolname('base-pm-12cf742a_101');
  t.true(p.isBase);
  t.is(p.linstorName, 'pm-12cf742a');
  t.is(pveName('pm-12cf742a', { 'Aux/pm/vmid': '101', 'Aux/pm/base': 'yes' }), 'base-pm-12cf742a_101');
  t.throws(() => checkRequestedName('base-vm-1-disk-0'));
});

test('names PVE could not have made are refused', (t) => {
  for (const bad of ['pm-12cf742a', 'pm-XYZ_1', 'disk0', 'vm-1-', '../etc']) t.throws(() => parseVolname(bad), undefined, bad);
  t.throws(() => snapshotName('pm-12cf742a', 'a b'));
});

test('a legacy name is a LINSTOR resource name, so at most 48 characters: 48 parse, 49 are refused', (t) => {
  const at48 = `vm-100-disk-${'1'.repeat(48 - 'vm-100-disk-'.length)}`;
  t.is(at48.length, 48);
  t.is(parseVolname(at48).linstorName, at48);
  t.throws(() => parseVolname(`${at48}1`), { message: /unable to parse PVE volume name/ });
});

test('generated names avoid resources that already exist', (t) => {
  let calls = 0;
  const n = newUuidName(5, () => ++calls < 3);
  t.regex(n.pve, /^pm-[0-9a-f]{8}_5$/);
  t.is(calls, 3);
  t.is(snapshotName(n.linstor, 'daily'), `snap_${n.linstor}_daily`);
});
