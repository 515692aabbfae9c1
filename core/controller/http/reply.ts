import type { Response } from 'express';
import { httpStatusFor, type ApiCallRc } from '../../model/apicallrc.js';
import { toJson } from '../../model/json.js';
import { answerConditional, checksumOf, type Checksum, wantsEtag } from './etag.js';
import { acceptsGzip, GZIP_MIN_BYTES, gzipWhole } from './gzip.js';

/** A JSON body kept in parts, each with its compressed form cached (see SegmentedList). */
export interface ListBody {
  parts(): Buffer[];
  gzipParts(): Buffer[];
  /** CRC-32 and length of the plain JSON (the ETag), from cached per-part checksums. */
  checksum(): Checksum;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  sendRawJson(res, status, toJson(body));
}

/** Sends JSON text that is already serialised; gzip when the client asks and it pays. */
export function sendRawJson(res: Response, status: number, text: string | Buffer): void {
  const body = typeof text === 'string' ? Buffer.from(text) : text;
  if (wantsEtag(res.req, status) && answerConditional(res, checksumOf(body))) return;
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(res.req)) {
    writeParts(res, status, [gzipWhole(body)], true);
    return;
  }
  res.status(status).type('application/json').send(body);
}

export function sendList(res: Response, status: number, list: ListBody): void {
  if (wantsEtag(res.req, status) && answerConditional(res, list.checksum())) return;
  const plain = list.parts();
  const gzip = acceptsGzip(res.req) && plain.reduce((n, p) => n + p.length, 0) >= GZIP_MIN_BYTES;
  writeParts(res, status, gzip ? list.gzipParts() : plain, gzip);
}

/** Writes the body without joining it: one writev of the parts. */
function writeParts(res: Response, status: number, parts: Buffer[], gzip: boolean): void {
  let length = 0;
  for (const p of parts) length += p.length;
  res.status(status);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(length));
  res.setHeader('Vary', 'Accept-Encoding');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  if (res.req.method === 'HEAD') { res.end(); return; }
  res.cork();
  for (const p of parts) res.write(p);
  res.uncork();
  res.end();
}

/** Sends an ApiCallRcList with the status LINSTOR would pick for it. */
export function sendRcList(res: Response, list: ApiCallRc[], successStatus: number): void {
  sendJson(res, httpStatusFor(list, successStatus), list);
}
