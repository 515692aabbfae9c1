/**
 * The autoplacer's view of the cluster, built from the controller's memory (desired state plus
 * what satellites reported). Synchronous and read-only, so it can run inside a mutate callback:
 * the placement and the resources it creates then see the same state. Use a snapshot within
 * the callback (or request) that built it: its replica lookups read the live index.
 *
 * Cost O(nodes + pools): what resources promise per pool and each definition's replicas come
 * from the placement index (placement-index.ts), kept up to date on commit; the full resource
 * list is built only when asked for (do-not-place-with filters).
 */
import { nameKey } from '../../model/names.js';
import { sharedSpaceOf } from '../../model/shared-space.js';
import type { PlacementCluster, PlacementNode, PlacementResource, PlacementStoragePool } from '../../placement/index.js';
import type { ControllerContext } from '../context.js';
import { placementIndex } from './placement-index.js';

export { isDiskful, resourceKind } from './resource-kind.js';

/** Node flags that take a node out of placement (LINSTOR: evacuating and evicted nodes). */
export const NODE_AWAY_FLAGS = ['EVACUATE', 'EVICTED'];

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

  const index = placementIndex(state);
  return index.view((part) => {
    const storagePools: PlacementStoragePool[] = [];
    // A shared space's volumes are promised once, whichever of its pools they were placed in.
    const sharedReserved = new Map<string, number>();
    for (const [key, sp] of state.storagePools.entries()) {
      const space = sharedSpaceOf(sp);
      if (space) sharedReserved.set(space, (sharedReserved.get(space) ?? 0) + (index.reserved.get(key) ?? 0));
    }
    for (const [key, sp] of state.storagePools.entries()) {
      const space = sharedSpaceOf(sp);
      const rep = runtime.pools.get(key);
      storagePools.push({
        name: sp.name,
        nodeName: sp.nodeName,
        providerKind: sp.providerKind,
        props: sp.props,
        definitionProps: state.storagePoolDefinitions.get(nameKey(sp.name))?.props,
        // What the placed volumes already promise, and how many live resources use the pool.
        reservedKib: space ? sharedReserved.get(space)! : index.reserved.get(key) ?? 0,
        ...(space ? { sharedSpace: space } : {}),
        rscCount: index.live.get(key) ?? 0,
        ...(rep && !rep.error ? { freeKib: rep.freeCapacityKib, totalKib: rep.totalCapacityKib } : {}),
      });
    }
    const replicasOf = (name: string): PlacementResource[] =>
      (part(nameKey(name))?.replicas ?? []).map((x) => (!x.resource.evacuating && awayNodes.has(x.nodeKey) ? { ...x.resource, evacuating: true } : x.resource));
    let all: PlacementResource[] | undefined;
    return {
      nodes, storagePools, controllerProps: state.ctrlProps, replicasOf,
      // Every resource, in the tables' order: only do-not-place-with filters need it.
      get resources(): PlacementResource[] {
        all ??= [...state.resourceDefinitions.entries()].flatMap(([k]) => (part(k)?.replicas ?? []).map((x) => x.resource))
          .map((r) => (!r.evacuating && awayNodes.has(nameKey(r.nodeName)) ? { ...r, evacuating: true } : r));
        return all;
      },
    };
  });
}
