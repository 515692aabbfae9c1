/**
 * Datastore capacity as the LINSTOR guide's "Free Space Reporting" describes it:
 * - automatic placement (resource group / LINSTOR_AUTO_PLACE): the aggregate of the pools the
 *   datastore uses, summed over nodes and divided by the replica count (addon-linstor monitor);
 * - per-node placement (LINSTOR_DEPLOYMENT_NODES): the most restrictive node decides, i.e. the
 *   smallest total and the smallest free space among the deployment nodes.
 */
import type { StoragePool } from '../../../core/client/index.js';
import type { OneLinstor } from './linstor.js';

export interface Capacity { usedMiB: number; totalMiB: number; freeMiB: number }

const DEFAULT_PLACE_COUNT = 2;

export function capacityFromPools(pools: StoragePool[], opts: { poolNames?: string[]; placeCount?: number; deploymentNodes?: string[] }): Capacity {
  const wanted = opts.poolNames?.length ? new Set(opts.poolNames) : undefined;
  const perNode = new Map<string, { total: number; free: number }>();
  for (const p of pools) {
    if (p.provider_kind === 'DISKLESS') continue;
    if (wanted && !wanted.has(p.storage_pool_name)) continue;
    const node = p.node_name ?? '';
    const cur = perNode.get(node) ?? { total: 0, free: 0 };
    cur.total += p.total_capacity ?? 0;
    cur.free += p.free_capacity ?? 0;
    perNode.set(node, cur);
  }
  let totalKib: number;
  let freeKib: number;
  if (opts.deploymentNodes?.length) {
    const nodes = opts.deploymentNodes.map((n) => perNode.get(n) ?? { total: 0, free: 0 });
    totalKib = Math.min(...nodes.map((n) => n.total));
    freeKib = Math.min(...nodes.map((n) => n.free));
  } else {
    const count = Math.max(1, opts.placeCount ?? DEFAULT_PLACE_COUNT);
    totalKib = [...perNode.values()].reduce((s, n) => s + n.total, 0) / count;
    freeKib = [...perNode.values()].reduce((s, n) => s + n.free, 0) / count;
  }
  const totalMiB = Math.floor(totalKib / 1024);
  const freeMiB = Math.floor(freeKib / 1024);
  return { totalMiB, freeMiB, usedMiB: Math.max(0, totalMiB - freeMiB) };
}

export async function datastoreCapacity(l: OneLinstor): Promise<Capacity> {
  const cfg = l.cfg;
  let poolNames: string[] | undefined;
  let placeCount: number | undefined;
  if (cfg.resourceGroup) {
    await l.requireResourceGroup();
    const rg = await l.client.resourceGroups.get(cfg.resourceGroup);
    const f = rg.select_filter ?? {};
    poolNames = f.storage_pool_list?.length ? f.storage_pool_list : f.storage_pool ? [f.storage_pool] : undefined;
    placeCount = f.place_count;
  } else {
    poolNames = cfg.storagePool ? [cfg.storagePool] : undefined;
    placeCount = cfg.autoPlace;
  }
  const pools = await l.client.storagePools.list();
  return capacityFromPools(pools, { poolNames, placeCount, deploymentNodes: cfg.resourceGroup ? undefined : cfg.deploymentNodes });
}

export function formatCapacity(c: Capacity): string {
  return `USED_MB=${c.usedMiB}\nTOTAL_MB=${c.totalMiB}\nFREE_MB=${c.freeMiB}\n`;
}
