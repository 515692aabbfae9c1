/**
 * A controller and N real satellites (127.0.0.x, FILE_THIN pools in temp folders) for the
 * placement tests; `drbdDryRun` starts the satellites with --drbd-dry-run so DRBD resources
 * can be placed on a machine without the DRBD kernel module.
 */
import { startController, type TestController } from '../helpers/controller.js';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, randomSuffix, removeTempDir, satelliteStateDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';

export { call, waitFor };

export interface PNode { name: string; address: string; poolDir: string; sat: SatelliteProcess; start(): Promise<void> }
export interface PCluster {
  ctl: TestController;
  nodes: PNode[];
  pool: string;
  suffix: string;
  teardown(): Promise<void>;
}

export type Rc = Array<{ ret_code: number; message: string; obj_refs?: Record<string, string>; cause?: string }>;
/** LINSTOR's masks: errors are 0xC000... (in [-2^62, 0) as signed int64), warnings 0x8000... (below -2^62). */
export const isError = (rc: unknown): boolean => Array.isArray(rc) && (rc as Rc).some((e) => e.ret_code < 0 && e.ret_code >= -(2 ** 62));

const SATELLITE_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'satellite', 'main.js');

/**
 * A satellite in its own UTS and mount namespace whose hostname is the node name, as on a
 * separate machine: DRBD's .res file names every host by `uname -n`, and satellites sharing
 * this machine's hostname (and /var/lib/linstor.d) would clash in `on <host>` sections.
 */
export async function startOwnHostSatellite(address: string, nodeName: string, port: number, extraArgs: string[]): Promise<SatelliteProcess> {
  const args = [SATELLITE_MAIN, '--bind-address', address, '--port', String(port), '--node-name', nodeName,
    '--config-directory', '/nonexistent-linstor-config', '--report-interval-ms', '1000', '--state-directory', satelliteStateDir(nodeName), ...extraArgs];
  // Own mount namespace too: each "machine" keeps its own /var/lib/linstor.d (.res files).
  const script = `mkdir -p /var/lib/linstor.d && mount -t tmpfs tmpfs /var/lib/linstor.d && hostname "$0" && exec "${process.execPath}" "$@"`;
  const proc = spawn('unshare', ['--uts', '--mount', 'sh', '-c', script, nodeName, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let partial = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) { if (l) logs.push(l); if (/linstor-satellite listening on/.test(l)) resolve(l); }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`satellite exited:\n${logs.slice(-10).join('\n')}`)));
    setTimeout(() => reject(new Error('satellite did not start')), 15_000).unref();
  });
  const line = await listening;
  const kill = async (sig: NodeJS.Signals) => { if (proc.exitCode === null && proc.signalCode === null) { proc.kill(sig); await exited; } };
  return {
    proc, address, port: (JSON.parse(line) as { port: number }).port, nodeName, logs,
    waitForLog: async () => line,
    stop: () => kill('SIGTERM'),
    kill9: () => kill('SIGKILL'),
  };
}

/** `subnet`: the third byte of the satellites' loopback addresses (127.0.<subnet>.<firstAddress…>). */
export async function startPlacementCluster(count: number, opts: { drbdDryRun?: boolean; env?: Record<string, string>; firstAddress?: number; subnet?: number } = {}): Promise<PCluster> {
  const suffix = randomSuffix();
  const pool = 'pool1';
  const ctl = await startController({ env: { ...FAST_LINK_ENV, ...opts.env } });
  const nodes: PNode[] = [];
  const teardown = async () => {
    await ctl.stop().catch(() => {});
    for (const n of nodes) await n.sat.kill9().catch(() => {});
    for (const n of nodes) removeTempDir(n.poolDir);
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `pl-${suffix}-n${i}`;
      const address = `127.0.${opts.subnet ?? 0}.${(opts.firstAddress ?? 1) + i - 1}`;
      const extraArgs = opts.drbdDryRun ? ['--drbd-dry-run'] : [];
      const start = (port: number) => opts.drbdDryRun
        ? startOwnHostSatellite(address, name, port, extraArgs)
        : startSatellite({ address, port, nodeName: name, reportIntervalMs: 1000, extraArgs });
      const sat = await start(0);
      const node: PNode = {
        name, address, poolDir: makeTempDir(`pl-pool-${suffix}-`), sat,
        async start() { node.sat = await start(sat.port); },
      };
      nodes.push(node);
      const r = await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: sat.port }] });
      if (r.status !== 201) throw new Error(`node create failed: ${JSON.stringify(r.body)}`);
      const p = await call(ctl, 'POST', `/v1/nodes/${name}/storage-pools`, { storage_pool_name: pool, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': node.poolDir } });
      if (p.status !== 201) throw new Error(`storage pool create failed: ${JSON.stringify(p.body)}`);
    }
    for (const n of nodes) {
      await waitFor(`${n.name} ONLINE`, async () => (await call<{ connection_status?: string }>(ctl, 'GET', `/v1/nodes/${n.name}`)).body.connection_status === 'ONLINE');
      await waitFor(`${n.name} pool capacity`, async () => (await call<Record<string, any>>(ctl, 'GET', `/v1/nodes/${n.name}/storage-pools/${pool}`)).body.total_capacity > 0);
    }
    return { ctl, nodes, pool, suffix, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}

/** Node names a resource definition has resources on, with their flags. */
export async function placed(c: PCluster, rd: string): Promise<Array<{ node: string; flags: string[] }>> {
  const r = await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources`);
  if (r.status !== 200) return [];
  return r.body.map((x) => ({ node: x.node_name as string, flags: (x.flags ?? []) as string[] })).sort((a, b) => a.node.localeCompare(b.node));
}

export async function makeGroup(c: PCluster, name: string, filter: Record<string, unknown>, vgs = 1): Promise<void> {
  const r = await call(c.ctl, 'POST', '/v1/resource-groups', { name, select_filter: filter });
  if (r.status >= 300) throw new Error(`rg create: ${JSON.stringify(r.body)}`);
  for (let i = 0; i < vgs; i++) {
    const v = await call(c.ctl, 'POST', `/v1/resource-groups/${name}/volume-groups`, { volume_number: i, props: { [`Aux/vg${i}`]: 'yes' } });
    if (v.status >= 300) throw new Error(`vg create: ${JSON.stringify(v.body)}`);
  }
}
