import type { RequestListener, Server } from 'node:http';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { LogRing } from '../sos/log-ring.js';
import { createApp } from './app.js';
import type { ControllerConfig } from './config.js';
import type { ControllerContext, SatelliteLinks } from './context.js';
import { ErrorReporter } from './errors/reporter.js';
import { unlockAtStart } from './encryption/index.js';
import { Leadership } from './ha/leadership.js';
import { answerHealth, answerStandby } from './ha/standby.js';
import { startRestListeners, type RestListeners } from './http/listeners.js';
import { isUiPath, uiHandler } from '../ui/server/static.js';
import { ensureDefaultResourceGroup } from './routes/resource-groups.js';
import { ensureDefaultStoragePoolDefinitions } from './routes/storage-pools.js';
import { ensureClusterId } from './satellites/identity.js';
import { createSatelliteLinks } from './satellites/index.js';
import { ClusterState } from './state/cluster-state.js';
import { RuntimeState } from './state/runtime.js';

export interface RunningController {
  /** Set once this controller is active (at once unless it is a standby on a shared store). */
  ctx?: ControllerContext;
  /** The plain HTTP server (the HTTPS one when HTTP is off). */
  server: Server;
  /** HTTP port (the HTTPS port when [http] is off). */
  port: number;
  httpsPort?: number;
  store: Store;
  leadership: Leadership;
  /** Resolves when this controller became active (false: closed before). */
  active: Promise<boolean>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Called when a held lease is lost: the controller stops serving and writing; main.ts exits. */
  onLeaseLost?: (reason: string) => void;
  /** The log lines `log` writes, kept for SOS reports (main.ts). */
  logRing?: LogRing;
}

/** The URL standbys and clients are given for this controller. */
function advertisedUrl(config: ControllerConfig, l: RestListeners): string {
  if (config.http.advertiseUrl) return config.http.advertiseUrl.replace(/\/+$/, '');
  const https = l.httpPort === undefined;
  const addr = https ? config.https.listenAddr : config.http.listenAddr;
  const host = addr === '::' || addr === '0.0.0.0' || addr === '' ? hostname() : addr;
  return `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${https ? l.httpsPort : l.httpPort}`;
}

/**
 * Opens the store and starts the REST API. With the embedded SQLite store (or when it wins the
 * election at once) it loads everything into memory, connects the satellites and serves the
 * API before resolving. Otherwise it serves as a standby (only /health; API calls answer "not
 * the active controller") and takes over when the active controller's lease lapses.
 */
export async function startController(config: ControllerConfig, log: Logger = pino({ level: config.logging.level }).child({ component: 'controller' }), opts: StartOptions = {}): Promise<RunningController> {
  const startedAt = Date.now();
  const store = await openStore(config.db);
  const leadership = new Leadership(store, log, Math.max(100, Math.min(1000, Math.floor(config.db.leaseMs / 5))));
  let activeHandler: RequestListener | undefined;
  let ctx: ControllerContext | undefined;
  let closing = false;
  /** Stops of this activation's background work (ControllerContext.onStop). */
  const stops: Array<() => void> = [];

  const activate = async (): Promise<void> => {
    const t0 = Date.now();
    const state = new ClusterState(store);
    await state.load();
    const runtime = new RuntimeState();
    const nodeName = hostname();
    const reporter = new ErrorReporter(state, nodeName, log);
    const c: ControllerContext = {
      state, runtime, log, reporter, nodeName, store, config, clock: Date.now,
      links: undefined as unknown as SatelliteLinks, isActive: () => leadership.isActive(), logRing: opts.logRing,
      onStop: (stop) => { stops.push(stop); },
    };
    // LINSTOR's database starts with DfltRscGrp and the two default storage pool definitions.
    await ensureDefaultResourceGroup(state);
    await ensureDefaultStoragePoolDefinitions(state);
    // MASTER_PASSPHRASE or [encrypt] passphrase unlocks the volume keys (guide §3.8.2).
    await unlockAtStart(c, config.encrypt.passphrase);
    c.links = createSatelliteLinks(c, await ensureClusterId(state));
    activeHandler = createApp(c) as unknown as RequestListener;
    ctx = running.ctx = c;
    leadership.role = 'active';
    for (const n of state.nodes.values()) {
      if (n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY') c.links.connect(n.name.toUpperCase());
    }
    log.info({ objects: Object.fromEntries(state.tables().map((t) => [t.name, t.size])), loadMs: Date.now() - t0, startMs: Date.now() - startedAt, store: store.kind },
      'controller active');
  };

  const stopServing = (): void => {
    activeHandler = undefined;
    for (const stop of stops.splice(0)) stop();
    if (!ctx) return;
    for (const n of ctx.state.nodes.values()) ctx.links.disconnect(n.name.toUpperCase());
  };

  store.election?.onLost((reason) => {
    if (closing) return;
    leadership.role = 'fenced';
    log.error({ reason }, 'lost the lease on the shared database: no longer the active controller; fenced');
    stopServing();
    opts.onLeaseLost?.(reason);
  });

  // The web GUI's files are served by every controller, active or standby: on a standby its
  // API calls get the standby's answer naming the active controller.
  const ui = uiHandler();
  const dispatch: RequestListener = (req, res) => {
    if (req.method === 'GET' && /^\/health(\?|$)/.test(req.url ?? '')) { void answerHealth(leadership, store.kind, res); return; }
    if (isUiPath(req.url)) { ui(req, res); return; }
    const h = activeHandler;
    if (h && leadership.isActive()) h(req, res);
    else void answerStandby(leadership, req, res);
  };
  let listeners: RestListeners;
  try {
    listeners = await startRestListeners(dispatch, config, log);
  } catch (e) {
    await store.close();
    throw e;
  }

  const running: RunningController = {
    server: listeners.servers[listeners.servers.length - 1]!, port: listeners.httpPort ?? listeners.httpsPort!, httpsPort: listeners.httpsPort,
    store, leadership, active: Promise.resolve(false),
    async close() {
      closing = true;
      leadership.stop();
      stopServing();
      await listeners.close();
      await store.close();
    },
  };
  leadership.me.url = advertisedUrl(config, listeners);
  // A lone controller (or the first of several) is active before this resolves.
  if (await leadership.tryOnce()) {
    try {
      await activate();
    } catch (e) {
      await running.close();
      throw e;
    }
    running.active = Promise.resolve(true);
  } else {
    log.info({ port: running.port, store: store.kind }, 'standby: another controller is active; waiting for its lease to lapse');
    running.active = leadership.waitForLease().then(async (won) => {
      if (!won || closing) return false;
      log.info({ waitedMs: Date.now() - startedAt }, 'won the election: taking over');
      await activate();
      return true;
    });
  }
  log.info({ port: running.port, httpsPort: running.httpsPort, role: leadership.role }, 'controller started');
  return running;
}
