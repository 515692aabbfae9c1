import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rcEntry, type ApiCallRc, type ObjectMask, type OpMask } from '../../model/apicallrc.js';
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
 * Wraps a route: ApiErrors become ApiCallRc lists with LINSTOR's status mapping; anything
 * unexpected writes an error report and answers 500 with its id.
 */
export function route(reporter: ErrorReporter, meta: RouteMeta, successStatus: number,
  fn: (req: Request, res: Response) => Promise<RouteResult> | RouteResult): RequestHandler {
  return async (req: Request, res: Response, _next: NextFunction) => {
    try {
      const r = await fn(req, res);
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

export async function sendError(reporter: ErrorReporter, req: Request, res: Response, err: unknown, meta?: RouteMeta): Promise<void> {
  if (err instanceof ApiError) {
    sendRcList(res, [err.toApiCallRc({ obj: meta?.obj, op: meta?.op })], 200);
    return;
  }
  const id = await reporter.report(err, req);
  const e = rcEntry('FAIL_UNKNOWN_ERROR', `An unexpected error occurred: ${err instanceof Error ? err.message : String(err)}`, {
    obj: meta?.obj, op: meta?.op, errorReportIds: [id],
    correction: `See error report ${id} (linstor error-reports show ${id}).`,
  });
  sendRcList(res, [e], 500);
}
