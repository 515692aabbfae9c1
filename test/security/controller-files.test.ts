/**
 * Issue items 6 and 10 with a real controller process: database exports go only into the
 * backup folder under a plain name, owner-only; the SQLite folder and files are owner-only and
 * commits are synchronous=FULL. Everything lives in the test's own temp folder.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../core/store/sqlite.js';
import { startController } from '../helpers/controller.js';
import { call, nodeBody } from '../helpers/controller-rest.js';

const mode = (p: string): number => statSync(p).mode & 0o777;

test('a backup name with a path is refused; a plain name lands in the backup folder, 0600, never overwritten', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sec-backup-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const ctlDir = join(root, 'ctl');
  mkdirSync(ctlDir);
  const ctl = await startController({ dir: ctlDir });
  t.teardown(() => ctl.kill());
  t.is((await call(ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'correct horse' })).status, 201);
  const depth = ctlDir.split('/').length;
  const escape = `${'../'.repeat(depth)}${root.slice(1)}/escaped.db`;
  for (const name of [escape, '../escaped.db', join(root, 'absolute.db'), 'a/b.db', '.hidden', '', 'x\n.db', 'a..b']) {
    for (const path of ['/v1/controller/backup/db', '/v1/controller/database/export']) {
      const r = await call(ctl, 'POST', path, { backup_name: name });
      t.true(r.status >= 400, `${JSON.stringify(name)} → ${r.status} ${r.text}`);
    }
  }
  t.false(existsSync(join(root, 'escaped.db')), 'no copy outside the backup folder');
  t.false(existsSync(join(root, 'absolute.db')));
  const ok = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: 'nightly.db' });
  t.is(ok.status, 201, ok.text);
  const backups = join(ctlDir, 'backups');
  const file = join(backups, 'nightly.db');
  t.is(mode(backups), 0o700, 'the backup folder is owner-only');
  t.is(mode(file), 0o600, 'the copy holds the sealed master key: owner-only');
  t.deepEqual(readdirSync(backups), ['nightly.db'], 'nothing else (no temp file) is left');
  const copy = new Database(file, { readonly: true });
  t.teardown(() => copy.close());
  t.true((copy.prepare('SELECT COUNT(*) AS n FROM secrets').get() as { n: number }).n > 0, 'it is a real copy with the secrets table');
  const again = await call(ctl, 'POST', '/v1/controller/database/export', { backup_name: 'nightly.db' });
  t.true(again.status >= 400, again.text);
});

test('the SQLite folder is 0700 and the database, WAL and shared-memory files are 0600', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sec-db-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const ctlDir = join(root, 'ctl');
  mkdirSync(ctlDir, { mode: 0o755 });
  const ctl = await startController({ dir: ctlDir });
  t.teardown(() => ctl.kill());
  t.is((await call(ctl, 'POST', '/v1/nodes', nodeBody('sec-db-node'))).status, 201);
  t.is(mode(ctlDir), 0o700);
  for (const f of ['linstor.db', 'linstor.db-wal', 'linstor.db-shm']) {
    t.true(existsSync(join(ctlDir, f)), f);
    t.is(mode(join(ctlDir, f)), 0o600, f);
  }
});

test('commits are synchronous=FULL: an acknowledged change is in the WAL on disk before the answer', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sec-sync-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const store = new SqliteStore(join(root, 'db', 'linstor.db'));
  t.teardown(() => store.close());
  t.deepEqual(store.durability(), { journalMode: 'wal', synchronous: 'FULL' });
  t.is(mode(join(root, 'db')), 0o700, 'a folder the store creates is owner-only');
});
