/**
 * Backup remotes through REST and through the real `linstor remote ...` CLI: S3 remotes need the
 * master passphrase (their keys are stored sealed), secrets never appear in lists, logs or the
 * database in clear.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { call } from '../helpers/controller-rest.js';
import { startController, type TestController } from '../helpers/controller.js';
import { linstor } from '../cli/helpers.js';

const ACCESS = 'AKIA-remotes-test-access';
const SECRET = 'very-secret-key-for-remotes-test';
let ctl: TestController;
test.before(async () => { ctl = await startController({ env: { LINSTOR_LOG_LEVEL: 'debug' } }); });
test.after.always(async () => { await ctl?.stop(); });

const s3Body = (name: string) => ({ remote_name: name, endpoint: 'http://127.0.0.1:9', bucket: 'bkt-one', region: 'us-east-1', access_key: ACCESS, secret_key: SECRET, use_path_style: true });
const rc = (body: unknown) => (body as Array<{ message: string }>).map((e) => e.message).join(' | ');

test.serial('an S3 remote is refused until the master passphrase exists, then stored sealed and listed without keys', async (t) => {
  const before = await call(ctl, 'POST', '/v1/remotes/s3', s3Body('s3one'));
  t.is(before.status, 404, JSON.stringify(before.body));
  t.regex(rc(before.body), /no master passphrase has been created yet/);
  t.is((await call(ctl, 'GET', '/v1/remotes')).body.s3_remotes.length, 0, 'nothing was stored');

  t.is((await call(ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'master-pw' })).status, 201);
  const ok = await call(ctl, 'POST', '/v1/remotes/s3', s3Body('s3one'));
  t.is(ok.status, 201, JSON.stringify(ok.body));
  const again = await call(ctl, 'POST', '/v1/remotes/s3', s3Body('S3ONE'));
  t.is(again.status, 500, 'names compare case-insensitively (LINSTOR answers FAIL_EXISTS with 500)');
  t.regex(rc(again.body), /A remote with the name 's3one' already exists/);

  const list = await call(ctl, 'GET', '/v1/remotes');
  t.deepEqual(list.body.s3_remotes, [{ remote_name: 's3one', endpoint: 'http://127.0.0.1:9', bucket: 'bkt-one', region: 'us-east-1', use_path_style: true }]);
  t.notRegex(list.text, new RegExp(`${ACCESS}|${SECRET}`));

  const db = new Database(join(ctl.dir, 'linstor.db'), { readonly: true });
  try {
    const raw = (db.prepare("SELECT value FROM remotes").all() as Array<{ value: string }>).map((r) => r.value).join('\n');
    t.regex(raw, /s3one/);
    t.notRegex(raw, new RegExp(`${ACCESS}|${SECRET}`), 'the keys are sealed in the database');
  } finally { db.close(); }
  t.notRegex(ctl.logs(), new RegExp(`${ACCESS}|${SECRET}`), 'nor in the log (debug level)');
});

test.serial('bad remote input is refused with a clear message and stores nothing', async (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...s3Body('bad1'), bucket: 'Not_A_Bucket' }, /not a valid S3 bucket name/],
    [{ ...s3Body('bad2'), endpoint: 'ftp://x' }, /must use http or https/],
    [{ ...s3Body('bad3'), secret_key: '' }, /secret key is missing/],
    [{ ...s3Body('x') }, /Remote name 'x' is invalid/],
  ];
  for (const [body, re] of cases) {
    const r = await call(ctl, 'POST', '/v1/remotes/s3', body);
    t.true(r.status >= 400, JSON.stringify(body));
    t.regex(rc(r.body), re);
  }
  const names = (await call(ctl, 'GET', '/v1/remotes')).body.s3_remotes.map((r: { remote_name: string }) => r.remote_name);
  t.deepEqual(names, ['s3one']);
});

test.serial('modify changes fields and keeps the sealed keys unless new ones are given; delete removes it', async (t) => {
  t.is((await call(ctl, 'PUT', '/v1/remotes/s3/s3one', { region: 'eu-west-1' })).status, 200);
  const l = (await call(ctl, 'GET', '/v1/remotes/s3')).body;
  t.is(l[0].region, 'eu-west-1');
  t.is(l[0].bucket, 'bkt-one');
  t.is((await call(ctl, 'PUT', '/v1/remotes/s3/nosuch', { region: 'x' })).status, 404);
  t.is((await call(ctl, 'DELETE', '/v1/remotes?remote_name=s3one')).status, 200);
  t.is((await call(ctl, 'GET', '/v1/remotes')).body.s3_remotes.length, 0);
  t.is((await call(ctl, 'DELETE', '/v1/remotes?remote_name=s3one')).status, 404);
});

test.serial('`linstor remote create s3/linstor`, `remote list`, `remote modify`, `remote delete` work against this controller', async (t) => {
  const ls = (...a: string[]) => linstor(['--controllers', ctl.url, ...a]);
  let r = await ls('remote', 'create', 's3', 'clis3', 'http://127.0.0.1:9', 'bkt-cli', 'us-east-1', ACCESS, SECRET, '--use-path-style');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /SUCCESS/);
  r = await ls('remote', 'create', 'linstor', 'other', '127.0.0.2', '--cluster-id', 'c0ffee', '--passphrase', 'theirs');
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('remote', 'list');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /clis3 +\| S3 +\| us-east-1\.http:\/\/127\.0\.0\.1:9\/bkt-cli/);
  t.regex(r.stdout, /other +\| Linstor +\| http:\/\/127\.0\.0\.2:3370/);
  t.notRegex(r.stdout, new RegExp(`${ACCESS}|${SECRET}|theirs`));
  r = await ls('-m', 'remote', 'list');
  t.notRegex(r.stdout, new RegExp(`${ACCESS}|${SECRET}|theirs`));
  r = await ls('remote', 'modify', 'linstor', 'other', '--url', 'http://127.0.0.3:3370');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex((await ls('remote', 'list')).stdout, /127\.0\.0\.3/);
  r = await ls('remote', 'delete', 'other');
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('remote', 'delete', 'clis3');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.notRegex((await ls('remote', 'list')).stdout, /clis3|other/);
});
