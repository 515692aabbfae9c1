import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rcEntry, type ApiCallRc, type ObjectMask, type OpMask } from '../../model/apicallrc.js';
import type { RequestTypes } from '../../api/generated/types.js';
import { validateRequest, type RequestKey } from '../../api/validate.js';
import { ApiError } from '../../model/errors.js';
import type { ErrorReporter } from '../errors/reporter.js';
import { sendJson, sendList, sendRawJson, sendRcList, type ListBody } from './reply.js';

/** What a route returns: an ApiCallRc list (mutations) or a JSON body (queries). */
export type RouteResult =
  | { rc: ApiCallRc[]; status?: number }
  | { json: unknown; status?: number }
  /** A whole JSON document, already serialised. */
  | { jsonText: string | Buffer; status?: number }
  /** A JSON document kept in parts (a segmented list), written part by part. */
  | { list: ListBody; status?: number }
  | { raw: () => void };

export interface RouteMeta { obj: ObjectMask; op?: OpMask }

/**
 * A route that takes a body names its operation in LINSTOR's spec ("POST /v1/nodes"): the
 * body is validated and coerced against that operation's request schema before the route runs.
 * `bodyOptional`: an empty body reads as `{}` (LINSTOR's adjust, autoplace, restore ...).
 */
export interface BodyMeta<K extends RequestKey> extends RouteMeta { body: K; bodyOptional?: boolean }

type Handler<B> = (req: Request, res: Response, body: B) => Promise<RouteResult> | RouteResult;

/**
 * Wraps a route: ApiErrors become ApiCallRc lists with LINSTOR's status mapping; anything
 * unexpected writes an error report and answers 500 with its id.
 */
export function route<K extends RequestKey>(reporter: ErrorReporter, meta: BodyMeta<K>, successStatus: number, fn: Handler<RequestTypes[K]>): RequestHandler;
export function route(reporter: ErrorReporter, meta: RouteMeta, successStatus: number, fn: Handler<undefined>): RequestHandler;
export function route(reporter: ErrorReporter, meta: RouteMeta & { body?: RequestKey; bodyOptional?: boolean }, successStatus: number,
  fn: Handler<any>): RequestHandler {
  return async (req: Request, res: Response, _next: NextFunction) => {
    try {
      const body = meta.body ? validateRequest(meta.body, requestBody(req, meta.bodyOptional === true)) : undefined;
      const r = await fn(req, res, body);
      if ('raw' in r) return r.raw();
      if ('rc' in r) return sendRcList(res, r.rc, r.status ?? successStatus);
      if ('jsonText' in r) return sendRawJson(res, r.status ?? successStatus, r.jsonText);
      if ('list' in r) return sendList(res, r.status ?? successStatus, r.list);
      return sendJson(res, r.status ?? successStatus, r.json);
    } catch (err) {
      return sendError(reporter, req, res, err, meta);
    }
  };
}

/** The parsed JSON body; LINSTOR's parse error when a required one is missing. */
function requestBody(req: Request, optional: boolean): unknown {
  const b = req.body as unknown;
  if (b !== undefined && b !== null) return b;
  if (optional) return {};
  throw new ApiError('API_CALL_PARSE_ERROR', 'The request has no JSON body.', { correction: 'Send a JSON object with Content-Type: application/json.' });
}

export async function sendError(reporter: ErrorReporter, req: Request, res: Response, err: unknown, meta?: RouteMeta): Promise<void> {
  if (err instanceof ApiError) {
    const rc = err.toApiCallRc({ obj: meta?.obj, op: meta?.op });
    if (err.opts.httpStatus) sendJson(res, err.opts.httpStatus, [rc]);
    else sendRcList(res, [rc], 200);
    return;
  }
  const id = await reporter.report(err, req);
  const e = rcEntry('FAIL_UNKNOWN_ERROR', `An unexpected error occurred: ${err instanceof Error ? err.message : String(err)}`, {
    obj: meta?.obj, op: meta?.op, errorReportIds: [id],
    correction: `See error report ${id} (linstor error-reports show ${id}).`,
  });
  sendRcList(res, [e], 500);
}
