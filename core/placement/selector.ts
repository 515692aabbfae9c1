/**
 * Step 3 of the autoplacer (LINSTOR's Selector/SelectionManager): pick `need` pools, one per
 * node, maximising the summed score while honouring replicas-on-same, replicas-on-different,
 * x-replicas-on-different and one storage-pool driver per resource.
 *
 * Unlike LINSTOR's greedy-with-restarts search this is an exact branch and bound:
 *  - every node offers only its best pool (constraints are per node, so a lower pool on the
 *    same node can never do better), split by provider kind unless mixing is allowed;
 *  - replicas-on-same splits nodes into groups by their values, each searched on its own;
 *  - the depth-first search over nodes sorted by score stops a branch when even the best
 *    remaining scores cannot beat the best selection found;
 *  - at one depth, a node whose replicas-on-different values equal those of a node already
 *    tried there is skipped: the earlier node scores at least as high and constrains the same,
 *    so every completion of the later one is dominated. This keeps the search to
 *    (#distinct value tuples)^need instead of nodes^need, and it stays exhaustive, so it fails
 *    only when no valid selection exists.
 */
import type { ProviderKind } from '../model/types.js';
import type { Constraints, DiffConstraint } from './constraints.js';
import type { PlacementNode, PlacementStoragePool } from './types.js';

export interface Rated {
  node: PlacementNode;
  /** nameKey(node.name), precomputed: the tie-breaker. */
  nodeKey: string;
  pool: PlacementStoragePool;
  score: number;
}

export interface SelectOptions {
  allowMixing: boolean;
  /** Provider kinds the resource's existing diskful replicas use. */
  existingKinds: ReadonlySet<ProviderKind>;
  /** Upper bound on search steps; a safety net for adversarial constraint sets. */
  budget?: number;
}

const byScore = (a: Rated, b: Rated): number =>
  b.score - a.score || cmp(a.nodeKey, b.nodeKey) || cmp(a.pool.name, b.pool.name);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Best pool per node, sorted best first. Input comes grouped by node (the filter's order). */
function bestPerNode(pools: Rated[]): Rated[] {
  const out: Rated[] = [];
  let cur: Rated | undefined;
  for (const r of pools) {
    if (cur && cur.nodeKey === r.nodeKey) {
      if (byScore(r, cur) < 0) cur = out[out.length - 1] = r;
    } else {
      cur = r;
      out.push(r);
    }
  }
  return out.sort(byScore);
}

function groupBy<T>(xs: T[], key: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/** The pool groups a selection may come from: one per provider kind unless mixing is allowed. */
export function kindGroups(rated: Rated[], opts: SelectOptions): Rated[][] {
  const usable = opts.existingKinds.size > 0 && !opts.allowMixing ? rated.filter((r) => opts.existingKinds.has(r.pool.providerKind)) : rated;
  if (opts.allowMixing || opts.existingKinds.size > 1) return [usable];
  return groupBy(usable, (r) => r.pool.providerKind);
}

export function selectReplicas(rated: Rated[], need: number, c: Constraints, opts: SelectOptions): Rated[] | undefined {
  if (need <= 0) return [];
  const undecided = c.same.filter((s) => s.fixed === undefined).map((s) => s.key);
  let best: { pick: Rated[]; score: number } | undefined;
  const budget = { left: opts.budget ?? 2_000_000 };
  for (const kindGroup of kindGroups(rated, opts)) {
    const nodes = bestPerNode(kindGroup);
    const sameGroups = undecided.length === 0 ? [nodes] : groupBy(nodes, (r) => JSON.stringify(undecided.map((k) => r.node.props[k])));
    for (const group of sameGroups) {
      const found = search(group, need, c.diff, budget);
      if (found && (!best || found.score > best.score)) best = found;
    }
  }
  return best?.pick;
}

function search(list: Rated[], need: number, diff: DiffConstraint[], budget: { left: number }): { pick: Rated[]; score: number } | undefined {
  if (list.length < need) return undefined;
  // Computed lazily: the search usually touches only the first few nodes of a long list.
  const valCache: (string | undefined)[][] = [];
  const sigCache: string[] = [];
  const valsOf = (i: number) => (valCache[i] ??= diff.map((d) => list[i].node.props[d.key]));
  const sigOf = (i: number) => (sigCache[i] ??= diff.length === 0 ? '' : JSON.stringify(valsOf(i)));
  const prefix = new Float64Array(list.length + 1);
  for (let i = 0; i < list.length; i++) prefix[i + 1] = prefix[i] + list[i].score;
  const rem = diff.map((d) => new Map(d.remaining));
  const chosen: number[] = [];
  let bestPick: number[] | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;

  const allowed = (i: number): boolean =>
    diff.every((d, j) => {
      const v = valsOf(i)[j];
      return v === undefined || (rem[j].get(v) ?? d.max) > 0;
    });
  // At most one value per key may be partially filled (x-replicas-on-different 2 with 3
  // replicas means 2+1, never 1+1+1), as LINSTOR's SelectionManager.isValid demands.
  const valid = (): boolean => rem.every((m) => [...m.values()].filter((left) => left > 0).length <= 1);

  const dfs = (start: number, depth: number, cur: number): void => {
    if (depth === need) {
      if (valid() && cur > bestScore) {
        bestScore = cur;
        bestPick = [...chosen];
      }
      return;
    }
    const left = need - depth;
    const tried = new Set<string>();
    for (let i = start; i + left <= list.length; i++) {
      if (cur + prefix[i + left] - prefix[i] <= bestScore) break;
      const sig = sigOf(i);
      if (tried.has(sig)) continue;
      tried.add(sig);
      if (!allowed(i)) continue;
      if (--budget.left < 0) return;
      const vals = valsOf(i);
      const undo = diff.map((d, j) => {
        const v = vals[j];
        if (v === undefined) return undefined;
        const prev = rem[j].get(v);
        rem[j].set(v, (prev ?? d.max) - 1);
        return prev;
      });
      chosen.push(i);
      dfs(i + 1, depth + 1, cur + list[i].score);
      chosen.pop();
      diff.forEach((_, j) => {
        const v = vals[j];
        if (v === undefined) return;
        const prev = undo[j];
        if (prev === undefined) rem[j].delete(v);
        else rem[j].set(v, prev);
      });
    }
  };
  dfs(0, 0, 0);
  return bestPick && { pick: bestPick.map((i) => list[i]), score: bestScore };
}
