import type { Logger } from 'pino';
import type { SatelliteRequest } from '../model/satellite-protocol.js';
import type { Store } from '../store/store.js';
import type { LogRing } from '../sos/log-ring.js';
import type { ControllerConfig } from './config.js';
import type { ErrorReporter } from './errors/reporter.js';
import type { ClusterState } from './state/cluster-state.js';
import type { RuntimeState } from './state/runtime.js';

/** The satellite links as the routes see them (implemented in controller/satellites). */
export interface SatelliteLinks {
  /** Starts (or restarts) the connection to a node's satellite. */
  connect(nodeKey: string): void;
  disconnect(nodeKey: string): void;
  /**
   * Before a paired node's satellite endpoint changes: resolves when whoever listens at the
   * new address proves the node's key; rejects with an ApiError otherwise (and that peer has
   * been sent nothing but a hello).
   */
  verifyEndpoint(nodeKey: string, ni: { address: string; satellitePort?: number; satelliteEncryptionType?: string }): Promise<void>;
  /**
   * Resolves when every named node (nameKey) has reported applying the desired state as it is
   * now (default timeout 30 s) — or, with `resources` (definition names), applying the
   * changes of those resources, whatever else the node is still busy with. Never rejects:
   * nodes that are not connected (or drop during the wait) are listed in `offline`, nodes
   * that did not answer in time in `timedOut`. The reports are in `ctx.runtime` before it resolves.
   */
  waitApplied(nodeKeys: string[], timeoutMs?: number, resources?: string[]): Promise<WaitAppliedResult>;
  /**
   * Sends a one-off request (physical-storage list, create-device-pool) to an online satellite
   * and resolves with its result. Rejects with an ApiError: FAIL_NOT_CONNECTED when the node is
   * not online or does not answer in time (default 60 s), else the satellite's own error.
   */
  request<T = unknown>(nodeKey: string, req: DistributiveOmit<SatelliteRequest, 'reqId'>, timeoutMs?: number): Promise<T>;
}

export interface WaitAppliedResult {
  /** Node keys that were not connected (or were lost while waiting). */
  offline: string[];
  /** Node keys that did not report the applied state in time. */
  timedOut: string[];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Everything a route or service needs, handed in at start (tests pass real ones). */
export interface ControllerContext {
  /** The store behind `state` (database export needs it); routes mutate only through `state`. */
  store: Store;
  config: ControllerConfig;
  state: ClusterState;
  runtime: RuntimeState;
  log: Logger;
  reporter: ErrorReporter;
  links: SatelliteLinks;
  nodeName: string;
  clock: () => number;
  /**
   * False once this controller lost its lease on a shared store (HA): nothing may be sent to
   * satellites any more. Absent: always active (tests, the embedded store).
   */
  isActive?: () => boolean;
  /**
   * Background work of this controller (the schedulers) hands in its stop here; the controller
   * calls it when it stops serving (closed, fenced). Absent: it runs as long as the process.
   */
  onStop?: (stop: () => void) => void;
  /** The controller's last log lines (SOS reports); absent when started without one (tests in-process). */
  logRing?: LogRing;
}
