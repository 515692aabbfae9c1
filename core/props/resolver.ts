import type { Props } from '../model/types.js';

/**
 * Property inheritance: one resolver answers "what is the effective value and which level
 * set it". Levels are given from the most general (controller) to the most specific
 * (resource, volume); a more specific level overrides a more general one.
 */
export interface PropLevel {
  /** e.g. 'controller', 'resource-group', 'resource-definition', 'resource', 'node'. */
  level: string;
  props: Props;
}

export interface ResolvedProp {
  value: string;
  level: string;
  /** Values this one overrides, most specific first (LINSTOR's effective_props `other`). */
  overridden: Array<{ value: string; level: string }>;
}

export function resolveProp(key: string, levels: readonly PropLevel[]): ResolvedProp | undefined {
  let found: ResolvedProp | undefined;
  for (const l of levels) {
    const v = l.props[key];
    if (v === undefined) continue;
    found = { value: v, level: l.level, overridden: found ? [{ value: found.value, level: found.level }, ...found.overridden] : [] };
  }
  return found;
}

export function propValue(key: string, levels: readonly PropLevel[]): string | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const v = levels[i]!.props[key];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** All effective props, with the level that set each. */
export function resolveAll(levels: readonly PropLevel[]): Map<string, ResolvedProp> {
  const keys = new Set<string>();
  for (const l of levels) for (const k of Object.keys(l.props)) keys.add(k);
  const out = new Map<string, ResolvedProp>();
  for (const k of [...keys].sort()) out.set(k, resolveProp(k, levels)!);
  return out;
}

/** The merged map: what a satellite gets as "effective props". */
export function mergeProps(levels: readonly PropLevel[]): Props {
  return Object.assign({}, ...levels.map((l) => l.props)) as Props;
}
