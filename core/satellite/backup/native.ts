/**
 * Backups of ZFS, ZFS_THIN and LVM_THIN volumes with the provider's own tools, as LINSTOR does:
 *
 *   upload:  zfs send [-i base] snap | zstd            → S3 object
 *   restore: S3 object → zstd -d | zfs receive -F vol@snap   (thin_send / thin_recv for LVM_THIN)
 *
 * Each command is a ChildStream in one pipeline, so a failure anywhere (the producer exits
 * non-zero, zstd fails, the upload breaks, an abort) fails the whole transfer and every process
 * is killed and reaped. A restore streams straight into the new volume (no staging space for a
 * whole volume), checks each object's SHA-256 as it passes and, on any failure, removes what it
 * received: the target did not exist before, so everything there is its own.
 */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type { NativeStreams } from '../providers/native-streams.js';
import { ChildStream, type ChildStreamOptions } from './child-stream.js';
import { ZSTD_COMPRESS_ARGV, ZSTD_DECOMPRESS_ARGV } from './compression.js';
import { Tap } from './tap.js';

/** Starts one command of a pipeline; tests pass one that runs a stand-in for zfs/thin_*. */
export type StageSpawner = (argv: readonly string[], opts?: ChildStreamOptions) => ChildStream;
export const spawnStage: StageSpawner = (argv, opts) => new ChildStream(argv, opts);

class Counter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void { this.bytes += chunk.length; cb(null, chunk); }
}

export interface NativeSource {
  /** producer, byte counter, zstd: put them first in a pipeline. */
  stages: [ChildStream, Counter, ChildStream];
  /** Uncompressed stream bytes so far. */
  rawBytes(): number;
  /** Kills what still runs and waits until every process is gone. */
  close(): Promise<void>;
  /** The first command that failed, if one did (for a clearer error than a broken pipe). */
  failure(): Error | undefined;
}

async function runAll(n: NativeStreams, cmds: string[][]): Promise<void> {
  for (const argv of cmds) await n.runner.run(argv);
}

/** Prepares and starts `send | zstd` for one volume's snapshot (incremental on `base`). */
export async function openNativeSource(n: NativeStreams, volume: string, snapshot: string, base: string | undefined, spawn: StageSpawner = spawnStage): Promise<NativeSource> {
  const plan = n.send(volume, snapshot, base);
  await runAll(n, plan.prepare);
  const producer = spawn(plan.send, { input: false });
  const counter = new Counter();
  const zstd = spawn(ZSTD_COMPRESS_ARGV);
  return {
    stages: [producer, counter, zstd],
    rawBytes: () => counter.bytes,
    failure: () => producer.error ?? zstd.error,
    async close() {
      for (const s of [producer, zstd]) s.destroy();
      await Promise.all([producer.exited, zstd.exited]);
    },
  };
}

export interface NativeObject { name: string; sha256: string; open(signal: AbortSignal): Promise<Readable> }

/**
 * Receives a chain of compressed native streams (full first) into new snapshot `snapshot` of
 * `volume`. Refuses when the volume or snapshot exists; on any failure removes what it made.
 */
export async function receiveNative(o: {
  streams: NativeStreams; volume: string; snapshot: string; sizeKib: number; objects: NativeObject[];
  signal: AbortSignal; log: Logger; spawn?: StageSpawner;
}): Promise<{ undo(): Promise<void> }> {
  const { streams: n, volume, snapshot } = o;
  const spawn = o.spawn ?? spawnStage;
  if (await n.exists(volume, snapshot)) {
    throw new ApiError('FAIL_EXISTS_VLM', `Volume '${volume}' (or its snapshot '${snapshot}') exists already on this node; a backup is never received into an existing volume.`, { correction: 'Restore into a new resource name.' });
  }
  const plan = n.receive(volume, snapshot, o.sizeKib, o.objects.length);
  const undo = async () => {
    for (const argv of plan.undo) await n.runner.run(argv).catch((u: Error) => o.log.error({ err: u.message, volume }, 'could not remove a partly received volume'));
  };
  try {
    await runAll(n, plan.prepare);
    for (const [i, obj] of o.objects.entries()) {
      const body = await obj.open(o.signal);
      const tap = new Tap();
      const unzstd = spawn(ZSTD_DECOMPRESS_ARGV);
      const recv = spawn(plan.each[i]!, { output: false });
      try {
        await pipeline(body, tap, unzstd, recv, { signal: o.signal });
      } catch (e) {
        throw new Error(`${obj.name}: ${(unzstd.error ?? recv.error ?? e as Error).message}`);
      } finally {
        for (const s of [unzstd, recv]) s.destroy();
        await Promise.all([unzstd.exited, recv.exited]);
      }
      const got = tap.hash.digest('hex');
      if (got !== obj.sha256) throw new Error(`${obj.name} is corrupted: its SHA-256 is ${got}, the backup's metadata says ${obj.sha256}`);
    }
    await runAll(n, plan.finish);
    return { undo };
  } catch (e) {
    await undo();
    if (e instanceof ApiError) throw e;
    throw new ApiError('FAIL_UNKNOWN_ERROR', `Receiving volume '${volume}' failed: ${(e as Error).message}; nothing was restored.`, { correction: 'Restore an older complete backup, or check the node\'s zfs/thin_recv and zstd.' });
  }
}
