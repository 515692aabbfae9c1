import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { createApp } from './app.js';
import type { ControllerConfig } from './config.js';
import type { ControllerContext, SatelliteLinks } from './context.js';
import { ErrorReporter } from './errors/reporter.js';
import { unlockAtStart } from './encryption/index.js';
import { ensureDefaultResourceGroup } from './routes/resource-groups.js';
import { ensureDefaultStoragePoolDefinitions } from './routes/storage-pools.js';
import { createSatelliteLinks } from './satellites/index.js';
import { ClusterState } from './state/cluster-state.js';
import { RuntimeState } from './state/runtime.js';

export interface RunningController {
  ctx: ControllerContext;
  server: Server;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store, loads everything into memory, connects satellites and starts the REST API. */
export async function startController(config: ControllerConfig, log: Logger = pino({ level: config.logging.level }).child({ component: 'controller' })): Promise<RunningController> {
  const startedAt = Date.now();
  const store = openStore(config.db.connectionUrl);
  const state = new ClusterState(store);
  await state.load();
  const runtime = new RuntimeState();
  const nodeName = hostname();
  const reporter = new ErrorReporter(state, nodeName, log);
  const ctx: ControllerContext = { state, runtime, log, reporter, nodeName, store, config, clock: Date.now, links: undefined as unknown as SatelliteLinks };
  // LINSTOR's database starts with DfltRscGrp and the two default storage pool definitions.
  await ensureDefaultResourceGroup(state);
  await ensureDefaultStoragePoolDefinitions(state);
  // MASTER_PASSPHRASE or [encrypt] passphrase unlocks the volume keys (guide §3.8.2).
  await unlockAtStart(ctx, config.encrypt.passphrase);
  ctx.links = createSatelliteLinks(ctx);
  const app = createApp(ctx);
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.listenAddr, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  for (const n of state.nodes.values()) {
    if (n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY') ctx.links.connect(n.name.toUpperCase());
  }
  log.info({ port, objects: Object.fromEntries(state.tables().map((t) => [t.name, t.size])), startMs: Date.now() - startedAt }, 'controller started');
  return {
    ctx, server, port, store,
    async close() {
      for (const n of state.nodes.values()) ctx.links.disconnect(n.name.toUpperCase());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
