import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterState } from '../state/cluster-state.js';
import type { RuntimeState } from '../state/runtime.js';

/** Prometheus metrics: requests and latency per route, and object counts. */
export function createMetrics(state: ClusterState, runtime: RuntimeState) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linstor_controller_' });
  const requests = new Counter({ name: 'linstor_http_requests_total', help: 'REST requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'linstor_http_request_duration_seconds', help: 'REST request latency', labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  new Gauge({
    name: 'linstor_objects', help: 'Objects held by the controller', labelNames: ['kind'], registers: [registry],
    collect() {
      for (const t of state.tables()) this.set({ kind: t.name }, t.size);
    },
  });
  new Gauge({
    name: 'linstor_node_online', help: '1 when the node\'s satellite is online', labelNames: ['node'], registers: [registry],
    collect() {
      this.reset();
      for (const n of state.nodes.values()) this.set({ node: n.name }, runtime.nodes.get(n.name.toUpperCase())?.status === 'ONLINE' ? 1 : 0);
    },
  });

  function middleware(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route pattern keeps label cardinality bounded.
      const routePath = (req.route?.path as string | undefined) ?? 'unmatched';
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ method: req.method, route: routePath, status: String(res.statusCode) });
      latency.observe({ method: req.method, route: routePath }, secs);
    });
    next();
  }
  return { registry, middleware };
}
