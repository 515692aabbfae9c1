/**
 * Fuzz: the Proxmox adapter's inputs, in process against a real controller and satellite.
 * - hook requests as the Perl shim sends them (`handleRequest`): hostile hook names, storage
 *   config (scfg) values, volume names, vmids, sizes and snapshot names; broken JSON;
 * - storage.cfg text with hostile sections (ids, types, keys, values, control characters).
 * Properties: every hook answer is PVE's (code 0, or code 1/2 with an error line), never a
 * throw; a name the adapter accepts is one LINSTOR accepts (no path, no '..'); a refused
 * request ran no command (exec audit); storage.cfg either parses into sections that render
 * back to the same text, or fails with a line number; the controller answers /health within
 * 1 s; the sentinel tree is unchanged.
 */
import test from 'ava';
import fc from 'fast-check';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { call } from '../helpers/controller-rest.js';
import { checkName } from '../../core/model/names.js';
import { handleRequest } from '../../plugins/proxmox/hook/handle.js';
import { linstorStorageFromSection, STORAGE_TYPE } from '../../plugins/proxmox/linstor-storage.js';
import { parseStorageCfg, sections, StorageCfgError, writeStorageCfg } from '../../plugins/proxmox/storage-cfg.js';
import { parseVolname, VolnameError } from '../../plugins/proxmox/volname.js';
import {
  commandsWith, fcParams, hostileNumber, hostileString, hostileValue, markerArb, report, runs, sandbox, treeDigest, type Sandbox,
} from './hostile.js';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

const HOOK_CASES = runs(400);
const CFG_CASES = runs(300);
let sb: Sandbox;
let cluster: Cluster;
const RG = 'fzpverg';

test.before(async () => {
  sb = sandbox('pve');
  const cache = join(sb.work, 'pve-cache');
  mkdirSync(cache);
  process.env.LINSTOR_PVE_CACHE_DIR = cache;
  cluster = await startCluster(1, { pool: 'fzpool' });
  process.env.LINSTOR_PVE_NODE = cluster.nodes[0]!.name;
  const r = await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: RG, select_filter: { place_count: 1, storage_pool: 'fzpool', layer_stack: ['STORAGE'] } });
  if (r.status >= 300) throw new Error(`fixture: ${r.text}`);
});
test.after.always(async () => { await cluster?.teardown(); sb?.remove(); });

async function healthMs(): Promise<number> {
  const t0 = Date.now();
  const r = await call(cluster.ctl, 'GET', '/health');
  if (r.status !== 200) throw new Error(`/health answered ${r.status}`);
  return Date.now() - t0;
}

const HOOKS = ['parse_volname', 'alloc_image', 'free_image', 'list_images', 'volume_size_info', 'rename_volume', 'status', 'activate_volume',
  'deactivate_volume', 'path', 'volume_resize', 'volume_snapshot', 'volume_snapshot_rollback', 'volume_snapshot_delete', 'volume_has_feature',
  'create_base', 'clone_image'];

test.serial(`Proxmox: ${HOOK_CASES} hostile hook requests are answered as PVE expects and touch nothing`, async (t) => {
  t.timeout(20 * 60_000);
  const before = treeDigest(sb.sentinel);
  const started = Date.now();
  let cases = 0;
  let refused = 0;
  const controller = `http://127.0.0.1:${cluster.ctl.port}`;
  const mostly = <T>(ok: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: ok }, { weight: 1, arbitrary: bad });
  const arb = markerArb.chain((m) => fc.record({
    m: fc.constant(m),
    hook: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...HOOKS) }, { weight: 1, arbitrary: hostileString(sb, m) }),
    scfg: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Record<string, unknown>>({ resourcegroup: RG, controller, shared: 1 }) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('resourcegroup', 'controller', 'statuscache', 'content', 'apica', 'nodes', 'preferlocal', m), hostileValue(sb, m))
        .map(([k, v]) => ({ resourcegroup: RG, controller, shared: 1, [k]: v })) },
    ),
    args: fc.record({
      volname: mostly(fc.constantFrom('vm-100-disk-1', 'vm-101-disk-0', 'base-100-disk-1'), hostileString(sb, m)),
      vmid: mostly(fc.constant<unknown>(100), fc.oneof(hostileNumber, hostileString(sb, m))),
      name: mostly(fc.constant<unknown>('vm-100-disk-1'), hostileString(sb, m)),
      size: mostly(fc.constant<unknown>(4096), hostileNumber),
      snap: mostly(fc.constant<unknown>('snap1'), hostileString(sb, m)),
      snapname: fc.option(hostileString(sb, m), { nil: undefined }),
      fmt: fc.constantFrom<unknown>('raw', 'qcow2', m),
      feature: fc.constantFrom<unknown>('snapshot', 'clone', 'copy', m),
    }, { requiredKeys: [] }),
    broken: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  }));

  await fc.assert(fc.asyncProperty(arb, async ({ m, hook, scfg, args, broken }) => {
    cases++;
    const text = broken ? `{"hook":"${hook}",` : JSON.stringify({ hook, storeid: 'linstor-fz', scfg, node: cluster.nodes[0]!.name, args });
    const answer = await handleRequest(text);
    const what = `${hook} ${JSON.stringify(args).slice(0, 200)} → ${JSON.stringify(answer).slice(0, 300)}`;
    if (![0, 1, 2].includes(answer.code)) throw new Error(`unexpected code: ${what}`);
    if (answer.code !== 0) {
      if (typeof answer.reply.error !== 'string' || !answer.reply.error) throw new Error(`an error without a message: ${what}`);
      refused++;
      const ran = commandsWith(sb.audit, m);
      if (ran.length) throw new Error(`a refused hook ran commands: ${what}\n${ran.join('\n')}`);
    }
    // What the adapter accepts as a volume name maps to a name LINSTOR accepts.
    if (typeof args.volname === 'string') {
      try {
        const p = parseVolname(args.volname);
        checkName('resource', p.linstorName);
      } catch (e) {
        if (!(e instanceof VolnameError)) throw new Error(`volname '${args.volname}' parsed into a name LINSTOR refuses: ${(e as Error).message}`);
      }
    }
    const ms = await healthMs();
    if (ms > 1000) throw new Error(`/health took ${ms} ms after ${what}`);
  }), fcParams(HOOK_CASES));

  t.deepEqual(treeDigest(sb.sentinel), before, 'the sentinel tree is unchanged');
  t.is(cluster.nodes[0]!.sat.proc.exitCode, null, 'the satellite is still running');
  t.is(cases, HOOK_CASES);
  report('Proxmox hooks', cases, started, `${refused} refused`);
});

test.serial(`Proxmox: ${CFG_CASES} hostile storage.cfg files parse into sections or fail with a line number`, async (t) => {
  const started = Date.now();
  let cases = 0;
  let failed = 0;
  const line = (m: string) => fc.oneof(
    fc.constantFrom(`${STORAGE_TYPE}: linstor-${m.toLowerCase()}`, 'dir: local', `rbd: ${m}`, `${m}: x`, `${STORAGE_TYPE}:`, ': id', '# comment', ''),
    fc.tuple(fc.constantFrom('resourcegroup', 'controller', 'content', 'shared', 'statuscache', 'nodes', 'apikey', 'disable', m), hostileString(sb, m))
      .map(([k, v]) => `\t${k} ${v}`),
    hostileString(sb, m),
  );
  const arb = markerArb.chain((m) => fc.array(line(m), { maxLength: 12 }).map((ls) => ({ m, text: ls.join('\n') + (ls.length ? '\n' : '') })));
  await fc.assert(fc.asyncProperty(arb, async ({ text }) => {
    cases++;
    let cfg;
    try {
      cfg = parseStorageCfg(text);
    } catch (e) {
      if (!(e instanceof StorageCfgError) || !/^storage\.cfg line \d+: /.test(e.message)) throw new Error(`not a storage.cfg error: ${(e as Error).message}`);
      failed++;
      return;
    }
    if (writeStorageCfg(cfg) !== text) throw new Error(`storage.cfg did not render back unchanged:\n${text.slice(0, 300)}`);
    for (const s of sections(cfg)) {
      if (s.type !== STORAGE_TYPE) continue;
      try { linstorStorageFromSection(s); } catch (e) {
        if ((e as Error).name !== 'StorageConfigError') throw new Error(`section ${s.id}: ${(e as Error).message}`);
      }
    }
  }), fcParams(CFG_CASES));
  t.is(cases, CFG_CASES);
  report('Proxmox storage.cfg', cases, started, `${failed} refused`);
});
