import { isDisklessResource } from '../../model/resource-flags.js';
import type { Resource } from '../../model/types.js';
import type { PlacementResourceKind } from '../../placement/index.js';

export function resourceKind(r: Resource): PlacementResourceKind {
  if (r.flags.includes('TIE_BREAKER')) return 'TIE_BREAKER';
  return isDisklessResource(r.flags) ? 'DISKLESS' : 'DISKFUL';
}

export function isDiskful(r: Resource): boolean {
  return resourceKind(r) === 'DISKFUL';
}
