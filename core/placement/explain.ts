/**
 * Turns "why did placement fail" into the cause and correction of one ApiError, naming the
 * constraint that eliminated which nodes (the question every operator asks first).
 */
import { ApiError } from '../model/errors.js';
import { formatKib } from '../model/sizes.js';
import type { AutoSelectFilter } from '../model/types.js';
import type { Constraints } from './constraints.js';
import type { Rated } from './selector.js';

const MAX_NAMES = 5;

function plural(reason: string): string {
  return reason
    .replace(/^is /, 'are ')
    .replace(/^has /, 'have ')
    .replace(/^lacks /, 'lack ')
    .replace(/^does /, 'do ')
    .replace(/^already has /, 'already have ');
}

function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMES).join(', ');
  return names.length > MAX_NAMES ? `${shown} and ${names.length - MAX_NAMES} more` : shown;
}

/** "node c has AutoplaceTarget=false; 2 nodes (a, b) have no storage pool with 10 GiB free" */
export function describeVetoes(vetoes: Map<string, string>): string {
  const byReason = new Map<string, string[]>();
  for (const [node, reason] of vetoes) {
    const list = byReason.get(reason);
    if (list) list.push(node);
    else byReason.set(reason, [node]);
  }
  return [...byReason.entries()]
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .map(([reason, nodes]) => {
      const sorted = [...nodes].sort();
      return sorted.length === 1 ? `node ${sorted[0]} ${reason}` : `${sorted.length} nodes (${nameList(sorted)}) ${plural(reason)}`;
    })
    .join('; ');
}

function corrections(vetoes: Map<string, string>, selectorFailed: boolean): string {
  const reasons = [...vetoes.values()].join('\n');
  const hints: string[] = [];
  if (/free|capacity/.test(reasons)) hints.push('add storage or free space, or use a smaller volume size');
  if (reasons.includes('AutoplaceTarget=false')) hints.push('set AutoplaceTarget=true on the nodes or storage pools that may be used');
  if (/offline|evacuated/.test(reasons)) hints.push('bring the offline nodes back');
  if (/node list|storage pool named|provider|layer/.test(reasons)) hints.push('widen the node, storage pool, provider or layer lists');
  if (selectorFailed || /replicas-on|do-not-place-with/.test(reasons)) hints.push('relax replicas-on-same/replicas-on-different/do-not-place-with');
  hints.push('or lower the place count');
  return `To place the resource, ${hints.join('; ')}.`;
}

function describeConstraints(c: Constraints, f: AutoSelectFilter, qualifying: Rated[], allowMixing: boolean): string {
  const parts: string[] = [];
  for (const s of c.same) parts.push(`replicas-on-same ${s.key}${s.fixed !== undefined ? `=${s.fixed}` : ''}`);
  for (const d of c.diff) {
    const values = [...new Set(qualifying.map((r) => r.node.props[d.key]).filter((v) => v !== undefined))].sort();
    parts.push(`replicas-on-different ${d.key} (at most ${d.max} per value; qualifying values: ${values.join(', ') || 'none'})`);
  }
  if (!allowMixing) {
    const kinds = [...new Set(qualifying.map((r) => r.pool.providerKind))].sort();
    if (kinds.length > 1) parts.push(`one storage pool driver per resource (qualifying: ${kinds.join(', ')})`);
  }
  if (parts.length === 0 && f.x_replicas_on_different_map) parts.push('x-replicas-on-different');
  return parts.length > 0 ? parts.join(', ') : 'the placement constraints';
}

export interface FailureInput {
  resourceName: string;
  need: number;
  sizeKib: number;
  vetoes: Map<string, string>;
  /** Best pool per qualifying node. */
  qualifying: Rated[];
  constraints: Constraints;
  filter: AutoSelectFilter;
  allowMixing: boolean;
}

export function notEnoughNodes(inp: FailureInput): ApiError {
  const nodes = new Set(inp.qualifying.map((r) => r.node.name)).size;
  const head = `Placing ${inp.need} more diskful replica(s) of '${inp.resourceName}' (${formatKib(inp.sizeKib)}) needs ${inp.need} node(s); ${nodes} qualif${nodes === 1 ? 'ies' : 'y'}`;
  const selectorFailed = nodes >= inp.need;
  const why = selectorFailed
    ? `, but no ${inp.need} of them satisfy ${describeConstraints(inp.constraints, inp.filter, inp.qualifying, inp.allowMixing)}`
    : '';
  const vetoText = inp.vetoes.size > 0 ? `. ${describeVetoes(inp.vetoes)}` : '';
  return new ApiError('FAIL_NOT_ENOUGH_NODES', 'Not enough available nodes', {
    cause: `${head}${why}${vetoText}.`,
    correction: corrections(inp.vetoes, selectorFailed),
  });
}
