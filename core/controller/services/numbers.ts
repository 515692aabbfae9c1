/**
 * DRBD numbers for resource definitions, volume definitions and resources, allocated per node.
 *
 * The scheme (see core/placement/numbers.ts for the allocator): a TCP port is a listening
 * socket on one host and a minor is /dev/drbdN on one host, so a number only has to be free on
 * the nodes that use it, not in the whole cluster. LINSTOR's cluster-wide rule caps a cluster
 * at ~1,000 resource definitions (TcpPortAutoRange 7000-7999); ours does not:
 *
 *  - A resource definition keeps a *preferred* port and each volume definition a preferred
 *    minor (what the REST API shows). New definitions get the lowest number no other definition
 *    prefers while the range lasts, so most resources never need anything else; once the range
 *    is used up, numbers are shared between definitions instead of failing.
 *  - When the first resources of a definition are placed, the preferred number is moved to one
 *    free on all their nodes if it is taken on one of them.
 *  - A resource created on a node where the preferred number is already used there gets its own
 *    number (Resource.drbdPort, VolumeState.minorNumber); the desired state gives every peer its
 *    own port in `address ip:port`, which DRBD allows.
 *
 * Everything is built from the state inside the mutate callback, so two concurrent creates
 * cannot pick the same number on the same node.
 */
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { Resource, ResourceDefinition } from '../../model/types.js';
import { NodeNumberAllocator, type NumberRange } from '../../placement/index.js';
import type { ClusterState } from '../state/cluster-state.js';
import { preferredNumbers } from './preferred-numbers.js';

export const MAX_DRBD_NODE_ID = 31;

/** Lowest number of the range no definition prefers yet; when all are, the least shared one. */
function leastPreferred(range: NumberRange, count: (n: number) => number): number {
  for (let n = range.min; n <= range.max; n++) if (!count(n)) return n;
  let best = range.min;
  for (let n = range.min; n <= range.max; n++) if (count(n) < count(best)) best = n;
  return best;
}

export function allocateTcpPort(state: ClusterState, preferred?: number, exceptRd?: string): number {
  const range = NodeNumberAllocator.tcpPorts(state.ctrlProps).getRange();
  const counts = preferredNumbers(state);
  return counts.view((part) => {
    // The definition being changed does not compete with itself.
    const own = exceptRd !== undefined ? part(exceptRd)?.port : undefined;
    const count = (n: number) => (counts.ports.get(n) ?? 0) - (n === own ? 1 : 0);
    if (preferred !== undefined) {
      // An explicitly given port stays exclusive, as in LINSTOR: the user asked for this one.
      if (count(preferred) > 0) throw new ApiError('FAIL_INVLD_TCP_PORT', `The TCP port '${preferred}' is already in use.`, { correction: 'Choose another TCP port, or leave it out to get a free one.' });
      return preferred;
    }
    return leastPreferred(range, count);
  });
}

/** Preferred minor for a new volume definition; `extra` are minors picked earlier in the same transaction. */
export function allocateMinor(state: ClusterState, preferred?: number, extra: number[] = []): number {
  const range = NodeNumberAllocator.minors(state.ctrlProps).getRange();
  const counts = preferredNumbers(state);
  return counts.view(() => {
    const picked = new Map<number, number>();
    for (const m of extra) picked.set(m, (picked.get(m) ?? 0) + 1);
    const count = (n: number) => (counts.minors.get(n) ?? 0) + (picked.get(n) ?? 0);
    if (preferred !== undefined) {
      if (count(preferred) > 0) throw new ApiError('FAIL_INVLD_MINOR_NR', `The minor number '${preferred}' is already in use.`, { correction: 'Choose another minor number, or leave it out to get a free one.' });
      return preferred;
    }
    return leastPreferred(range, count);
  });
}

export const portOf = (rd: ResourceDefinition, r: Resource): number | undefined => r.drbdPort ?? rd.drbd?.port;
export const minorOf = (rd: ResourceDefinition, r: Resource, vlmNr: number): number | undefined =>
  r.volumes[String(vlmNr)]?.minorNumber ?? rd.volumeDefinitions.find((v) => v.volumeNumber === vlmNr)?.minorNumber;

/** Ports and minors in use on the given nodes (every DRBD resource there, whatever its definition). */
export class NodeNumbers {
  readonly ports: NodeNumberAllocator;
  readonly minors: NodeNumberAllocator;
  constructor(state: ClusterState, nodes: readonly string[]) {
    this.ports = NodeNumberAllocator.tcpPorts(state.ctrlProps);
    this.minors = NodeNumberAllocator.minors(state.ctrlProps);
    // Only the given nodes' resources, from the table's index.
    for (const node of new Set(nodes.map(nameKey))) {
      for (const r of state.resources.withSegment(1, node)) {
        if (!r.layerStack.includes('DRBD')) continue;
        const rd = state.resourceDefinitions.get(nameKey(r.name));
        if (rd) this.take(rd, r);
      }
    }
    // DRBD Proxy connections listen on their own port on both nodes (core/controller/drbd-proxy).
    const mine = new Set(nodes.map(nameKey));
    for (const c of state.resourceConnections.values()) {
      if (c.port === undefined) continue;
      for (const n of [c.nodeA, c.nodeB]) if (mine.has(nameKey(n))) this.ports.markUsed(n, c.port);
    }
  }

  take(rd: ResourceDefinition, r: Resource): void {
    const p = portOf(rd, r);
    if (p !== undefined) this.ports.markUsed(r.nodeName, p);
    for (const vd of rd.volumeDefinitions) {
      const m = minorOf(rd, r, vd.volumeNumber);
      if (m !== undefined) this.minors.markUsed(r.nodeName, m);
    }
  }

  /**
   * First placement of a definition: move its preferred port and minors to numbers free on all
   * `nodes` when they are taken on one of them, so its resources share one port as usual.
   */
  rebase(rd: ResourceDefinition, nodes: readonly string[]): ResourceDefinition {
    let next = rd;
    const port = rd.drbd?.port;
    if (port !== undefined && !nodes.every((n) => this.ports.isFree(n, port))) {
      const p = this.ports.lowestFree(nodes);
      if (p !== undefined) next = { ...next, drbd: { ...next.drbd, port: p } };
    }
    // Minors picked for earlier volumes are held while choosing the next, then let go:
    // assign() takes them for real per node.
    const held: Array<[string, number]> = [];
    const vds = next.volumeDefinitions.map((vd) => {
      let m = vd.minorNumber;
      if (m === undefined) return vd;
      if (!nodes.every((n) => this.minors.isFree(n, m!))) m = this.minors.lowestFree(nodes) ?? m;
      for (const n of nodes) if (this.minors.markUsed(n, m)) held.push([n, m]);
      return m === vd.minorNumber ? vd : { ...vd, minorNumber: m };
    });
    for (const [n, m] of held) this.minors.release(n, m);
    if (vds.some((v, i) => v !== next.volumeDefinitions[i])) next = { ...next, volumeDefinitions: vds };
    return next;
  }

  /** The per-node overrides a new resource on `node` needs, marking its numbers used there. */
  assign(rd: ResourceDefinition, node: string): { drbdPort?: number; minors: Record<string, number> } {
    const out: { drbdPort?: number; minors: Record<string, number> } = { minors: {} };
    const port = rd.drbd?.port;
    if (port !== undefined) {
      const p = this.ports.allocateOnNode(node, port);
      if (p !== port) out.drbdPort = p;
    }
    for (const vd of rd.volumeDefinitions) {
      if (vd.minorNumber === undefined) continue;
      const m = this.minors.allocateOnNode(node, vd.minorNumber);
      if (m !== vd.minorNumber) out.minors[String(vd.volumeNumber)] = m;
    }
    return out;
  }
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
