/**
 * DRBD numbers for resource definitions, volume definitions and resources. Uses the
 * placement module's NodeNumberAllocator with one pseudo node ('*') so ports and minors stay
 * unique cluster-wide, as LINSTOR's API shows them (one port per RD, one minor per VD).
 * The per-node allocation numbers.ts offers needs per-resource ports in the model; until
 * then this keeps LINSTOR's simpler rule. Built from the state on each call, inside the
 * mutate callback, so two concurrent creates cannot pick the same number.
 */
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { NodeNumberAllocator } from '../../placement/index.js';
import type { ClusterState } from '../state/cluster-state.js';

const ALL = ['*'];
export const MAX_DRBD_NODE_ID = 31;

function checkPreferred(alloc: NodeNumberAllocator, n: number | undefined, what: string, rc: 'FAIL_INVLD_TCP_PORT' | 'FAIL_INVLD_MINOR_NR'): void {
  if (n === undefined) return;
  if (!alloc.isFree('*', n)) {
    throw new ApiError(rc, `The ${what} '${n}' is already in use.`, { correction: `Choose another ${what}, or leave it out to get a free one.` });
  }
}

export function allocateTcpPort(state: ClusterState, preferred?: number, exceptRd?: string): number {
  const alloc = NodeNumberAllocator.tcpPorts(state.ctrlProps);
  for (const rd of state.resourceDefinitions.values()) {
    if (rd.drbd?.port !== undefined && nameKey(rd.name) !== exceptRd) alloc.markUsed('*', rd.drbd.port);
  }
  checkPreferred(alloc, preferred, 'TCP port', 'FAIL_INVLD_TCP_PORT');
  return preferred ?? alloc.allocate(ALL);
}

/** Minors already used by every volume definition, plus `extra` (minors picked earlier in the same transaction). */
export function allocateMinor(state: ClusterState, preferred?: number, extra: number[] = []): number {
  const alloc = NodeNumberAllocator.minors(state.ctrlProps);
  for (const rd of state.resourceDefinitions.values()) {
    for (const vd of rd.volumeDefinitions) if (vd.minorNumber !== undefined) alloc.markUsed('*', vd.minorNumber);
  }
  for (const m of extra) alloc.markUsed('*', m);
  checkPreferred(alloc, preferred, 'minor number', 'FAIL_INVLD_MINOR_NR');
  return preferred ?? alloc.allocate(ALL);
}

/** DRBD node ids 0..31, unique within one resource definition. */
export function allocateNodeId(used: Set<number>, preferred?: number): number {
  if (preferred !== undefined) {
    if (!Number.isInteger(preferred) || preferred < 0 || preferred > MAX_DRBD_NODE_ID) {
      throw new ApiError('FAIL_INVLD_NODE_ID', `DRBD node id '${preferred}' is invalid.`, { correction: `Use a node id between 0 and ${MAX_DRBD_NODE_ID}.` });
    }
    if (used.has(preferred)) throw new ApiError('FAIL_INVLD_NODE_ID', `DRBD node id '${preferred}' is already in use.`, { correction: 'Leave drbd_node_id out to get a free one.' });
    return preferred;
  }
  for (let i = 0; i <= MAX_DRBD_NODE_ID; i++) if (!used.has(i)) return i;
  throw new ApiError('FAIL_POOL_EXHAUSTED_NODE_ID', 'No free DRBD node id.', {
    cause: `A resource definition can have at most ${MAX_DRBD_NODE_ID + 1} DRBD resources.`, correction: 'Delete a resource of this definition first.',
  });
}
