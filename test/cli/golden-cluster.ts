/**
 * The fixed cluster state the golden CLI tests print: a real controller process and three real
 * satellite processes (alpha, bravo, charlie), each FILE_THIN pool on its own tmpfs of a fixed
 * size so capacities are the same on every machine, plus one node that never answers (delta).
 * Everything is created with `linstor` commands (run in-process: the same code as the executable,
 * without starting a process per command), as an operator would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { cleanupLoopDevices, makeTempDir, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, waitFor } from '../e2e/cluster.js';
import { linstorInProcess, type CliResult } from './helpers.js';

export interface GoldenCluster {
  ctl: TestController;
  /** The temp folder holding the tmpfs mounts (masked in outputs: its name is random). */
  dir: string;
  /** `linstor --controllers URL ARGS...` in-process, without colours (NO_COLOR), stdout not a terminal. */
  L(...args: string[]): Promise<CliResult>;
  /** Waits until alpha, bravo and charlie are ONLINE again (before printing node states). */
  online(): Promise<void>;
  teardown(): Promise<void>;
}

/** tmpfs size per node, in MiB: the pools' total capacities. */
const POOL_MIB: Record<string, number> = { alpha: 4096, bravo: 4096, charlie: 2048 };

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

export async function startGoldenCluster(): Promise<GoldenCluster> {
  const dir = makeTempDir('cli-golden-');
  const sats: SatelliteProcess[] = [];
  const mounts: string[] = [];
  let ctl: TestController | undefined;
  const teardown = async (): Promise<void> => {
    await ctl?.stop().catch(() => {});
    for (const s of sats) await s.kill9().catch(() => {});
    cleanupLoopDevices(dir);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    removeTempDir(dir);
  };
  try {
    // Default link timings: under load a short ping timeout would flap nodes to Connected/OFFLINE.
    ctl = await startController();
    const url = ctl.url;
    const L = (...args: string[]): Promise<CliResult> => linstorInProcess(['--controllers', url, ...args]);
    const must = async (...args: string[]): Promise<void> => {
      const r = await L(...args);
      if (r.code !== 0) throw new Error(`linstor ${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
    };
    for (const [name, mib] of Object.entries(POOL_MIB)) {
      const mnt = join(dir, name);
      mkdirSync(mnt);
      sh('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', mnt]);
      mounts.push(mnt);
      const sat = await startSatellite({ address: '127.0.0.1', nodeName: name, reportIntervalMs: 1000 });
      sats.push(sat);
      await must('node', 'create', name, '127.0.0.1', '--port', String(sat.port));
      await must('storage-pool', 'create', 'filethin', name, 'pool1', mnt);
    }
    // A node whose satellite never answers (port 1 on loopback refuses connections).
    await must('node', 'create', 'delta', '127.0.0.1', '--port', '1');
    const online = async (): Promise<void> => {
      for (const name of Object.keys(POOL_MIB)) {
        await waitFor(`${name} online`, async () => (await call<any>(ctl!, 'GET', `/v1/nodes/${name}`)).body.connection_status === 'ONLINE', 60_000);
      }
    };
    await online();
    for (const name of Object.keys(POOL_MIB)) {
      await waitFor(`${name} pool capacity`, async () => (await call<any>(ctl!, 'GET', `/v1/nodes/${name}/storage-pools/pool1`)).body.total_capacity > 0);
    }
    await must('node', 'set-property', '--aux', 'alpha', 'rack', 'r1');
    await must('node', 'set-property', '--aux', 'bravo', 'rack', 'r2');
    await must('node', 'set-property', '--aux', 'delta', 'rack', 'r4');
    await must('node', 'set-property', 'delta', 'DrbdOptions/Net/max-buffers', '4000');
    await must('resource-group', 'create', 'web-rg', '--storage-pool', 'pool1', '--place-count', '2', '--layer-list', 'storage', '--description', 'web servers');
    await must('volume-group', 'create', 'web-rg');
    // Created in name order: LINSTOR lists resources by name, this controller in creation order.
    await must('resource-definition', 'create', 'db', '--layer-list', 'storage');
    await must('volume-definition', 'create', 'db', '1');
    await must('volume-definition', 'create', 'db', '512M');
    await must('resource', 'create', 'alpha', 'charlie', 'db', '--storage-pool', 'pool1', '--layer-list', 'storage');
    await must('resource-definition', 'create', 'web', '--resource-group', 'web-rg');
    await must('volume-definition', 'create', 'web', '100MiB');
    await must('resource', 'create', 'alpha', 'bravo', 'web', '--storage-pool', 'pool1');
    await must('resource-definition', 'set-property', 'db', 'Aux/owner', 'team-a');
    await must('node-connection', 'set-property', 'alpha', 'bravo', 'DrbdOptions/Net/max-buffers', '8000');
    await must('resource-connection', 'set-property', 'alpha', 'bravo', 'web', 'DrbdOptions/Net/protocol', 'A');
    await must('key-value-store', 'modify', 'settings', 'owner', 'team-a');
    await must('controller', 'set-property', 'DrbdOptions/Net/max-buffers', '10000');
    // Wait until every volume reports its state and device.
    await waitFor('volumes deployed', async () => {
      const rs = (await call<any[]>(ctl!, 'GET', '/v1/view/resources')).body;
      return rs.length === 4 && rs.every((r) => (r.volumes ?? []).length > 0 && r.volumes.every((v: any) => v.device_path && v.state?.disk_state));
    }, 60_000);
    return { ctl, dir, L, online, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}
