/**
 * How many resource definitions prefer each TCP port and each minor (volume definitions),
 * kept up to date on commit instead of counted over every definition at each create.
 */
import type { ResourceDefinition } from '../../model/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { addToCount, DefinitionIndex, perState } from '../state/definition-index.js';

export interface PreferredPart { port?: number; minors: number[] }

export class PreferredNumbers {
  readonly ports = new Map<number, number>();
  readonly minors = new Map<number, number>();
  private readonly index: DefinitionIndex<PreferredPart>;

  constructor(state: ClusterState) {
    this.index = new DefinitionIndex<PreferredPart>(state, {
      partOf: (s, rdKey) => partOf(s.resourceDefinitions.get(rdKey)),
      apply: (p, sign) => {
        if (p.port !== undefined) addToCount(this.ports, p.port, sign);
        for (const m of p.minors) addToCount(this.minors, m, sign);
      },
    }, ['resource_definitions']);
  }

  /** Runs `fn` with the counts as the current reader sees them; `part(rdKey)` is one definition's. */
  view<R>(fn: (part: (rdKey: string) => PreferredPart | undefined) => R): R {
    return this.index.withView((overlay) => fn((k) => (overlay.has(k) ? overlay.get(k) : this.index.committedPart(k))));
  }
}

export function partOf(rd: ResourceDefinition | undefined): PreferredPart | undefined {
  if (!rd) return undefined;
  const minors: number[] = [];
  for (const vd of rd.volumeDefinitions) if (vd.minorNumber !== undefined) minors.push(vd.minorNumber);
  if (rd.drbd?.port === undefined && !minors.length) return undefined;
  return { ...(rd.drbd?.port !== undefined ? { port: rd.drbd.port } : {}), minors };
}

/** The state's preferred-number counts (created on first use). */
export const preferredNumbers = perState((state) => new PreferredNumbers(state));
