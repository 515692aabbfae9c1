/** Timing of the satellite links; tests shorten it through the environment. */
export interface LinkTiming {
  /** First reconnect delay; doubles per failed attempt up to `reconnectMaxMs` (with jitter). */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** A ping is sent this often; a peer silent for 3 intervals is considered dead. */
  pingIntervalMs: number;
  connectTimeoutMs: number;
  /** At most one push per node in this window; bursts of commits collapse into one. */
  pushCoalesceMs: number;
  /**
   * Between changes a node gets only what changed; this often it gets its full state again,
   * a consistency check that repairs drift (a device removed behind the satellite's back).
   */
  fullSyncMs: number;
}

function envMs(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

export function linkTimingFromEnv(): LinkTiming {
  return {
    reconnectMinMs: envMs('LINSTOR_SATELLITE_RECONNECT_MIN_MS', 200),
    reconnectMaxMs: envMs('LINSTOR_SATELLITE_RECONNECT_MAX_MS', 10_000),
    pingIntervalMs: envMs('LINSTOR_SATELLITE_PING_MS', 2_000),
    connectTimeoutMs: envMs('LINSTOR_SATELLITE_CONNECT_TIMEOUT_MS', 5_000),
    pushCoalesceMs: envMs('LINSTOR_SATELLITE_PUSH_COALESCE_MS', 20),
    fullSyncMs: envMs('LINSTOR_SATELLITE_FULL_SYNC_MS', 10 * 60_000),
  };
}

/** Exponential backoff with ±25% jitter so many nodes do not reconnect in lockstep. */
export function backoffMs(attempt: number, t: LinkTiming): number {
  const base = Math.min(t.reconnectMaxMs, t.reconnectMinMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
