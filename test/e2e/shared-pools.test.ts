/**
 * Shared storage pools through the real controller, three real satellites and the `linstor`
 * CLI. Two nodes take part in one shared space over the same real volume group (a VG on a
 * loop device that both satellites read with the real `vgs`, as nodes on a shared LUN would);
 * the third has a volume group of its own. LVs cannot be created here (no device-mapper), so
 * placement is checked through the size queries, which run the autoplacer without creating.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { linstor } from '../cli/helpers.js';
import { makeTempDir, randomSuffix, removeTempDir } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

let c: Cluster;
const sfx = randomSuffix();
const vgShared = `vg_shsp_${sfx}`;
const vgOwn = `vg_shown_${sfx}`;
const space = `space-${sfx}`;
let dir = '';
const loops: string[] = [];
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } });
const ls = (...args: string[]) => linstor(['--controllers', c.ctl.url.replace(/^http:\/\//, ''), ...args]);

test.before(async () => {
  dir = makeTempDir('shsp-');
  for (const [vg, img] of [[vgShared, 'a.img'], [vgOwn, 'b.img']] as const) {
    run('truncate', ['-s', '64M', join(dir, img)]);
    const loop = run('losetup', ['--find', '--show', join(dir, img)]).stdout.trim();
    if (!loop) throw new Error('no loop device');
    loops.push(loop);
    if (run('pvcreate', ['-q', loop]).status !== 0 || run('vgcreate', ['-q', vg, loop]).status !== 0) throw new Error(`could not make ${vg}`);
  }
  c = await startCluster(3);
});
test.after.always(async () => {
  await c?.teardown();
  for (const vg of [vgShared, vgOwn]) run('vgremove', ['-f', vg]);
  for (const l of loops) { run('pvremove', ['-ff', '-y', l]); run('losetup', ['-d', l]); }
  if (dir) removeTempDir(dir);
});

test.serial('pools join a shared space only as what its other pools are; the space shows as SharedName and counts once', async (t) => {
  const [a, b, n3] = c.nodes.map((n) => n.name) as [string, string, string];
  for (const n of [a, b]) {
    const r = await ls('storage-pool', 'create', 'lvm', n, 'shared', vgShared, '--shared-space', space);
    t.is(r.code, 0, r.stdout + r.stderr);
  }
  t.is((await ls('storage-pool', 'create', 'lvm', n3, 'shared', vgOwn)).code, 0);
  // Refused, and nothing stored.
  const refusals: Array<[string[], RegExp]> = [
    [['storage-pool', 'create', 'lvm', n3, 'other', vgOwn, '--shared-space', space], /its pools are LVM on '.*' \(pool 'shared'/],
    [['storage-pool', 'create', 'lvm', a, 'second', vgShared, '--shared-space', space], /already has pool 'shared' in it/],
    [['storage-pool', 'create', 'filethin', n3, 'fsh', join(dir, 'f'), '--shared-space', `${space}-f`], /FILE_THIN pools cannot be shared here/],
    [['storage-pool', 'create', 'lvm', n3, 'lock', vgOwn, '--external-locking'], /External locking is only for shared storage pools/],
    [['storage-pool', 'create', 'lvm', n3, 'lock2', vgShared, '--shared-space', space, '--external-locking'], /do not use external locking/],
  ];
  for (const [args, re] of refusals) {
    const r = await ls(...args);
    t.is(r.code, 10, args.join(' '));
    t.regex(r.stdout + r.stderr, re, args.join(' '));
  }
  const pools = (await call<Array<Record<string, any>>>(c.ctl, 'GET', '/v1/view/storage-pools?storage_pools=shared')).body;
  t.deepEqual(pools.filter((p) => p.shared_space === space).map((p) => p.node_name).sort(), [a, b].sort());
  t.is(pools.find((p) => p.node_name === a)!.free_space_mgr_name, space);
  t.is(pools.find((p) => p.node_name === n3)!.shared_space, undefined);
  const list = await ls('storage-pool', 'list', '-s', 'shared');
  t.is(list.stdout.split('\n').filter((l) => l.includes(space)).length, 2, list.stdout);
  for (const n of [a, b, n3]) await waitFor(`${n} shared capacity`, async () => (await call<Record<string, any>>(c.ctl, 'GET', `/v1/nodes/${n}/storage-pools/shared`)).body.total_capacity > 0);
  const report = (await call<Record<string, any>>(c.ctl, 'GET', '/v1/space-report')).body.reportText as string;
  t.regex(report, /\(1 shared space\(s\) counted once\)/);
});

test.serial('the autoplacer takes a shared space as one free-space manager: never two replicas in it', async (t) => {
  const [a, b, n3] = c.nodes.map((n) => n.name) as [string, string, string];
  const rg = `shrg-${sfx}`;
  t.true((await call(c.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 2, storage_pool: 'shared', layer_stack: ['STORAGE'] } })).status < 300);
  const two = await call<Record<string, any>>(c.ctl, 'POST', `/v1/resource-groups/${rg}/query-size-info`, {});
  const nodes = (two.body.space_info.next_spawn_result as Array<{ node_name: string }>).map((x) => x.node_name).sort();
  t.is(nodes.length, 2, JSON.stringify(two.body));
  t.true(nodes.includes(n3), 'the node with storage of its own');
  t.is(nodes.filter((n) => n === a || n === b).length, 1, 'one node of the shared space');
  const three = await call<Record<string, any>>(c.ctl, 'POST', `/v1/resource-groups/${rg}/query-size-info`, { select_filter: { place_count: 3 } });
  t.is(three.body.space_info.max_vlm_size_in_kib, 0);
  t.regex(three.body.reports[0].message, /Not enough available nodes/);
});

test.serial('one active resource per shared space: the second is created INACTIVE, activating it is refused until the first is deactivated', async (t) => {
  const [a, b] = c.nodes.map((n) => n.name) as [string, string, string];
  const rd = `shrd-${sfx}`;
  t.true((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } })).status < 300);
  t.true((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } })).status < 300);
  const flagsOf = async (n: string) => (await call<Record<string, any>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${n}`)).body.flags as string[] ?? [];
  // LVs cannot be made here (no device-mapper): the satellite's apply fails, the registration stands.
  await ls('resource', 'create', a, rd, '--storage-pool', 'shared', '--layer-list', 'storage');
  t.false((await flagsOf(a)).includes('INACTIVE'));
  const second = await ls('resource', 'create', b, rd, '--storage-pool', 'shared', '--layer-list', 'storage');
  t.regex(second.stdout + second.stderr, new RegExp(`created inactive: its shared volume is active on node '${a}'`));
  t.true((await flagsOf(b)).includes('INACTIVE'));
  t.regex((await ls('resource', 'list', '-r', rd)).stdout, /INACTIVE/);

  const refused = await ls('resource', 'activate', b, rd);
  t.is(refused.code, 10);
  t.regex(refused.stdout + refused.stderr, /Only one active resource per shared storage pool allowed/);
  t.regex(refused.stdout + refused.stderr, new RegExp(`resource deactivate ${a} ${rd}`));
  t.true((await flagsOf(b)).includes('INACTIVE'), 'unchanged');

  t.is((await ls('resource', 'deactivate', a, rd)).code, 0);
  t.true((await flagsOf(a)).includes('INACTIVE'));
  await ls('resource', 'activate', b, rd);
  t.false((await flagsOf(b)).includes('INACTIVE'), 'the other node holds it now');
  t.is((await ls('resource', 'activate', a, rd)).code, 10, 'and the first cannot take it back while it does');
});
