/**
 * The compression stage of backup streams (core/satellite/backup/compression.ts) with the real
 * `zstd` CLI: new streams are zstd, gzip streams from before the switch still decode, a damaged
 * zstd stream is refused, and no zstd process outlives its stream.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { compressionOfFile, compressor, openDecompressed } from '../../core/satellite/backup/compression.js';
import { buildImage, encodeVolume, fileSha256 } from '../../core/satellite/backup/extent-stream.js';
import { descendantsNamed } from '../helpers/processes.js';

const MiB = 1024 * 1024;
let dir: string;
test.before(() => { dir = mkdtempSync(join(tmpdir(), 'compression-')); });
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse 8 MiB volume file with 3 MiB of random data, and its backup stream compressed by zstd. */
async function zstdBackup(name: string): Promise<{ vol: string; stream: string; sha: string }> {
  const vol = join(dir, `${name}.img`);
  const data = Buffer.alloc(8 * MiB);
  randomBytes(3 * MiB).copy(data, 2 * MiB);
  writeFileSync(vol, data);
  const stream = join(dir, `${name}.zst`);
  await pipeline(Readable.from(encodeVolume(vol, undefined, {})), compressor(), createWriteStream(stream));
  return { vol, stream, sha: await fileSha256(vol, 8 * MiB) };
}

test.serial('a new backup stream is zstd (magic 28 b5 2f fd) and decodes back into the exact volume', async (t) => {
  const b = await zstdBackup('new');
  t.is(readFileSync(b.stream).subarray(0, 4).toString('hex'), '28b52ffd');
  t.is(await compressionOfFile(b.stream), 'zstd');
  t.true(await buildImage(join(dir, 'new.out'), 8 * MiB, [b.stream], b.sha), 'the image built from the stream has the volume\'s SHA-256');
  t.deepEqual(descendantsNamed(process.pid, 'zstd'), [], 'no zstd process left');
});

test.serial('a gzip stream written before the switch (made here with zlib) is detected by its magic bytes and restores', async (t) => {
  const b = await zstdBackup('old');
  const raw = join(dir, 'old.raw');
  await pipeline(Readable.from(encodeVolume(b.vol, undefined, {})), createWriteStream(raw));
  const gz = join(dir, 'old.gz');
  writeFileSync(gz, gzipSync(readFileSync(raw), { level: 3 }));
  t.is(await compressionOfFile(gz), 'gzip');
  t.true(await buildImage(join(dir, 'old.out'), 8 * MiB, [gz], b.sha));
  t.false(await buildImage(join(dir, 'old.out2'), 8 * MiB, [gz], '0'.repeat(64)), 'a wrong image SHA-256 is still noticed');
  await t.throwsAsync(compressionOfFile(raw), { message: /neither zstd nor gzip/ }, 'an uncompressed stream is not guessed at');
});

test.serial('a damaged zstd stream is refused by the decoder, and its zstd process is gone', async (t) => {
  const b = await zstdBackup('bad');
  const data = readFileSync(b.stream);
  data[Math.floor(data.length / 2)] ^= 0xff; // inside the random data: zstd's frame checksum catches it at the end
  writeFileSync(b.stream, data);
  await t.throwsAsync(buildImage(join(dir, 'bad.out'), 8 * MiB, [b.stream], b.sha), { message: /cannot be decoded: .*zstd -d -q -c exited with code 1/ });
  t.deepEqual(descendantsNamed(process.pid, 'zstd'), [], 'no zstd process left');
  const cut = join(dir, 'cut.zst');
  writeFileSync(cut, data.subarray(0, data.length / 3));
  await t.throwsAsync(buildImage(join(dir, 'cut.out'), 8 * MiB, [cut], b.sha), { message: /cannot be decoded/ }, 'a truncated stream too');
});

test.serial('a reader that stops halfway: closing the decoder kills and reaps its zstd process', async (t) => {
  const b = await zstdBackup('half');
  const d = await openDecompressed(b.stream);
  const it = d.stream[Symbol.asyncIterator]();
  await it.next(); // zstd is now blocked writing into a pipe nobody reads
  const running = descendantsNamed(process.pid, 'zstd');
  t.is(running.length, 1, 'the decoder runs as a zstd child');
  await d.close();
  t.deepEqual(descendantsNamed(process.pid, 'zstd'), []);
  t.false(existsSync(`/proc/${running[0]!.pid}`), 'reaped, not a zombie');
});
