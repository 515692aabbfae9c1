import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { ApiError } from '../model/errors.js';
import { checkName } from '../model/names.js';
import { PROTOCOL_VERSION, type ControllerMessage, type SatelliteMessage } from '../model/satellite-protocol.js';
import { helloMessage, type Capabilities } from './capabilities.js';
import type { CommandRunner } from '../exec/index.js';
import { checkControllerMessage } from './inbox/check-message.js';
import type { PairingStore } from './pairing-store.js';
import { answerHello, checkAuth, newPeer, type PeerState, type Refusal } from './peer-auth.js';
import { createDevicePool, listPhysicalDevices } from './physical/physical-storage.js';
import type { SatelliteErrorReporter } from './errors/error-reporter.js';
import type { Reconciler } from './reconciler/reconciler.js';
import { BackupJobs } from './backup/jobs.js';
import { Shipping } from './backup/ship.js';
import { collectSatelliteSos } from './sos/collect.js';
import type { LogRing } from '../sos/log-ring.js';
import type { ExtFiles } from './ext-files/ext-files.js';
import type { DesiredExtFile } from '../model/ext-files.js';

export interface SatelliteServerDeps {
  log: Logger;
  runner: CommandRunner;
  reconciler: Reconciler;
  capabilities: Capabilities;
  nodeName: string;
  reportIntervalMs: number;
  pairing: PairingStore;
  /** `[netcom] type = "ssl"`: only peers with a certificate the truststore holds get through the handshake. */
  tls?: { key: string; cert: string; ca: string[]; minVersion: import('node:tls').SecureVersion };
  /** Called after every full desired state was applied (main.ts tells systemd it is ready after the first). */
  onApplied?: (seq: number) => void;
  /** Error reports go to every authenticated controller; the unacknowledged ones again on connect. */
  errors?: SatelliteErrorReporter;
  /** The last log lines (for SOS reports) and where linstor_satellite.toml is. */
  logRing?: LogRing;
  configDirectory?: string;
  /** External files (absent: lists of files are ignored, check answers not allowed). */
  extFiles?: ExtFiles;
}

function isValidName(kind: 'resource', name: string): boolean {
  try { checkName(kind, name); return true; } catch { return false; }
}

/** Lines longer than this are a broken or hostile peer, not a desired state. */
const MAX_LINE = 64 * 1024 * 1024;

/**
 * The satellite's end of the controller link: newline-delimited JSON over TCP. A full apply
 * replaces the desired state, an update patches it when it builds on the version the
 * satellite has (else the satellite asks for a resync); the reconciler works per resource and
 * the reports (only what changed) go to every authenticated controller connection.
 */
export class SatelliteServer {
  private readonly server: Server;
  /** Authenticated controller connections only. */
  private readonly peers = new Set<Socket>();
  private readonly pendingNames = new WeakMap<Socket, string>();
  private nodeName: string;
  private timer: NodeJS.Timeout | undefined;
  /** A full state arrived on this process (updates before it cannot be applied). */
  private hasFullState = false;
  /** A resync was asked for and no full apply came yet: do not ask again for every update. */
  private resyncAsked = false;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private readonly backups: BackupJobs;
  private readonly shipping: Shipping;

  constructor(private readonly deps: SatelliteServerDeps) {
    this.nodeName = deps.nodeName;
    this.backups = new BackupJobs(deps.log.child({ module: 'backup' }), (pool) => deps.reconciler.provider(pool));
    this.shipping = new Shipping(deps.log.child({ module: 'shipping' }), (pool) => deps.reconciler.provider(pool));
    deps.reconciler.onProgress(() => this.flushReports());
    deps.errors?.onReport((report) => this.broadcast({ type: 'error-report', report }));
    this.server = deps.tls
      ? createTlsServer({ ...deps.tls, requestCert: true, rejectUnauthorized: true }, (s) => this.accept(s))
      : createServer((s) => this.accept(s));
    if (deps.tls) {
      this.server.on('tlsClientError', (err: Error, sock: TLSSocket) => deps.log.warn({ peer: `${sock.remoteAddress}:${sock.remotePort}`, reason: err.message }, 'refused a peer in the TLS handshake'));
    }
  }

  /** The node name this satellite answers to (the controller's name for it once authenticated). */
  get currentNodeName(): string { return this.nodeName; }

  listen(port: number, host: string): Promise<{ port: number; address: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address();
        if (this.deps.reportIntervalMs > 0) this.timer = setInterval(() => void this.periodicReport(), this.deps.reportIntervalMs);
        resolve(typeof a === 'object' && a ? { port: a.port, address: a.address } : { port, address: host });
      });
    });
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const p of this.peers) p.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }

  private accept(socket: Socket): void {
    const log = this.deps.log.child({ peer: `${socket.remoteAddress}:${socket.remotePort}` });
    log.info('controller connected');
    const peer = newPeer();
    socket.setNoDelay(true);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) {
        log.error('message too long, closing connection');
        socket.destroy();
        return;
      }
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) this.handle(socket, peer, line, log);
      }
    });
    socket.on('close', () => { this.peers.delete(socket); this.backups.abortOwnedBy(socket); void this.shipping.abortOwnedBy(socket); log.info('controller disconnected'); });
    socket.on('error', (e) => log.warn({ err: e }, 'connection error'));
  }

  private refuse(socket: Socket, refusal: Refusal, log: Logger): void {
    log.warn({ reason: refusal.reason }, `refused the peer: ${refusal.message}`);
    this.send(socket, { type: 'refused', reason: refusal.reason, message: refusal.message });
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private handle(socket: Socket, peer: PeerState, line: string, log: Logger): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      log.warn({ line: line.slice(0, 200) }, 'ignoring a line that is not JSON');
      return;
    }
    if (socket.destroyed || socket.writableEnded) return;
    const type = (parsed as { type?: unknown } | null)?.type;
    // Until the peer has proven it is our controller it gets hello, auth and ping, nothing else.
    if (peer.phase !== 'ready' && type !== 'hello' && type !== 'auth' && type !== 'ping' && type !== 'pong') {
      log.warn({ type: String(type).slice(0, 40) }, 'refusing a message from a peer that has not authenticated; closing the connection');
      socket.destroy();
      return;
    }
    // Then every message is checked against the model's rules before anything acts on it.
    let msg: ControllerMessage;
    try {
      msg = checkControllerMessage(parsed);
    } catch (e) {
      this.refuseMessage(socket, parsed, e, log);
      return;
    }
    switch (msg.type) {
      case 'hello': {
        if (peer.phase !== 'hello') { socket.destroy(); return; }
        if (String(msg.version).split('.')[0] !== PROTOCOL_VERSION.split('.')[0]) {
          log.error({ controllerVersion: msg.version, ours: PROTOCOL_VERSION }, 'protocol version mismatch');
        }
        let answer;
        try {
          answer = answerHello(this.deps.pairing, peer, msg);
        } catch (e) {
          answer = { reason: 'AUTHENTICATION_ERROR' as const, message: `pairing state unreadable: ${(e as Error).message}` };
        }
        if ('reason' in answer) { this.refuse(socket, answer, log); return; }
        // The name is adopted only once the peer has authenticated.
        const name = typeof msg.nodeName === 'string' && msg.nodeName ? msg.nodeName : this.nodeName;
        this.pendingNames.set(socket, name);
        this.send(socket, { ...helloMessage(this.deps.capabilities, name), ...answer });
        return;
      }
      case 'auth': {
        let refusal: Refusal | undefined;
        try {
          refusal = checkAuth(this.deps.pairing, peer, msg.proof, String(socket.remoteAddress));
        } catch (e) {
          refusal = { reason: 'AUTHENTICATION_ERROR', message: `cannot store the pairing: ${(e as Error).message}` };
        }
        if (refusal) { this.refuse(socket, refusal, log); return; }
        const name = this.pendingNames.get(socket);
        this.pendingNames.delete(socket);
        if (name) this.nodeName = name;
        if (this.deps.capabilities.uname !== this.nodeName) {
          log.warn({ nodeName: this.nodeName, uname: this.deps.capabilities.uname },
            `Node name '${this.nodeName}' differs from this host's uname '${this.deps.capabilities.uname}'`);
        }
        log.info({ clusterId: peer.clusterId, tls: !!this.deps.tls }, 'controller authenticated');
        this.peers.add(socket);
        // Reports written while no controller listened (or not yet acknowledged) go now.
        for (const report of this.deps.errors?.pending() ?? []) this.send(socket, { type: 'error-report', report });
        return;
      }
      case 'apply':
        this.hasFullState = true;
        this.resyncAsked = false;
        // Files first: the report that follows the apply covers them too.
        if (msg.state.extFiles) this.syncExtFiles(msg.state.extFiles);
        this.deps.reconciler.applyFull(msg.state, msg.seq);
        return;
      case 'update': {
        const have = this.deps.reconciler.version;
        if (!this.hasFullState || msg.update.base !== have) {
          // A lost, repeated or reordered message, or a restart: nothing of it is applied.
          this.askResync(socket, log, this.hasFullState ? `update ${msg.seq} builds on ${msg.update.base}, this satellite has ${have}` : 'no full state since the satellite started');
          return;
        }
        if (msg.update.extFiles) this.syncExtFiles(msg.update.extFiles);
        this.deps.reconciler.applyUpdate(msg.update, msg.seq);
        return;
      }
      case 'ping':
        // The controller sent something newer than what arrived: its last message was lost.
        if (peer.phase === 'ready' && this.hasFullState && msg.seq !== undefined && msg.seq > this.deps.reconciler.version) {
          this.askResync(socket, log, `the controller sent ${msg.seq}, this satellite has ${this.deps.reconciler.version}`);
        }
        this.send(socket, { type: 'pong' });
        return;
      case 'pong':
        return;
      case 'error-report-ack':
        this.deps.errors?.acknowledge(msg.ids);
        return;
      case 'physical-storage-list':
        this.answer(socket, msg.reqId, () => listPhysicalDevices(this.deps.runner));
        return;
      case 'log-level':
        // `linstor node set-log-level`: the whole satellite (every child logger follows).
        if (msg.level !== undefined && msg.level !== this.deps.log.level) {
          this.deps.log.warn({ from: this.deps.log.level, to: msg.level }, 'log level set by the controller');
          this.deps.log.level = msg.level;
        }
        this.answer(socket, msg.reqId, () => Promise.resolve({ level: this.deps.log.level }));
        return;
      case 'create-device-pool':
        this.answer(socket, msg.reqId, () => createDevicePool(this.deps.runner, msg.request));
        return;
      case 'backup-upload':
        this.answer(socket, msg.reqId, () => this.backups.upload(msg.request, socket));
        return;
      case 'backup-download':
        this.answer(socket, msg.reqId, () => this.backups.download(msg.request, socket));
        return;
      case 'backup-abort':
        this.answer(socket, msg.reqId, async () => ({ aborted: this.backups.abort(msg.jobId) || await this.shipping.abort(msg.jobId) }));
        return;
      case 'backup-receive':
        this.answer(socket, msg.reqId, () => this.shipping.receive(msg.request, socket));
        return;
      case 'backup-receive-commit':
        this.answer(socket, msg.reqId, () => this.shipping.commit(msg.request));
        return;
      case 'sos-report':
        this.answer(socket, msg.reqId, () => collectSatelliteSos({
          runner: this.deps.runner, ring: this.deps.logRing, configDirectory: this.deps.configDirectory, nodeName: this.nodeName,
          knownSecrets: () => this.deps.reconciler.knownSecrets(), capabilities: this.deps.capabilities,
        }, msg.request));
        return;
      case 'backup-send':
        this.answer(socket, msg.reqId, () => this.backups.run(msg.request.jobId, (signal) => this.shipping.send(msg.request, signal), socket));
        return;
      case 'ext-file-check':
        this.answer(socket, msg.reqId, () => Promise.resolve({ allowed: this.deps.extFiles?.allowed(msg.path) ?? false }));
        return;
      case 'ext-file-status':
        this.answer(socket, msg.reqId, () => Promise.resolve(this.deps.extFiles?.status(msg.path, msg.sha256, msg.altSuffixes) ?? { contentMatch: false }));
        return;
      default:
        log.warn({ type: (msg as { type?: unknown }).type }, 'ignoring unknown message type');
    }
  }

  /**
   * A message that breaks the model's rules changes nothing here. A refused apply is answered
   * with a report that marks each named resource failed, so the controller does not wait in vain.
   */
  private refuseMessage(socket: Socket, parsed: unknown, e: unknown, log: Logger): void {
    const message = (e as Error).message;
    log.error({ err: message }, 'refused a controller message');
    const m = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    if ((m.type === 'apply' || m.type === 'update') && Number.isSafeInteger(m.seq)) {
      const body = m.type === 'apply' ? m.state : m.update;
      const state = (typeof body === 'object' && body !== null ? body : {}) as { resources?: unknown };
      const names = (Array.isArray(state.resources) ? state.resources : [])
        .map((r) => (r as { name?: unknown } | null)?.name)
        .filter((n): n is string => typeof n === 'string' && isValidName('resource', n));
      // A partial report: only the named resources change (failed), so nobody waits for them in vain.
      const seq = m.seq as number;
      this.send(socket, {
        type: 'report', seq, partial: true,
        report: { nodeName: this.nodeName, storagePools: [], resources: names.map((name) => ({ name, ready: false, volumes: [], error: { message } })) },
        applied: Object.fromEntries(names.map((n) => [n, seq])),
      });
    } else if (Number.isSafeInteger(m.reqId)) {
      this.send(socket, { type: 'response', reqId: m.reqId as number, ok: false, error: { rc: 'FAIL_INVLD_REQUEST', message } });
    }
  }

  private answer(socket: Socket, reqId: number, fn: () => Promise<unknown>): void {
    fn().then(
      (result) => this.send(socket, { type: 'response', reqId, ok: true, result }),
      (e: unknown) => {
        const err = e instanceof ApiError
          ? { rc: e.rc, message: e.message, cause: e.opts.cause, correction: e.opts.correction, details: e.opts.details }
          : { rc: 'FAIL_UNKNOWN_ERROR', message: (e as Error)?.message ?? String(e) };
        this.send(socket, { type: 'response', reqId, ok: false, error: err });
      });
  }

  /** Writes and removes external files; what failed reaches the controller before the apply's report. */
  private syncExtFiles(files: DesiredExtFile[]): void {
    if (!this.deps.extFiles) return;
    this.broadcast({ type: 'ext-files', failed: this.deps.extFiles.sync(files) });
  }

  /** Asks for the full state once; further updates are dropped until it arrives. */
  private askResync(socket: Socket, log: Logger, reason: string): void {
    if (this.resyncAsked) return;
    const have = this.deps.reconciler.version;
    log.warn({ have }, `asking for the full state: ${reason}`);
    this.send(socket, { type: 'resync', seq: have, reason });
    this.resyncAsked = true;
  }

  /** Sends what the reconciler has to report; runs once at a time, again if asked meanwhile. */
  private flushReports(): void {
    if (this.flushing) { this.flushAgain = true; return; }
    this.flushing = (async () => {
      // Runs that finish in the same tick share one report.
      await new Promise((r) => setImmediate(r));
      do {
        this.flushAgain = false;
        for (;;) {
          const r = await this.deps.reconciler.takeReport();
          if (!r) break;
          this.broadcast({ type: 'report', seq: r.seq, report: r.report, ...(r.partial ? { partial: true } : {}),
            ...(r.removed ? { removed: r.removed } : {}), ...(r.applied ? { applied: r.applied } : {}) });
          // A full report follows a full apply: the devices of that desired state exist.
          if (!r.partial && this.hasFullState) this.deps.onApplied?.(r.seq);
        }
      } while (this.flushAgain);
    })().catch((e: unknown) => this.deps.log.warn({ err: e }, 'report failed')).finally(() => { this.flushing = undefined; });
  }

  private async periodicReport(): Promise<void> {
    if (this.peers.size === 0 || this.deps.reconciler.busy) return; // the apply's own report follows shortly
    try {
      await this.deps.reconciler.refreshForReport();
      this.flushReports();
    } catch (e) {
      this.deps.log.warn({ err: e }, 'periodic report failed');
    }
  }


  private broadcast(msg: SatelliteMessage): void {
    for (const p of this.peers) this.send(p, msg);
  }

  private send(socket: Socket, msg: SatelliteMessage): void {
    if (!socket.destroyed) socket.write(JSON.stringify(msg) + '\n');
  }
}
