import { randomUUID } from 'node:crypto';
import type { RcName } from '../../model/apiconsts.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { FEATURE_INCREMENTAL, type ReportMessage, type SatelliteMessage, type SatelliteRequest } from '../../model/satellite-protocol.js';
import { loadIdentity, loadTrust, minTlsVersion } from '../../tls/material.js';
import type { ControllerContext, SatelliteLinks } from '../context.js';
import { SatelliteConnection, type Endpoint, type LinkTls } from './connection.js';
import { acceptSatelliteReport } from '../errors/satellite-reports.js';
import { bindKey, judgeHello } from './identity.js';
import { linkTimingFromEnv } from './link-config.js';
import { DeltaTracker, type NodeDelta } from './node-delta.js';
import { probeSatellite } from './probe.js';
import { NodePush } from './push.js';
import { forgetDeleted, forgetNode, mergeReport, recordReport } from './reports.js';
import { Waiters } from './waiters.js';

const PROBE_MS = 5_000;
/** Statuses that a dropped connection does not turn into OFFLINE (only the next success clears them). */
const STICKY = new Set(['VERSION_MISMATCH', 'AUTHENTICATION_ERROR', 'OTHER_CONTROLLER']);
const DEFAULT_REQUEST_MS = 60_000;

interface Pending { nodeKey: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }

/**
 * The controller's side of every satellite link: keeps one connection per satellite node,
 * sends each node its full desired state on connect and for every consistency check, and after
 * each commit only what the commit changed for that node (coalesced); records the reports and
 * lets routes wait until their change is applied.
 */
export function createSatelliteLinks(ctx: ControllerContext, clusterId: string): SatelliteLinks {
  const { state, runtime } = ctx;
  const log = ctx.log.child({ module: 'satellite-link' });
  const timing = linkTimingFromEnv();
  const controllerId = `${ctx.nodeName}-${randomUUID()}`;
  const conns = new Map<string, SatelliteConnection>();
  const pushes = new Map<string, NodePush>();
  const pushTimers = new Map<string, NodeJS.Timeout>();
  const fullSyncTimers = new Map<string, NodeJS.Timeout>();
  const lastPushAt = new Map<string, number>();
  const tracker = new DeltaTracker(state);
  const waiters = new Waiters(runtime, pushes);
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

  const stopTimers = (nodeKey: string) => {
    clearTimeout(pushTimers.get(nodeKey));
    pushTimers.delete(nodeKey);
    clearTimeout(fullSyncTimers.get(nodeKey));
    fullSyncTimers.delete(nodeKey);
  };

  const pushNow = (nodeKey: string) => {
    pushTimers.delete(nodeKey);
    const conn = conns.get(nodeKey);
    const push = pushes.get(nodeKey);
    const rt = runtime.node(nodeKey);
    if (!conn?.isOpen || !push || rt.status !== 'ONLINE') return;
    // A controller that lost its lease (HA) must not overwrite what the new active one pushes.
    if (ctx.isActive && !ctx.isActive()) return;
    const msg = push.build(state, rt.pushedSeq, { unameOf: (k) => runtime.nodes.get(k)?.hello?.uname });
    if (!msg) return;
    lastPushAt.set(nodeKey, Date.now());
    conn.send(msg);
    if (msg.type === 'apply') {
      // The next consistency check: a full apply that repairs whatever drifted meanwhile.
      clearTimeout(fullSyncTimers.get(nodeKey));
      const t = setTimeout(() => { fullSyncTimers.delete(nodeKey); push.requestFull(); schedulePush(nodeKey); }, timing.fullSyncMs);
      t.unref();
      fullSyncTimers.set(nodeKey, t);
      log.debug({ node: nodeKey, seq: msg.seq, resources: msg.state.resources.length }, 'pushed full desired state');
    } else if (msg.type === 'update') {
      log.debug({ node: nodeKey, seq: msg.seq, base: msg.update.base, resources: msg.update.resources?.length ?? 0, removed: msg.update.removed?.length ?? 0 }, 'pushed update');
    }
  };

  /** Marks the node's desired state as changed now (returns its new seq); sends at most every pushCoalesceMs. */
  const schedulePush = (nodeKey: string): number => {
    const rt = runtime.node(nodeKey);
    rt.pushedSeq = ++seq;
    if (!pushTimers.has(nodeKey)) {
      const since = Date.now() - (lastPushAt.get(nodeKey) ?? 0);
      const delay = Math.max(0, timing.pushCoalesceMs - since);
      pushTimers.set(nodeKey, setTimeout(() => pushNow(nodeKey), delay));
    }
    return rt.pushedSeq;
  };

  const addDelta = (nodeKey: string, delta: NodeDelta) => {
    if (!conns.has(nodeKey)) return;
    // Before the hello (no push state yet) the full apply that follows it carries the change.
    const s = schedulePush(nodeKey);
    pushes.get(nodeKey)?.add(delta, s);
  };

  const onReport = (nodeKey: string, msg: ReportMessage) => {
    const rt = runtime.node(nodeKey);
    const push = pushes.get(nodeKey);
    if (msg.partial) mergeReport(runtime, nodeKey, msg.report, msg.removed ?? [], ctx.clock());
    else recordReport(runtime, nodeKey, msg.report, ctx.clock());
    // Only our own messages on this connection count: a report may still carry the seq of an
    // earlier controller (or an earlier connection).
    const ours = (s: number) => push?.firstSent !== undefined && push.lastSent !== undefined && s >= push.firstSent && s <= push.lastSent;
    if (ours(msg.seq) && msg.seq > rt.appliedSeq) rt.appliedSeq = msg.seq;
    push?.appliedAll(rt.appliedSeq);
    const applied = new Map<string, number>();
    for (const [name, s] of Object.entries(msg.applied ?? {})) {
      if (!ours(s)) continue;
      applied.set(nameKey(name), s);
      push?.applied(nameKey(name), s);
    }
    waiters.settle(nodeKey, applied);
  };

  const onMessage = (nodeKey: string, msg: SatelliteMessage) => {
    if (msg.type === 'report') {
      onReport(nodeKey, msg);
    } else if (msg.type === 'error-report') {
      acceptSatelliteReport(state, log, state.nodes.get(nodeKey)?.name ?? nodeKey, msg.report, (id) => conns.get(nodeKey)?.send({ type: 'error-report-ack', ids: [id] }));
    } else if (msg.type === 'ext-files') {
      runtime.node(nodeKey).extFileFailures = typeof msg.failed === 'object' && msg.failed !== null ? msg.failed : {};
    } else if (msg.type === 'resync') {
      // A lost or reordered update, or a satellite restarted mid-stream: send everything.
      log.info({ node: nodeKey, satelliteSeq: msg.seq, reason: msg.reason }, 'satellite asks for the full state');
      pushes.get(nodeKey)?.requestFull();
      schedulePush(nodeKey);
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
        waiters.settle(nodeKey);
      },
      online(hello) {
        const name = state.nodes.get(nodeKey)?.name;
        if (name && hello.uname && hello.uname !== name) log.warn({ node: name, uname: hello.uname }, 'node name differs from the satellite\'s uname -n');
        const unameChanged = rt.hello?.uname !== hello.uname;
        rt.hello = hello;
        rt.status = 'ONLINE';
        delete rt.lastError;
        stopTimers(nodeKey);
        lastPushAt.delete(nodeKey);
        // A new connection starts with a full apply; updates follow if the satellite takes them.
        pushes.set(nodeKey, new NodePush(nodeKey, (hello.features ?? []).includes(FEATURE_INCREMENTAL)));
        schedulePush(nodeKey);
        // Peers name this node by its uname in their DRBD configuration.
        if (unameChanged) for (const [k, d] of tracker.peersOf(nodeKey)) addDelta(k, d);
      },
      versionMismatch(hello) { rt.hello = hello; rt.status = 'VERSION_MISMATCH'; waiters.settle(nodeKey); },
      message: (msg) => onMessage(nodeKey, msg),
      lastSentSeq: () => pushes.get(nodeKey)?.lastSent,
      offline(reason) {
        if (!STICKY.has(rt.status)) rt.status = 'OFFLINE';
        forgetNode(runtime, nodeKey);
        stopTimers(nodeKey);
        pushes.delete(nodeKey);
        failPending(nodeKey, reason);
        waiters.settle(nodeKey);
      },
    }, log.child({ node: nodeKey }));
    conns.set(nodeKey, conn);
    conn.start();
  };

  state.onCommit((changes) => {
    for (const c of changes) if (c.value === null) forgetDeleted(runtime, c.table, c.key);
    for (const [nodeKey, delta] of tracker.deltas(changes)) addDelta(nodeKey, delta);
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
      stopTimers(nodeKey);
      pushes.delete(nodeKey);
      const rt = runtime.nodes.get(nodeKey);
      if (rt) rt.status = 'OFFLINE';
      forgetNode(runtime, nodeKey);
      waiters.settle(nodeKey);
    },

    waitApplied(nodeKeys, timeoutMs, resources) {
      return waiters.wait(nodeKeys.filter((k) => conns.has(k)), nodeKeys.filter((k) => !conns.has(k)), timeoutMs, resources);
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
