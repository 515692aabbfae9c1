/**
 * Cinder backups with the real `cinder backup-*` commands: the service maps them onto LINSTOR
 * backups to an S3 remote (a real s3rver on loopback). Data written to the volume comes back
 * in the restored volume, checked by SHA-256.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { S3_ACCESS, S3_SECRET, startS3, type S3Server } from '../helpers/s3-server.js';
import { makePattern, readSha256, writePattern } from './devices.js';
import { cinder, props, rows, startStack, waitStatus, type Stack } from './harness.js';

let stack: Stack;
let s3: S3Server;
test.before(async () => {
  s3 = await startS3(['cinder-backups']);
  stack = await startStack({ nodes: 2, tune: (c) => { c.backupRemote = 'cbak'; } });
  const ctl = stack.cluster.ctl.url;
  const post = (path: string, body: unknown) => fetch(`${ctl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!(await post('/v1/encryption/passphrase', { new_passphrase: 'pw' })).ok) throw new Error('passphrase');
  const r = await post('/v1/remotes/s3', { remote_name: 'cbak', endpoint: s3.url, bucket: 'cinder-backups', region: 'us-east-1', access_key: S3_ACCESS, secret_key: S3_SECRET, use_path_style: true });
  if (!r.ok) throw new Error(await r.text());
});
test.after.always(async () => { await stack?.stop(); await s3?.close(); });

const linstor = async (path: string): Promise<any> => (await fetch(`${stack.cluster.ctl.url}${path}`)).json();
async function deviceOf(resource: string): Promise<string> {
  const rs = await linstor(`/v1/view/resources?resources=${resource}`);
  return rs[0].volumes[0].device_path;
}

test.serial('cinder backup-create (full, then --incremental), backup-list, backup-restore into a new volume with the same data, backup-delete', async (t) => {
  const c = await cinder(stack.api, ['create', '--name', 'bsrc', '1']);
  t.is(c.code, 0, c.stderr);
  const vol = props(c.stdout).id!;
  await waitStatus(stack.api, 'volumes', vol, ['available']);
  const pattern = makePattern(2);
  t.teardown(() => pattern.cleanup());
  const dev = await deviceOf(`volume-${vol}`);
  await writePattern(dev, pattern, 8);

  let r = await cinder(stack.api, ['backup-create', '--name', 'full1', vol]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const full = props(r.stdout).id!;
  t.is((await waitStatus(stack.api, 'backups', full, ['available', 'error'])).status, 'available');
  r = await cinder(stack.api, ['backup-create', '--incremental', '--name', 'inc1', vol]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const inc = props(r.stdout).id!;
  const incView = await waitStatus(stack.api, 'backups', inc, ['available', 'error']);
  t.is(incView.status, 'available', JSON.stringify(incView));
  t.true(incView.is_incremental);

  const list = rows((await cinder(stack.api, ['backup-list'])).stdout);
  t.truthy(list.find((x) => x.ID === full && x.Status === 'available' && x.Name === 'full1'));
  t.truthy(list.find((x) => x.ID === inc && x.Name === 'inc1'));
  t.is(props((await cinder(stack.api, ['backup-show', full])).stdout).has_dependent_backups, 'True');
  t.true(readdirSync(`${s3.dir}/cinder-backups`).some((f) => f.startsWith(`volume-${vol}_back_`)), 'LINSTOR objects in the bucket');

  r = await cinder(stack.api, ['backup-restore', inc]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const restored = props(r.stdout).volume_id!;
  t.is((await waitStatus(stack.api, 'volumes', restored, ['available', 'error'])).status, 'available');
  t.is(await readSha256(await deviceOf(`volume-${restored}`), 8, 2), pattern.sha256, 'the restored volume holds the data');

  r = await cinder(stack.api, ['backup-restore', '--volume', vol, inc]);
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /over an existing volume is not supported/);
  r = await cinder(stack.api, ['backup-delete', full]);
  t.regex(r.stdout + r.stderr, /Incremental backups exist for this backup/);
  t.is((await cinder(stack.api, ['backup-delete', inc])).code, 0);
  await waitStatus(stack.api, 'backups', inc, ['deleted']);
  t.is((await cinder(stack.api, ['backup-delete', full])).code, 0);
  await waitStatus(stack.api, 'backups', full, ['deleted']);
  t.deepEqual(readdirSync(`${s3.dir}/cinder-backups`).filter((f) => f.startsWith(`volume-${vol}_`)), [], 'the LINSTOR backups are gone from the bucket');
});
