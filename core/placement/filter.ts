/**
 * Step 1 of the autoplacer (LINSTOR's StorPoolFilter): drop every node and storage pool that
 * cannot take a diskful replica, and remember why, so a failed placement can say which
 * constraint eliminated whom.
 */
import { KEY_AUTOPLACE_ALLOW_TARGET } from '../model/apiconsts.js';
import { ApiError } from '../model/errors.js';
import { formatKib } from '../model/sizes.js';
import { nameKey } from '../model/names.js';
import type { AutoSelectFilter, Props } from '../model/types.js';
import { compileUserRegex } from '../model/user-regex.js';
import { nodesWithResources, poolFree, type ClusterIndex, type NodeEntry, type PoolEntry } from './cluster-index.js';
import { nodePropsVeto, type Constraints } from './constraints.js';
import { propChain } from '../props/chain.js';
import { propValue } from '../props/resolver.js';
import type { PlacementNode, PlacementStoragePool } from './types.js';

export interface Candidate {
  node: PlacementNode;
  nodeKey: string;
  pool: PlacementStoragePool;
  entry: PoolEntry;
  freeKib: number;
  /** Filled in by rateCandidates. */
  score: number;
}

export interface FilterResult {
  candidates: Candidate[];
  /** Node name -> why none of its pools qualifies. */
  vetoes: Map<string, string>;
}

export interface FilterInput {
  filter: AutoSelectFilter;
  sizeKib: number;
  constraints: Constraints;
  /** nameKeys of nodes that already hold a replica of the resource. */
  occupied: Set<string>;
  resourceName: string;
  ctrlProps: Props;
}

interface Ctx {
  nodeNames?: Set<string>;
  poolNames?: Set<string>;
  poolNamesText: string;
  providers?: Set<string>;
  layers: string[];
  avoid?: Map<string, string>;
}

const upperSet = (xs: readonly string[] | undefined): Set<string> | undefined =>
  xs && xs.length > 0 ? new Set(xs.map((x) => x.toUpperCase())) : undefined;

/** Layers the target node must support; for NVMe only NVMe and below matter (target side). */
function requiredLayers(filter: AutoSelectFilter): string[] {
  const layers = (filter.layer_stack ?? []).map((l) => l.toUpperCase());
  const nvme = layers.indexOf('NVME');
  return nvme === -1 ? layers : layers.slice(nvme);
}

/** Node key -> resource that keeps the new one away (do-not-place-with and its regex). */
function avoidedNodes(idx: ClusterIndex, filter: AutoSelectFilter): Map<string, string> | undefined {
  const names = upperSet(filter.not_place_with_rsc);
  const src = filter.not_place_with_rsc_regex;
  // RE2: a user's pattern runs in linear time, never freezing placement (or the controller).
  const re = src !== undefined && src !== '' ? compileUserRegex(src, 'not_place_with_rsc_regex', { flags: 'i', rc: 'FAIL_INVLD_PROP' }) : undefined;
  if (!names && !re) return undefined;
  const memoKey = JSON.stringify([[...(names ?? [])].sort(), src ?? null]);
  return nodesWithResources(idx, memoKey, (rsc) => (names?.has(rsc.toUpperCase()) ?? false) || (re?.test(rsc) ?? false));
}

function nodeVeto(e: NodeEntry, inp: FilterInput, ctx: Ctx): string | undefined {
  const node = e.node;
  if (!node.online) return 'is offline';
  if (node.deleting) return 'is being deleted';
  if (node.evacuating) return 'is being evacuated';
  if (ctx.nodeNames && !ctx.nodeNames.has(e.key)) return 'is not in the node list';
  if (inp.occupied.has(e.key)) return `already has a replica of '${inp.resourceName}'`;
  const propVeto = nodePropsVeto(node, inp.constraints);
  if (propVeto) return propVeto;
  const target = propValue(KEY_AUTOPLACE_ALLOW_TARGET, propChain({ controller: inp.ctrlProps, node }));
  if (target?.toLowerCase() === 'false') return `has ${KEY_AUTOPLACE_ALLOW_TARGET}=false`;
  if (e.layers) {
    const missing = ctx.layers.find((l) => !e.layers!.has(l));
    if (missing) return `does not support layer ${missing}`;
  }
  const blocker = ctx.avoid?.get(e.key);
  if (blocker !== undefined) return `has resource '${blocker}' (do-not-place-with)`;
  return undefined;
}

/** Checks one pool; returns its free KiB, or [rank, reason] (higher rank = got further). */
function poolVeto(idx: ClusterIndex, pe: PoolEntry, e: NodeEntry, inp: FilterInput, ctx: Ctx): [number, string] | number {
  const pool = pe.pool;
  if (ctx.poolNames && !ctx.poolNames.has(pool.name.toUpperCase())) return [1, `has no storage pool named ${ctx.poolNamesText}`];
  if (ctx.providers && !ctx.providers.has(pool.providerKind)) return [2, `has no storage pool of provider ${[...ctx.providers].join('/')}`];
  if (e.providers && !e.providers.has(pool.providerKind)) return [3, `does not support provider ${pool.providerKind}`];
  if (pool.props[KEY_AUTOPLACE_ALLOW_TARGET]?.toLowerCase() === 'false') return [4, `has its storage pool(s) set to ${KEY_AUTOPLACE_ALLOW_TARGET}=false`];
  const free = poolFree(idx, pe);
  if (free === undefined) return [5, 'has not reported free capacity yet'];
  if (free < inp.sizeKib) return [6, `has no storage pool with ${formatKib(inp.sizeKib)} free`];
  return free;
}

export function filterStoragePools(idx: ClusterIndex, inp: FilterInput): FilterResult {
  const f = inp.filter;
  const poolList = [...new Set([...(f.storage_pool ? [f.storage_pool] : []), ...(f.storage_pool_list ?? [])])];
  const ctx: Ctx = {
    nodeNames: f.node_name_list && f.node_name_list.length > 0 ? new Set(f.node_name_list.map(nameKey)) : undefined,
    poolNames: upperSet(poolList),
    poolNamesText: poolList.join('/'),
    providers: upperSet(f.provider_list),
    layers: requiredLayers(f),
    avoid: avoidedNodes(idx, f),
  };
  const candidates: Candidate[] = [];
  const vetoes = new Map<string, string>();
  for (const e of idx.sortedNodes) {
    const veto = nodeVeto(e, inp, ctx);
    if (veto) {
      vetoes.set(e.node.name, veto);
      continue;
    }
    let best: [number, string] = [0, 'has no diskful storage pool'];
    let found = false;
    for (const pe of e.diskful) {
      const r = poolVeto(idx, pe, e, inp, ctx);
      if (typeof r === 'number') {
        candidates.push({ node: e.node, nodeKey: e.key, pool: pe.pool, entry: pe, freeKib: r, score: 0 });
        found = true;
      } else if (r[0] > best[0]) best = r;
    }
    if (!found) vetoes.set(e.node.name, best[1]);
  }
  return { candidates, vetoes };
}
