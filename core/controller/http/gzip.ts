/**
 * gzip for responses built from cached parts. Each part is compressed once, on its own, as raw
 * deflate ending in a sync flush (no final block); a response is then the gzip header, the
 * parts' deflate data one after another, an empty final block and a trailer whose CRC-32 is
 * combined from the parts' CRCs. A write re-compresses only the parts it changed, and the
 * result is one ordinary gzip member that every client decodes (pigz builds streams this way).
 */
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { Request } from 'express';

/** Below this a body goes out as it is: compressing costs more than it saves. */
export const GZIP_MIN_BYTES = 1024;

/** Fast level: list bodies are large, repetitive JSON and the CPU is shared with everything else. */
const LEVEL = 1;

export function acceptsGzip(req: Request | undefined): boolean {
  const ae = req?.headers['accept-encoding'];
  if (!ae) return false;
  // "gzip;q=0" refuses it; any other mention (gzip, x-gzip, *) accepts it.
  return String(ae).split(',').some((e) => {
    const [name, ...params] = e.trim().toLowerCase().split(';').map((s) => s.trim());
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function gzipWhole(body: Buffer): Buffer {
  return gzipSync(body, { level: LEVEL });
}

/** One part of a body, compressed on its own (see the file comment). */
export interface DeflatedPart { deflate: Buffer; crc: number; length: number }

export function deflatePart(bytes: Buffer): DeflatedPart {
  return {
    deflate: deflateRawSync(bytes, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH }),
    crc: crc32(bytes),
    length: bytes.length,
  };
}

const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty fixed-Huffman block with BFINAL set: ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** The gzip member of the parts' concatenation, as buffers to write one after another. */
export function gzipFromParts(parts: readonly DeflatedPart[]): Buffer[] {
  let crc = 0;
  let length = 0;
  const out: Buffer[] = [HEADER];
  for (const p of parts) {
    out.push(p.deflate);
    crc = crc32Combine(crc, p.crc, p.length);
    length += p.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  out.push(FINAL_BLOCK, trailer);
  return out;
}

// ---- CRC-32 of a concatenation from the CRCs of its pieces (zlib's crc32_combine). ----

const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC polynomial (reflected bit order, as zlib). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: number[] = (() => {
  const t: number[] = [];
  let p = 0x40000000; // x^1
  t.push(p);
  for (let n = 1; n < 32; n++) t.push(p = multModP(p, p));
  return t;
})();

/** x^(n * 2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n) {
    if (n & 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC-32 of A followed by B, given crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB === 0) return crcA >>> 0;
  return (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}
