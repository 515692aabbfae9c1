/**
 * Stream formats of S3 backups end to end (s3-cluster.ts: real controller, two satellites with
 * FILE_THIN, s3rver): objects are zstd; an object written as gzip before the switch restores;
 * a zstd object damaged but with a matching SHA-256 is refused by the decoder itself.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { descendantsNamed } from '../helpers/processes.js';
import { randomSuffix } from '../helpers/satellite.js';
import { S3_ACCESS, S3_SECRET, type S3Server } from '../helpers/s3-server.js';
import { call, deploy, devices, type SnapCluster } from '../snapshots/snapshot-cluster.js';
import { backup, BUCKET, MiB, msgs, sha, startS3Cluster, writeAt, type S3Cluster } from './s3-cluster.js';

let c: SnapCluster;
let s3: S3Server;
let cluster: S3Cluster;
test.before(async () => { cluster = await startS3Cluster(); c = cluster.c; s3 = cluster.s3; });
test.after.always(async () => { await cluster?.teardown(); });

const dataKey = (id: string) => id.replace(/_back_/, '_00000_back_');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Replaces a backup's data object and fixes its metadata to match (as if written so by the satellite). */
async function rewrite(id: string, object: Buffer, compression?: string): Promise<void> {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: S3_ACCESS, secretAccessKey: S3_SECRET } });
  try {
    const meta = JSON.parse(readFileSync(s3.objectFile(BUCKET, `${id}.meta`), 'utf8'));
    Object.assign(meta.volumes['0'], { sha256: sha256(object), objectBytes: object.length });
    if (compression) meta.compression = compression;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: dataKey(id), Body: object }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${id}.meta`, Body: JSON.stringify(meta) }));
  } finally { client.destroy(); }
}

test.serial('a new backup object is zstd; one written as gzip before the switch restores bit for bit', async (t) => {
  const rd = `bz-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const size = 8 * MiB;
  const dev = (await deploy(c, rd, size / 1024, [n1]))[n1]!;
  writeAt(dev, MiB, randomBytes(2 * MiB));
  const want = sha(dev, size);
  const b = await backup(c, rd);
  const object = readFileSync(s3.objectFile(BUCKET, dataKey(b.id)));
  t.is(object.subarray(0, 4).toString('hex'), '28b52ffd', 'zstd magic');
  t.is(JSON.parse(readFileSync(s3.objectFile(BUCKET, `${b.id}.meta`), 'utf8')).compression, 'zstd');

  // The same stream as gzip (zlib, as the satellite wrote it before): the real zstd CLI unpacks it here.
  const raw = spawnSync('zstd', ['-d', '-q', '-c'], { input: object, maxBuffer: 64 * MiB });
  t.is(raw.status, 0, String(raw.stderr));
  const gz = gzipSync(raw.stdout, { level: 3 });
  t.is(gz.subarray(0, 2).toString('hex'), '1f8b');
  await rewrite(b.id, gz, 'gzip');
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: b.id, target_rsc_name: `${rd}-g`, node_name: n2 });
  t.is(r.status, 201, msgs(r.body));
  t.is(sha((await devices(c, `${rd}-g`, [n2]))[n2]!, size), want, 'the gzip object restored bit for bit');
});

test.serial('a damaged zstd object whose SHA-256 matches its metadata is refused by the decoder: nothing restored, no zstd left', async (t) => {
  const rd = `bd-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const dev = (await deploy(c, rd, 8 * 1024, [n1]))[n1]!;
  writeAt(dev, MiB, randomBytes(3 * MiB));
  const b = await backup(c, rd);
  const object = readFileSync(s3.objectFile(BUCKET, dataKey(b.id)));
  object[Math.floor(object.length / 2)] ^= 0xff;
  await rewrite(b.id, object); // the checksum now agrees: only zstd can tell

  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: b.id, target_rsc_name: `${rd}-x`, node_name: n2 });
  t.true(r.status >= 400, JSON.stringify(r.body));
  t.regex(msgs(r.body), /Restoring volume '.*' failed: backup stream .* cannot be decoded: .*zstd .* exited with code 1.*; nothing was restored/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}-x`)).status, 404, 'the target definition was removed again');
  await new Promise((res) => setTimeout(res, 500));
  t.deepEqual(readdirSync(c.nodes[1]!.pool.dir).filter((f) => f.startsWith('.backup-') || f.startsWith(`${rd}-x`)), [], 'no staged or restored file');
  t.deepEqual(descendantsNamed(c.nodes[1]!.sat.proc.pid!, 'zstd'), [], 'no zstd process left under the satellite');
});

test.serial('a restore goes only into a pool that takes the backup\'s stream: FILE_THIN into FILE_THIN, a ZFS backup into ZFS/ZFS_THIN', async (t) => {
  const rd = `bk-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const dev = (await deploy(c, rd, 4 * 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(64 * 1024));
  const b = await backup(c, rd);
  // A ZFS pool known to the controller (this node cannot run ZFS: only the controller's check is exercised).
  const zp = await call(c.ctl, 'POST', `/v1/nodes/${n2}/storage-pools`, { storage_pool_name: 'zpool1', provider_kind: 'ZFS', props: { 'StorDriver/StorPoolName': 'tank/none' } });
  t.true(zp.status < 300, msgs(zp.body));
  const intoZfs = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: b.id, target_rsc_name: `${rd}-z`, node_name: n2, stor_pool_map: { thin: 'zpool1' } });
  t.true(intoZfs.status >= 400);
  t.regex(msgs(intoZfs.body), /Storage pool 'zpool1' on node '.*' is ZFS; this backup \(from FILE_THIN\) is received into a FILE_THIN pool/);

  // The same backup's metadata claiming a ZFS source: refused for the FILE_THIN pool, before any transfer.
  const meta = JSON.parse(readFileSync(s3.objectFile(BUCKET, `${b.id}.meta`), 'utf8'));
  meta.volumes['0'].providerKind = 'ZFS';
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: S3_ACCESS, secretAccessKey: S3_SECRET } });
  t.teardown(() => client.destroy());
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${b.id}.meta`, Body: JSON.stringify(meta) }));
  const intoFile = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: b.id, target_rsc_name: `${rd}-f`, node_name: n2 });
  t.true(intoFile.status >= 400);
  t.regex(msgs(intoFile.body), /is FILE_THIN; this backup \(from ZFS\) is received into a ZFS or ZFS_THIN pool/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}-f`)).status, 404, 'no target definition made');
  await call(c.ctl, 'DELETE', `/v1/nodes/${n2}/storage-pools/zpool1`);
});
