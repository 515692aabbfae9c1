/**
 * Node lifecycle: evacuate (flag, re-place replicas elsewhere, then remove the node's ones),
 * evict (the same for a node that is gone, used by auto-evict), restore (undo either), and
 * lost (drop the node and everything on it from the database without contacting it).
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { Resource } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getNode, resourceKey, resourcesOf, resourcesOnNode } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { adjustTieBreaker, deleteResources } from '../services/deletion.js';
import { autoplaceInTx, effectiveFilter } from './autoplace.js';
import { propChain } from '../../props/chain.js';
import { propValue } from '../../props/resolver.js';
import { isDiskful } from './snapshot.js';
import { hasDrbd } from '../services/layers.js';
import { snapshotTable } from '../snapshots/common.js';
import { deleteSnapshot } from '../snapshots/delete-rollback.js';

type AwayFlag = 'EVACUATE' | 'EVICTED';

/** Replicas of a resource that still count: diskful, not deleting, not on an away node. */
function liveDiskful(ctx: ControllerContext, rdName: string, awayNode: string): Resource[] {
  return resourcesOf(ctx.state, rdName).filter((r) => isDiskful(r) && !r.flags.includes('DELETE') && nameKey(r.nodeName) !== nameKey(awayNode));
}

/** `DrbdOptions/AutoEvictMinReplicaCount` (controller < group < definition), else the group's place count, else 2. */
export function minReplicaCount(ctx: ControllerContext, rdName: string): number {
  const rd = ctx.state.resourceDefinitions.get(nameKey(rdName));
  const rg = rd ? ctx.state.resourceGroups.get(nameKey(rd.resourceGroup)) : undefined;
  const v = propValue('DrbdOptions/AutoEvictMinReplicaCount', propChain({ controller: ctx.state.ctrlProps, resourceGroup: rg, resourceDefinition: rd }));
  const n = v !== undefined ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : (rg?.selectFilter.place_count ?? 2);
}

/**
 * Flags the node, then for each of its diskful resources places a replacement replica with the
 * group's filter (the flagged replica no longer counts). Once the replacements report ready, the
 * node's resources are deleted. A resource that cannot be re-placed keeps its replica (warning).
 */
export async function moveAway(ctx: ControllerContext, nodeName: string, flag: AwayFlag, targets: EvacuateTargets = {}): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const node = getNode(state, nodeName);
  const allowed = allowedTargets(ctx, node.name, targets);
  const rc: ApiCallRc[] = [];
  await state.mutate((tx) => {
    const cur = getNode(state, node.name);
    if (!cur.flags.includes(flag)) tx.put(state.nodes, nameKey(cur.name), { ...cur, flags: [...cur.flags, flag], ...(flag === 'EVICTED' ? { evictionTimestamp: ctx.clock() } : {}) });
    for (const r of resourcesOnNode(state, cur.name)) {
      if (!r.flags.includes(flag)) tx.put(state.resources, resourceKey(r.name, r.nodeName), { ...r, flags: [...r.flags, flag] });
    }
  });
  const verb = flag === 'EVACUATE' ? 'evacuating' : 'evicted';
  rc.push(rcEntry('MODIFIED', `Node '${node.name}' ${flag === 'EVACUATE' ? 'is being evacuated' : 'evicted'}.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } }));
  if (flag === 'EVICTED') rc.push(rcEntry('WARN_NODE_EVICTED', `Node '${node.name}' was evicted; its resources are re-placed on other nodes.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } }));

  const removable: Resource[] = [];
  for (const r of resourcesOnNode(state, node.name)) {
    if (r.flags.includes('DELETE')) continue;
    if (!isDiskful(r)) { removable.push(r); continue; }
    try {
      const placed = await state.mutate((tx) => {
        const rd = state.resourceDefinitions.get(nameKey(r.name));
        if (!rd) return [];
        const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
        const have = liveDiskful(ctx, rd.name, node.name).length;
        // Evacuate keeps the replica count the resource had (at least the group's place count);
        // auto-evict only tops up to DrbdOptions/AutoEvictMinReplicaCount (default: place count).
        const want = flag === 'EVICTED' ? minReplicaCount(ctx, rd.name) : Math.max(have + 1, rg?.selectFilter.place_count ?? 0);
        if (have >= want) return [];
        const base = effectiveFilter(rg, { place_count: want });
        const filter = allowed ? { ...base, node_name_list: narrowed(base.node_name_list, allowed) } : base;
        return autoplaceInTx(ctx, tx, rd, filter).created;
      });
      if (placed.length) {
        rc.push(rcEntry('CREATED', `Resource '${r.name}' ${verb} from '${node.name}': new replica on ${placed.map((p) => `'${p.nodeName}'`).join(', ')}.`, { obj: 'RSC', op: 'CRT', objRefs: { RscDfn: r.name } }));
        const applied = await applyAndReport(ctx, placed.map((p) => ({ rdName: r.name, nodeName: p.nodeName })), 'create');
        rc.push(...applied.filter((e) => e.ret_code < 0n));
      }
      const ready = placed.every((p) => ctx.runtime.resources.get(resourceKey(p.name, p.nodeName))?.ready || ctx.runtime.nodes.get(nameKey(p.nodeName))?.status !== 'ONLINE');
      if (ready && liveDiskful(ctx, r.name, node.name).length > 0) removable.push(r);
      else rc.push(rcEntry('WARN_NOT_EVACUATING', `Resource '${r.name}' stays on node '${node.name}' until a replacement is ready.`, { obj: 'RSC', op: 'MOD', objRefs: { RscDfn: r.name, Node: node.name } }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      rc.push(rcEntry('WARN_NOT_EVACUATING', `Resource '${r.name}' cannot be moved off node '${node.name}': ${e.message}`, {
        obj: 'RSC', op: 'MOD', cause: e.opts.cause, correction: e.opts.correction, objRefs: { RscDfn: r.name, Node: node.name },
      }));
    }
  }
  for (const r of removable) {
    const del = await deleteResources(ctx, r.name, [r.nodeName]);
    rc.push(...del.rc.filter((e) => e.ret_code < 0n));
    rc.push(rcEntry('DELETED', `Resource '${r.name}' removed from node '${node.name}'.`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: r.name, Node: node.name } }));
  }
  return rc;
}

/** `node evacuate --target/--do-not-target`: which nodes may take the new replicas. */
export interface EvacuateTargets { target?: string[]; do_not_target?: string[] }

/**
 * The nodes a replacement may go to, or undefined for "wherever the group's filter allows".
 * Unknown names are refused before anything changes.
 */
function allowedTargets(ctx: ControllerContext, away: string, t: EvacuateTargets): string[] | undefined {
  for (const n of [...(t.target ?? []), ...(t.do_not_target ?? [])]) getNode(ctx.state, n);
  if (!t.target?.length && !t.do_not_target?.length) return undefined;
  const excluded = new Set([away, ...(t.do_not_target ?? [])].map(nameKey));
  const pool = t.target?.length ? t.target : [...ctx.state.nodes.values()].map((n) => n.name);
  return pool.map((n) => getNode(ctx.state, n).name).filter((n) => !excluded.has(nameKey(n)));
}

/** The group's own node list, if it has one, still applies: the evacuation narrows it further. */
function narrowed(groupList: string[] | undefined, allowed: string[]): string[] {
  const keep = groupList?.length ? new Set(groupList.map(nameKey)) : undefined;
  const both = keep ? allowed.filter((n) => keep.has(nameKey(n))) : allowed;
  return both.length ? both : [NO_NODE];
}
/** An empty node list means "any node" to the filter; this name matches none (no node can be named so). */
const NO_NODE = '-';

/** `node restore` options (LINSTOR's NodeRestore). */
export interface RestoreOptions { delete_resources?: boolean; delete_snapshots?: boolean }

/**
 * Lifts EVACUATE/EVICTED. With `delete_resources` the node's resources go instead of coming back,
 * except a DRBD resource's last diskful replica (LINSTOR keeps it, with a warning); with
 * `delete_snapshots` the node's snapshots go too.
 */
export async function restoreNode(ctx: ControllerContext, nodeName: string, opts: RestoreOptions = {}): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const node = getNode(state, nodeName);
  if (!node.flags.includes('EVACUATE') && !node.flags.includes('EVICTED')) {
    return [rcEntry('WARN_NOT_EVACUATING', `Node '${node.name}' is neither evacuating nor evicted.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })];
  }
  const lastCopy = (r: Resource) => hasDrbd(r.layerStack) && !resourcesOf(state, r.name).some((o) => nameKey(o.nodeName) !== nameKey(r.nodeName) && isDiskful(o) && !o.flags.includes('DELETE'));
  const doomed = opts.delete_resources ? resourcesOnNode(state, node.name).filter((r) => !r.flags.includes('DELETE') && !lastCopy(r)) : [];
  const touched = await state.mutate((tx) => {
    const cur = getNode(state, node.name);
    const { evictionTimestamp: _gone, ...rest } = cur;
    tx.put(state.nodes, nameKey(cur.name), { ...rest, flags: cur.flags.filter((f) => f !== 'EVACUATE' && f !== 'EVICTED') });
    const out: string[] = [];
    for (const r of resourcesOnNode(state, cur.name)) {
      if (!r.flags.some((f) => f === 'EVACUATE' || f === 'EVICTED')) continue;
      tx.put(state.resources, resourceKey(r.name, r.nodeName), { ...r, flags: r.flags.filter((f) => f !== 'EVACUATE' && f !== 'EVICTED') });
      out.push(r.name);
    }
    return out;
  });
  const rc = [rcEntry('MODIFIED', `Node '${node.name}' restored.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })];
  for (const r of opts.delete_resources ? resourcesOnNode(state, node.name) : []) {
    if (doomed.some((d) => d.name === r.name) || r.flags.includes('DELETE')) continue;
    rc.push(rcEntry('WARN_STLT_NOT_UPDATED', `Not deleting resource ${r.name} since it is the last non-deleting diskful resource of this resource-definition`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: r.name, Node: node.name } }));
  }
  const kept = touched.filter((n) => !doomed.some((d) => d.name === n));
  if (kept.length) rc.push(...(await applyAndReport(ctx, kept.map((n) => ({ rdName: n, nodeName: node.name })), 'modify')).filter((e) => e.ret_code < 0n));
  for (const r of doomed) {
    const del = await deleteResources(ctx, r.name, [r.nodeName]);
    rc.push(...del.rc.filter((e) => e.ret_code < 0n));
    rc.push(rcEntry('DELETED', `Resource '${r.name}' removed from node '${node.name}'.`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: r.name, Node: node.name } }));
  }
  if (opts.delete_snapshots) {
    const snaps = [...snapshotTable(state).values()].filter((s) => s.nodes.some((n) => nameKey(n.nodeName) === nameKey(node.name)));
    for (const s of snaps) rc.push(...await deleteSnapshot(ctx, s.resourceName, s.name, [node.name]));
  }
  return rc;
}

/** `node lost`: the node, its pools, resources and connections leave the database at once. */
export async function nodeLost(ctx: ControllerContext, nodeName: string): Promise<ApiCallRc[]> {
  const { state, runtime } = ctx;
  const node = getNode(state, nodeName);
  const nk = nameKey(node.name);
  const gone = await state.mutate((tx) => {
    const rs = resourcesOnNode(state, node.name);
    for (const r of rs) tx.delete(state.resources, resourceKey(r.name, r.nodeName));
    for (const [k, sp] of state.storagePools.entries()) if (nameKey(sp.nodeName) === nk) tx.delete(state.storagePools, k);
    for (const [k, c] of state.nodeConnections.entries()) if (nameKey(c.nodeA) === nk || nameKey(c.nodeB) === nk) tx.delete(state.nodeConnections, k);
    for (const [k, c] of state.resourceConnections.entries()) if (nameKey(c.nodeA) === nk || nameKey(c.nodeB) === nk) tx.delete(state.resourceConnections, k);
    tx.delete(state.nodes, nk);
    return rs;
  });
  ctx.links.disconnect(nk);
  runtime.nodes.delete(nk);
  for (const r of gone) runtime.resources.delete(resourceKey(r.name, r.nodeName));
  for (const k of [...runtime.pools.keys()]) if (k.startsWith(`${nk}/`)) runtime.pools.delete(k);
  const rc = [rcEntry('DELETED', `Node '${node.name}' deleted.`, { obj: 'NODE', op: 'DEL', details: `Node '${node.name}' UUID was: ${node.uuid}`, objRefs: { Node: node.name } })];
  for (const r of gone) rc.push(rcEntry('DELETED', `Resource '${r.name}' on lost node '${node.name}' removed.`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: r.name, Node: node.name } }));
  // Peers of the removed resources get their new desired state (commit listener pushes it);
  // a tie-breaker left beside a single diskful replica goes too.
  for (const name of new Set(gone.map((r) => r.name))) rc.push(...await adjustTieBreaker(ctx, name));
  return rc;
}
