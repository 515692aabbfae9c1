/**
 * DRBD quorum tie-breakers (guide: "Auto-add quorum tie-breaker"): a DRBD resource with exactly
 * two diskful replicas and no diskless peer cannot keep quorum when one side is lost, so LINSTOR
 * adds a diskless TIE_BREAKER resource on a third node; once the resource has another diskful
 * or diskless replica, or drops to one diskful, the tie-breaker is pointless and is removed.
 * Controlled by `DrbdOptions/auto-add-quorum-tiebreaker` (default true) and skipped when
 * `DrbdOptions/Resource/quorum` is off.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import type { Resource, ResourceDefinition } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { resourcesOf } from '../lookup.js';
import type { Transaction } from '../state/cluster-state.js';
import { hasDrbd } from '../services/layers.js';
import { createResourcesInTx } from '../services/resources.js';
import { NODE_AWAY_FLAGS, resourceKind } from './snapshot.js';

export const KEY_AUTO_TIEBREAKER = 'DrbdOptions/auto-add-quorum-tiebreaker';

function enabled(ctx: ControllerContext, rd: ResourceDefinition): boolean {
  const rg = ctx.state.resourceGroups.get(nameKey(rd.resourceGroup));
  const levels = propChain({ controller: ctx.state.ctrlProps, resourceGroup: rg, resourceDefinition: rd });
  if ((propValue(KEY_AUTO_TIEBREAKER, levels) ?? 'true').toLowerCase() === 'false') return false;
  return (propValue('DrbdOptions/Resource/quorum', levels) ?? 'majority').toLowerCase() !== 'off';
}

function live(rs: Resource[]): Resource[] {
  return rs.filter((r) => !r.flags.includes('DELETE'));
}

/** A node that can host the tie-breaker: online, placeable, DRBD-capable, without this resource. */
function tieBreakerNode(ctx: ControllerContext, rd: ResourceDefinition, placed: Resource[]): string | undefined {
  const taken = new Set(placed.map((r) => nameKey(r.nodeName)));
  // The group's node list bounds the tie-breaker too: a resource pinned to nodes stays there.
  const allowed = ctx.state.resourceGroups.get(nameKey(rd.resourceGroup))?.selectFilter.node_name_list?.map(nameKey);
  const nodes = [...ctx.state.nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const n of nodes) {
    if (taken.has(nameKey(n.name)) || n.type === 'CONTROLLER' || n.type === 'AUXILIARY') continue;
    if (allowed?.length && !allowed.includes(nameKey(n.name))) continue;
    if (n.flags.some((f) => NODE_AWAY_FLAGS.includes(f) || f === 'DELETE')) continue;
    const rt = ctx.runtime.nodes.get(nameKey(n.name));
    if (rt?.status !== 'ONLINE' || (rt.hello && !rt.hello.layers.includes('DRBD'))) continue;
    return n.name;
  }
  return undefined;
}

/** Adds a needed tie-breaker in `tx`; returns the created resource and its info entry. */
export function addTieBreakerInTx(ctx: ControllerContext, tx: Transaction, rdName: string, warnIfNoNode = true): { created: Resource[]; rc: ApiCallRc[] } {
  const rd = ctx.state.resourceDefinitions.get(nameKey(rdName));
  if (!rd || !hasDrbd(rd.layerStack) || rd.flags.includes('DELETE') || !enabled(ctx, rd)) return { created: [], rc: [] };
  const rs = live(resourcesOf(ctx.state, rd.name));
  const kinds = rs.map(resourceKind);
  if (kinds.filter((k) => k === 'DISKFUL').length !== 2 || kinds.length !== 2) return { created: [], rc: [] };
  const node = tieBreakerNode(ctx, rd, resourcesOf(ctx.state, rd.name));
  if (!node) {
    if (!warnIfNoNode) return { created: [], rc: [] };
    return { created: [], rc: [rcEntry('WARN_NOT_ENOUGH_NODES_FOR_TIE_BREAKER', `Could not find suitable node to automatically create a tie breaking resource for '${rd.name}'.`, { obj: 'RSC', op: 'CRT', objRefs: { RscDfn: rd.name } })] };
  }
  const out = createResourcesInTx(ctx, tx, rd.name, [{ nodeName: node, props: {}, diskless: true, extraFlags: ['TIE_BREAKER'] }], ctx.clock());
  return { created: out.created, rc: [rcEntry('INFO_TIE_BREAKER_CREATED', `Tie breaker resource '${rd.name}' created on ${node}`, { obj: 'RSC', op: 'CRT', objRefs: { RscDfn: rd.name, Node: node } })] };
}

/** Tie-breakers of `rdName` that no longer serve a purpose (to be deleted by the caller). */
export function pointlessTieBreakers(ctx: ControllerContext, rdName: string): string[] {
  const rd = ctx.state.resourceDefinitions.get(nameKey(rdName));
  if (!rd) return [];
  const rs = live(resourcesOf(ctx.state, rd.name));
  const tbs = rs.filter((r) => resourceKind(r) === 'TIE_BREAKER');
  if (!tbs.length) return [];
  const others = rs.filter((r) => resourceKind(r) !== 'TIE_BREAKER');
  const diskful = others.filter((r) => resourceKind(r) === 'DISKFUL').length;
  const keep = enabled(ctx, rd) && diskful === 2 && others.length === 2;
  return keep ? tbs.slice(1).map((r) => r.nodeName) : tbs.map((r) => r.nodeName);
}
