/**
 * DRBD TCP ports and minor numbers, allocated per node instead of cluster-wide.
 *
 * Why: LINSTOR hands every resource definition a port from TcpPortAutoRange (7000-7999) that
 * no other resource definition anywhere may use, which caps a cluster at ~1,000 resources.
 * But a port is a listening socket on one host, and a minor is /dev/drbdN on one host: two
 * resources that share no node can never collide. So we track, for each node, which numbers
 * are in use there, and a resource only needs a number that is free on the nodes it lives on.
 * With 1,000 ports and resources spread over disjoint node sets (say 300 three-node sets),
 * the cluster holds 1,000 resources per node set instead of 1,000 in total.
 *
 * The allocator prefers one number free on *all* of a resource's nodes (so the resource
 * definition can carry a single port, and a volume a single minor, as LINSTOR's API shows),
 * and falls back to per-node numbers (allocateOnNode) when a node joins later and the shared
 * number is taken there; DRBD accepts a different port per host and a different minor per host.
 *
 * The choice is deterministic: the preferred number if it is free on every node, else the
 * lowest number free on every node. Each node keeps a bitmap of the range plus a hint at its
 * first word with a free bit; the lowest common free number starts at the largest hint and ORs
 * one 32-bit word per node per step, so a decision costs O(nodes x words skipped), amortised
 * O(nodes) for a growing cluster, independent of how many resources exist.
 */
import { KEY_MINOR_NR_AUTO_RANGE, KEY_TCP_PORT_AUTO_RANGE } from '../model/apiconsts.js';
import { ApiError } from '../model/errors.js';
import { nameKey } from '../model/names.js';
import type { Props } from '../model/types.js';

export interface NumberRange {
  min: number;
  max: number;
}

export const DEFAULT_TCP_PORT_RANGE: Readonly<NumberRange> = { min: 7000, max: 7999 };
export const DEFAULT_MINOR_RANGE: Readonly<NumberRange> = { min: 1000, max: 49999 };
const LIMITS = { 'tcp-port': { min: 1, max: 65535 }, minor: { min: 0, max: 1048575 } } as const;

export type NumberKind = keyof typeof LIMITS;

/** Parses "7000-7999" as TcpPortAutoRange/MinorNrAutoRange are written; absent = default. */
export function parseRange(kind: NumberKind, text: string | undefined): NumberRange {
  const key = kind === 'tcp-port' ? KEY_TCP_PORT_AUTO_RANGE : KEY_MINOR_NR_AUTO_RANGE;
  const dflt = kind === 'tcp-port' ? DEFAULT_TCP_PORT_RANGE : DEFAULT_MINOR_RANGE;
  if (text === undefined || text.trim() === '') return { ...dflt };
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  const lim = LIMITS[kind];
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2]) : NaN;
  if (!m || min > max || min < lim.min || max > lim.max) {
    throw new ApiError('FAIL_INVLD_PROP', `Property '${key}' has the invalid value '${text}'.`, {
      cause: `'${key}' must be "FROM-TO" with ${lim.min} <= FROM <= TO <= ${lim.max}.`,
      correction: `Set it like '${dflt.min}-${dflt.max}'.`,
    });
  }
  return { min, max };
}

const FULL = 0xffffffff;

interface NodeNumbers {
  used: Set<number>;
  bits: Uint32Array;
  /** Lowest word index that may have a free bit. */
  hint: number;
}

export class NodeNumberAllocator {
  private range: NumberRange;
  private words = 0;
  private tailMask = 0;
  private readonly nodes = new Map<string, NodeNumbers>();

  constructor(readonly kind: NumberKind, range: NumberRange) {
    this.range = { ...range };
    this.layout();
  }

  static tcpPorts(ctrlProps: Props): NodeNumberAllocator {
    return new NodeNumberAllocator('tcp-port', parseRange('tcp-port', ctrlProps[KEY_TCP_PORT_AUTO_RANGE]));
  }

  static minors(ctrlProps: Props): NodeNumberAllocator {
    return new NodeNumberAllocator('minor', parseRange('minor', ctrlProps[KEY_MINOR_NR_AUTO_RANGE]));
  }

  getRange(): NumberRange {
    return { ...this.range };
  }

  /** The auto range changed (controller prop): numbers in use stay in use. */
  setRange(range: NumberRange): void {
    this.range = { ...range };
    this.layout();
    for (const st of this.nodes.values()) this.rebuild(st);
  }

  private layout(): void {
    const size = this.range.max - this.range.min + 1;
    this.words = Math.ceil(size / 32);
    const spare = this.words * 32 - size;
    // Bits past the range end count as used, so the last word can read as full.
    this.tailMask = spare === 0 ? 0 : (FULL << (32 - spare)) >>> 0;
  }

  private rebuild(st: NodeNumbers): void {
    st.bits = new Uint32Array(this.words);
    if (this.words > 0) st.bits[this.words - 1] = this.tailMask;
    for (const n of st.used) this.setBit(st, n);
    st.hint = 0;
    this.advance(st);
  }

  private state(node: string): NodeNumbers {
    const key = nameKey(node);
    let st = this.nodes.get(key);
    if (!st) {
      st = { used: new Set(), bits: new Uint32Array(0), hint: 0 };
      this.rebuild(st);
      this.nodes.set(key, st);
    }
    return st;
  }

  private setBit(st: NodeNumbers, n: number): void {
    if (n < this.range.min || n > this.range.max) return;
    const off = n - this.range.min;
    st.bits[off >>> 5] = (st.bits[off >>> 5] | (1 << (off & 31))) >>> 0;
  }

  private advance(st: NodeNumbers): void {
    while (st.hint < this.words && st.bits[st.hint] === FULL) st.hint++;
  }

  isFree(node: string, n: number): boolean {
    return !(this.nodes.get(nameKey(node))?.used.has(n) ?? false);
  }

  usedOn(node: string): number[] {
    return [...(this.nodes.get(nameKey(node))?.used ?? [])].sort((a, b) => a - b);
  }

  /** Records a number as taken on a node (loading state, or a user-given port). False if it already was. */
  markUsed(node: string, n: number): boolean {
    const st = this.state(node);
    if (st.used.has(n)) return false;
    st.used.add(n);
    this.setBit(st, n);
    this.advance(st);
    return true;
  }

  release(node: string, n: number): void {
    const st = this.nodes.get(nameKey(node));
    if (!st || !st.used.delete(n)) return;
    if (n < this.range.min || n > this.range.max) return;
    const off = n - this.range.min;
    st.bits[off >>> 5] = (st.bits[off >>> 5] & ~(1 << (off & 31))) >>> 0;
    st.hint = Math.min(st.hint, off >>> 5);
  }

  /** Lowest number of the range free on every given node (preferred first), or undefined. */
  lowestFree(nodes: readonly string[], preferred?: number): number | undefined {
    if (preferred !== undefined && nodes.every((n) => this.isFree(n, preferred))) return preferred;
    const sts = nodes.map((n) => this.nodes.get(nameKey(n))).filter((s): s is NodeNumbers => s !== undefined);
    let w = 0;
    for (const st of sts) w = Math.max(w, st.hint);
    for (; w < this.words; w++) {
      let or = w === this.words - 1 ? this.tailMask : 0;
      for (const st of sts) or |= st.bits[w];
      const free = ~or >>> 0;
      if (free !== 0) return this.range.min + w * 32 + (31 - Math.clz32(free & -free));
    }
    return undefined;
  }

  /** Picks the lowest number free on all `nodes`, marks it used there, returns it. */
  allocate(nodes: readonly string[], preferred?: number): number {
    const n = this.lowestFree(nodes, preferred);
    if (n === undefined) throw this.exhausted(nodes);
    for (const node of nodes) this.markUsed(node, n);
    return n;
  }

  /** A number for one node only: `preferred` (the resource's shared number) if free there. */
  allocateOnNode(node: string, preferred?: number): number {
    return this.allocate([node], preferred);
  }

  private exhausted(nodes: readonly string[]): ApiError {
    const port = this.kind === 'tcp-port';
    const key = port ? KEY_TCP_PORT_AUTO_RANGE : KEY_MINOR_NR_AUTO_RANGE;
    const what = port ? 'TCP port' : 'minor number';
    return new ApiError(port ? 'FAIL_POOL_EXHAUSTED_TCP_PORT' : 'FAIL_POOL_EXHAUSTED_MINOR_NR', `No free ${what} on node(s) ${nodes.join(', ')}.`, {
      cause: `Every ${what} in ${key} ${this.range.min}-${this.range.max} is already used on at least one of these nodes.`,
      correction: `Widen '${key}' on the controller, or place the resource on other nodes.`,
    });
  }
}
