/**
 * Asks whoever listens at an endpoint to identify itself, without pairing and without
 * sending it anything but a hello: used before a net-interface change of a paired node
 * takes effect. The connection is closed before our `auth`, so the peer gets nothing.
 */
import { newNonce } from '../../model/pairing.js';
import { PROTOCOL_VERSION, type SatelliteHello, type SatelliteMessage } from '../../model/satellite-protocol.js';
import { openLink, type Endpoint } from './connection.js';

export function probeSatellite(ep: Endpoint, controllerId: string, clusterId: string, timeoutMs: number): Promise<{ hello: SatelliteHello; nonce: string }> {
  const nonce = newNonce();
  return new Promise((resolve, reject) => {
    let buf = '';
    let settled = false;
    const finish = (err: Error | undefined, hello?: SatelliteHello): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err); else resolve({ hello: hello!, nonce });
    };
    const timer = setTimeout(() => finish(new Error(`no satellite answered at ${ep.host}:${ep.port} within ${timeoutMs} ms`)), timeoutMs);
    const sock = openLink(ep, () => {
      sock.write(`${JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, controllerId, clusterId, nonce, nodeName: ep.nodeName })}\n`);
    });
    sock.on('error', (e) => finish(new Error(`${ep.host}:${ep.port}: ${e.message}`)));
    sock.on('close', () => finish(new Error(`${ep.host}:${ep.port} closed the connection without identifying itself`)));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length > 1 << 20) { finish(new Error('answer too long')); return; }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        let msg: SatelliteMessage;
        try { msg = JSON.parse(line) as SatelliteMessage; } catch { finish(new Error('the peer does not speak the satellite protocol')); return; }
        if (msg.type === 'refused') { finish(new Error(`the satellite refused this controller: ${String(msg.message).slice(0, 300)}`)); return; }
        if (msg.type === 'hello') { finish(undefined, msg); return; }
      }
    });
  });
}
