/**
 * Peers as an attacker on the network would run them: a raw connection that sends whatever
 * JSON lines it likes to a satellite, and a listener that records everything a controller
 * sends it (and plays a satellite offering a fresh key, to try and get more).
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { helloIdentity, newNodeKey } from '../../core/model/pairing.js';

export interface RawPeer {
  socket: Socket;
  /** Parsed lines received. */
  received: any[];
  closed: Promise<void>;
  send(msg: unknown): void;
  next(match: (m: any) => boolean, timeoutMs?: number): Promise<any>;
}

function lineReader(socket: Socket, onLine: (m: any) => void): void {
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (l) { try { onLine(JSON.parse(l)); } catch { onLine({ unparsed: l }); } }
    }
  });
}

/** Connects (plain, or TLS with `tls`); resolves once the connection is up (or the handshake fails). */
export function rawPeer(host: string, port: number, tls?: ConnectionOptions): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tlsConnect({ host, port, checkServerIdentity: () => undefined, ...tls })
      : netConnect({ host, port });
    const received: any[] = [];
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((r) => socket.once('close', () => { r(); for (const w of waiters) w(); }));
    lineReader(socket, (m) => { received.push(m); for (const w of waiters) w(); });
    socket.once('error', (e) => reject(e));
    socket.once(tls ? 'secureConnect' : 'connect', () => resolve({
      socket, received, closed,
      send: (msg) => socket.write(`${typeof msg === 'string' ? msg : JSON.stringify(msg)}\n`),
      next: (match, timeoutMs = 10_000) => new Promise((res, rej) => {
        const check = (): void => {
          const hit = received.find(match);
          if (hit) { done(); res(hit); } else if (socket.destroyed) { done(); rej(new Error(`closed; got ${JSON.stringify(received)}`)); }
        };
        const timer = setTimeout(() => { done(); rej(new Error(`nothing matching within ${timeoutMs} ms; got ${JSON.stringify(received)}`)); }, timeoutMs);
        const done = (): void => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      }),
    }));
  });
}

export interface RecordingListener {
  port: number;
  /** Every line every controller sent, in order. */
  lines: any[];
  /** Raw text received, to search for keys. */
  raw(): string;
  close(): Promise<void>;
}

/** A listener on `address` that answers hello as an unpaired satellite (offering its own key). */
export async function recordingListener(address: string): Promise<RecordingListener> {
  const lines: any[] = [];
  let text = '';
  const sockets = new Set<Socket>();
  const key = newNodeKey();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d: Buffer) => { text += d.toString('utf8'); });
    lineReader(s, (m) => {
      lines.push(m);
      if (m.type === 'hello') {
        s.write(`${JSON.stringify({ type: 'hello', version: '1.0', nodeName: m.nodeName, uname: 'attacker', providers: ['FILE_THIN', 'DISKLESS'], layers: ['STORAGE', 'LUKS'],
          unsupportedProviders: {}, unsupportedLayers: {}, ...helloIdentity(key, true, m.clusterId, m.nonce) })}\n`);
      }
      if (m.type === 'ping') s.write('{"type":"pong"}\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, address, () => r()));
  return {
    port: (server.address() as { port: number }).port,
    lines,
    raw: () => text,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
