import { randomUUID } from 'node:crypto';
import type { RcName } from '../../model/apiconsts.js';
import { ApiError } from '../../model/errors.js';
import type { SatelliteRequest, SatelliteMessage } from '../../model/satellite-protocol.js';
import type { ControllerContext, SatelliteLinks, WaitAppliedResult } from '../context.js';
import { affectedNodes } from './affected-nodes.js';
import { SatelliteConnection, type Endpoint, type LinkTls } from './connection.js';
import { desiredNodeState } from './desired-state.js';
import { bindKey, judgeHello } from './identity.js';
import { linkTimingFromEnv } from './link-config.js';
import { probeSatellite } from './probe.js';
import { loadIdentity, loadTrust, minTlsVersion } from '../../tls/material.js';
import { forgetDeleted, forgetNode, recordReport } from './reports.js';

const DEFAULT_WAIT_MS = 30_000;
const PROBE_MS = 5_000;
/** Statuses that a dropped connection does not turn into OFFLINE (only the next success clears them). */
const STICKY = new Set(['VERSION_MISMATCH', 'AUTHENTICATION_ERROR', 'OTHER_CONTROLLER']);
const DEFAULT_REQUEST_MS = 60_000;

interface Waiter { nodeKey: string; seq: number; done(outcome: 'applied' | 'offline'): void }
interface Pending { nodeKey: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }

/**
 * The controller's side of every satellite link: keeps one connection per satellite node,
 * pushes each node's full desired state on connect and after every commit that touches it
 * (coalesced), records the reports, and lets routes wait until a change is applied.
 */
export function createSatelliteLinks(ctx: ControllerContext, clusterId: string): SatelliteLinks {
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

  // The controller's keystore/truststore for SSL links, read at the first SSL connection.
  let linkTls: LinkTls | undefined;
  const sslMaterial = (): LinkTls => {
    if (linkTls) return linkTls;
    const what = 'linstor.toml [netcom] (SSL satellite links)';
    const c = ctx.config.netcom;
    const id = loadIdentity(c, ctx.config.configDirectory, what);
    const ca = loadTrust(c, ctx.config.configDirectory, what);
    if (!id || !ca) throw new Error(`${what}: SSL needs the controller's keystore and a truststore holding the satellites' certificates`);
    linkTls = { ...id, ca, minVersion: minTlsVersion(c.sslProtocol, what) };
    return linkTls;
  };

  const endpointFor = (node: { name: string }, ni: { address: string; satellitePort?: number; satelliteEncryptionType?: string }): Endpoint => ({
    host: ni.address, port: ni.satellitePort ?? 3366, nodeName: node.name, ...(ni.satelliteEncryptionType === 'SSL' ? { tls: sslMaterial() } : {}),
  });

  const activeInterface = (nodeKey: string) => {
    const node = state.nodes.get(nodeKey);
    if (!node || node.type === 'CONTROLLER' || node.type === 'AUXILIARY') return undefined;
    const ni = node.netInterfaces.find((i) => i.name === node.activeNetInterface) ?? node.netInterfaces[0];
    return ni ? { node, ni } : undefined;
  };
  /** Throws when the SSL material cannot be read (the connection logs it and retries). */
  const endpointOf = (nodeKey: string): Endpoint | undefined => {
    const a = activeInterface(nodeKey);
    return a ? endpointFor(a.node, a.ni) : undefined;
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
    if (!activeInterface(nodeKey)) { conns.delete(nodeKey); return; }
    const rt = runtime.node(nodeKey);
    const conn = new SatelliteConnection(() => endpointOf(nodeKey), controllerId, clusterId, timing, {
      connected() { if (!STICKY.has(rt.status)) rt.status = 'CONNECTED'; },
      async verify(hello, controllerNonce) {
        const v = judgeHello(state, nodeKey, clusterId, controllerNonce, hello);
        if (v.ok && v.bind) {
          await bindKey(state, nodeKey, v.bind);
          log.info({ node: nodeKey, keyId: v.bind.keyId }, 'paired with the node\'s satellite');
        }
        return v;
      },
      refused(status, reason) {
        rt.status = status;
        rt.lastError = reason;
        settle(nodeKey);
      },
      online(hello) {
        const name = state.nodes.get(nodeKey)?.name;
        if (name && hello.uname && hello.uname !== name) log.warn({ node: name, uname: hello.uname }, 'node name differs from the satellite\'s uname -n');
        const unameChanged = rt.hello?.uname !== hello.uname;
        rt.hello = hello;
        rt.status = 'ONLINE';
        delete rt.lastError;
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
        if (!STICKY.has(rt.status)) rt.status = 'OFFLINE';
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

    async verifyEndpoint(nodeKey, ni) {
      const node = state.nodes.get(nodeKey);
      if (!node) return;
      const name = node.name;
      let answer;
      try {
        answer = await probeSatellite(endpointFor(node, ni), controllerId, clusterId, PROBE_MS);
      } catch (e) {
        throw identityNotProven(name, ni.address, (e as Error).message);
      }
      const v = judgeHello(state, nodeKey, clusterId, answer.nonce, answer.hello, false);
      if (!v.ok) throw identityNotProven(name, ni.address, v.reason);
    },
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

function identityNotProven(name: string, address: string, cause: string): ApiError {
  return new ApiError('FAIL_INVLD_NET_ADDR', `The satellite at ${address} did not prove to be node '${name}'; the interface is unchanged.`, {
    cause, correction: 'Give the address where this node\'s own satellite listens (it must answer with the node\'s key), or take the node offline first.', obj: 'NET_IF',
  });
}

function notConnected(name: string, reason: string): ApiError {
  return new ApiError('FAIL_NOT_CONNECTED', `No active connection to satellite '${name}'.`, {
    cause: reason, correction: 'Check that the satellite is running and reachable (linstor node list).', obj: 'NODE',
  });
}
