/**
 * The data stream of one volume backup (this project's format; LINSTOR ships FILE_THIN not at
 * all, LVM/ZFS with their own tools). Uncompressed layout:
 *
 *   "LTSBACK1" | u32 header length | header JSON {sizeBytes, chunkBytes, incremental}
 *   records: u64 offset | u32 length | data        (big-endian)
 *   end:     u64 0xFFFF_FFFF_FFFF_FFFF | u32 0
 *
 * A full backup holds every chunk that is not all zeros; an incremental one every chunk that
 * differs from the base snapshot (chunk compare: Node has no SEEK_DATA/SEEK_HOLE, and holes
 * read back as zeros, so unchanged sparse ranges compare equal and are skipped).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { open, type FileHandle } from 'node:fs/promises';
import { openDecompressed } from './compression.js';

const MAGIC = Buffer.from('LTSBACK1');
const END = 0xffff_ffff_ffff_ffffn;
export const CHUNK_BYTES = 1024 * 1024;

export interface StreamHeader { sizeBytes: number; chunkBytes: number; incremental: boolean }
export interface EncodeStats { sizeBytes: number; changedBytes: number; imageSha256: string }

async function readAt(fh: FileHandle | undefined, buf: Buffer, pos: number, len: number): Promise<Buffer> {
  const out = buf.subarray(0, len);
  if (!fh) return out.fill(0);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(out, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got < len) out.fill(0, got);
  return out;
}

const isZero = (b: Buffer): boolean => { for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false; return true; };

/** Yields the uncompressed stream for `file`; `stats` is filled once the generator is done. */
export async function* encodeVolume(file: string, baseFile: string | undefined, stats: Partial<EncodeStats>, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  const bh = baseFile ? await open(baseFile, 'r') : undefined;
  try {
    const sizeBytes = (await fh.stat()).size;
    const header = Buffer.from(JSON.stringify({ sizeBytes, chunkBytes: CHUNK_BYTES, incremental: !!bh } satisfies StreamHeader));
    const len = Buffer.alloc(4); len.writeUInt32BE(header.length);
    yield Buffer.concat([MAGIC, len, header]);
    const hash = createHash('sha256');
    const cur = Buffer.alloc(CHUNK_BYTES);
    const base = Buffer.alloc(CHUNK_BYTES);
    let changed = 0;
    for (let pos = 0; pos < sizeBytes; pos += CHUNK_BYTES) {
      if (signal?.aborted) throw new Error('backup aborted');
      const n = Math.min(CHUNK_BYTES, sizeBytes - pos);
      const c = await readAt(fh, cur, pos, n);
      hash.update(c);
      const differs = bh ? !c.equals(await readAt(bh, base, pos, n)) : !isZero(c);
      if (!differs) continue;
      changed += n;
      const rec = Buffer.alloc(12); rec.writeBigUInt64BE(BigInt(pos)); rec.writeUInt32BE(n, 8);
      yield Buffer.concat([rec, c]);
    }
    const end = Buffer.alloc(12); end.writeBigUInt64BE(END);
    yield end;
    Object.assign(stats, { sizeBytes, changedBytes: changed, imageSha256: hash.digest('hex') });
  } finally {
    await fh.close();
    await bh?.close();
  }
}

/** Reads exact byte counts from a stream of buffers. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      const { value, done } = await this.it.next();
      if (done) throw new Error('backup stream ends early');
      this.buf = this.buf.length ? Buffer.concat([this.buf, value]) : value;
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  /** The source must end here: trailing bytes, or a decoder that fails at its end, throw. */
  async expectEnd(): Promise<void> {
    if (this.buf.length) throw new Error('backup stream has data after its end record');
    const { done } = await this.it.next();
    if (!done) throw new Error('backup stream has data after its end record');
  }
}

/** Applies one uncompressed stream onto `target` (already `sizeBytes` long). Returns its header. */
export async function applyStream(source: AsyncIterable<Buffer>, target: FileHandle, expectSize: number): Promise<StreamHeader> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  if (!(await r.read(8)).equals(MAGIC)) throw new Error('not a backup stream of this format');
  const hlen = (await r.read(4)).readUInt32BE(0);
  if (hlen > 65536) throw new Error('backup stream header too long');
  const header = JSON.parse((await r.read(hlen)).toString('utf8')) as StreamHeader;
  // An older backup of a volume that has grown since is smaller: the rest stays zeros.
  if (header.sizeBytes > expectSize) throw new Error(`backup stream is for ${header.sizeBytes} bytes, more than the volume's ${expectSize}`);
  for (;;) {
    const rec = await r.read(12);
    const off = rec.readBigUInt64BE(0);
    const n = rec.readUInt32BE(8);
    if (off === END) break;
    if (n > header.chunkBytes || Number(off) + n > expectSize) throw new Error('backup stream record out of range');
    const data = await r.read(n);
    await target.write(data, 0, n, Number(off));
  }
  // zstd checks its frame checksum at the end: only a decoder that finished cleanly counts.
  await r.expectEnd();
  return header;
}

/** SHA-256 of a file's first `size` bytes (holes read as zeros). */
export async function fileSha256(file: string, size: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.alloc(CHUNK_BYTES);
    for (let pos = 0; pos < size; pos += CHUNK_BYTES) hash.update(await readAt(fh, buf, pos, Math.min(CHUNK_BYTES, size - pos)));
    return hash.digest('hex');
  } finally { await fh.close(); }
}

/**
 * Applies compressed streams (zstd, or gzip from before the switch; full first, then
 * incrementals) into a new file `image` of `size` bytes, starting from a copy of `seed` when
 * given (a shipped incremental's base snapshot); true when its SHA-256 is `expectSha256`. A
 * stream that cannot be decoded throws (the caller removes the image).
 */
export async function buildImage(image: string, size: number, objects: string[], expectSha256: string, seed?: string): Promise<boolean> {
  const fh = await open(image, 'wx');
  try {
    await fh.truncate(size);
    if (seed) await copySparse(seed, fh, size);
    for (const o of objects) {
      const d = await openDecompressed(o).catch((e: Error) => { throw new Error(`${basename(o)}: ${e.message}`); });
      try { await applyStream(d.stream, fh, size); } catch (e) { throw new Error(`backup stream ${basename(o)} cannot be decoded: ${(e as Error).message}`); } finally { await d.close(); }
    }
    await fh.sync();
  } finally { await fh.close(); }
  return (await fileSha256(image, size)) === expectSha256;
}

/** Copies the first `size` bytes of `from` into `to`, skipping all-zero chunks (they stay holes). */
async function copySparse(from: string, to: FileHandle, size: number): Promise<void> {
  const src = await open(from, 'r');
  try {
    const n = Math.min(size, (await src.stat()).size);
    const buf = Buffer.alloc(CHUNK_BYTES);
    for (let pos = 0; pos < n; pos += CHUNK_BYTES) {
      const c = await readAt(src, buf, pos, Math.min(CHUNK_BYTES, n - pos));
      if (!isZero(c)) await to.write(c, 0, c.length, pos);
    }
  } finally { await src.close(); }
}
