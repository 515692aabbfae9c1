/** Assembles a plugin instance (context + gRPC server) from options; used by main and by tests. */
import { join } from 'node:path';
import { hostname } from 'node:os';
import type * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { AdapterErrorReporter } from '../../core/client/adapter-reports.js';
import { LinstorClient, parseControllerList, resolveControllers, type ClientAuth, type ClientTls } from '../../core/client/index.js';
import { LocalRunner, type CommandRunner } from '../../core/exec/index.js';
import type { PluginContext, PluginMode } from './context.js';
import { OperationLocks } from './locks.js';
import { NodeRecords } from './node/records.js';
import { buildServer, listen } from './server.js';

export const DEFAULT_PLUGIN_NAME = 'linstor.csi.linbit.com';
export const VERSION = '1.0.0';

export interface PluginOptions {
  endpoint: string;
  nodeName?: string;
  /** Comma list as in LS_CONTROLLERS; default: LS_CONTROLLERS, linstor-client.conf, localhost. */
  linstorEndpoint?: string;
  pluginName?: string;
  mode?: PluginMode;
  logLevel?: string;
  log?: Logger;
  runner?: CommandRunner;
  deviceWaitMs?: number;
  /** Where the node service keeps its records of staged and published volumes (default /var/lib/linstor-csi). */
  stateDir?: string;
  /** TLS and login towards the controller (linstor-csi: LS_USER_CERTIFICATE/LS_USER_KEY/LS_ROOT_CA, LS_USERNAME/LS_PASSWORD). */
  tls?: ClientTls;
  auth?: ClientAuth;
}

/**
 * linstor-csi's way to its controller, from its environment: LS_USER_CERTIFICATE, LS_USER_KEY
 * and LS_ROOT_CA hold PEM text (all three, as linstor-csi requires), LS_USERNAME/LS_PASSWORD
 * basic credentials; --linstor-skip-tls-verification skips checking the controller's certificate.
 */
export function csiClientAccess(env: NodeJS.ProcessEnv, skipTlsVerification = false): { tls?: ClientTls; auth?: ClientAuth } {
  const cert = env.LS_USER_CERTIFICATE, key = env.LS_USER_KEY, ca = env.LS_ROOT_CA;
  const some = [cert, key, ca].filter((x) => x !== undefined).length;
  if (some > 0 && some < 3) throw new Error('LS_USER_CERTIFICATE, LS_USER_KEY and LS_ROOT_CA must be given together');
  const tls: ClientTls | undefined = some === 3 ? { cert, key, ca } : undefined;
  const withSkip = skipTlsVerification ? { ...(tls ?? {}), rejectUnauthorized: false } : tls;
  return {
    ...(withSkip ? { tls: withSkip } : {}),
    ...(env.LS_USERNAME ? { auth: { user: env.LS_USERNAME, password: env.LS_PASSWORD ?? '' } } : {}),
  };
}

export const DEFAULT_STATE_DIR = '/var/lib/linstor-csi';
const OUTBOX_RETRY_MS = 60_000;

export interface RunningPlugin { ctx: PluginContext; server: grpc.Server; socketPath: string; stop(): Promise<void> }

export async function startPlugin(o: PluginOptions): Promise<RunningPlugin> {
  const log = o.log ?? pino({ level: o.logLevel ?? 'info', base: { component: 'linstor-csi' } });
  const controllers = o.linstorEndpoint ? parseControllerList(o.linstorEndpoint) : resolveControllers();
  // HTTP basic credentials travel over HTTPS only, as golinstor's client does for a https:// endpoint.
  const client = new LinstorClient({ controllers, timeoutMs: 120_000, ...(o.tls ? { tls: o.tls } : {}), ...(o.auth ? { auth: o.auth } : {}) });
  const nodeName = o.nodeName || hostname();
  const ctx: PluginContext = {
    client,
    nodeName,
    // Reports no controller took wait under the state dir (error-reports/) and are retried each minute.
    reporter: new AdapterErrorReporter(client, 'CSI', log, { node: nodeName, ...(o.stateDir ? { outboxDir: join(o.stateDir, 'error-reports') } : {}) }),
    pluginName: o.pluginName || DEFAULT_PLUGIN_NAME,
    version: VERSION,
    mode: o.mode ?? 'monolith',
    runner: o.runner ?? new LocalRunner(log),
    log,
    locks: new OperationLocks(),
    deviceWaitMs: o.deviceWaitMs ?? 60_000,
    records: new NodeRecords(o.stateDir ?? DEFAULT_STATE_DIR),
  };
  const server = buildServer(ctx);
  const socketPath = await listen(server, o.endpoint);
  const stopFlushing = ctx.reporter.flushEvery(OUTBOX_RETRY_MS);
  log.info({ socket: socketPath, mode: ctx.mode, node: ctx.nodeName, name: ctx.pluginName, controllers }, 'linstor-csi listening');
  return {
    ctx, server, socketPath,
    stop: () => { stopFlushing(); return new Promise<void>((res) => server.tryShutdown(() => res())); },
  };
}
