/**
 * The autoplacer's view of the cluster, built from the controller's memory (desired state plus
 * what satellites reported). Synchronous and read-only, so it can run inside a mutate callback:
 * the placement and the resources it creates then see the same state.
 */
import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { Resource } from '../../model/types.js';
import type { PlacementCluster, PlacementNode, PlacementResource, PlacementResourceKind, PlacementStoragePool } from '../../placement/index.js';
import type { ControllerContext } from '../context.js';

/** Node flags that take a node out of placement (LINSTOR: evacuating and evicted nodes). */
export const NODE_AWAY_FLAGS = ['EVACUATE', 'EVICTED'];

export function resourceKind(r: Resource): PlacementResourceKind {
  if (r.flags.includes('TIE_BREAKER')) return 'TIE_BREAKER';
  return isDisklessResource(r.flags) ? 'DISKLESS' : 'DISKFUL';
}

export function isDiskful(r: Resource): boolean {
  return resourceKind(r) === 'DISKFUL';
}

export function placementSnapshot(ctx: ControllerContext): PlacementCluster {
  const { state, runtime } = ctx;
  const nodes: PlacementNode[] = [];
  const awayNodes = new Set<string>();
  for (const n of state.nodes.values()) {
    if (n.type === 'CONTROLLER' || n.type === 'AUXILIARY') continue;
    const rt = runtime.nodes.get(nameKey(n.name));
    const away = n.flags.some((f) => NODE_AWAY_FLAGS.includes(f));
    if (away) awayNodes.add(nameKey(n.name));
    nodes.push({
      name: n.name,
      props: n.props,
      online: rt?.status === 'ONLINE',
      evacuating: away,
      deleting: n.flags.includes('DELETE'),
      // The satellite's hello lists what it can run; STORAGE is always there.
      ...(rt?.hello ? { supportedLayers: [...new Set([...rt.hello.layers, 'STORAGE'])], supportedProviders: [...rt.hello.providers, 'DISKLESS'] } : {}),
    });
  }

  // What the placed volumes already promise, per pool.
  const reserved = new Map<string, number>();
  const resources: PlacementResource[] = [];
  for (const r of state.resources.values()) {
    const rd = state.resourceDefinitions.get(nameKey(r.name));
    if (!rd) continue;
    let firstPool: string | undefined;
    for (const vd of rd.volumeDefinitions) {
      const pool = r.volumes[String(vd.volumeNumber)]?.storagePool;
      if (!pool) continue;
      firstPool ??= pool;
      const k = `${nameKey(r.nodeName)}/${nameKey(pool)}`;
      reserved.set(k, (reserved.get(k) ?? 0) + vd.sizeKib);
    }
    resources.push({
      name: r.name,
      nodeName: r.nodeName,
      storagePool: firstPool,
      kind: resourceKind(r),
      deleting: r.flags.includes('DELETE') || rd.flags.includes('DELETE'),
      evacuating: r.flags.includes('EVACUATE') || r.flags.includes('EVICTED') || awayNodes.has(nameKey(r.nodeName)),
    });
  }

  const storagePools: PlacementStoragePool[] = [];
  for (const [key, sp] of state.storagePools.entries()) {
    const rep = runtime.pools.get(key);
    storagePools.push({
      name: sp.name,
      nodeName: sp.nodeName,
      providerKind: sp.providerKind,
      props: sp.props,
      definitionProps: state.storagePoolDefinitions.get(nameKey(sp.name))?.props,
      reservedKib: reserved.get(key) ?? 0,
      ...(rep && !rep.error ? { freeKib: rep.freeCapacityKib, totalKib: rep.totalCapacityKib } : {}),
    });
  }
  return { nodes, storagePools, resources, controllerProps: state.ctrlProps };
}
