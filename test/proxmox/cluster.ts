/**
 * A real cluster for the Proxmox tests and benchmark: one controller, three satellites with
 * FILE_THIN pools in temp folders, and a resource group with layer list `storage` (no DRBD
 * kernel module here), registered through the typed client.
 */
import { LinstorClient } from '../../core/client/index.js';
import { startController, type TestController } from '../helpers/controller.js';
import { makeTempDir, randomSuffix, removeTempDir, startSatellite, type SatelliteProcess } from '../helpers/satellite.js';

export interface PveCluster {
  ctl: TestController;
  client: LinstorClient;
  nodes: string[];
  pool: string;
  rg: string;
  sats: SatelliteProcess[];
  stop(): Promise<void>;
}

/** `domain` registers the nodes by FQDN (`pve1-<sfx>.<domain>`), as some LINSTOR clusters are. */
export async function startPveCluster(opts: { nodes?: number; placeCount?: number; domain?: string } = {}): Promise<PveCluster> {
  const sfx = randomSuffix();
  const ctl = await startController();
  const client = new LinstorClient({ controllers: [ctl.url], timeoutMs: 60_000 });
  const sats: SatelliteProcess[] = [];
  const dirs: string[] = [];
  const cluster: PveCluster = {
    ctl, client, nodes: [], pool: 'pvepool', rg: `pve-rg-${sfx}`, sats,
    async stop() {
      await Promise.all(sats.map((s) => s.stop().catch(() => undefined)));
      await ctl.stop().catch(() => undefined);
      for (const d of dirs) removeTempDir(d);
    },
  };
  try {
    for (let i = 0; i < (opts.nodes ?? 3); i++) {
      const name = `pve${i + 1}-${sfx}${opts.domain ? `.${opts.domain}` : ''}`;
      const sat = await startSatellite({ nodeName: name, address: '127.0.0.1', reportIntervalMs: 1000 });
      sats.push(sat);
      cluster.nodes.push(name);
      await client.nodes.create({ name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: sat.address, satellite_port: sat.port, satellite_encryption_type: 'PLAIN' }] });
    }
    await waitFor(async () => (await client.nodes.list()).every((n) => n.connection_status?.toUpperCase() === 'ONLINE'), 'satellites online');
    for (const n of cluster.nodes) {
      const dir = makeTempDir('pve-pool-');
      dirs.push(dir);
      await client.storagePools.create(n, { storage_pool_name: cluster.pool, provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } });
    }
    await client.resourceGroups.create({ name: cluster.rg, select_filter: { place_count: opts.placeCount ?? 2, storage_pool: cluster.pool, layer_stack: ['STORAGE'] } });
    await client.resourceGroups.createVolumeGroup(cluster.rg);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

export async function waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { if (await cond()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
