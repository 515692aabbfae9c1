/**
 * ETags for GET answers, so a poller (the web GUI) can ask "changed?" with If-None-Match and
 * get a bodiless 304 when nothing did (RFC 9110 8.8.3, 13.1.2). The tag is computed from the
 * JSON bytes sent: CRC-32 and length, which for a segmented list combine from cached per-part
 * CRCs (no pass over the body). Weak (W/): the plain and gzip forms carry the same tag, and
 * If-None-Match compares weakly anyway. Clients that never send If-None-Match (linstor-client)
 * see nothing but the extra header.
 */
import { crc32 } from 'node:zlib';
import type { Request, Response } from 'express';
import { crc32Combine } from './gzip.js';

/** CRC-32 and length of a body: what the tag is made of. */
export interface Checksum { crc: number; length: number }

export function checksumOf(body: Buffer): Checksum {
  return { crc: crc32(body), length: body.length };
}

/** The checksum of the parts' concatenation, from their own checksums. */
export function combineChecksums(parts: Iterable<Checksum>): Checksum {
  let crc = 0;
  let length = 0;
  for (const p of parts) {
    crc = crc32Combine(crc, p.crc, p.length);
    length += p.length;
  }
  return { crc, length };
}

export function etagOf(sum: Checksum): string {
  return `W/"${sum.length.toString(36)}-${(sum.crc >>> 0).toString(36)}"`;
}

/** Only successful GET/HEAD answers are validated (a 404 or an ApiCallRc list is not). */
export function wantsEtag(req: Request, status: number): boolean {
  return status === 200 && (req.method === 'GET' || req.method === 'HEAD');
}

/** If-None-Match by weak comparison: `*`, or any listed tag whose opaque part equals ours. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const ours = etag.replace(/^W\//, '');
  for (const m of header.matchAll(/(?:W\/)?("[^"]*")/g)) if (m[1] === ours) return true;
  return false;
}

/**
 * Sets the ETag; answers 304 (the tag and Vary, no body) and returns true when the client
 * already has this representation.
 */
export function answerConditional(res: Response, sum: Checksum): boolean {
  const etag = etagOf(sum);
  res.setHeader('ETag', etag);
  if (!noneMatchHits(res.req.headers['if-none-match'], etag)) return false;
  res.status(304);
  res.setHeader('Vary', 'Accept-Encoding');
  res.end();
  return true;
}
