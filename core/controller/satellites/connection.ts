import { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ControllerMessage, SatelliteHello, SatelliteMessage } from '../../model/satellite-protocol.js';
import { PROTOCOL_VERSION } from '../../model/satellite-protocol.js';
import { backoffMs, type LinkTiming } from './link-config.js';

export interface Endpoint { host: string; port: number; nodeName: string }

export interface ConnectionEvents {
  /** TCP is up, our hello is sent. */
  connected(): void;
  /** The satellite's hello arrived with a compatible version. */
  online(hello: SatelliteHello): void;
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

  constructor(
    private readonly endpoint: () => Endpoint | undefined,
    private readonly controllerId: string,
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
    const ep = this.endpoint();
    if (!ep || this.closed) return;
    const sock = new Socket();
    this.socket = sock;
    this.helloDone = false;
    sock.setNoDelay(true);
    sock.setTimeout(this.timing.connectTimeoutMs, () => sock.destroy(new Error(`connect timeout after ${this.timing.connectTimeoutMs} ms`)));
    let buf = '';
    let failure = 'connection closed';
    sock.on('connect', () => {
      sock.setTimeout(0);
      this.lastInbound = Date.now();
      this.log.info({ host: ep.host, port: ep.port }, 'connected to satellite');
      this.send({ type: 'hello', version: PROTOCOL_VERSION, controllerId: this.controllerId, nodeName: ep.nodeName });
      this.events.connected();
      this.startPing(sock);
    });
    sock.on('data', (d: Buffer) => {
      this.lastInbound = Date.now();
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0 && this.socket === sock) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.onLine(sock, line);
      }
    });
    sock.on('error', (err) => { failure = err.message; });
    sock.on('close', () => {
      if (this.socket !== sock) return;
      this.socket = undefined;
      this.stopPing();
      this.log.info({ host: ep.host, port: ep.port, reason: failure }, 'satellite connection lost');
      this.events.offline(failure);
      this.scheduleReconnect();
    });
    sock.connect(ep.port, ep.host);
  }

  private onLine(sock: Socket, line: string): void {
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
    if (msg.type === 'hello') {
      if (majorOf(msg.version) !== majorOf(PROTOCOL_VERSION)) {
        this.log.warn({ theirs: msg.version, ours: PROTOCOL_VERSION }, 'satellite protocol version mismatch');
        this.events.versionMismatch(msg);
        // Send nothing else; retry slowly in case the satellite gets upgraded.
        this.attempt = 30;
        sock.destroy(new Error(`version mismatch: satellite ${msg.version}, controller ${PROTOCOL_VERSION}`));
        return;
      }
      this.helloDone = true;
      this.attempt = 0;
      this.events.online(msg);
      return;
    }
    if (!this.helloDone) return;
    this.events.message(msg);
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
