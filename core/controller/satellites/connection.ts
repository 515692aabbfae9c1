import { Socket } from 'node:net';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import type { Logger } from 'pino';
import { controllerProof, newNonce } from '../../model/pairing.js';
import type { ControllerMessage, RefusalReason, SatelliteHello, SatelliteMessage } from '../../model/satellite-protocol.js';
import { PROTOCOL_VERSION } from '../../model/satellite-protocol.js';
import { backoffMs, type LinkTiming } from './link-config.js';

/** The controller's own key and certificate and the certificates it trusts (SSL satellites). */
export interface LinkTls { key: string; cert: string; ca: string[]; minVersion: SecureVersion }

export interface Endpoint {
  host: string;
  port: number;
  nodeName: string;
  /** Set for `satellite_encryption_type` SSL; undefined is a plain TCP link. */
  tls?: LinkTls;
}

/** What the link manager decides about a satellite's hello (core/controller/satellites/identity.ts). */
export type HelloVerdict =
  | { ok: true; nodeKey: string }
  | { ok: false; status: 'AUTHENTICATION_ERROR' | 'OTHER_CONTROLLER'; reason: string };

/** Opens the TCP or TLS connection of an endpoint; `ready` fires once it can carry data. */
export function openLink(ep: Endpoint, ready: () => void): Socket {
  if (!ep.tls) {
    const sock = new Socket();
    sock.once('connect', ready);
    sock.connect(ep.port, ep.host);
    return sock;
  }
  // The chain must lead to the truststore; who the node is, the pairing proves (not the hostname).
  const sock = tlsConnect({
    host: ep.host, port: ep.port, key: ep.tls.key, cert: ep.tls.cert, ca: ep.tls.ca, minVersion: ep.tls.minVersion,
    rejectUnauthorized: true, checkServerIdentity: () => undefined,
  });
  sock.once('secureConnect', ready);
  return sock;
}

export interface ConnectionEvents {
  /** TCP is up, our hello is sent. */
  connected(): void;
  /** Decides whether the hello proves the node's identity (and keeps a first-contact key). */
  verify(hello: SatelliteHello, controllerNonce: string): Promise<HelloVerdict>;
  /** The satellite proved its identity and our proof is sent. */
  online(hello: SatelliteHello): void;
  /** Identity not proven, or the satellite refused us: nothing is sent, a slow retry follows. */
  refused(status: RefusalReason, reason: string): void;
  versionMismatch(hello: SatelliteHello): void;
  message(msg: SatelliteMessage): void;
  /** The connection is gone (or never came up); a reconnect is scheduled unless closed. */
  offline(reason: string): void;
  /** Seq of the last desired state sent on this connection, carried by pings. */
  lastSentSeq?(): number | undefined;
}

export function majorOf(version: string): string {
  return String(version).split('.')[0] ?? '';
}

/**
 * One controller→satellite connection with its own reconnect loop: newline-delimited JSON,
 * hello handshake, ping/pong keepalive, exponential backoff with jitter. It knows nothing
 * about desired state; the link manager reacts to its events.
 */
export class SatelliteConnection {
  private socket: Socket | undefined;
  private attempt = 0;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastInbound = 0;
  private helloDone = false;
  private nonce = '';
  /** What the log last said about this link: a retry that changes nothing logs at debug only. */
  private logged: 'unknown' | 'online' | 'down' = 'unknown';
  private lastProblem = '';
  private failedAttempts = 0;

  constructor(
    private readonly endpoint: () => Endpoint | undefined,
    private readonly controllerId: string,
    private readonly clusterId: string,
    private readonly timing: LinkTiming,
    private readonly events: ConnectionEvents,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.closed = false;
    this.attempt = 0;
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.drop('link closed', false);
  }

  get isOpen(): boolean { return !!this.socket && this.helloDone; }

  send(msg: ControllerMessage): boolean {
    if (!this.socket || this.socket.destroyed) return false;
    this.socket.write(`${JSON.stringify(msg)}\n`);
    return true;
  }

  private open(): void {
    clearTimeout(this.reconnectTimer);
    let ep: Endpoint | undefined;
    try {
      ep = this.endpoint();
    } catch (e) {
      // e.g. the controller's keystore for SSL links cannot be read: say so, retry later.
      this.problem('error', (e as Error).message, { err: (e as Error).message }, 'cannot connect to the satellite');
      this.down((e as Error).message);
      this.events.offline((e as Error).message);
      this.scheduleReconnect();
      return;
    }
    if (!ep || this.closed) return;
    const endpoint = ep;
    this.helloDone = false;
    this.nonce = newNonce();
    let buf = '';
    let failure = 'connection closed';
    const sock = openLink(endpoint, () => {
      sock.setTimeout(0);
      this.lastInbound = Date.now();
      this.log.debug({ host: endpoint.host, port: endpoint.port, tls: !!endpoint.tls }, 'connected to satellite');
      this.send({ type: 'hello', version: PROTOCOL_VERSION, controllerId: this.controllerId, clusterId: this.clusterId, nonce: this.nonce, nodeName: endpoint.nodeName });
      this.events.connected();
      this.startPing(sock);
    });
    this.socket = sock;
    sock.setNoDelay(true);
    sock.setTimeout(this.timing.connectTimeoutMs, () => sock.destroy(new Error(`connect timeout after ${this.timing.connectTimeoutMs} ms`)));
    sock.on('data', (d: Buffer) => {
      this.lastInbound = Date.now();
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0 && this.socket === sock) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.onLine(sock, line, endpoint);
      }
    });
    sock.on('error', (err) => { failure = err.message; });
    sock.on('close', () => {
      if (this.socket !== sock) return;
      this.socket = undefined;
      this.stopPing();
      this.down(failure, { host: endpoint.host, port: endpoint.port });
      this.events.offline(failure);
      this.scheduleReconnect();
    });
  }

  private onLine(sock: Socket, line: string, endpoint: Endpoint): void {
    let msg: SatelliteMessage;
    try {
      msg = JSON.parse(line) as SatelliteMessage;
    } catch {
      this.log.warn({ line: line.slice(0, 200) }, 'unparseable message from satellite; dropping the connection');
      sock.destroy(new Error('protocol error'));
      return;
    }
    if (msg.type === 'ping') { this.send({ type: 'pong' }); return; }
    if (msg.type === 'pong') return;
    if (msg.type === 'refused') {
      const reason = msg.reason === 'OTHER_CONTROLLER' ? 'OTHER_CONTROLLER' : 'AUTHENTICATION_ERROR';
      this.problem('warn', `refused:${reason}:${String(msg.message).slice(0, 500)}`, { reason, message: String(msg.message).slice(0, 500) }, 'the satellite refused this controller');
      this.giveUp(sock, reason, String(msg.message).slice(0, 500));
      return;
    }
    if (msg.type === 'hello') {
      if (this.helloDone) return;
      if (majorOf(msg.version) !== majorOf(PROTOCOL_VERSION)) {
        this.problem('warn', `version:${msg.version}`, { theirs: msg.version, ours: PROTOCOL_VERSION }, 'satellite protocol version mismatch');
        this.events.versionMismatch(msg);
        // Send nothing else; retry slowly in case the satellite gets upgraded.
        this.attempt = 30;
        sock.destroy(new Error(`version mismatch: satellite ${msg.version}, controller ${PROTOCOL_VERSION}`));
        return;
      }
      const nonce = this.nonce;
      void this.events.verify(msg, nonce).then((v) => {
        if (this.socket !== sock || sock.destroyed) return;
        if (!v.ok) {
          this.problem('warn', `identity:${v.status}:${v.reason}`, { status: v.status, reason: v.reason }, 'the satellite did not prove the node\'s identity; sending it nothing');
          this.giveUp(sock, v.status, v.reason);
          return;
        }
        this.send({ type: 'auth', proof: controllerProof(v.nodeKey, this.clusterId, nonce, String(msg.nonce)) });
        this.helloDone = true;
        this.attempt = 0;
        this.up(endpoint);
        this.events.online(msg);
      }, (e: unknown) => sock.destroy(e as Error));
      return;
    }
    if (!this.helloDone) return;
    this.events.message(msg);
  }

  /** The link works (again): said once, with how many attempts failed before. */
  private up(ep: Endpoint): void {
    this.log.info({ host: ep.host, port: ep.port, tls: !!ep.tls, ...(this.failedAttempts ? { failedAttempts: this.failedAttempts } : {}) }, 'satellite online');
    this.logged = 'online';
    this.lastProblem = '';
    this.failedAttempts = 0;
  }

  /** A failed attempt or a lost link: logged when the state changes, retries only at debug. */
  private down(reason: string, where: Record<string, unknown> = {}): void {
    this.failedAttempts++;
    if (this.logged === 'down') { this.log.debug({ ...where, reason, attempt: this.failedAttempts }, 'satellite still unreachable'); return; }
    this.log.info({ ...where, reason }, this.logged === 'online' ? 'satellite connection lost; retrying (further attempts are logged at debug level)' : 'cannot reach the satellite; retrying (further attempts are logged at debug level)');
    this.logged = 'down';
  }

  /** A warning that every retry would repeat: logged once per distinct problem. */
  private problem(level: 'warn' | 'error', key: string, obj: Record<string, unknown>, msg: string): void {
    if (this.lastProblem === key) { this.log.debug(obj, msg); return; }
    this.lastProblem = key;
    this.log[level](obj, msg);
  }

  /** Identity failures are not retried quickly: the operator has to act (or the peer goes away). */
  private giveUp(sock: Socket, status: RefusalReason, reason: string): void {
    this.attempt = 30;
    this.events.refused(status, reason);
    sock.destroy(new Error(reason));
  }

  private startPing(sock: Socket): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastInbound > 3 * this.timing.pingIntervalMs) {
        sock.destroy(new Error(`no answer for ${Date.now() - this.lastInbound} ms`));
        return;
      }
      const seq = this.helloDone ? this.events.lastSentSeq?.() : undefined;
      this.send(seq === undefined ? { type: 'ping' } : { type: 'ping', seq });
    }, this.timing.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private drop(reason: string, reconnect: boolean): void {
    const s = this.socket;
    this.socket = undefined;
    this.stopPing();
    if (s) {
      s.destroy();
      this.events.offline(reason);
    }
    if (reconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    const delay = backoffMs(this.attempt++, this.timing);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }
}
