import type { Server } from 'node:http';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { createApp } from './app.js';
import type { ControllerConfig } from './config.js';
import type { ControllerContext, SatelliteLinks } from './context.js';
import { ErrorReporter } from './errors/reporter.js';
import { unlockAtStart } from './encryption/index.js';
import { startRestListeners } from './http/listeners.js';
import { ensureDefaultResourceGroup } from './routes/resource-groups.js';
import { ensureDefaultStoragePoolDefinitions } from './routes/storage-pools.js';
import { createSatelliteLinks } from './satellites/index.js';
import { ensureClusterId } from './satellites/identity.js';
import { ClusterState } from './state/cluster-state.js';
import { RuntimeState } from './state/runtime.js';

export interface RunningController {
  ctx: ControllerContext;
  /** The plain HTTP server (the HTTPS one when HTTP is off). */
  server: Server;
  /** HTTP port (undefined when [http] is off). */
  port: number;
  httpsPort?: number;
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
  ctx.links = createSatelliteLinks(ctx, await ensureClusterId(state));
  const app = createApp(ctx);
  let listeners;
  try {
    listeners = await startRestListeners(app, config, log);
  } catch (e) {
    for (const n of state.nodes.values()) ctx.links.disconnect(n.name.toUpperCase());
    await store.close();
    throw e;
  }
  const port = listeners.httpPort ?? listeners.httpsPort!;
  for (const n of state.nodes.values()) {
    if (n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY') ctx.links.connect(n.name.toUpperCase());
  }
  log.info({ port, httpsPort: listeners.httpsPort, objects: Object.fromEntries(state.tables().map((t) => [t.name, t.size])), startMs: Date.now() - startedAt }, 'controller started');
  return {
    ctx, server: listeners.servers[listeners.servers.length - 1]!, port, httpsPort: listeners.httpsPort, store,
    async close() {
      for (const n of state.nodes.values()) ctx.links.disconnect(n.name.toUpperCase());
      await listeners.close();
      await store.close();
    },
  };
}
