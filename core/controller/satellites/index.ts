import { randomUUID } from 'node:crypto';
import type { RcName } from '../../model/apiconsts.js';
import { ApiError } from '../../model/errors.js';
import type { SatelliteRequest, SatelliteMessage } from '../../model/satellite-protocol.js';
import type { ControllerContext, SatelliteLinks, WaitAppliedResult } from '../context.js';
import { affectedNodes } from './affected-nodes.js';
import { SatelliteConnection, type Endpoint } from './connection.js';
import { desiredNodeState } from './desired-state.js';
import { linkTimingFromEnv } from './link-config.js';
import { forgetDeleted, forgetNode, recordReport } from './reports.js';

const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_REQUEST_MS = 60_000;

interface Waiter { nodeKey: string; seq: number; done(outcome: 'applied' | 'offline'): void }
interface Pending { nodeKey: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }

/**
 * The controller's side of every satellite link: keeps one connection per satellite node,
 * pushes each node's full desired state on connect and after every commit that touches it
 * (coalesced), records the reports, and lets routes wait until a change is applied.
 */
export function createSatelliteLinks(ctx: ControllerContext): SatelliteLinks {
  const { state, runtime } = ctx;
  const log = ctx.log.child({ module: 'satellite-link' });
  const timing = linkTimingFromEnv();
  const controllerId = `${ctx.nodeName}-${randomUUID()}`;
  const conns = new Map<string, SatelliteConnection>();
  const pushTimers = new Map<string, NodeJS.Timeout>();
  const lastPushAt = new Map<string, number>();
  /** Sequence numbers sent on each node's current connection (a report outside it is stale). */
  const sentSeqs = new Map<string, { first: number; last: number }>();
  const waiters = new Set<Waiter>();
  const pending = new Map<number, Pending>();
  // Starts at the clock so sequence numbers keep increasing across controller restarts.
  let seq = Date.now();
  let reqId = 0;

  const endpointOf = (nodeKey: string): Endpoint | undefined => {
    const node = state.nodes.get(nodeKey);
    if (!node || node.type === 'CONTROLLER' || node.type === 'AUXILIARY') return undefined;
    const ni = node.netInterfaces.find((i) => i.name === node.activeNetInterface) ?? node.netInterfaces[0];
    if (!ni) return undefined;
    return { host: ni.address, port: ni.satellitePort ?? 3366, nodeName: node.name };
  };

  const settle = (nodeKey: string) => {
    const rt = runtime.node(nodeKey);
    for (const w of waiters) {
      if (w.nodeKey !== nodeKey) continue;
      if (rt.status !== 'ONLINE' && rt.status !== 'CONNECTED') w.done('offline');
      else if (rt.appliedSeq >= w.seq) w.done('applied');
    }
  };

  const pushNow = (nodeKey: string) => {
    pushTimers.delete(nodeKey);
    const conn = conns.get(nodeKey);
    const rt = runtime.node(nodeKey);
    if (!conn?.isOpen || rt.status !== 'ONLINE') return;
    // A controller that lost its lease (HA) must not overwrite what the new active one pushes.
    if (ctx.isActive && !ctx.isActive()) return;
    const desired = desiredNodeState(state, nodeKey, { unameOf: (k) => runtime.nodes.get(k)?.hello?.uname });
    if (!desired) return;
    lastPushAt.set(nodeKey, Date.now());
    const sent = sentSeqs.get(nodeKey);
    sentSeqs.set(nodeKey, { first: sent?.first ?? rt.pushedSeq, last: rt.pushedSeq });
    conn.send({ type: 'apply', seq: rt.pushedSeq, state: desired });
    log.debug({ node: nodeKey, seq: rt.pushedSeq, resources: desired.resources.length }, 'pushed desired state');
  };

  /** Marks the node's desired state as changed now and sends the latest at most every pushCoalesceMs. */
  const schedulePush = (nodeKey: string) => {
    const rt = runtime.node(nodeKey);
    rt.pushedSeq = ++seq;
    if (pushTimers.has(nodeKey)) return;
    const since = Date.now() - (lastPushAt.get(nodeKey) ?? 0);
    const delay = Math.max(0, timing.pushCoalesceMs - since);
    pushTimers.set(nodeKey, setTimeout(() => pushNow(nodeKey), delay));
  };

  const onMessage = (nodeKey: string, msg: SatelliteMessage) => {
    const rt = runtime.node(nodeKey);
    if (msg.type === 'report') {
      recordReport(runtime, nodeKey, msg.report, ctx.clock());
      // Only our own pushes on this connection count: a periodic report may still carry the
      // seq of an earlier controller (or an earlier connection).
      const sent = sentSeqs.get(nodeKey);
      if (sent && msg.seq >= sent.first && msg.seq <= sent.last && msg.seq > rt.appliedSeq) rt.appliedSeq = msg.seq;
      settle(nodeKey);
    } else if (msg.type === 'response') {
      const p = pending.get(msg.reqId);
      if (!p) return;
      pending.delete(msg.reqId);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ApiError(msg.error.rc as RcName, msg.error.message, { cause: msg.error.cause, correction: msg.error.correction, details: msg.error.details }));
    }
  };

  const failPending = (nodeKey: string, reason: string) => {
    for (const [id, p] of pending) {
      if (p.nodeKey !== nodeKey) continue;
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(notConnected(state.nodes.get(nodeKey)?.name ?? nodeKey, reason));
    }
  };

  const connect = (nodeKey: string) => {
    conns.get(nodeKey)?.close();
    if (!endpointOf(nodeKey)) { conns.delete(nodeKey); return; }
    const rt = runtime.node(nodeKey);
    const conn = new SatelliteConnection(() => endpointOf(nodeKey), controllerId, timing, {
      connected() { if (rt.status !== 'VERSION_MISMATCH') rt.status = 'CONNECTED'; },
      online(hello) {
        const name = state.nodes.get(nodeKey)?.name;
        if (name && hello.uname && hello.uname !== name) log.warn({ node: name, uname: hello.uname }, 'node name differs from the satellite\'s uname -n');
        const unameChanged = rt.hello?.uname !== hello.uname;
        rt.hello = hello;
        rt.status = 'ONLINE';
        // Peers name this node by its uname in their DRBD configuration.
        if (unameChanged) for (const k of affectedNodes(state, [{ table: 'nodes', key: nodeKey, value: {} }])) if (k !== nodeKey && conns.has(k)) schedulePush(k);
        lastPushAt.delete(nodeKey);
        sentSeqs.delete(nodeKey);
        clearTimeout(pushTimers.get(nodeKey));
        pushTimers.delete(nodeKey);
        schedulePush(nodeKey);
      },
      versionMismatch(hello) { rt.hello = hello; rt.status = 'VERSION_MISMATCH'; settle(nodeKey); },
      message: (msg) => onMessage(nodeKey, msg),
      offline(reason) {
        if (rt.status !== 'VERSION_MISMATCH') rt.status = 'OFFLINE';
        forgetNode(runtime, nodeKey);
        clearTimeout(pushTimers.get(nodeKey));
        pushTimers.delete(nodeKey);
        failPending(nodeKey, reason);
        settle(nodeKey);
      },
    }, log.child({ node: nodeKey }));
    conns.set(nodeKey, conn);
    conn.start();
  };

  state.onCommit((changes) => {
    for (const c of changes) if (c.value === null) forgetDeleted(runtime, c.table, c.key);
    for (const nodeKey of affectedNodes(state, changes)) {
      if (conns.has(nodeKey)) schedulePush(nodeKey);
    }
  });

  return {
    connect,
    disconnect(nodeKey) {
      const conn = conns.get(nodeKey);
      conns.delete(nodeKey);
      conn?.close();
      clearTimeout(pushTimers.get(nodeKey));
      pushTimers.delete(nodeKey);
      const rt = runtime.nodes.get(nodeKey);
      if (rt) rt.status = 'OFFLINE';
      forgetNode(runtime, nodeKey);
      settle(nodeKey);
    },

    waitApplied(nodeKeys, timeoutMs = DEFAULT_WAIT_MS) {
      const result: WaitAppliedResult = { offline: [], timedOut: [] };
      const waits: Array<Promise<void>> = [];
      for (const nodeKey of new Set(nodeKeys)) {
        const rt = runtime.nodes.get(nodeKey);
        if (!rt || !conns.has(nodeKey) || (rt.status !== 'ONLINE' && rt.status !== 'CONNECTED')) { result.offline.push(nodeKey); continue; }
        if (rt.appliedSeq >= rt.pushedSeq) continue;
        waits.push(new Promise<void>((resolve) => {
          const timer = setTimeout(() => { waiters.delete(w); result.timedOut.push(nodeKey); resolve(); }, timeoutMs);
          const w: Waiter = {
            nodeKey, seq: rt.pushedSeq,
            done(outcome) {
              waiters.delete(w);
              clearTimeout(timer);
              if (outcome === 'offline') result.offline.push(nodeKey);
              resolve();
            },
          };
          waiters.add(w);
        }));
      }
      return Promise.all(waits).then(() => result);
    },

    request(nodeKey, req, timeoutMs = DEFAULT_REQUEST_MS) {
      const conn = conns.get(nodeKey);
      const name = state.nodes.get(nodeKey)?.name ?? nodeKey;
      if (!conn?.isOpen || runtime.node(nodeKey).status !== 'ONLINE') return Promise.reject(notConnected(name, 'the satellite is not online'));
      if (ctx.isActive && !ctx.isActive()) return Promise.reject(notConnected(name, 'this controller is no longer the active one'));
      const id = ++reqId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new ApiError('FAIL_NOT_CONNECTED', `Node '${name}' did not answer within ${timeoutMs} ms.`, { cause: 'The satellite is busy or unreachable.', correction: 'Check the satellite and retry.', obj: 'NODE' }));
        }, timeoutMs);
        pending.set(id, { nodeKey, resolve, reject, timer });
        conn.send({ ...req, reqId: id } as SatelliteRequest);
      });
    },
  };
}

function notConnected(name: string, reason: string): ApiError {
  return new ApiError('FAIL_NOT_CONNECTED', `No active connection to satellite '${name}'.`, {
    cause: reason, correction: 'Check that the satellite is running and reachable (linstor node list).', obj: 'NODE',
  });
}
