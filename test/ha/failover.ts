/**
 * Controller fail-over on a shared database, end to end with real processes: two controllers,
 * one satellite with a FILE_THIN pool, the core/client fail-over, the `linstor` CLI and the
 * Nomad CSI plugin. The spawn stream uses definitions_only spawns (no disks) so 200 of them
 * stay quick; the CLI and the CSI plugin then create real volumes on the new leader.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { LinstorClient } from '../../core/client/index.js';
import { startPlugin, type RunningPlugin } from '../../plugins/nomad-csi/plugin.js';
import { csiClient } from '../csi/harness.js';
import { call, waitFor } from '../e2e/cluster.js';
import { REPO_ROOT } from '../helpers/controller.js';
import { dbServerInstalled, type DbKind } from '../helpers/db-servers.js';
import { cleanupLoopDevices, makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { health, startPair, type HaPair } from './pair.js';

const CLI = join(REPO_ROOT, 'dist/core/cli/main.js');

function linstor(controllers: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--controllers', controllers, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function failoverSuite(kind: DbKind): void {
  const installed = dbServerInstalled(kind);
  (installed ? test : test.skip)(`${kind}: kill -9 of the active controller during 200 spawns: the standby takes over, every acknowledged spawn is there once, CLI and CSI finish on the new leader`, async (t) => {
    const suffix = randomSuffix();
    const pair: HaPair = await startPair(kind, { leaseSeconds: 3 });
    const poolDir = makeTempDir(`ha-pool-${suffix}-`);
    const csiDir = makeTempDir(`ha-csi-${suffix}-`);
    let sat: SatelliteProcess | undefined;
    let plugin: RunningPlugin | undefined;
    t.teardown(async () => {
      await plugin?.stop().catch(() => undefined);
      await pair.teardown();
      await sat?.kill9().catch(() => undefined);
      cleanupLoopDevices(poolDir);
      removeTempDir(poolDir);
      removeTempDir(csiDir);
    });
    const { a, b } = pair;
    const both = `${a.url},${b.url}`;

    // The standby serves /health and refuses API calls, naming the active controller.
    const hb = await health(b);
    t.is(hb.status, 503);
    t.is(hb.active_controller, `http://127.0.0.1:${a.port}`);
    const refused = await call<Array<{ message: string }>>(b, 'GET', '/v1/nodes');
    t.is(refused.status, 503);
    t.regex(refused.body[0]!.message, new RegExp(`not the active controller; the active controller is http://127\\.0\\.0\\.1:${a.port}`));
    t.regex(linstor(`${b.url},${a.url}`, 'controller', 'which').out, new RegExp(`^linstor://127\\.0\\.0\\.1:${a.port} \\(active, ${kind} store\\)`));

    // One real satellite and a resource group, through the active controller.
    const node = `ha-${suffix}`;
    sat = await startSatellite({ address: '127.0.0.1', nodeName: node, reportIntervalMs: 1000 });
    const client = new LinstorClient({ controllers: [a.url, b.url], timeoutMs: 60_000 });
    await client.nodes.create({ name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: sat.port }] });
    await client.storagePools.create(node, { storage_pool_name: 'pool1', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': poolDir } });
    await client.resourceGroups.create({ name: 'ha_rg', select_filter: { place_count: 1, storage_pool: 'pool1', layer_stack: ['STORAGE'] } });
    await client.resourceGroups.createVolumeGroup('ha_rg');
    await waitFor('pool capacity', async () => ((await client.storagePools.list({ nodes: [node] })).find((p) => p.storage_pool_name === 'pool1')?.total_capacity ?? 0) > 0);

    // 200 spawns, 8 at a time; the active controller is killed after the 60th answer.
    const acknowledged: string[] = [];
    const failed: Array<{ name: string; error: string }> = [];
    let next = 0;
    let killedAt = 0;
    let probe: Promise<number> | undefined;
    const probeLog: string[] = [];
    // Fail-over time: kill -9 until the first write the new leader itself acknowledges.
    const firstWriteOnB = async (): Promise<number> => {
      for (let i = 0; ; i++) {
        const t0 = Date.now();
        const r = await call(b, 'POST', '/v1/resource-definitions', { resource_definition: { name: `probe_${i}` } }).catch(() => ({ status: 0 }));
        if (process.env.HA_DEBUG) probeLog.push(`${t0 - killedAt}+${Date.now() - t0}:${r.status}`);
        if (r.status === 201) return Date.now() - killedAt;
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= 200) return;
        const name = `ha_${i}`;
        try {
          await client.resourceGroups.spawn('ha_rg', { resource_definition_name: name, volume_sizes: [4096], definitions_only: true });
          acknowledged.push(name);
          if (acknowledged.length === 60 && !killedAt) { killedAt = Date.now(); void a.kill(true); probe = firstWriteOnB(); }
        } catch (e) {
          failed.push({ name, error: (e as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    t.true(killedAt > 0);
    if (failed.length) t.log(`standby's log:\n${b.logs().slice(-6000)}`);
    t.deepEqual(failed, [], 'every spawn ends acknowledged (in-flight ones are re-read and resent by the client)');
    const takeoverMs = await probe!;
    t.log(`${kind}: first acknowledged write on the new leader ${takeoverMs} ms after kill -9`);
    if (process.env.HA_DEBUG) t.log(`probes ${probeLog.join(' ')}; killed at ${killedAt}\n${b.logs().slice(-4000)}`);
    t.true(takeoverMs < 10_000, `takeover took ${takeoverMs} ms`);
    t.is((await health(b)).role, 'active');

    // Every acknowledged spawn is there exactly once, with its one volume definition; nothing else.
    const defs = await client.resourceDefinitions.list({ with_volume_definitions: true });
    const spawned = defs.filter((d) => d.name?.startsWith('ha_'));
    t.is(spawned.length, 200);
    t.deepEqual(spawned.map((d) => d.name).sort(), [...acknowledged].sort());
    t.true(spawned.every((d) => d.volume_definitions?.length === 1), 'no spawn was applied twice');

    // The satellite reconnects to the new leader; the CLI creates a real volume there.
    await waitFor('satellite ONLINE on the new leader', async () => (await client.nodes.get(node)).connection_status === 'ONLINE', 30_000);
    t.regex(linstor(both, 'controller', 'which').out, new RegExp(`^linstor://127\\.0\\.0\\.1:${b.port} \\(active`));
    const spawnCli = linstor(both, 'resource-group', 'spawn-resources', 'ha_rg', 'cli_vol', '8M');
    t.is(spawnCli.status, 0, spawnCli.out);
    const list = linstor(both, '-m', 'resource', 'list', '-r', 'cli_vol');
    t.is(list.status, 0, list.out);
    t.regex(list.out, /cli_vol/);

    // The Nomad CSI plugin, given both controllers, provisions a volume on the new leader.
    plugin = await startPlugin({ endpoint: `unix://${join(csiDir, 'csi.sock')}`, mode: 'controller', nodeName: node, linstorEndpoint: both, log: pino({ level: 'silent' }) });
    const csi = csiClient(join(csiDir, 'csi.sock'));
    t.teardown(() => csi.close());
    const vol = await csi.call('controller', 'CreateVolume', {
      name: `csi-${suffix}`, capacity_range: { required_bytes: 8 * 1024 * 1024 },
      volume_capabilities: [{ mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } }],
      parameters: { layerList: 'storage', storagePool: 'pool1', placementCount: '1' },
    });
    t.truthy(vol.volume?.volume_id);
    t.truthy(await client.resourceDefinitions.get(vol.volume.volume_id));

    // The killed controller, started again, is a standby naming the new leader.
    const again = await pair.another();
    await waitFor('restarted controller is a standby', async () => (await health(again)).role === 'standby');
    t.is((await health(again)).active_controller, `http://127.0.0.1:${b.port}`);
  });
}
