/** What every service of the plugin is handed: the LINSTOR client, this node, the runner, the log. */
import type { Logger } from 'pino';
import type { LinstorClient } from '../../core/client/index.js';
import type { AdapterErrorReporter } from '../../core/client/adapter-reports.js';
import type { CommandRunner } from '../../core/exec/index.js';
import type { OperationLocks } from './locks.js';
import type { NodeRecords } from './node/records.js';

export type PluginMode = 'monolith' | 'controller' | 'node';

export interface PluginContext {
  client: LinstorClient;
  /** LINSTOR node name of this host (NodeGetInfo node_id). */
  nodeName: string;
  pluginName: string;
  version: string;
  mode: PluginMode;
  runner: CommandRunner;
  log: Logger;
  locks: OperationLocks;
  /** How long node calls wait for a device to appear or grow. */
  deviceWaitMs: number;
  /** What this node plugin staged and published (persisted in its state folder). */
  records: NodeRecords;
  /** Unexpected failures (a bug, a command that failed) become error reports on the controller. */
  reporter: AdapterErrorReporter;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
