/** Builds and starts the service (used by main.ts, the tests and the benchmark). */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { LinstorClient, clientTlsFromFiles, parseControllerList, resolveControllers } from '../../core/client/index.js';
import type { CinderConfig } from './config.js';
import { createApp } from './http/app.js';
import { registerRoutes } from './routes/index.js';
import { CinderService } from './service/context.js';

export interface RunningService { svc: CinderService; server: Server; port: number; url: string; close(): Promise<void> }

export async function startService(cfg: CinderConfig, log: Logger = pino({ level: process.env.LINSTOR_LOG_LEVEL ?? 'info', base: { component: 'cinder-api' } })): Promise<RunningService> {
  const controllers = cfg.controllers ? parseControllerList(cfg.controllers) : resolveControllers();
  const tls = clientTlsFromFiles(cfg.linstor.tls);
  const client = new LinstorClient({ controllers, timeoutMs: cfg.linstor.timeoutMs, headers: { 'User-Agent': 'linstor-cinder-api/0.1.0' }, ...(tls ? { tls } : {}) });
  const svc = new CinderService(cfg, client, log);
  const app = createApp(svc, registerRoutes);
  const server = await new Promise<Server>((res, rej) => {
    const s = app.listen(cfg.port, cfg.listenAddr, () => res(s));
    s.once('error', rej);
  });
  const port = (server.address() as AddressInfo).port;
  const host = cfg.listenAddr === '0.0.0.0' ? '127.0.0.1' : cfg.listenAddr;
  log.info({ address: cfg.listenAddr, port, controllers }, `linstor-cinder-api listening on ${cfg.listenAddr}:${port}`);
  // Reports kept in the outbox while no controller answered: retried each minute.
  const stopFlushing = svc.reporter.flushEvery(60_000);
  return {
    svc, server, port, url: `http://${host}:${port}`,
    async close() {
      stopFlushing();
      await new Promise<void>((r) => server.close(() => r()));
      await svc.drain();
    },
  };
}
