/**
 * The REST API's listeners, as LINSTOR runs them: plain HTTP on 3370 and, with a keystore,
 * HTTPS on 3371. With HTTPS on, plain HTTP keeps only /health and /metrics and answers
 * everything else with a redirect to HTTPS (python-linstor probes for that 302 to find the
 * HTTPS port). With a truststore, a client without a trusted certificate is refused in the
 * TLS handshake, before any request is read.
 */
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadIdentity, loadTrust, minTlsVersion, TlsConfigError } from '../../tls/material.js';
import type { ControllerConfig } from '../config.js';
import { answerMalformedHttp } from './error-handler.js';

export interface RestListeners {
  httpPort?: number;
  httpsPort?: number;
  servers: Server[];
  close(): Promise<void>;
}

const PLAIN_PATHS = new Set(['/health', '/metrics']);

function listen(server: Server, port: number, addr: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, addr, () => { server.off('error', reject); resolve((server.address() as AddressInfo).port); });
  });
}

/** Host part of the request's Host header (only host characters), else the address it arrived on. */
function requestHost(req: IncomingMessage): string {
  const h = req.headers.host ?? '';
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(h);
  if (m) return m[1]!;
  const local = req.socket.localAddress ?? '127.0.0.1';
  return local.includes(':') ? `[${local}]` : local;
}

function redirectToHttps(app: RequestListener, httpsPort: () => number | undefined): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const port = httpsPort();
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '').toLowerCase();
    if (!port || PLAIN_PATHS.has(path)) { app(req, res); return; }
    res.statusCode = 302;
    res.setHeader('Location', `https://${requestHost(req)}:${port}${req.url ?? '/'}`);
    res.setHeader('Content-Length', '0');
    res.end();
  };
}

export async function startRestListeners(app: RequestListener, config: ControllerConfig, log: Logger): Promise<RestListeners> {
  const servers: Server[] = [];
  let httpsPort: number | undefined;
  let httpPort: number | undefined;
  const h = config.https;
  if (!h.enabled && (h.truststore || h.trustedCa)) log.warn('[https] has a truststore but no keystore: HTTPS stays off');
  if (h.enabled) {
    const what = 'linstor.toml [https]';
    const id = loadIdentity(h, config.configDirectory, what);
    if (!id) throw new TlsConfigError(`${what}: HTTPS needs a keystore (or certificate and private_key)`);
    const ca = loadTrust(h, config.configDirectory, what);
    const server = createHttpsServer({
      key: id.key, cert: id.cert, minVersion: minTlsVersion(undefined, what),
      ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
    }, app);
    server.keepAliveTimeout = 65_000;
    answerMalformedHttp(server);
    server.on('tlsClientError', (err, sock) => log.warn({ peer: sock.remoteAddress, reason: err.message }, 'HTTPS client refused in the TLS handshake'));
    httpsPort = await listen(server, h.port, h.listenAddr);
    servers.push(server);
    log.info({ port: httpsPort, clientCertificates: !!ca }, 'HTTPS REST API listening');
  }
  if (config.http.enabled) {
    const server = createHttpServer(redirectToHttps(app, () => httpsPort));
    server.keepAliveTimeout = 65_000;
    answerMalformedHttp(server);
    try {
      httpPort = await listen(server, config.http.port, config.http.listenAddr);
    } catch (e) {
      for (const s of servers) s.close();
      throw e;
    }
    servers.push(server);
  }
  if (!servers.length) throw new Error('linstor.toml: both [http] and [https] are off; the REST API would not listen anywhere');
  return {
    httpPort, httpsPort, servers,
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}
