import express, { type Request, type Response } from 'express';
import { rcEntry } from '../model/apicallrc.js';
import type { ControllerContext } from './context.js';
import { CONTROLLER_VERSION } from './errors/reporter.js';
import { httpErrorHandler, refuseDeepBodies } from './http/error-handler.js';
import { sendJson } from './http/reply.js';
import { createMetrics } from './metrics/metrics.js';
import { ldapAuthentication } from './auth/middleware.js';
import { registerRoutes } from './routes/index.js';

export const REST_API_VERSION = '1.28.0';

/** Builds the REST API v1 application on top of a ready context. */
export function createApp(ctx: ControllerContext) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  const metrics = createMetrics(ctx.state, ctx.runtime);
  app.use(metrics.middleware);
  // LDAP users (linstor.toml [ldap]) before any body is read or any route runs.
  if (ctx.config.ldap.enabled) app.use(ldapAuthentication(ctx.config.ldap, ctx.config.configDirectory, ctx.log));
  // strict: false because python-linstor sends the enter-passphrase body as a bare JSON string.
  app.use(express.json({ limit: '16mb', type: () => true, strict: false }));
  app.use(refuseDeepBodies);

  app.get('/health', (_req, res) => { res.status(200).end(); });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/v1/controller/version', (_req, res) => {
    sendJson(res, 200, { version: CONTROLLER_VERSION, git_hash: 'linstor-ts', build_time: '2026-11-27T00:00:00+00:00', rest_api_version: REST_API_VERSION });
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
