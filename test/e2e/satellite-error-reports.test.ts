/**
 * Error reports from a satellite: a real satellite process fails to apply a resource because a
 * real `lvcreate` fails (in a real volume group on a loop device, with an option LVM does not
 * know in StorDriver/LvcreateOptions), and a pool's capacity query fails (`vgs` of a volume
 * group that does not exist). Each writes a report with node, module, command, exit code and
 * output; the controller lists, shows and deletes them through REST and the `linstor` CLI with
 * LINSTOR's filters; /metrics counts them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { linstor } from '../cli/helpers.js';
import { makeTempDir, randomSuffix, removeTempDir } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

let cluster: Cluster;
const suffix = randomSuffix();
const missingVg = `linstorts-missing-${suffix}`;
const vg = `vg_errrep_${suffix}`;
let dir = '';
let loop = '';
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const rd = `errrep-${suffix}`;
let node: string;
let created: { status: number; body: unknown };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cli = (...args: string[]) => linstor(['--controllers', cluster.ctl.url.replace(/^http:\/\//, ''), ...args]);

test.before(async () => {
  // A real 64 MiB volume group (LVM metadata only) whose capacity the satellite can read.
  dir = makeTempDir('errrep-');
  run('truncate', ['-s', '64M', join(dir, 'pv.img')]);
  loop = run('losetup', ['--find', '--show', join(dir, 'pv.img')]).stdout.trim();
  if (!loop || run('pvcreate', ['-q', loop]).status !== 0 || run('vgcreate', ['-q', vg, loop]).status !== 0) throw new Error('could not make the test volume group');
  cluster = await startCluster(1);
  node = cluster.nodes[0]!.name;
  const pool = await call(cluster.ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'errlvm', provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': vg, 'StorDriver/LvcreateOptions': '--bogus-option' } });
  if (pool.status >= 300) throw new Error(`pool: ${JSON.stringify(pool.body)}`);
  // The controller places a volume only in a pool with known free space.
  await waitFor('errlvm capacity', async () => (await call(cluster.ctl, 'GET', `/v1/nodes/${node}/storage-pools/errlvm`)).body.free_capacity > 0);
  // A volume group nobody has: its capacity query fails (exit code 5 from LVM).
  const bad = await call(cluster.ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'badlvm', provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': missingVg } });
  if (bad.status >= 300) throw new Error(`pool: ${JSON.stringify(bad.body)}`);
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 8 * 1024 } });
  created = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, { resource: { node_name: node, props: { StorPoolName: 'errlvm' } }, layer_list: ['STORAGE'] });
});
test.after.always(async () => {
  await cluster?.teardown();
  run('vgremove', ['-f', vg]);
  if (loop) { run('pvremove', ['-ff', '-y', loop]); run('losetup', ['-d', loop]); }
  if (dir) removeTempDir(dir);
});

async function satelliteReports(): Promise<any[]> {
  return (await call<any[]>(cluster.ctl, 'GET', `/v1/error-reports?nodes=${node}&withContent=true`)).body.filter((e) => e.module === 'SATELLITE');
}
const aboutResource = (reports: any[]) => reports.filter((e) => new RegExp(`Resource: +${rd}`).test(e.text));
const aboutPool = (reports: any[]) => reports.filter((e) => /Action: +read the capacity of storage pool badlvm/.test(e.text));

test.serial('a failed apply on the satellite becomes one error report with node, module, command, exit code and output', async (t) => {
  const [report] = await waitFor('satellite error report', async () => { const r = aboutResource(await satelliteReports()); return r.length ? r : undefined; }, 30_000)
    .catch(async (e: Error) => { throw new Error(`${e.message}\ncreate: ${JSON.stringify(created)}\nresource: ${JSON.stringify((await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources`)).body)}\nreports: ${JSON.stringify(await satelliteReports())}`); });
  t.is(report.node_name, node);
  t.is(report.module, 'SATELLITE');
  t.regex(report.filename, /^ErrorReport-[0-9A-F]{8}-[0-9A-F]{5}-\d{6}\.log$/);
  t.is(report.exception, 'ExecError');
  t.regex(report.text, new RegExp(`Node: +${node}`));
  t.regex(report.text, new RegExp(`Resource: +${rd}`));
  t.regex(report.text, new RegExp(`Command: +lvcreate .*--bogus-option.* ${vg}`));
  t.regex(report.text, /Exit code: +3\n/);
  t.regex(report.text, /Error output:\n[^\n]*unrecognized option[^\n]*/, 'lvcreate\'s own words');
  // The same failure on the next apply (a property change re-applies it) writes no second report.
  await call(cluster.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${node}`, { override_props: { 'Aux/retry': '1' } });
  await new Promise((r) => setTimeout(r, 3000));
  t.is(aboutResource(await satelliteReports()).length, 1);
});

test.serial('a pool whose capacity query fails writes one report, not one per poll', async (t) => {
  // The satellite polls every second here (reportIntervalMs 1000): give it several polls.
  await sleep(3500);
  const pool = aboutPool(await satelliteReports());
  t.is(pool.length, 1);
  t.regex(pool[0].text, new RegExp(`Command: +vgs .*${missingVg}`));
  t.regex(pool[0].text, /Exit code: +5/);
});

test.serial('linstor error-reports list/show take the satellite\'s reports with --nodes, --since and --to', async (t) => {
  const [report] = aboutResource(await satelliteReports());
  const id = String(report.filename).replace(/^ErrorReport-|\.log$/g, '');
  const list = await cli('error-reports', 'list', '--nodes', node);
  t.is(list.code, 0, list.stderr);
  t.regex(list.stdout, new RegExp(`${id}.*S\\|${node}.*ExecError`));
  t.regex((await cli('error-reports', 'list', '--since', '1h')).stdout, new RegExp(id));
  t.notRegex((await cli('error-reports', 'list', '--to', '2000-01-01')).stdout, new RegExp(id));
  t.notRegex((await cli('error-reports', 'list', '--nodes', `${node}-other`)).stdout, new RegExp(id));
  const show = await cli('error-reports', 'show', id);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, new RegExp(`ERROR REPORT ${id}`));
  t.regex(show.stdout, /Exit code:/);
  // /metrics counts it per node and module, as LINSTOR's linstor_error_reports_count.
  const metrics = await (await fetch(`${cluster.ctl.url}/metrics`)).text();
  t.regex(metrics, new RegExp(`^linstor_error_reports_count\\{hostname="${node}",module="SATELLITE"\\} 2$`, 'm'));
});

test.serial('linstor error-reports delete --nodes removes the node\'s reports', async (t) => {
  const del = await cli('error-reports', 'delete', '--nodes', node);
  t.is(del.code, 0, del.stderr);
  t.regex(del.stdout, /Deleted 2 error reports/);
  t.deepEqual(await satelliteReports(), []);
});
