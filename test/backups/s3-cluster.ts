/**
 * The S3 backup scenarios' cluster: a real controller, two real satellites with FILE_THIN pools
 * on loop devices (xfs and ext4), a real S3-protocol server (s3rver) on loopback with an S3
 * remote `s3` on it, and the helpers the tests share.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { S3_ACCESS, S3_SECRET, startS3, type S3Server } from '../helpers/s3-server.js';
import { call, startSnapshotCluster, waitFor, type SnapCluster } from '../snapshots/snapshot-cluster.js';

export const BUCKET = 'backups';
export const MiB = 1024 * 1024;
export interface S3Cluster { c: SnapCluster; s3: S3Server; teardown(): Promise<void> }

export async function startS3Cluster(): Promise<S3Cluster> {
  const s3 = await startS3([BUCKET, 'other-bucket']);
  // Test hooks: schedules may have a seconds field and are checked every 300 ms.
  const c = await startSnapshotCluster({ LINSTOR_SCHEDULE_ALLOW_SECONDS: '1', LINSTOR_SCHEDULE_TICK_MS: '300' }).catch(async (e) => { await s3.close(); throw e; });
  const teardown = async () => { await c.teardown(); await s3.close(); };
  try {
    if ((await call(c.ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'pw' })).status !== 201) throw new Error('passphrase');
    const r = await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 's3', endpoint: s3.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  } catch (e) { await teardown(); throw e; }
  return { c, s3, teardown };
}

export function writeAt(dev: string, offset: number, data: Buffer): void {
  const fd = openSync(dev, 'r+');
  try { writeSync(fd, data, 0, data.length, offset); fsyncSync(fd); } finally { closeSync(fd); }
}

export function sha(dev: string, size: number): string {
  const fd = openSync(dev, 'r');
  const h = createHash('sha256');
  const buf = Buffer.alloc(MiB);
  try { for (let pos = 0; pos < size; pos += MiB) { const n = readSync(fd, buf, 0, Math.min(MiB, size - pos), pos); h.update(buf.subarray(0, n)); } } finally { closeSync(fd); }
  return h.digest('hex');
}

export const msgs = (body: unknown): string => (Array.isArray(body) ? body.map((e: { message: string; cause?: string }) => `${e.message} ${e.cause ?? ''}`).join(' | ') : JSON.stringify(body));

export type Listed = { id: string; origin_rsc: string; origin_snap: string; success: boolean; shipping: boolean; based_on_id?: string; finished_timestamp?: number };

export async function list(c: SnapCluster, remote = 's3', rsc?: string): Promise<{ linstor: Listed[]; other: { files: string[] } }> {
  const r = await call(c.ctl, 'GET', `/v1/remotes/${remote}/backups${rsc ? `?rsc_name=${rsc}` : ''}`);
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return r.body;
}

/** Starts a backup and waits until it is listed complete. */
export async function backup(c: SnapCluster, rsc: string, full = false): Promise<Listed> {
  const before = new Set((await list(c, 's3', rsc)).linstor.map((b) => b.id));
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups', { rsc_name: rsc, incremental: !full });
  if (r.status !== 201) throw new Error(msgs(r.body));
  return waitFor(`backup of ${rsc} complete`, async () => (await list(c, 's3', rsc)).linstor.find((b) => !before.has(b.id) && b.success && !b.shipping), 60_000, 200);
}
