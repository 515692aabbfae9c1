/**
 * replicas-on-same / replicas-on-different / x-replicas-on-different, resolved against the
 * replicas a resource already has (as LINSTOR's StorPoolFilter and SelectionManager do).
 */
import { ApiError } from '../model/errors.js';
import type { AutoSelectFilter } from '../model/types.js';
import type { PlacementNode } from './types.js';

/** All replicas must share one value of `key`; `fixed` is that value when already known. */
export interface SameConstraint {
  key: string;
  fixed?: string;
  /** Existing replicas already sit on another value than the requested `key=value`. */
  conflict?: string;
}

/**
 * Each value of `key` may hold at most `max` replicas. `remaining` holds values already
 * used (by existing replicas) or forbidden (`key=value`, remaining -1); unseen values start at max.
 */
export interface DiffConstraint {
  key: string;
  max: number;
  remaining: Map<string, number>;
  forbidden: Set<string>;
}

export interface Constraints {
  same: SameConstraint[];
  diff: DiffConstraint[];
}

function splitKv(entry: string): [string, string | undefined] {
  const i = entry.indexOf('=');
  return i === -1 ? [entry, undefined] : [entry.slice(0, i), entry.slice(i + 1)];
}

function xCount(filter: AutoSelectFilter, key: string): number {
  const v = filter.x_replicas_on_different_map?.[key];
  if (v === undefined) return 1;
  if (!Number.isInteger(v) || v < 1) {
    throw new ApiError('FAIL_INVLD_PLACE_COUNT', `x-replicas-on-different for '${key}' must be a positive integer, not '${String(v)}'.`, {
      correction: 'Give a count of at least 1, e.g. --x-replicas-on-different 2 Aux/site.',
    });
  }
  return v;
}

/** `existing`: nodes of the diskful replicas that count (not evacuating, not deleting). */
export function buildConstraints(filter: AutoSelectFilter, existing: PlacementNode[]): Constraints {
  const same: SameConstraint[] = [];
  for (const entry of filter.replicas_on_same ?? []) {
    const [key, value] = splitKv(entry);
    const seen = [...new Set(existing.map((n) => n.props[key]).filter((v): v is string => v !== undefined))].sort();
    if (value !== undefined) {
      const other = seen.find((v) => v !== value);
      same.push(other === undefined ? { key, fixed: value } : { key, fixed: value, conflict: other });
      continue;
    }
    if (seen.length > 1) {
      throw new ApiError('FAIL_UNDECIDABLE_AUTOPLACMENT', `The property in --replicas-on-same '${key}' is already set on deployed nodes with different values.`, {
        cause: `Existing replicas are on nodes with ${key} = ${seen.join(', ')}; the autoplacer cannot decide which value to continue with.`,
        correction: `Give the value explicitly (--replicas-on-same ${key}=VALUE) or move the existing replicas.`,
      });
    }
    same.push(seen.length === 1 ? { key, fixed: seen[0] } : { key });
  }

  const diffByKey = new Map<string, DiffConstraint>();
  const diffFor = (key: string): DiffConstraint => {
    let d = diffByKey.get(key);
    if (!d) {
      d = { key, max: xCount(filter, key), remaining: new Map(), forbidden: new Set() };
      diffByKey.set(key, d);
    }
    return d;
  };
  for (const entry of filter.replicas_on_different ?? []) {
    const [key, value] = splitKv(entry);
    const d = diffFor(key);
    if (value !== undefined) {
      d.forbidden.add(value);
      d.remaining.set(value, -1);
    }
  }
  for (const key of Object.keys(filter.x_replicas_on_different_map ?? {}).sort()) diffFor(key);
  for (const d of diffByKey.values()) {
    for (const n of existing) {
      const v = n.props[d.key];
      if (v === undefined) continue;
      const left = d.remaining.get(v) ?? d.max;
      if (left > 0) d.remaining.set(v, left - 1);
    }
  }
  return { same, diff: [...diffByKey.values()] };
}

/** Why a node's props rule it out before selection, or undefined if they do not. */
export function nodePropsVeto(node: PlacementNode, c: Constraints): string | undefined {
  for (const s of c.same) {
    if (s.conflict !== undefined) return `cannot join the existing replicas on ${s.key}=${s.conflict} (replicas-on-same ${s.key}=${s.fixed})`;
    const v = node.props[s.key];
    if (v === undefined) return `lacks property '${s.key}' (replicas-on-same)`;
    if (s.fixed !== undefined && v !== s.fixed) return `has ${s.key}=${v} but replicas-on-same needs ${s.key}=${s.fixed}`;
  }
  for (const d of c.diff) {
    const v = node.props[d.key];
    if (v === undefined) continue;
    if (d.forbidden.has(v)) return `has ${d.key}=${v}, which replicas-on-different excludes`;
    const left = d.remaining.get(v);
    if (left !== undefined && left <= 0) return `has ${d.key}=${v}, already used by ${d.max} existing replica(s) (replicas-on-different)`;
  }
  return undefined;
}
