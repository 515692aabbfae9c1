/**
 * Backup and restore throughput to S3 for a FILE_THIN volume of 1 GiB with 10% written, full
 * vs incremental (another 10% changed), against the raw `cat` speed of the same file on this
 * machine (ratio). The satellite's own transfer code (BackupJobs) against a real S3-protocol
 * server (s3rver) on loopback, objects in a temp folder. Data is random (incompressible), so
 * compression gains nothing and costs its full CPU time: a pessimistic case. The compression
 * stage alone is also timed on the full backup's stream, zstd (what backups use) against gzip
 * level 3 (what they used before), in the same run.
 * Run alone: `node dist/scripts/bench/backups.js` (BENCH_BACKUP_MIB to change the size).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pino } from 'pino';
import { LocalRunner } from '../../core/exec/index.js';
import { BackupJobs } from '../../core/satellite/backup/jobs.js';
import { compressor } from '../../core/satellite/backup/compression.js';
import { encodeVolume } from '../../core/satellite/backup/extent-stream.js';
import { createProvider } from '../../core/satellite/providers/registry.js';
import type { S3Target } from '../../core/model/backup.js';

const MiB = 1024 * 1024;

/** Seconds to compress the backup stream of `file` with `stage`, and the compressed size. */
async function compressOnly(file: string, stage: () => NodeJS.ReadWriteStream): Promise<{ seconds: number; outMib: number }> {
  let out = 0;
  const sink = new Writable({ write(c: Buffer, _e, cb) { out += c.length; cb(); } });
  const t0 = performance.now();
  await pipeline(Readable.from(encodeVolume(file, undefined, {})), stage(), sink);
  return { seconds: +((performance.now() - t0) / 1000).toFixed(2), outMib: +(out / MiB).toFixed(1) };
}

function write10Percent(file: string, volumeMib: number, offsetMib: number): void {
  const fd = openSync(file, 'r+');
  try { for (let i = offsetMib; i < volumeMib; i += 10) writeSync(fd, randomBytes(MiB), 0, MiB, i * MiB); } finally { closeSync(fd); }
}

export async function benchBackups(volumeMib = 1024): Promise<Record<string, unknown>> {
  const base = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const srv = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(base, 's3'), configureBuckets: [{ name: 'bench' }] });
  const { port } = await srv.run();
  const s3: S3Target = { endpoint: `http://127.0.0.1:${port}`, bucket: 'bench', region: 'us-east-1', usePathStyle: true, accessKey: 'S3RVER', secretKey: 'S3RVER' };
  const pool = join(base, 'pool');
  spawnSync('mkdir', ['-p', pool]);
  const provider = createProvider({ runner: new LocalRunner(), pool: { name: 'bench', providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': pool } } });
  const jobs = new BackupJobs(pino({ level: 'silent' }), () => provider);
  try {
    const vol = await provider.create('bench_00000', volumeMib * 1024);
    const file = join(pool, 'bench_00000.img');
    void vol;
    write10Percent(file, volumeMib, 0);
    spawnSync('sync');
    const t = async <T>(fn: () => Promise<T>): Promise<[T, number]> => { const t0 = performance.now(); const r = await fn(); return [r, (performance.now() - t0) / 1000]; };
    const [, catS] = await t(async () => { spawnSync('sh', ['-c', `cat "$1" > /dev/null`, 'sh', file]); });
    await provider.createSnapshot!('bench_00000', 's0');
    const [full, fullS] = await t(() => jobs.upload({ jobId: 'full', s3, resource: 'bench', snapshot: 's0', volumes: [{ volumeNumber: 0, storagePool: 'bench', key: 'bench_00000_full' }] }));
    const snap0 = await provider.snapshotFile!('bench_00000', 's0');
    const encodeOnly = await compressOnly(snap0, () => new PassThrough());
    const zstdStage = await compressOnly(snap0, compressor);
    const gzipStage = await compressOnly(snap0, () => createGzip({ level: 3 }));
    write10Percent(file, volumeMib, 5);
    spawnSync('sync');
    await provider.createSnapshot!('bench_00000', 's1');
    const [inc, incS] = await t(() => jobs.upload({ jobId: 'inc', s3, resource: 'bench', snapshot: 's1', baseSnapshot: 's0', volumes: [{ volumeNumber: 0, storagePool: 'bench', key: 'bench_00000_inc' }] }));
    const f = full.volumes[0]!; const i = inc.volumes[0]!;
    const [, restFullS] = await t(() => jobs.download({ jobId: 'r1', s3, resource: 'rf', snapshot: 's0', volumes: [{ volumeNumber: 0, storagePool: 'bench', sizeBytes: f.sizeBytes, imageSha256: f.imageSha256, chain: [{ key: f.key, sha256: f.sha256 }] }] }));
    const [, restIncS] = await t(() => jobs.download({ jobId: 'r2', s3, resource: 'ri', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'bench', sizeBytes: i.sizeBytes, imageSha256: i.imageSha256, chain: [{ key: f.key, sha256: f.sha256 }, { key: i.key, sha256: i.sha256 }] }] }));
    const mbps = (s: number) => Math.round((volumeMib / s) * 10) / 10;
    const catMbps = mbps(catS);
    return {
      volumeMib, writtenMib: Math.ceil(volumeMib / 10), compression: full.compression, catMBps: catMbps,
      fullBackup: { seconds: +fullS.toFixed(2), volumeMBps: mbps(fullS), ratioToCat: +(mbps(fullS) / catMbps).toFixed(3), objectMib: +(f.objectBytes / MiB).toFixed(1) },
      incrementalBackup: { seconds: +incS.toFixed(2), volumeMBps: mbps(incS), ratioToCat: +(mbps(incS) / catMbps).toFixed(3), objectMib: +(i.objectBytes / MiB).toFixed(1), changedMib: +(i.changedBytes / MiB).toFixed(1) },
      compressionStageOnFullStream: {
        uncompressed: encodeOnly, zstd: zstdStage, gzipLevel3: gzipStage,
        // The compressors' own cost: each stage's time beyond reading and encoding alone.
        zstdCostSeconds: +(zstdStage.seconds - encodeOnly.seconds).toFixed(2), gzipCostSeconds: +(gzipStage.seconds - encodeOnly.seconds).toFixed(2),
      },
      restoreFull: { seconds: +restFullS.toFixed(2), volumeMBps: mbps(restFullS), ratioToCat: +(mbps(restFullS) / catMbps).toFixed(3) },
      restoreFullPlusIncremental: { seconds: +restIncS.toFixed(2), volumeMBps: mbps(restIncS), ratioToCat: +(mbps(restIncS) / catMbps).toFixed(3) },
    };
  } finally {
    await provider.delete('bench_00000').catch(() => undefined);
    await srv.close().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchBackups(Number(process.env.BENCH_BACKUP_MIB ?? 1024)), null, 2)}\n`);
}
