import type { Logger } from 'pino';
import type { ErrorReporter } from './errors/reporter.js';
import type { ClusterState } from './state/cluster-state.js';
import type { RuntimeState } from './state/runtime.js';

/** The satellite links as the routes see them (implemented in controller/satellites). */
export interface SatelliteLinks {
  /** Starts (or restarts) the connection to a node's satellite. */
  connect(nodeKey: string): void;
  disconnect(nodeKey: string): void;
  /** Resolves when every named node has applied the current desired state (or times out). */
  waitApplied(nodeKeys: string[], timeoutMs?: number): Promise<void>;
}

/** Everything a route or service needs, handed in at start (tests pass real ones). */
export interface ControllerContext {
  state: ClusterState;
  runtime: RuntimeState;
  log: Logger;
  reporter: ErrorReporter;
  links: SatelliteLinks;
  nodeName: string;
  clock: () => number;
}
