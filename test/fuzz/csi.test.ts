/**
 * Fuzz: the CSI plugin (controller and node services over its unix socket, as Nomad calls it)
 * against a real controller and satellite with a FILE_THIN pool. Hostile volume ids, node
 * ids, names, capacities, parameters (fsOpts, mountOpts, postMountXfsOpts, ...), publish
 * contexts (devicePath aimed at the sentinel tree) and paths (relative, `..`, NUL/newlines,
 * 10k characters, paths into the sentinel tree). Node calls also aim at a real volume the test
 * created, so the path and device checks are what stands between the request and the disk.
 * Properties: every answer is a gRPC status with a message, never UNKNOWN; a call refused as
 * INVALID_ARGUMENT or NOT_FOUND ran no command with its values (exec audit); nothing gets
 * mounted in the sentinel tree and the tree is unchanged; /, /proc, /sys, /dev stay mounted;
 * the controller answers /health within 1 s.
 */
import test from 'ava';
import fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import { isAbsolute, join, normalize } from 'node:path';
import { call } from '../helpers/controller-rest.js';
import { MiB, mountCap, blockCap, startCsiEnv, storageParams, uniq, type CsiEnv } from '../csi/harness.js';
import {
  commandsWith, fcParams, hostileNumber, hostileString, markerArb, mountsUnder, report, runs, sandbox, systemMountsPresent, treeDigest, type Sandbox,
} from './hostile.js';

const CASES = runs(400);
let sb: Sandbox;
let env: CsiEnv;
let fixture: { id: string; device: string; nodeId: string };

test.before(async () => {
  sb = sandbox('csi'); // before the cluster starts: its processes inherit the audit trail
  env = await startCsiEnv(1);
  const c = env.clients[0]!;
  const v = (await c.call('controller', 'CreateVolume', { name: uniq('fzv'), capacity_range: { required_bytes: String(16n * MiB) }, volume_capabilities: [mountCap()], parameters: storageParams(env) })).volume;
  const nodeId = (await c.call('node', 'NodeGetInfo')).node_id as string;
  const pub = await c.call('controller', 'ControllerPublishVolume', { volume_id: v.volume_id, node_id: nodeId, volume_capability: mountCap() });
  fixture = { id: v.volume_id, device: pub.publish_context.devicePath, nodeId };
});
test.after.always(async () => { await env?.teardown(); sb?.remove(); });

const METHODS = [
  ['controller', 'CreateVolume'], ['controller', 'DeleteVolume'], ['controller', 'ControllerPublishVolume'], ['controller', 'ControllerUnpublishVolume'],
  ['controller', 'ValidateVolumeCapabilities'], ['controller', 'ControllerExpandVolume'], ['controller', 'CreateSnapshot'], ['controller', 'DeleteSnapshot'],
  ['controller', 'ListSnapshots'], ['node', 'NodeStageVolume'], ['node', 'NodeUnstageVolume'], ['node', 'NodePublishVolume'], ['node', 'NodeUnpublishVolume'],
  ['node', 'NodeGetVolumeStats'], ['node', 'NodeExpandVolume'],
] as const;

test.serial(`CSI: ${CASES} hostile calls get a status with a message, run nothing refused and touch nothing`, async (t) => {
  t.timeout(25 * 60_000);
  const before = treeDigest(sb.sentinel);
  const started = Date.now();
  const codes = new Map<string, number>();
  let cases = 0;
  let refused = 0;
  let slowest = 0;
  const c = env.clients[0]!;

  /** Paths the CO could give for a mount: a clean absolute path into the sentinel tree is moved to the work folder (creating it is the plugin's job). */
  const mountPath = (p: string): string => (isAbsolute(p) && normalize(p) === p && !p.includes('\u0000') && p.startsWith(sb.sentinel) ? join(sb.work, p.slice(sb.sentinel.length)) : p);
  const arb = markerArb.chain((m) => {
    const str = hostileString(sb, m);
    const id = fc.oneof({ weight: 2, arbitrary: fc.constant(fixture.id) }, { weight: 2, arbitrary: str }, { weight: 1, arbitrary: fc.constant('') });
    const anyPath = fc.oneof(str, fc.constantFrom(`${sb.sentinel}/proc`, `${sb.sentinel}/dev`, `${sb.sentinel}/etc/linstor`, sb.sentinel, `${sb.work}/${m}`));
    const params = fc.dictionary(fc.oneof(fc.constantFrom('fsOpts', 'mountOpts', 'postMountXfsOpts', 'layerList', 'placementCount', 'storagePool', 'nodeList', 'resourceGroup', 'encryption'), str), str, { maxKeys: 3 })
      .map((extra) => ({ ...storageParams(env), ...extra }));
    const cap = fc.oneof(fc.constant(mountCap()), fc.constant(blockCap()), fc.constant(mountCap('SINGLE_NODE_WRITER', 'xfs')),
      str.map((fs) => mountCap('SINGLE_NODE_WRITER', fs)), str.map((mode) => ({ mount: { fs_type: 'ext4', mount_flags: [m, mode] }, access_mode: { mode: 'SINGLE_NODE_WRITER' } })));
    const bytes = fc.oneof(fc.constant(String(8n * MiB)), hostileNumber.map(String), str);
    return fc.record({
      m: fc.constant(m),
      method: fc.constantFrom(...METHODS),
      req: fc.record({
        name: str, volume_id: id, node_id: fc.oneof(fc.constant(fixture.nodeId), str), snapshot_id: str, source_volume_id: id,
        capacity_range: bytes.map((b) => ({ required_bytes: b })),
        parameters: params, volume_context: params,
        volume_capability: cap, volume_capabilities: cap.map((x) => [x]),
        publish_context: fc.oneof(fc.constant({ devicePath: fixture.device }), anyPath.map((p) => ({ devicePath: p }))),
        staging_target_path: anyPath, target_path: anyPath, volume_path: anyPath,
      }, { requiredKeys: [] }),
    });
  });

  await fc.assert(fc.asyncProperty(arb, async ({ m, method: [svc, name], req }) => {
    cases++;
    const r = { ...req } as Record<string, unknown>;
    if (name === 'NodeStageVolume' || name === 'NodePublishVolume') {
      for (const k of ['staging_target_path', 'target_path']) if (typeof r[k] === 'string') r[k] = mountPath(r[k] as string);
    }
    let code = status.OK;
    let details = '';
    try { await c.call(svc, name, r); } catch (e) {
      code = (e as { code: number }).code;
      details = String((e as { details?: string }).details ?? '');
    }
    codes.set(status[code] ?? String(code), (codes.get(status[code] ?? String(code)) ?? 0) + 1);
    const what = `${name} ${JSON.stringify(r).slice(0, 400)} → ${status[code]} ${details.slice(0, 200)}`;
    if (code === status.UNKNOWN) throw new Error(`UNKNOWN (an unexpected exception): ${what}`);
    if (code !== status.OK && !details) throw new Error(`a status without a message: ${what}`);
    if (code === status.INVALID_ARGUMENT || code === status.NOT_FOUND) {
      refused++;
      const ran = commandsWith(sb.audit, m);
      if (ran.length) throw new Error(`a refused call ran commands: ${what}\n${ran.join('\n')}`);
    }
    const mounted = mountsUnder(sb.sentinel);
    if (mounted.length) throw new Error(`mounted in the sentinel tree (${mounted.join(', ')}) after ${what}`);
    const h0 = Date.now();
    const h = await call(env.cluster.ctl, 'GET', '/health');
    const ms = Date.now() - h0;
    slowest = Math.max(slowest, ms);
    if (h.status !== 200 || ms > 1000) throw new Error(`/health answered ${h.status} after ${ms} ms: ${what}`);
  }), fcParams(CASES));

  t.deepEqual(treeDigest(sb.sentinel), before, 'the sentinel tree is unchanged');
  t.deepEqual(mountsUnder(sb.sentinel), []);
  t.true(systemMountsPresent());
  t.is(env.cluster.nodes[0]!.sat.proc.exitCode, null, 'the satellite is still running');
  t.is(cases, CASES);
  report('CSI', cases, started, `${refused} refused, statuses ${JSON.stringify(Object.fromEntries(codes))}, slowest /health ${slowest} ms`);
});
