/**
 * The HTTP frame shared by every route: request ids, version discovery, authentication,
 * microversions, routes with and without `/{project_id}`, and faults. Route families live
 * in ../routes, one file each.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { LinstorApiError, LinstorConnectionError, MAX_JSON_DEPTH, nestsDeeperThan } from '../../../core/client/index.js';
import type { CinderService } from '../service/context.js';
import { authenticate, type RequestContext } from './auth.js';
import { CinderFault } from './faults.js';
import { negotiate, versionsDocument, type ApiVersion } from './microversion.js';
import type { ViewCtx } from './views.js';

export interface Call {
  svc: CinderService;
  ctx: RequestContext;
  version: ApiVersion;
  /** scheme://host:port of this service, for links. */
  base: string;
  view: ViewCtx;
}

declare module 'express-serve-static-core' {
  interface Locals { call?: Call; requestId?: string }
}

const COLLECTIONS = new Set(['volumes', 'snapshots', 'types', 'attachments', 'limits', 'os-quota-sets', 'os-availability-zone', 'os-services', 'scheduler-stats', 'messages', 'extensions']);

export const baseUrl = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** Wraps an async handler: it gets the per-request Call; errors go to the fault handler. */
export function h(fn: (req: Request, res: Response, c: Call) => Promise<unknown> | unknown) {
  return async (req: Request, res: Response): Promise<void> => { await fn(req, res, res.locals.call!); };
}

/** Handlers reachable only from microversion `v` on (cinder answers 404 below it). */
export function since(v: string, fn: (req: Request, res: Response, c: Call) => Promise<unknown> | unknown) {
  return h(async (req, res, c) => {
    if (!c.version.atLeast(v)) throw new CinderFault(404, `API version ${c.version} does not support ${req.method} ${req.path} (needs ${v}).`);
    return fn(req, res, c);
  });
}

export function createApp(svc: CinderService, registerRoutes: (r: Router) => void): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');

  app.use((req, res, next) => {
    const id = `req-${randomUUID()}`;
    res.locals.requestId = id;
    res.setHeader('x-openstack-request-id', id);
    const started = Date.now();
    res.on('finish', () => svc.log.info({ requestId: id, globalRequestId: req.get('x-openstack-request-id'), method: req.method, url: req.originalUrl, status: res.statusCode, ms: Date.now() - started }, 'request'));
    next();
  });

  app.get('/', (req, res) => { res.status(300).json(versionsDocument(baseUrl(req))); });
  app.get(['/v3', '/v3/'], (req, res) => { res.status(200).json(versionsDocument(baseUrl(req))); });

  app.use(express.json({ limit: svc.cfg.maxRequestBodySize, type: () => true }));
  app.use((req, _res, next) => { next(nestsDeeperThan(req.body) ? new CinderFault(400, `Malformed request body: it nests deeper than ${MAX_JSON_DEPTH} levels.`) : undefined); });

  app.use('/v3', (req, res, next) => {
    const version = negotiate(req.headers);
    res.setHeader('OpenStack-API-Version', `volume ${version}`);
    res.setHeader('Vary', 'OpenStack-API-Version');
    authenticate(svc.cfg, req.get('x-auth-token'), svc.keystone).then((ctx) => {
      const base = baseUrl(req);
      const typeNames = new Map<string, string>();
      res.locals.call = {
        svc, ctx, version, base,
        view: { base, projectId: ctx.projectId, version, isAdmin: ctx.isAdmin, typeName: (id) => typeNames.get(id) },
      };
      // Type names for volume views: one read per request, only where volumes are shown.
      if (/volumes|attachments/.test(req.path)) {
        svc.types.list().then((ts) => { for (const t of ts) typeNames.set(t.id, t.name); next(); }, next);
      } else next();
    }, next);
  });

  const flat = express.Router();
  registerRoutes(flat);
  app.use('/v3', flat);

  const scoped = express.Router({ mergeParams: true });
  scoped.use((req, res, next) => {
    const p = String((req.params as Record<string, string>).project_id);
    const c = res.locals.call!;
    // `/v3/volumes/<unknown>` fell through the flat routes: a 404, not a foreign project.
    if (COLLECTIONS.has(p)) { next('router'); return; }
    if (p !== c.ctx.projectId && !c.ctx.isAdmin) {
      next(new CinderFault(400, `Malformed request URL: URL's project_id '${p}' doesn't match Context's project_id '${c.ctx.projectId}'`));
      return;
    }
    next();
  });
  registerRoutes(scoped);
  app.use('/v3/:project_id', scoped);

  app.use((req, _res, next) => { next(new CinderFault(404, `The resource could not be found: ${req.method} ${req.path}`)); });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let fault: CinderFault;
    const httpError = err as { type?: string; status?: number; statusCode?: number };
    if (err instanceof CinderFault) fault = err;
    else if (httpError.type === 'entity.parse.failed') fault = new CinderFault(400, 'Malformed request body: the body is not valid JSON.');
    else if (httpError.type === 'entity.too.large') {
      // oslo.middleware's RequestBodySizeLimiter, as Cinder's paste pipeline runs it.
      fault = new CinderFault(413, `Request is too large. Larger than max_request_body_size (${svc.cfg.maxRequestBodySize}).`);
    } else if (httpError.type === 'request.aborted') { res.destroy(); return; }
    else if (err instanceof LinstorConnectionError) fault = new CinderFault(503, `The LINSTOR controller cannot be reached: ${err.message}`);
    else if (err instanceof LinstorApiError) fault = new CinderFault(500, `LINSTOR controller error: ${err.message}`);
    else if (typeof httpError.type === 'string' || httpError.status === 400 || httpError.statusCode === 400) {
      // Other body errors (unknown Content-Encoding or charset, a length that lies) and paths that
      // do not decode (%ff): Cinder cannot read the body or find the resource either.
      fault = typeof httpError.type === 'string'
        ? new CinderFault(400, 'Malformed request body: the body could not be read.')
        : new CinderFault(404, 'The resource could not be found.');
    }
    else {
      svc.log.error({ err, requestId: res.locals.requestId, url: req.originalUrl }, 'unexpected error');
      const token = req.get('x-auth-token');
      void svc.reporter.report(err, { action: `${req.method} ${req.originalUrl.split('?')[0]} (${res.locals.requestId})`, secrets: token ? [token] : [] });
      fault = new CinderFault(500, 'The server has either erred or is incapable of performing the requested operation.');
    }
    if (res.locals.requestId) res.setHeader('x-compute-request-id', res.locals.requestId);
    // keystonemiddleware names where to get a token.
    if (fault.status === 401 && svc.cfg.auth.keystone) res.setHeader('WWW-Authenticate', `Keystone uri="${svc.cfg.auth.keystone.authUrl}"`);
    if (fault.status === 406 || fault.status === 400) {
      // A refused version is still answered with the version header of the range's edge.
      if (!res.getHeader('OpenStack-API-Version')) res.setHeader('Vary', 'OpenStack-API-Version');
    }
    res.status(fault.status).json(fault.body());
  });
  return app;
}
