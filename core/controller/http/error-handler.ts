/**
 * The last middleware of the REST app: whatever fails before or outside a route (body parsing,
 * Content-Encoding, size limit, a path that does not decode, a bug) is answered as LINSTOR
 * answers, a JSON ApiCallRc list, never Express's HTML page with a stack trace. Client mistakes
 * get their 4xx status and API_CALL_PARSE_ERROR; anything unexpected writes an error report and
 * answers 500 with its id. Routes keep their own handling (http/handler.ts); this only sees
 * what reaches `next(err)`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, toJson } from '../../model/json.js';
import type { ErrorReporter } from '../errors/reporter.js';
import { sendError } from './handler.js';
import { sendJson } from './reply.js';

/** body-parser's error types (and the router's decode error) → status and what to tell the client. */
const CLIENT_ERRORS: Record<string, { status: number; message: string; correction: string }> = {
  'entity.parse.failed': { status: 400, message: 'Unable to parse the request body as JSON.', correction: 'Send a valid JSON document.' },
  'entity.too.large': { status: 413, message: 'The request body is larger than the controller accepts.', correction: 'Send a smaller request body.' },
  'encoding.unsupported': { status: 415, message: 'The Content-Encoding of the request is not supported.', correction: 'Send the body uncompressed, or as gzip, deflate or br.' },
  'charset.unsupported': { status: 415, message: 'The charset of the request body is not supported.', correction: 'Send the body as UTF-8 JSON.' },
  'request.size.invalid': { status: 400, message: 'The request body is shorter or longer than its Content-Length.', correction: 'Send a Content-Length that matches the body.' },
  'stream.encoding.set': { status: 500, message: 'The request stream could not be read.', correction: 'Retry the request.' },
};

/**
 * After body parsing: a body nested deeper than any LINSTOR request is refused before a
 * validator or service walks it (a deep enough array would exhaust their call stack).
 */
export const refuseDeepBodies: RequestHandler = (req, res, next) => {
  if (nestsDeeperThan(req.body)) {
    sendJson(res, 400, [rcEntry('API_CALL_PARSE_ERROR', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, { correction: 'Send a LINSTOR request body.' })]);
    return;
  }
  next();
};

export function httpErrorHandler(reporter: ErrorReporter): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) { res.destroy(); return; }
    const e = (err ?? {}) as { type?: string; status?: number; statusCode?: number };
    if (e.type === 'request.aborted') { res.destroy(); return; } // the client is gone
    const known = e.type ? CLIENT_ERRORS[e.type] : undefined;
    const status = e.status ?? e.statusCode;
    if (known && known.status < 500) {
      sendJson(res, known.status, [rcEntry('API_CALL_PARSE_ERROR', known.message, { correction: known.correction })]);
      return;
    }
    if (!known && typeof status === 'number' && status >= 400 && status < 500) {
      // The router could not decode a path parameter (`/v1/nodes/%ff`) or a similar client error.
      sendJson(res, status, [rcEntry('API_CALL_PARSE_ERROR', `The request could not be understood: ${req.method} ${safePath(req.originalUrl)}`, {
        correction: 'Percent-encode names and paths as UTF-8.',
      })]);
      return;
    }
    void sendError(reporter, req, res, err);
  };
}

/** The path as text that is safe to echo: no control characters, bounded. */
function safePath(url: string): string {
  const p = url.split('?')[0] ?? '';
  const clean = p.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/**
 * Requests that are not even valid HTTP (a broken request line, a body without framing, huge
 * headers) never reach Express: Node's parser answers them. They get LINSTOR's JSON too.
 */
export function answerMalformedHttp(server: import('node:http').Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) { socket.destroy(); return; }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = toJson([rcEntry('API_CALL_PARSE_ERROR', tooLarge ? 'The request headers are too large.' : 'The request is not valid HTTP.', {
      correction: tooLarge ? 'Send fewer or shorter headers.' : 'Send a well-formed HTTP/1.1 request (Content-Length or chunked framing for a body).',
    })]);
    socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
