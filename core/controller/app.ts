import express, { type NextFunction, type Request, type Response } from 'express';
import { rcEntry } from '../model/apicallrc.js';
import { fromRequestJson } from '../model/json.js';
import type { ControllerContext } from './context.js';
import { CONTROLLER_VERSION } from './errors/reporter.js';
import { httpErrorHandler, refuseDeepBodies } from './http/error-handler.js';
import { sendJson, sendRcList } from './http/reply.js';
import { boolParam } from './http/query.js';
import { linstorMetrics } from './metrics/linstor-metrics.js';
import { accessLog } from './http/access-log.js';
import { createMetrics } from './metrics/metrics.js';
import { ldapAuthentication } from './auth/middleware.js';
import { registerRoutes } from './routes/index.js';

export const REST_API_VERSION = '1.28.0';
const GIT_ID = 'linstor-ts';
const BUILD_TIME = '2026-11-27T00:00:00+00:00';

/** Builds the REST API v1 application on top of a ready context. */
export function createApp(ctx: ControllerContext) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Query parameters as JAX-RS reads them: plain `name=value` pairs, a repeated name is a list
  // (no `a[b]=c` objects).
  app.set('query parser', 'simple');
  const metrics = createMetrics(ctx.state, ctx.runtime);
  app.use(metrics.middleware);
  app.use(accessLog(ctx.log.child({ module: 'rest' })));
  // LDAP users (linstor.toml [ldap]) before any body is read or any route runs.
  if (ctx.config.ldap.enabled) app.use(ldapAuthentication(ctx.config.ldap, ctx.config.configDirectory, ctx.log));
  // The body as text, then JSON as Jackson reads it (exact big integers, a bare JSON string
  // as python-linstor sends the enter-passphrase body).
  app.use(express.text({ limit: '16mb', type: () => true }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (typeof req.body !== 'string') { req.body = undefined; next(); return; }
    try {
      req.body = req.body.trim() === '' ? {} : fromRequestJson(req.body);
    } catch {
      // Unparseable JSON: LINSTOR answers 400 with API_CALL_PARSE_ERROR.
      sendRcList(res, [rcEntry('API_CALL_PARSE_ERROR', 'Unable to parse the request body as JSON.', { correction: 'Send a valid JSON document.' })], 400);
      return;
    }
    next();
  });
  app.use(refuseDeepBodies);

  app.get('/health', (_req, res) => { res.status(200).end(); });
  let scrapes = 0;
  app.get('/metrics', async (req, res) => {
    // LINSTOR's families first (its names, labels and GET arguments), then our own.
    const startedAt = Date.now();
    const opts = { resources: boolParam(req, 'resource', true), storagePools: boolParam(req, 'storage_pools', true), errorReports: boolParam(req, 'error_reports', true) };
    const linstor = linstorMetrics(ctx.state, ctx.runtime, opts, { version: CONTROLLER_VERSION, buildtime: BUILD_TIME, gitid: GIT_ID }, { count: scrapes++, startedAt });
    res.type(metrics.registry.contentType).send(linstor + await metrics.registry.metrics());
  });
  app.get('/v1/controller/version', (_req, res) => {
    sendJson(res, 200, { version: CONTROLLER_VERSION, git_hash: GIT_ID, build_time: BUILD_TIME, rest_api_version: REST_API_VERSION });
  });

  const router = express.Router({ caseSensitive: false });
  registerRoutes(router, ctx);
  app.use(router);

  app.use((req: Request, res: Response) => {
    // An unknown path is 404 (the status mapping alone would make UNKNOWN_API_CALL a 500).
    sendJson(res, 404, [rcEntry('UNKNOWN_API_CALL', `Unknown API call: ${req.method} ${req.path}`, { correction: 'See the LINSTOR REST API v1 for the available calls.' })]);
  });
  // Body-parser, routing and any other error that reaches here: JSON ApiCallRc, never an HTML page.
  app.use(httpErrorHandler(ctx.reporter));
  return app;
}
