/**
 * Step 2 of the autoplacer (LINSTOR's StrategyHandler): rate each remaining pool with the
 * weighted strategies. Each strategy's raw values are normalised by the largest magnitude among
 * the pools, multiplied by its weight (negated for the minimising ones) and summed.
 */
import { KEY_AUTOPLACE_MAX_THROUGHPUT, NAMESPC_AUTOPLACER, NAMESPC_AUTOPLACER_WEIGHTS } from '../model/apiconsts.js';
import type { Props } from '../model/types.js';
import { poolProp } from './capacity.js';
import type { Candidate } from './filter.js';
import { STRATEGIES, type StrategyName, type Weights } from './types.js';

/** The guide's defaults: only free space counts unless the admin sets other weights. */
export const DEFAULT_WEIGHTS: Readonly<Weights> = { MaxFreeSpace: 1, MinReservedSpace: 0, MinRscCount: 0, MaxThroughput: 0 };

const MINIMISE: ReadonlySet<StrategyName> = new Set(['MinReservedSpace', 'MinRscCount']);

/** Reads `Autoplacer/Weights/<Strategy>`; an unparsable value counts as 1.0, as in LINSTOR. */
export function readWeights(ctrlProps: Props): Weights {
  const w: Weights = { ...DEFAULT_WEIGHTS };
  for (const s of STRATEGIES) {
    const raw = ctrlProps[`${NAMESPC_AUTOPLACER_WEIGHTS}/${s}`];
    if (raw === undefined) continue;
    const v = Number(raw);
    w[s] = raw.trim() !== '' && Number.isFinite(v) ? v : 1;
  }
  return w;
}

function maxThroughput(c: Candidate, ctrl: Props): number {
  const key = `${NAMESPC_AUTOPLACER}/${KEY_AUTOPLACE_MAX_THROUGHPUT}`;
  const raw = poolProp(c.pool, ctrl, key) ?? '0';
  const v = Number(raw);
  return (Number.isFinite(v) ? v : 0) - (c.pool.usedThroughput ?? 0);
}

function raw(s: StrategyName, c: Candidate, ctrl: Props): number {
  switch (s) {
    case 'MaxFreeSpace': return c.freeKib;
    case 'MinReservedSpace': return c.pool.reservedKib;
    case 'MinRscCount': return c.entry.rscCount;
    case 'MaxThroughput': return maxThroughput(c, ctrl);
  }
}

/** Sets each candidate's score. Strategies with weight 0 are not computed. */
export function rateCandidates(cands: Candidate[], ctrl: Props, weights: Weights): void {
  const values = new Float64Array(cands.length);
  for (const c of cands) c.score = 0;
  for (const s of STRATEGIES) {
    const w = weights[s];
    if (w === 0) continue;
    let top = 0;
    for (let i = 0; i < cands.length; i++) {
      const v = raw(s, cands[i], ctrl);
      values[i] = v;
      if (Math.abs(v) > top) top = Math.abs(v);
    }
    // LINSTOR divides by the highest non-zero value; the magnitude keeps signs right when
    // values are negative (over-committed throughput).
    const signed = MINIMISE.has(s) ? -w : w;
    for (let i = 0; i < cands.length; i++) cands[i].score += (top === 0 ? 0 : values[i] / top) * signed;
  }
}
