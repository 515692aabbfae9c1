/** Assembles a plugin instance (context + gRPC server) from options; used by main and by tests. */
import { hostname } from 'node:os';
import type * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { LinstorClient, parseControllerList, resolveControllers } from '../../core/client/index.js';
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
}

export const DEFAULT_STATE_DIR = '/var/lib/linstor-csi';

export interface RunningPlugin { ctx: PluginContext; server: grpc.Server; socketPath: string; stop(): Promise<void> }

export async function startPlugin(o: PluginOptions): Promise<RunningPlugin> {
  const log = o.log ?? pino({ level: o.logLevel ?? 'info', base: { component: 'linstor-csi' } });
  const controllers = o.linstorEndpoint ? parseControllerList(o.linstorEndpoint) : resolveControllers();
  const ctx: PluginContext = {
    client: new LinstorClient({ controllers, timeoutMs: 120_000 }),
    nodeName: o.nodeName || hostname(),
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
  log.info({ socket: socketPath, mode: ctx.mode, node: ctx.nodeName, name: ctx.pluginName, controllers }, 'linstor-csi listening');
  return {
    ctx, server, socketPath,
    stop: () => new Promise<void>((res) => server.tryShutdown(() => res())),
  };
}
