/**
 * Shipping between clusters, satellite to satellite over TCP (no S3 in between): the target
 * satellite opens a listener for one job (`backup-receive`), the source satellite connects once
 * per volume and sends `{"token","volumeNumber"}\n` followed by the same zstd'd block stream as an
 * S3 backup (`backup-send`); the target stages it while hashing. Only when the controllers hand
 * over the sender's SHA-256s (`backup-receive-commit`) is each stream checked, applied into an
 * image, the image checked, and the result renamed into place as the snapshot.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import type { BackupReceiveCommit, BackupReceiveRequest, BackupSendRequest, BackupUploadResult } from '../../model/satellite-protocol.js';
import { volumeName, type StorageProvider } from '../providers/provider.js';
import { Tap } from './tap.js';
import { COMPRESSION, compressor } from './compression.js';
import { buildImage, encodeVolume, type EncodeStats } from './extent-stream.js';

/** Listens on any free port, or on the first free one of `ports` (one that is taken is skipped). */
async function listenIn(server: Server, address: string, ports?: { from: number; to: number }): Promise<void> {
  const tryPort = (port: number) => new Promise<boolean>((res, rej) => {
    const onError = (e: NodeJS.ErrnoException) => { if (e.code === 'EADDRINUSE' && ports) res(false); else rej(e); };
    server.once('error', onError);
    server.listen(port, address, () => { server.off('error', onError); res(true); });
  });
  if (!ports) { await tryPort(0); return; }
  for (let p = ports.from; p <= ports.to; p++) if (await tryPort(p)) return;
  throw new ApiError('FAIL_POOL_EXHAUSTED_SNAPSHOT_SHIPPING_TCP_PORT', `No TCP/IP port number could be allocated for snapshot shipping: ports ${ports.from}-${ports.to} on ${address} are all in use.`,
    { correction: 'Widen SnapshotShipping/TcpPortRange, or wait until running shipments finish.' });
}

interface Receiver {
  req: BackupReceiveRequest; server: Server; staged: Map<number, { file: string; sha256?: string; done: Promise<void> }>; sockets: Set<Socket>; timer: NodeJS.Timeout;
  /** The controller link that asked for it: nobody else can commit it. */
  owner?: object;
}

const IDLE_MS = Number(process.env.LINSTOR_SHIP_IDLE_MS ?? 30 * 60_000);

export class Shipping {
  private readonly receivers = new Map<string, Receiver>();
  constructor(private readonly log: Logger, private readonly provider: (pool: string) => StorageProvider) {}

  private capable(pool: string): Required<Pick<StorageProvider, 'snapshotFile' | 'stagingFile' | 'adoptSnapshotFile'>> {
    const p = this.provider(pool);
    if (!p.snapshotFile || !p.stagingFile || !p.adoptSnapshotFile) throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Storage pool '${pool}' (${p.kind}) cannot ship or receive backups.`, { correction: 'Shipping is implemented for FILE_THIN pools.' });
    return p as never;
  }

  async receive(req: BackupReceiveRequest, owner?: object): Promise<{ port: number }> {
    if (this.receivers.has(req.jobId)) throw new ApiError('FAIL_IN_USE', `Receive job '${req.jobId}' exists already.`, { correction: 'Use a new job.' });
    const staged: Receiver['staged'] = new Map();
    const tag = randomBytes(6).toString('hex');
    for (const v of req.volumes) {
      const file = await this.capable(v.storagePool).stagingFile(`${tag}-ship-${v.volumeNumber}`);
      staged.set(v.volumeNumber, { file, done: new Promise(() => undefined) });
    }
    const sockets = new Set<Socket>();
    const server = createServer((s) => this.accept(req, staged, s, sockets));
    try {
      await listenIn(server, req.bindAddress, req.ports);
    } catch (e) {
      for (const v of staged.values()) await rm(v.file, { force: true });
      throw e;
    }
    const timer = setTimeout(() => void this.abort(req.jobId), IDLE_MS);
    timer.unref();
    this.receivers.set(req.jobId, { req, server, staged, sockets, timer, ...(owner ? { owner } : {}) });
    const port = (server.address() as { port: number }).port;
    this.log.info({ jobId: req.jobId, resource: req.resource, snapshot: req.snapshot, address: req.bindAddress, port }, 'receiving a shipment');
    return { port };
  }

  private accept(req: BackupReceiveRequest, staged: Receiver['staged'], s: Socket, sockets: Set<Socket>): void {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const nl = head.indexOf(10);
      if (nl < 0) { if (head.length > 4096) s.destroy(); return; }
      s.off('data', onData);
      s.pause();
      let hello: { token?: unknown; volumeNumber?: unknown };
      try { hello = JSON.parse(head.subarray(0, nl).toString('utf8')); } catch { s.destroy(); return; }
      const tok = Buffer.from(String(hello.token ?? ''));
      const want = Buffer.from(req.token);
      const slot = staged.get(Number(hello.volumeNumber));
      if (tok.length !== want.length || !timingSafeEqual(tok, want) || !slot || slot.sha256 !== undefined) {
        this.log.warn({ job: req.jobId, peer: s.remoteAddress }, 'refused a shipping connection (bad token or volume)');
        s.destroy();
        return;
      }
      const tap = new Tap();
      const rest = head.subarray(nl + 1);
      slot.done = (async () => {
        const src = Readable.from((async function* () { if (rest.length) yield rest; for await (const c of s) yield c as Buffer; })());
        await pipeline(src, tap, createWriteStream(slot.file, { flags: 'w' }));
        slot.sha256 = tap.hash.digest('hex');
      })();
      slot.done.catch(() => undefined);
    };
    s.on('data', onData);
    s.on('error', () => undefined);
  }

  /** Checks each stream against the sender's SHA-256, applies it, checks the image, adopts the snapshot. */
  async commit(c: BackupReceiveCommit): Promise<{ volumes: number[] }> {
    const r = this.receivers.get(c.jobId);
    if (!r) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `No receive job '${c.jobId}' on this node (expired or aborted).`, { correction: 'Ship again.' });
    const images: string[] = [];
    try {
      const plan = [];
      for (const v of r.req.volumes) {
        const want = c.volumes.find((x) => x.volumeNumber === v.volumeNumber);
        const slot = r.staged.get(v.volumeNumber)!;
        if (!want) throw new ApiError('FAIL_NOT_FOUND_BACKUP', `Volume ${v.volumeNumber} was not shipped.`, { correction: 'Ship again.' });
        await Promise.race([slot.done, new Promise((_, rej) => setTimeout(() => rej(new ApiError('FAIL_UNKNOWN_ERROR', `Volume ${v.volumeNumber} did not arrive.`, { correction: 'Ship again.' })), 30_000))]);
        if (slot.sha256 !== want.sha256) {
          throw new ApiError('FAIL_UNKNOWN_ERROR', `Shipped volume ${v.volumeNumber} of '${r.req.resource}' arrived damaged: SHA-256 ${slot.sha256 ?? 'none'}, the sender's ${want.sha256}; nothing was restored.`, { correction: 'Ship again.' });
        }
        const p = this.capable(v.storagePool);
        const image = await p.stagingFile(`${c.jobId}-image-${v.volumeNumber}`);
        images.push(image);
        const seed = r.req.baseSnapshot ? await p.snapshotFile(volumeName(r.req.resource, v.volumeNumber), r.req.baseSnapshot) : undefined;
        plan.push({ p, v, want, slot, image, seed });
      }
      for (const x of plan) {
        const ok = await buildImage(x.image, x.v.sizeBytes, [x.slot.file], x.want.imageSha256, x.seed).catch((e: Error) => {
          throw new ApiError('FAIL_UNKNOWN_ERROR', `Shipped volume ${x.v.volumeNumber} cannot be applied: ${e.message}; nothing was restored.`, { correction: 'Ship again.' });
        });
        if (!ok) throw new ApiError('FAIL_UNKNOWN_ERROR', `Shipped volume ${x.v.volumeNumber} does not match the sender's image checksum; nothing was restored.`, { correction: 'Ship again.' });
      }
      for (const x of plan) { await x.p.adoptSnapshotFile(x.image, volumeName(r.req.resource, x.v.volumeNumber), r.req.snapshot); images.splice(images.indexOf(x.image), 1); }
      return { volumes: plan.map((x) => x.v.volumeNumber) };
    } finally {
      for (const f of images) await rm(f, { force: true });
      await this.abort(c.jobId);
    }
  }

  /**
   * The controller link that opened these receivers is gone: no controller will commit them
   * (the next one drops their snapshots), so they close now instead of at the idle timeout.
   */
  async abortOwnedBy(owner: object): Promise<number> {
    const mine = [...this.receivers].filter(([, r]) => r.owner === owner).map(([id]) => id);
    for (const id of mine) { this.log.warn({ jobId: id }, 'receive job aborted: its controller link closed'); await this.abort(id); }
    return mine.length;
  }

  /** Closes a receiver and removes what it staged. */
  async abort(jobId: string): Promise<boolean> {
    const r = this.receivers.get(jobId);
    if (!r) return false;
    this.receivers.delete(jobId);
    clearTimeout(r.timer);
    for (const s of r.sockets) s.destroy();
    r.server.close();
    for (const s of r.staged.values()) await rm(s.file, { force: true });
    return true;
  }

  async send(req: BackupSendRequest, signal: AbortSignal): Promise<BackupUploadResult> {
    const out: BackupUploadResult = { volumes: [], compression: COMPRESSION };
    for (const v of req.volumes) {
      const p = this.capable(v.storagePool);
      const file = await p.snapshotFile(volumeName(req.resource, v.volumeNumber), req.snapshot);
      const base = req.baseSnapshot ? await p.snapshotFile(volumeName(req.resource, v.volumeNumber), req.baseSnapshot) : undefined;
      const stats: Partial<EncodeStats> = {};
      const tap = new Tap();
      const sock = connect({ host: req.target.address, port: req.target.port });
      await new Promise<void>((res, rej) => { sock.once('connect', res); sock.once('error', rej); });
      sock.write(`${JSON.stringify({ token: req.target.token, volumeNumber: v.volumeNumber })}\n`);
      const zstd = compressor();
      try {
        await pipeline(Readable.from(encodeVolume(file, base, stats, signal)), zstd, tap, sock, { signal });
      } catch (e) {
        sock.destroy();
        zstd.destroy();
        await zstd.exited;
        throw new ApiError('FAIL_UNKNOWN_ERROR', `Shipping volume ${v.volumeNumber} of '${req.resource}' to ${req.target.address}:${req.target.port} failed: ${(e as Error).message}`, { correction: 'Check that the target node is reachable, then ship again.' });
      }
      out.volumes.push({ volumeNumber: v.volumeNumber, key: '', sha256: tap.hash.digest('hex'), objectBytes: tap.bytes, sizeBytes: stats.sizeBytes!, imageSha256: stats.imageSha256!, changedBytes: stats.changedBytes! });
      this.log.info({ resource: req.resource, volume: v.volumeNumber, bytes: tap.bytes, target: `${req.target.address}:${req.target.port}` }, 'volume shipped');
    }
    return out;
  }
}
