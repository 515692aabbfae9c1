import { nameKey } from '../../model/names.js';
import type { WaitAppliedResult } from '../context.js';
import type { RuntimeState } from '../state/runtime.js';
import type { NodePush } from './push.js';

const DEFAULT_WAIT_MS = 30_000;

interface Waiter {
  nodeKey: string;
  /** Wait for the node's watermark (every message up to this seq applied). */
  seq?: number;
  /** Or only for these resource definitions (key → seq of their change). */
  resources?: Map<string, number>;
  done(outcome: 'applied' | 'offline'): void;
}

/**
 * Requests waiting for satellites to apply their change. A request that names its resources
 * waits for those alone, so it does not wait for a slow device of another resource on the
 * same node; otherwise it waits for everything sent to the node so far.
 */
export class Waiters {
  private readonly all = new Set<Waiter>();

  constructor(private readonly runtime: RuntimeState, private readonly pushes: Map<string, NodePush>) {}

  wait(connected: string[], notConnected: string[], timeoutMs = DEFAULT_WAIT_MS, resources?: string[]): Promise<WaitAppliedResult> {
    const result: WaitAppliedResult = { offline: [...new Set(notConnected)], timedOut: [] };
    const waits: Array<Promise<void>> = [];
    const rdKeys = resources?.map(nameKey);
    for (const nodeKey of new Set(connected)) {
      const rt = this.runtime.nodes.get(nodeKey);
      if (!rt || (rt.status !== 'ONLINE' && rt.status !== 'CONNECTED')) { result.offline.push(nodeKey); continue; }
      const push = this.pushes.get(nodeKey);
      let targets: Map<string, number> | undefined;
      if (rdKeys && push) {
        targets = new Map();
        for (const k of rdKeys) {
          const s = push.changeSeq.get(k);
          if (s !== undefined && s > rt.appliedSeq) targets.set(k, s);
        }
        if (!targets.size) continue;
      } else if (rt.appliedSeq >= rt.pushedSeq) continue;
      waits.push(new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.all.delete(w); result.timedOut.push(nodeKey); resolve(); }, timeoutMs);
        const w: Waiter = {
          nodeKey, ...(targets ? { resources: targets } : { seq: rt.pushedSeq }),
          done: (outcome) => {
            this.all.delete(w);
            clearTimeout(timer);
            if (outcome === 'offline') result.offline.push(nodeKey);
            resolve();
          },
        };
        this.all.add(w);
      }));
    }
    return Promise.all(waits).then(() => result);
  }

  /** After a report (`applied`: resources it names, key → seq) or a connection change. */
  settle(nodeKey: string, applied: Map<string, number> = new Map()): void {
    const rt = this.runtime.node(nodeKey);
    for (const w of this.all) {
      if (w.nodeKey !== nodeKey) continue;
      if (rt.status !== 'ONLINE' && rt.status !== 'CONNECTED') { w.done('offline'); continue; }
      if (w.seq !== undefined) {
        if (rt.appliedSeq >= w.seq) w.done('applied');
        continue;
      }
      for (const [rd, s] of w.resources!) if (rt.appliedSeq >= s || (applied.get(rd) ?? 0) >= s) w.resources!.delete(rd);
      if (!w.resources!.size) w.done('applied');
    }
  }
}
