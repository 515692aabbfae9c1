/**
 * `linstor physical-storage list / create-device-pool` end to end: a real controller, a real
 * satellite process, a blank 2 GiB loop device, and real `lsblk`, `blkid`, `pvcreate` and
 * `vgcreate` (LVM metadata only: no logical volume is activated, so no device-mapper needed).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { makeTempDir, randomSuffix, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { linstor } from '../cli/helpers.js';
import { call, FAST_LINK_ENV, waitFor } from './cluster.js';

let ctl: TestController;
let sat: SatelliteProcess;
let dir: string;
let loop = '';
const suffix = randomSuffix();
const nodeName = `ps-${suffix}`;
const vg = `vg_ps_${suffix}`;
const L = (...args: string[]) => linstor(['--controllers', ctl.url, ...args]);

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.before(async () => {
  dir = makeTempDir('phys-stor-');
  const img = join(dir, 'disk.img');
  run('truncate', ['-s', '2G', img]);
  const r = run('losetup', ['--find', '--show', img]);
  if (r.status !== 0) throw new Error(`losetup failed: ${r.stderr}`);
  loop = r.stdout.trim();
  ctl = await startController({ env: FAST_LINK_ENV });
  sat = await startSatellite({ address: '127.0.0.1', nodeName, reportIntervalMs: 1000 });
  const c = await call(ctl, 'POST', '/v1/nodes', { name: nodeName, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: sat.port, satellite_encryption_type: 'PLAIN' }] });
  if (c.status !== 201) throw new Error(`node create: ${JSON.stringify(c.body)}`);
  await waitFor('node online', async () => (await call<any>(ctl, 'GET', `/v1/nodes/${nodeName}`)).body.connection_status === 'ONLINE');
});

// Teardown runs even when a test failed half-way: VG, PV, loop device, processes, folders.
test.after.always(async () => {
  run('vgremove', ['-f', vg]);
  if (loop) { run('pvremove', ['-ff', '-y', loop]); run('losetup', ['-d', loop]); }
  await ctl?.stop().catch(() => {});
  await sat?.stop().catch(() => {});
  if (dir) run('rm', ['-rf', dir]);
});

test.serial('a blank 2 GiB disk shows up in `linstor physical-storage list` with its node', async (t) => {
  const m = await L('-m', 'physical-storage', 'list');
  t.is(m.code, 0, m.stderr);
  const groups = JSON.parse(m.stdout)[0] as Array<{ size: number; rotational: boolean; nodes: Record<string, Array<{ device: string }>> }>;
  const mine = groups.find((g) => g.nodes[nodeName]?.some((d) => d.device === loop));
  t.truthy(mine, m.stdout);
  t.is(mine!.size, 2 * 1024 ** 3);
  const table = await L('ps', 'l');
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /\| Size +\| Rotational +\| Nodes +\|/);
  t.true(table.stdout.includes(`${nodeName}[`) && table.stdout.includes(loop), table.stdout);
  const one = await call<Array<{ device: string; size: number }>>(ctl, 'GET', `/v1/physical-storage/${nodeName}`);
  t.is(one.status, 200);
  t.is(one.body.find((d) => d.device === loop)?.size, 2 * 1024 ** 3);
});

test.serial('a device path with shell syntax is refused before the satellite runs anything', async (t) => {
  const r = await L('physical-storage', 'create-device-pool', 'lvm', nodeName, '/dev/loop0;reboot', '--pool-name', vg);
  t.is(r.code, 10);
  t.regex(r.stdout + r.stderr, /Device path '\/dev\/loop0;reboot' is invalid/);
  t.is(run('vgs', [vg]).status === 0, false, 'no VG was created');
});

test.serial('`create-device-pool lvm` makes a real PV and VG, and `--storage-pool` registers the pool on it', async (t) => {
  const pool = `lvm${suffix}`;
  const r = await L('physical-storage', 'create-device-pool', 'lvm', nodeName, loop, '--pool-name', vg, '--storage-pool', pool);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, new RegExp(`Device pool '${vg}' \\(LVM\\) created on node '${nodeName}'`));
  t.regex(r.stdout, new RegExp(`New storage pool '${pool}' on node '${nodeName}' registered`));
  // The real LVM tools see the new PV and VG.
  const pvs = run('pvs', ['--noheadings', '-o', 'pv_name,vg_name', loop]);
  t.is(pvs.status, 0, pvs.stderr);
  t.regex(pvs.stdout, new RegExp(`${loop.replace(/\//g, '\\/')}\\s+${vg}`));
  // The pool is in the controller, backed by the VG, and the satellite reports its capacity.
  const sp = await L('storage-pool', 'list', '--storage-pools', pool);
  t.is(sp.code, 0, sp.stderr);
  t.regex(sp.stdout, new RegExp(`\\| ${pool} +\\| ${nodeName} +\\| LVM +\\| ${vg} +\\|`));
  await waitFor('pool capacity', async () => ((await call<any>(ctl, 'GET', `/v1/nodes/${nodeName}/storage-pools/${pool}`)).body.total_capacity ?? 0) > 1024 * 1024);
  // A device that became a PV is no longer offered.
  const m = await L('-m', 'ps', 'l');
  const groups = JSON.parse(m.stdout)[0] as Array<{ nodes: Record<string, Array<{ device: string }>> }>;
  t.false(groups.some((g) => g.nodes[nodeName]?.some((d) => d.device === loop)), m.stdout);
});

test.serial('`node info` shows what the live satellite supports and, with --full, why the rest is not', async (t) => {
  const r = await L('node', 'info', '--full', '--nodes', nodeName);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\| Node +\| Diskless +\| LVM +\| LVMThin +\| ZFS\/Thin +\| File\/Thin +\|/);
  const row = r.stdout.split('\n').find((l) => l.startsWith(`| ${nodeName} `) && l.includes('Diskless') === false);
  t.truthy(row, r.stdout);
  // LVM is installed here, so the LVM column is '+'; the layers table has a Storage column that is '+'.
  const cells = row!.split('|').map((c) => c.trim()).filter(Boolean);
  t.is(cells[2], '+', row);
  t.regex(r.stdout, /\| Node +\| DRBD +\| LUKS +\| NVMe +\| Cache +\| BCache +\| WriteCache +\| Storage +\|/);
  const node = (await call<any>(ctl, 'GET', `/v1/nodes/${nodeName}`)).body;
  if (node.unsupported_layers && Object.keys(node.unsupported_layers).length) t.regex(r.stdout, /Unsupported resource layers:\n/);
  for (const [layer, reasons] of Object.entries<string[]>(node.unsupported_layers ?? {})) t.true(r.stdout.includes(`  ${layer}: ${reasons[0]}`), r.stdout);
});
