/**
 * What the controller itself does on a bucket: list keys, read and write the small metadata
 * objects, delete objects. Volume data never passes through the controller.
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Target } from '../../model/backup.js';
import { ApiError } from '../../model/errors.js';
import { s3Client, s3Error } from '../../s3/client.js';
import { parseMetaKey, type MetaName } from './naming.js';

/** Our metadata object. LINSTOR's own metas list too (fields read leniently), but are not restorable here. */
export interface BackupMeta {
  format?: 'linstor-ts/1';
  rscName: string;
  snapName: string;
  nodeName?: string;
  clusterId?: string;
  startTimestamp?: number;
  finishTimestamp?: number;
  /** Meta key of the backup this one is incremental on. */
  basedOn?: string | null;
  layerStack?: string[];
  compression?: 'zstd' | 'gzip';
  volumes?: Record<string, {
    key: string; sha256: string; objectBytes: number; sizeBytes: number; imageSha256: string; changedBytes: number;
    sizeKib: number; storagePool: string; providerKind: string;
  }>;
  /** LINSTOR's shape: per volume number, the data objects. Written too, so LINSTOR's listing reads ours. */
  backups?: Record<string, Array<{ name: string; finishedTimestamp?: number; node?: string }>>;
}

export interface ListedBackup { name: MetaName; meta: BackupMeta | undefined }

export class Bucket {
  private readonly client;
  constructor(readonly target: S3Target) { this.client = s3Client(target); }

  close(): void { this.client.destroy(); }

  async keys(doing: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.target.bucket, ContinuationToken: token }));
        for (const o of r.Contents ?? []) if (o.Key) out.push(o.Key);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) { throw s3Error(e, this.target, doing); }
    return out;
  }

  async readMeta(key: string): Promise<BackupMeta | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
      const text = await r.Body!.transformToString('utf8');
      const m = JSON.parse(text) as BackupMeta;
      return m && typeof m === 'object' ? m : undefined;
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey' || e instanceof SyntaxError) return undefined;
      throw s3Error(e, this.target, `Reading backup metadata '${key}'`);
    }
  }

  /** Every metadata object with its content (unreadable ones with `meta` undefined). */
  async backups(keys: string[]): Promise<ListedBackup[]> {
    const names = keys.map(parseMetaKey).filter((n): n is MetaName => !!n);
    const out: ListedBackup[] = [];
    // A few at a time: buckets with many backups should not open hundreds of requests at once.
    for (let i = 0; i < names.length; i += 8) {
      const part = names.slice(i, i + 8);
      const metas = await Promise.all(part.map((n) => this.readMeta(n.key)));
      part.forEach((n, j) => out.push({ name: n, meta: metas[j] }));
    }
    return out;
  }

  async putMeta(key: string, meta: BackupMeta): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.target.bucket, Key: key, Body: JSON.stringify(meta), ContentType: 'application/json' }));
    } catch (e) { throw s3Error(e, this.target, `Writing backup metadata '${key}'`); }
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      try {
        const r = await this.client.send(new DeleteObjectsCommand({ Bucket: this.target.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
        if (r.Errors?.length) throw new ApiError('FAIL_UNKNOWN_ERROR', `Could not delete ${r.Errors.map((x) => `'${x.Key}' (${x.Code})`).join(', ')}.`, { correction: 'Retry; see the S3 service log.' });
      } catch (e) { throw s3Error(e, this.target, 'Deleting backups'); }
    }
  }
}

/** Data keys of a backup, from our volumes or LINSTOR's `backups` map. */
export function dataKeys(meta: BackupMeta | undefined): string[] {
  if (!meta) return [];
  if (meta.volumes) return Object.values(meta.volumes).map((v) => v.key);
  return Object.values(meta.backups ?? {}).flatMap((l) => l.map((b) => b.name));
}

export function isOurs(meta: BackupMeta | undefined): meta is BackupMeta & { volumes: NonNullable<BackupMeta['volumes']> } {
  return meta?.format === 'linstor-ts/1' && !!meta.volumes;
}
