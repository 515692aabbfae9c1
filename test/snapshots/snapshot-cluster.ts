/**
 * Controller + two satellites for the snapshot scenarios: node 1's FILE_THIN pool `thin` lives
 * on an xfs filesystem with reflink=1, node 2's on ext4 (sparse copies), both on loop devices.
 */
import { startController, type TestController } from '../helpers/controller.js';
import { randomSuffix, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { makeFsPool, type FsPool } from './fs-pool.js';

export { call, waitFor };

export interface SnapCluster {
  ctl: TestController;
  nodes: Array<{ name: string; pool: FsPool; sat: SatelliteProcess }>;
  teardown(): Promise<void>;
}

export const POOL = 'thin';

/** `addresses`: the two satellites' loopback addresses (default 127.0.0.1 and 127.0.0.2). */
export async function startSnapshotCluster(env: Record<string, string> = {}, addresses: [string, string] = ['127.0.0.1', '127.0.0.2']): Promise<SnapCluster> {
  const suffix = randomSuffix();
  const ctl = await startController({ env: { ...FAST_LINK_ENV, ...env } });
  const nodes: SnapCluster['nodes'] = [];
  const teardown = async () => {
    await ctl.stop().catch(() => {});
    for (const n of nodes) await n.sat.kill9().catch(() => {});
    for (const n of nodes) n.pool.cleanup();
  };
  try {
    for (const [i, fs] of (['xfs', 'ext4'] as const).entries()) {
      const name = `snap-${suffix}-n${i + 1}`;
      const address = addresses[i]!;
      const pool = makeFsPool(fs);
      const sat = await startSatellite({ address, nodeName: name, reportIntervalMs: 1000 });
      nodes.push({ name, pool, sat });
      const r = await call(ctl, 'POST', '/v1/nodes', { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: sat.port }] });
      if (r.status !== 201) throw new Error(`node create failed: ${JSON.stringify(r.body)}`);
      const p = await call(ctl, 'POST', `/v1/nodes/${name}/storage-pools`, { storage_pool_name: POOL, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': pool.dir } });
      if (p.status !== 201) throw new Error(`storage pool create failed: ${JSON.stringify(p.body)}`);
    }
    for (const n of nodes) {
      await waitFor(`${n.name} ONLINE`, async () => (await call(ctl, 'GET', `/v1/nodes/${n.name}`)).body.connection_status === 'ONLINE');
      await waitFor(`${n.name} pool capacity`, async () => (await call(ctl, 'GET', `/v1/nodes/${n.name}/storage-pools/${POOL}`)).body.total_capacity > 0);
    }
    return { ctl, nodes, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}

/** A definition with one volume, deployed (STORAGE only: no DRBD kernel module here) on the given nodes. */
export async function deploy(c: SnapCluster, rd: string, sizeKib: number, nodes: string[]): Promise<Record<string, string>> {
  const a = await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  if (a.status >= 300) throw new Error(JSON.stringify(a.body));
  const b = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: sizeKib } });
  if (b.status >= 300) throw new Error(JSON.stringify(b.body));
  const r = await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, nodes.map((n) => ({ resource: { node_name: n, props: { StorPoolName: POOL } }, layer_list: ['STORAGE'] })));
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
  return devices(c, rd, nodes);
}

export async function devices(c: SnapCluster, rd: string, nodes: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of nodes) {
    out[n] = await waitFor(`device of ${rd} on ${n}`, async () => {
      const v = await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${n}/volumes`);
      const d = v.status === 200 ? v.body[0]?.device_path : undefined;
      return typeof d === 'string' && d.startsWith('/dev/loop') ? d : undefined;
    }, 30_000);
  }
  return out;
}

export function messages(body: unknown): string[] {
  return Array.isArray(body) ? body.map((e: { message: string }) => e.message) : [];
}

export function hasError(body: unknown): boolean {
  return Array.isArray(body) && body.some((e: { ret_code: number }) => e.ret_code < 0 && (BigInt.asUintN(64, BigInt(e.ret_code)) >> 62n) === 3n);
}
