/**
 * Two real controller processes on one shared database (a real PostgreSQL, MariaDB or etcd
 * started by db-servers.ts): the first becomes active, the second waits as a standby.
 */
import type { DbConfig } from '../../core/store/config.js';
import { FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { startController, type TestController } from '../helpers/controller.js';
import { DB_SERVERS, type DbKind, type DbServer } from '../helpers/db-servers.js';

export interface Health { status: number; role: string; controller?: string; active_controller?: string | null; store?: string }

export async function health(ctl: TestController): Promise<Health> {
  try {
    const res = await fetch(`${ctl.url}/health`);
    const body = await res.json() as Omit<Health, 'status'>;
    return { status: res.status, ...body };
  } catch {
    return { status: 0, role: 'down' };
  }
}

export interface HaPair {
  server: DbServer;
  cfg: DbConfig;
  a: TestController;
  b: TestController;
  /** Starts another controller on the same database (e.g. the killed one again). */
  another(): Promise<TestController>;
  teardown(): Promise<void>;
}

export async function startPair(kind: DbKind, opts: { leaseSeconds?: number; env?: Record<string, string> } = {}): Promise<HaPair> {
  const server = await DB_SERVERS[kind]();
  const started: TestController[] = [];
  const teardown = async () => {
    for (const c of started) await c.stop().catch(() => undefined);
    await server.stop();
  };
  try {
    const cfg = await server.fresh({ leaseMs: (opts.leaseSeconds ?? 3) * 1000 });
    const another = async () => {
      const c = await startController({ dbToml: server.toml(cfg), env: { ...FAST_LINK_ENV, LINSTOR_LOG_LEVEL: 'info', ...opts.env } });
      started.push(c);
      return c;
    };
    const a = await another();
    await waitFor('controller A active', async () => (await health(a)).role === 'active');
    const b = await another();
    await waitFor('controller B standby', async () => (await health(b)).role === 'standby');
    return { server, cfg, a, b, another, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}
