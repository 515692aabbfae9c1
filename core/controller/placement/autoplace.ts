/**
 * Autoplacement inside a transaction: snapshot -> autoplacer -> resources, all within one
 * mutate callback, so the choice and the resources it creates cannot race another request.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { AutoSelectFilter, LayerKind, Resource, ResourceDefinition, ResourceGroup } from '../../model/types.js';
import { autoplace, type PlacementResult } from '../../placement/index.js';
import { propChain } from '../../props/chain.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import type { Transaction } from '../state/cluster-state.js';
import { hasDrbd } from '../services/layers.js';
import { createResourcesInTx, type ResourceCreateRequest } from '../services/resources.js';
import { placementSnapshot } from './snapshot.js';

/**
 * The filter a placement uses: the group's, with the request's given fields on top (LINSTOR's
 * AutoSelectorConfig merge). `+N` (additional_place_count) without a place count ignores the
 * group's place count, as the client's `--auto-place +1` means "one more".
 */
export function effectiveFilter(rg: ResourceGroup | undefined, override: AutoSelectFilter = {}): AutoSelectFilter {
  const out: AutoSelectFilter = { ...(rg?.selectFilter ?? {}) };
  for (const [k, v] of Object.entries(override)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (override.additional_place_count !== undefined && override.place_count === undefined) delete out.place_count;
  if (override.place_count !== undefined && override.additional_place_count === undefined) delete out.additional_place_count;
  return out;
}

export interface AutoplaceOutcome {
  created: Resource[];
  rc: ApiCallRc[];
  placement: PlacementResult;
}

/** AllowMixingStoragePoolDriver from controller < group < definition. */
function allowMixing(ctx: ControllerContext, rd: ResourceDefinition, rg: ResourceGroup | undefined): boolean {
  return propValue('AllowMixingStoragePoolDriver', propChain({ controller: ctx.state.ctrlProps, resourceGroup: rg, resourceDefinition: rd }))?.toLowerCase() === 'true';
}

/**
 * Places `rd` (already in memory, possibly created in this same transaction) by `filter` and
 * creates the chosen resources in `tx`. Throws the autoplacer's "not enough nodes" error.
 */
export function autoplaceInTx(ctx: ControllerContext, tx: Transaction, rd: ResourceDefinition, filter: AutoSelectFilter, layerList?: LayerKind[]): AutoplaceOutcome {
  const { state } = ctx;
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const stack = layerList ?? (filter.layer_stack as LayerKind[] | undefined) ?? rd.layerStack;
  const placement = autoplace(placementSnapshot(ctx), {
    resourceName: rd.name,
    // The stack the resources will use, so nodes lacking a layer (no DRBD module) are skipped.
    filter: { ...filter, layer_stack: stack },
    volumeSizesKib: rd.volumeDefinitions.filter((v) => !v.flags.includes('DELETE')).map((v) => v.sizeKib),
    allowStoragePoolMixing: allowMixing(ctx, rd, rg),
  });
  const reqs: ResourceCreateRequest[] = placement.diskful.map((c) => ({
    nodeName: c.nodeName, props: {}, diskless: false, layerList: layerList, storagePool: c.storagePool,
  }));
  // Diskless replicas only mean something with DRBD (a client of the diskful ones).
  if (hasDrbd(stack)) {
    for (const d of placement.disklessOnRemaining) {
      reqs.push({ nodeName: d.nodeName, props: d.storagePool ? { StorPoolName: d.storagePool } : {}, diskless: true, layerList });
    }
  }
  const out = createResourcesInTx(ctx, tx, rd.name, reqs, ctx.clock());
  const rc = [...out.rc];
  if (placement.diskful.length) {
    rc.unshift(rcEntry('CREATED', `Resource '${rd.name}' successfully autoplaced on ${placement.diskful.length} nodes`, {
      obj: 'RSC', op: 'CRT', details: `Used nodes (storage pool name): ${placement.diskful.map((c) => `'${c.nodeName}' (${c.storagePool})`).join(', ')}`, objRefs: { RscDfn: rd.name },
    }));
  } else {
    rc.push(rcEntry('WARN_RSC_ALREADY_DEPLOYED', `Resource '${rd.name}' was already deployed on enough nodes.`, {
      obj: 'RSC', op: 'CRT', details: 'The place count is already reached; nothing was placed. Use additional_place_count (--auto-place +N) to add replicas.', objRefs: { RscDfn: rd.name },
    }));
  }
  return { created: out.created, rc, placement };
}

/**
 * The pool the autoplacer would choose for one diskful replica on `nodeName` (toggle-disk and
 * make-available without a pool), or undefined when no pool there qualifies: the caller then
 * falls back to the StorPoolName lookup so the error names the missing pool.
 */
export function poolForNode(ctx: ControllerContext, rd: ResourceDefinition, nodeName: string): string | undefined {
  const rg = ctx.state.resourceGroups.get(nameKey(rd.resourceGroup));
  const base = effectiveFilter(rg, { additional_place_count: 1 });
  const existing = [...ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)]
    .filter((r) => nameKey(r.nodeName) !== nameKey(nodeName) && !r.flags.includes('DELETE'))
    .map((r) => ({ nodeName: r.nodeName, diskful: !isDisklessResource(r.flags) }));
  try {
    const res = autoplace(placementSnapshot(ctx), {
      resourceName: rd.name,
      filter: { ...base, node_name_list: [nodeName], layer_stack: rd.layerStack, diskless_on_remaining: false },
      volumeSizesKib: rd.volumeDefinitions.map((v) => v.sizeKib),
      existing,
      allowStoragePoolMixing: true,
    });
    return res.diskful[0]?.storagePool;
  } catch {
    return undefined;
  }
}
