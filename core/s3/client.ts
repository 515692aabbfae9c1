/**
 * One S3 client per operation (AWS SDK v3) for a remote's bucket, and S3's errors turned into
 * the operator-facing ones: wrong keys, a missing bucket, an unreachable endpoint.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Target } from '../model/backup.js';
import { ApiError } from '../model/errors.js';

export function s3Client(t: S3Target): S3Client {
  return new S3Client({
    endpoint: t.endpoint, region: t.region, forcePathStyle: t.usePathStyle,
    credentials: { accessKeyId: t.accessKey, secretAccessKey: t.secretKey },
    // Retries with backoff for throttling and 5xx answers (the SDK's standard strategy).
    maxAttempts: 4,
  });
}

/** An S3 failure as an ApiError naming the remote's bucket and what to do. */
export function s3Error(e: unknown, t: Pick<S3Target, 'bucket' | 'endpoint'>, doing: string): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err.name ?? err.Code ?? 'Error';
  const where = `bucket '${t.bucket}' at ${t.endpoint}`;
  if (code === 'NoSuchBucket') {
    return new ApiError('FAIL_INVLD_BACKUP_CONFIG', `${doing}: ${where} does not exist (NoSuchBucket).`, { correction: 'Create the bucket, or fix the bucket of the remote (linstor remote modify s3).' });
  }
  if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'AccessDenied' || err.$metadata?.httpStatusCode === 403) {
    return new ApiError('FAIL_INVLD_BACKUP_CONFIG', `${doing}: ${where} refused the remote's credentials (${code}).`, { correction: 'Fix the access key and secret key of the remote (linstor remote modify s3).' });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'TimeoutError' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(err.message ?? '')) {
    return new ApiError('FAIL_INVLD_BACKUP_CONFIG', `${doing}: cannot reach ${t.endpoint} (${err.message ?? code}).`, { correction: 'Check the endpoint of the remote and that the S3 service is running.' });
  }
  return new ApiError('FAIL_UNKNOWN_ERROR', `${doing}: ${where}: ${code}: ${err.message ?? ''}`.trim(), { correction: 'See the satellite or controller log.' });
}
