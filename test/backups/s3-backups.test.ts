/**
 * Backups to S3 end to end: a real controller, two real satellites with FILE_THIN pools on loop
 * devices (xfs and ext4), a real S3-protocol server (s3rver) on loopback, the AWS SDK as client.
 */
import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { randomSuffix } from '../helpers/satellite.js';
import { S3_ACCESS, S3_SECRET, startS3, type S3Server } from '../helpers/s3-server.js';
import { call, deploy, devices, startSnapshotCluster, waitFor, type SnapCluster } from '../snapshots/snapshot-cluster.js';

const BUCKET = 'backups';
let c: SnapCluster;
let s3: S3Server;
test.before(async () => {
  s3 = await startS3([BUCKET, 'other-bucket']);
  c = await startSnapshotCluster();
  if ((await call(c.ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'pw' })).status !== 201) throw new Error('passphrase');
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3', { remote_name: 's3', endpoint: s3.url, bucket: BUCKET, region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
});
test.after.always(async () => { await c?.teardown(); await s3?.close(); });

const MiB = 1024 * 1024;
function writeAt(dev: string, offset: number, data: Buffer): void {
  const fd = openSync(dev, 'r+');
  try { writeSync(fd, data, 0, data.length, offset); fsyncSync(fd); } finally { closeSync(fd); }
}
function sha(dev: string, size: number): string {
  const fd = openSync(dev, 'r');
  const h = createHash('sha256');
  const buf = Buffer.alloc(MiB);
  try { for (let pos = 0; pos < size; pos += MiB) { const n = readSync(fd, buf, 0, Math.min(MiB, size - pos), pos); h.update(buf.subarray(0, n)); } } finally { closeSync(fd); }
  return h.digest('hex');
}
const msgs = (body: unknown): string => (Array.isArray(body) ? body.map((e: { message: string; cause?: string }) => `${e.message} ${e.cause ?? ''}`).join(' | ') : JSON.stringify(body));

type Listed = { id: string; origin_rsc: string; origin_snap: string; success: boolean; shipping: boolean; based_on_id?: string; finished_timestamp?: number };
async function list(remote = 's3', rsc?: string): Promise<{ linstor: Listed[]; other: { files: string[] } }> {
  const r = await call(c.ctl, 'GET', `/v1/remotes/${remote}/backups${rsc ? `?rsc_name=${rsc}` : ''}`);
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return r.body;
}
/** Starts a backup and waits until it is listed complete. */
async function backup(rsc: string, full = false): Promise<Listed> {
  const before = new Set((await list('s3', rsc)).linstor.map((b) => b.id));
  const r = await call(c.ctl, 'POST', '/v1/remotes/s3/backups', { rsc_name: rsc, incremental: !full });
  if (r.status !== 201) throw new Error(msgs(r.body));
  return waitFor(`backup of ${rsc} complete`, async () => (await list('s3', rsc)).linstor.find((b) => !before.has(b.id) && b.success && !b.shipping), 60_000, 200);
}

test.serial('full then incremental backup; source deleted; restore on the other node gives back the exact data of each', async (t) => {
  const rd = `bk-${randomSuffix()}`;
  const [n1, n2] = [c.nodes[0]!.name, c.nodes[1]!.name];
  const size = 32 * MiB;
  const dev = (await deploy(c, rd, size / 1024, [n1]))[n1]!;
  writeAt(dev, 0, randomBytes(MiB));
  writeAt(dev, 10 * MiB, randomBytes(2 * MiB));
  const hashFull = sha(dev, size);
  const full = await backup(rd);
  t.falsy(full.based_on_id, 'the first backup is a full one');
  t.regex(full.id, new RegExp(`^${rd}_back_\\d{8}_\\d{6}$`), 'LINSTOR naming');

  await new Promise((r) => setTimeout(r, 1100)); // backup ids have one-second resolution
  writeAt(dev, 20 * MiB, randomBytes(MiB));
  const hashInc = sha(dev, size);
  const inc = await backup(rd);
  t.is(inc.based_on_id, `${full.id}.meta`, 'the second is incremental on the first');

  // Objects as LINSTOR names them; the incremental holds only the changed MiB (compressed random data).
  const keys = readdirSync(`${s3.dir}/${BUCKET}`).map((f) => f.replace(/\._S3rver_object$/, '')).filter((k) => k.startsWith(rd));
  t.true(keys.includes(`${full.id}.meta`) && keys.includes(`${inc.id}.meta`), keys.join(','));
  const dataOf = (id: string) => id.replace(/_back_/, '_00000_back_');
  const fullBytes = readFileSync(s3.objectFile(BUCKET, dataOf(full.id))).length;
  const incBytes = readFileSync(s3.objectFile(BUCKET, dataOf(inc.id))).length;
  t.true(fullBytes > 3 * MiB && incBytes < 1.2 * MiB && incBytes > MiB, `full ${fullBytes}, incremental ${incBytes}`);

  const info = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/info', { src_rsc_name: rd });
  t.is(info.status, 200, msgs(info.body));
  t.like(info.body, { rsc: rd, full: full.id, latest: inc.id, count: 2 });

  // Delete the source entirely (its snapshots first, as LINSTOR requires).
  for (const s of (await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}/snapshots`)).body as Array<{ name: string }>) {
    t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/snapshots/${s.name}`)).status, 200);
  }
  t.is((await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`)).status, 200);

  const r1 = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { src_rsc_name: rd, target_rsc_name: `${rd}-r`, node_name: n2 });
  t.is(r1.status, 201, msgs(r1.body));
  const d1 = (await devices(c, `${rd}-r`, [n2]))[n2]!;
  t.is(sha(d1, size), hashInc, 'the newest backup (full + incremental) restored bit for bit');

  const r2 = await call(c.ctl, 'POST', '/v1/remotes/s3/backups/restore', { last_backup: full.id, target_rsc_name: `${rd}-f`, node_name: n2 });
  t.is(r2.status, 201, msgs(r2.body));
  const d2 = (await devices(c, `${rd}-f`, [n2]))[n2]!;
  t.is(sha(d2, size), hashFull, 'the full backup alone restored bit for bit');
  t.deepEqual(readdirSync(c.nodes[1]!.pool.dir).filter((f) => f.startsWith('.backup-')), [], 'no staged files left');
});
