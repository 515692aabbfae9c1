/**
 * Backup transfers on this satellite: uploads of a local snapshot to S3 and downloads of a
 * backup chain into a new local snapshot. Each runs under its job id so `backup-abort` can stop
 * it; an aborted or failed transfer leaves nothing behind (multipart upload aborted, staged
 * files removed).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline as streamPipeline, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type { BackupDownloadRequest, BackupUploadRequest, BackupUploadResult } from '../../model/satellite-protocol.js';
import { s3Client, s3Error } from '../../s3/client.js';
import { volumeName, type StorageProvider } from '../providers/provider.js';
import { Tap } from './tap.js';
import { COMPRESSION, compressor } from './compression.js';
import { openNativeSource, receiveNative, spawnStage, type StageSpawner } from './native.js';
import type { NativeStreams } from '../providers/native-streams.js';
import { buildImage, encodeVolume, type EncodeStats } from './extent-stream.js';

type FileCapable = Required<Pick<StorageProvider, 'snapshotFile' | 'stagingFile' | 'adoptSnapshotFile'>>;

/** FILE_THIN: this project's block stream of the snapshot file; ZFS/LVM_THIN: their own send/receive. */
function backupWay(p: StorageProvider, pool: string): { file: FileCapable } | { native: NativeStreams } {
  if (p.snapshotFile && p.stagingFile && p.adoptSnapshotFile) return { file: p as FileCapable };
  if (p.nativeStreams) return { native: p.nativeStreams() };
  throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage pool '${pool}' (${p.kind}) cannot be backed up to S3 by this satellite.`, { correction: 'Backups to S3 are implemented for FILE_THIN, ZFS, ZFS_THIN and LVM_THIN pools.' });
}

function backupCapable(p: StorageProvider, pool: string): FileCapable {
  const way = backupWay(p, pool);
  if ('file' in way) return way.file;
  throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage pool '${pool}' (${p.kind}) is restored with its own receive tool, not from a file.`, { correction: 'Restore all volumes of a backup into pools of one kind.' });
}

export class BackupJobs {
  private readonly running = new Map<string, { abort: AbortController; owner?: object }>();

  /** `spawn` starts the commands of native streams (tests: a stand-in for zfs/thin_send). */
  constructor(private readonly log: Logger, private readonly provider: (pool: string) => StorageProvider, private readonly spawn: StageSpawner = spawnStage) {}

  abort(jobId: string): boolean {
    const c = this.running.get(jobId);
    c?.abort.abort();
    return !!c;
  }

  /**
   * The controller link that asked for these jobs is gone: nobody is left to write the backup's
   * metadata or take the result, so they stop now and leave nothing behind (the controller, or
   * the next one, drops their snapshots).
   */
  abortOwnedBy(owner: object): number {
    let n = 0;
    for (const [id, j] of this.running) if (j.owner === owner) { j.abort.abort(); n++; this.log.warn({ jobId: id }, 'backup job aborted: its controller link closed'); }
    return n;
  }

  /** Runs `fn` as job `jobId` (abortable by backup-abort, and when `owner`'s link closes). */
  async run<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>, owner?: object): Promise<T> {
    if (this.running.has(jobId)) throw new ApiError('FAIL_IN_USE', `Backup job '${jobId}' is already running on this node.`, { correction: 'Wait for it or abort it.' });
    const c = new AbortController();
    this.running.set(jobId, { abort: c, ...(owner ? { owner } : {}) });
    try { return await fn(c.signal); } finally { this.running.delete(jobId); }
  }

  upload(req: BackupUploadRequest, owner?: object): Promise<BackupUploadResult> {
    return this.run(req.jobId, async (signal) => {
      const client = s3Client(req.s3);
      const out: BackupUploadResult = { volumes: [], compression: COMPRESSION };
      try {
        for (const v of req.volumes) {
          const way = backupWay(this.provider(v.storagePool), v.storagePool);
          const vol = volumeName(req.resource, v.volumeNumber);
          const stats: Partial<EncodeStats> = {};
          let first: Readable;
          let rest: NodeJS.ReadWriteStream[];
          let close: () => Promise<void>;
          let failure: () => Error | undefined;
          let rawBytes = (): number | undefined => undefined;
          if ('native' in way) {
            // Asked before anything is spawned: nothing can fail between the spawn and the try below.
            stats.sizeBytes = await way.native.sizeBytes(vol);
            stats.imageSha256 = ''; // the stream is the tool's own: zfs receive / thin_recv check it
            const src = await openNativeSource(way.native, vol, req.snapshot, req.baseSnapshot, this.spawn);
            [first, ...rest] = src.stages;
            close = src.close;
            failure = src.failure;
            rawBytes = src.rawBytes;
          } else {
            const file = await way.file.snapshotFile(vol, req.snapshot);
            const base = req.baseSnapshot ? await way.file.snapshotFile(vol, req.baseSnapshot) : undefined;
            const zstd = compressor();
            first = Readable.from(encodeVolume(file, base, stats, signal));
            rest = [zstd];
            close = async () => { zstd.destroy(); await zstd.exited; };
            failure = () => zstd.error;
          }
          const tap = new Tap();
          // pipeline, not pipe(): an error in any stage (an abort stops the encoder) must reach the
          // upload as the body's error, not crash the satellite as an unhandled stream error.
          const body = tap;
          streamPipeline([first, ...rest, tap], () => {});
          const up = new Upload({ client, params: { Bucket: req.s3.bucket, Key: v.key, Body: body }, queueSize: 2, partSize: 8 * 1024 * 1024, leavePartsOnError: false });
          const onAbort = () => { first.destroy(new Error('backup aborted')); void up.abort().catch(() => undefined); };
          signal.addEventListener('abort', onAbort);
          try {
            await up.done();
          } catch (e) {
            if (signal.aborted) throw new ApiError('FAIL_UNKNOWN_ERROR', `Backup of '${req.resource}' aborted.`, { correction: 'Start it again when wanted.' });
            const f = failure();
            if (f) throw new ApiError('FAIL_UNKNOWN_ERROR', `Streaming volume ${v.volumeNumber} of '${req.resource}' failed: ${f.message}`, { correction: 'Check the command\'s error above (zstd, zfs or thin_send on the node).' });
            throw s3Error(e, req.s3, `Uploading volume ${v.volumeNumber} of '${req.resource}'`);
          } finally {
            signal.removeEventListener('abort', onAbort);
            // Whatever ended the upload, every process of the stream is gone before the job answers.
            await close();
          }
          stats.changedBytes ??= rawBytes(); // native: the uncompressed stream's size
          out.volumes.push({
            volumeNumber: v.volumeNumber, key: v.key, sha256: tap.hash.digest('hex'), objectBytes: tap.bytes,
            sizeBytes: stats.sizeBytes!, imageSha256: stats.imageSha256!, changedBytes: stats.changedBytes!,
          });
          this.log.info({ resource: req.resource, snapshot: req.snapshot, volume: v.volumeNumber, key: v.key, objectBytes: tap.bytes, changedBytes: stats.changedBytes }, 'backup volume uploaded');
        }
      } finally { client.destroy(); }
      return out;
    }, owner);
  }

  /**
   * FILE_THIN: fetches and checks every object first; only a chain that is whole and correct is
   * applied. ZFS/LVM_THIN: streams each chain into its tool (native.ts), undone on any failure.
   */
  download(req: BackupDownloadRequest, owner?: object): Promise<{ volumes: number[] }> {
    return this.run(req.jobId, async (signal) => {
      const ways = req.volumes.map((v) => backupWay(this.provider(v.storagePool), v.storagePool));
      if (ways.every((w) => 'native' in w)) return this.downloadNative(req, ways.map((w) => (w as { native: NativeStreams }).native), signal);
      const client = s3Client(req.s3);
      const staged: string[] = [];
      const tag = randomBytes(6).toString('hex');
      try {
        const plan: Array<{ p: ReturnType<typeof backupCapable>; vol: string; size: number; sha: string; objects: string[]; image: string }> = [];
        for (const v of req.volumes) {
          const p = backupCapable(this.provider(v.storagePool), v.storagePool);
          const objects: string[] = [];
          for (const [i, o] of v.chain.entries()) {
            const file = await p.stagingFile(`${tag}-${v.volumeNumber}-${i}`);
            staged.push(file);
            await this.fetchChecked(client, req, o, file, signal);
            objects.push(file);
          }
          const image = await p.stagingFile(`${tag}-${v.volumeNumber}-image`);
          staged.push(image);
          plan.push({ p, vol: volumeName(req.resource, v.volumeNumber), size: v.sizeBytes, sha: v.imageSha256, objects, image });
        }
        for (const x of plan) {
          const ok = await buildImage(x.image, x.size, x.objects, x.sha).catch((e: Error) => {
            throw new ApiError('FAIL_UNKNOWN_ERROR', `Restoring volume '${x.vol}' failed: ${e.message}; nothing was restored.`, { correction: 'The backup object is damaged; restore an older complete backup.' });
          });
          if (!ok) {
            throw new ApiError('FAIL_UNKNOWN_ERROR', `Restored volume '${x.vol}' does not match the backup's image checksum; nothing was restored.`, { correction: 'The backup chain is damaged; restore an older complete backup.' });
          }
        }
        for (const x of plan) {
          await x.p.adoptSnapshotFile(x.image, x.vol, req.snapshot);
          staged.splice(staged.indexOf(x.image), 1);
        }
        return { volumes: req.volumes.map((v) => v.volumeNumber) };
      } finally {
        client.destroy();
        for (const f of staged) await rm(f, { force: true });
      }
    }, owner);
  }

  private async downloadNative(req: BackupDownloadRequest, streams: NativeStreams[], signal: AbortSignal): Promise<{ volumes: number[] }> {
    const client = s3Client(req.s3);
    const done: Array<{ undo(): Promise<void> }> = [];
    try {
      for (const [i, v] of req.volumes.entries()) {
        done.push(await receiveNative({
          streams: streams[i]!, volume: volumeName(req.resource, v.volumeNumber), snapshot: req.snapshot, sizeKib: Math.ceil(v.sizeBytes / 1024),
          objects: v.chain.map((o) => ({ name: `Backup object '${o.key}'`, sha256: o.sha256, open: (s) => this.getObject(client, req, o.key, s) })),
          signal, log: this.log, spawn: this.spawn,
        }));
      }
      return { volumes: req.volumes.map((v) => v.volumeNumber) };
    } catch (e) {
      for (const d of done) await d.undo(); // volumes received before the failing one go too
      throw e;
    } finally { client.destroy(); }
  }

  private async getObject(client: ReturnType<typeof s3Client>, req: BackupDownloadRequest, key: string, signal: AbortSignal): Promise<Readable> {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: req.s3.bucket, Key: key }), { abortSignal: signal });
      return r.Body as Readable;
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Backup object '${key}' is missing from bucket '${req.s3.bucket}'.`, { correction: 'The backup chain is incomplete; restore another backup.' });
      throw s3Error(e, req.s3, `Downloading '${key}'`);
    }
  }

  private async fetchChecked(client: ReturnType<typeof s3Client>, req: BackupDownloadRequest, o: { key: string; sha256: string }, file: string, signal: AbortSignal): Promise<void> {
    const body = await this.getObject(client, req, o.key, signal);
    const tap = new Tap();
    await pipeline(body, tap, createWriteStream(file, { flags: 'wx' }), { signal });
    const got = tap.hash.digest('hex');
    if (got !== o.sha256) {
      this.log.error({ key: o.key, expected: o.sha256, got }, 'backup object checksum mismatch');
      throw new ApiError('FAIL_UNKNOWN_ERROR', `Backup object '${o.key}' is corrupted: its SHA-256 is ${got}, the backup's metadata says ${o.sha256}; nothing was restored.`, {
        correction: 'Restore an older backup, or make a new full backup.',
      });
    }
  }
}
