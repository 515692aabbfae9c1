/**
 * Per-volume LUKS keys under the master key, with the controller's real state and SQLite store
 * in this process (the same code the REST routes call): what a restart locks, what the
 * database file holds, and what modify-passphrase leaves alone.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../core/model/errors.js';
import { SqliteStore } from '../../core/store/sqlite.js';
import { ClusterState } from '../../core/controller/state/cluster-state.js';
import {
  addVolumeKey, createPassphrase, ensureVolumeKey, enterPassphrase, getVolumeKey, modifyPassphrase,
  passphraseStatus, requireVolumeKey, volumeKeyRow,
} from '../../core/controller/encryption/index.js';

async function open(dir: string): Promise<{ state: ClusterState; store: SqliteStore }> {
  const store = new SqliteStore(join(dir, 'linstor.db'));
  const state = new ClusterState(store);
  await state.load();
  return { state, store };
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a volume key survives a restart, but only comes back after the passphrase is entered', async (t) => {
  const dir = tempDir(t);
  let { state, store } = await open(dir);
  await createPassphrase({ state }, 'master-1');
  const key = await ensureVolumeKey({ state }, 'rsc-a', 0);
  t.regex(key, /^[A-Za-z0-9+/]{43}=$/, 'a random 256-bit key, base64');
  t.is(await ensureVolumeKey({ state }, 'rsc-a', 0), key, 'asking again gives the same key');
  t.not(await ensureVolumeKey({ state }, 'rsc-a', 1), key, 'each volume has its own key');
  await store.close();

  ({ state, store } = await open(dir));
  t.teardown(() => store.close());
  t.is(passphraseStatus(state), 'locked');
  t.is(getVolumeKey({ state }, 'rsc-a', 0), undefined);
  const err = t.throws(() => requireVolumeKey({ state }, 'rsc-a', 0), { instanceOf: ApiError });
  t.regex(err!.message, /the master passphrase is locked, enter it with linstor encryption enter-passphrase/);
  await enterPassphrase({ state }, 'master-1');
  t.is(getVolumeKey({ state }, 'RSC-A', 0), key, 'resource names are case-insensitive');
});

test('a new encrypted volume cannot be created while the passphrase is locked, and nothing is stored', async (t) => {
  const dir = tempDir(t);
  let { state, store } = await open(dir);
  await createPassphrase({ state }, 'master-2');
  await store.close();
  ({ state, store } = await open(dir));
  t.teardown(() => store.close());
  const err = await t.throwsAsync(state.mutate((tx) => addVolumeKey({ state }, tx, 'rsc-b', 0)), { instanceOf: ApiError });
  t.is(err!.rc, 'FAIL_NOT_FOUND_CRYPT_KEY');
  t.regex(err!.message, /master passphrase is locked/);
  t.false(state.secrets.has(volumeKeyRow('rsc-b', 0)));
});

test('without any master passphrase an encrypted volume is refused with a hint to create one', async (t) => {
  const dir = tempDir(t);
  const { state, store } = await open(dir);
  t.teardown(() => store.close());
  const err = await t.throwsAsync(ensureVolumeKey({ state }, 'rsc-c', 0), { instanceOf: ApiError });
  t.regex(err!.opts.correction ?? '', /create-passphrase/);
});

test('modify-passphrase keeps every volume key and only re-seals the master key', async (t) => {
  const dir = tempDir(t);
  let { state, store } = await open(dir);
  await createPassphrase({ state }, 'old-pw');
  const key = await ensureVolumeKey({ state }, 'rsc-d', 0);
  const sealedBefore = JSON.stringify(state.secrets.get(volumeKeyRow('rsc-d', 0)));
  const masterBefore = JSON.stringify(state.secrets.get('MASTERKEY'));
  await modifyPassphrase({ state }, 'old-pw', 'new-pw');
  t.is(JSON.stringify(state.secrets.get(volumeKeyRow('rsc-d', 0))), sealedBefore, 'the sealed volume key row is untouched');
  t.not(JSON.stringify(state.secrets.get('MASTERKEY')), masterBefore);
  await store.close();
  ({ state, store } = await open(dir));
  t.teardown(() => store.close());
  await t.throwsAsync(enterPassphrase({ state }, 'old-pw'), { message: /incorrect/ });
  await enterPassphrase({ state }, 'new-pw');
  t.is(getVolumeKey({ state }, 'rsc-d', 0), key);
});

test('the database file holds neither the master passphrase nor any volume key in plain text', async (t) => {
  const dir = tempDir(t);
  const { state, store } = await open(dir);
  await createPassphrase({ state }, 'a-very-secret-master-passphrase');
  const keys = [await ensureVolumeKey({ state }, 'rsc-e', 0), await ensureVolumeKey({ state }, 'rsc-e', 1)];
  await store.close();
  const bytes = Buffer.concat(['linstor.db', 'linstor.db-wal'].map((f) => join(dir, f)).filter(existsSync).map((f) => readFileSync(f)));
  t.true(bytes.includes(Buffer.from('VLMKEY/RSC-E/0')), 'the key rows are there');
  t.false(bytes.includes(Buffer.from('a-very-secret-master-passphrase')));
  for (const k of keys) {
    t.false(bytes.includes(Buffer.from(k)), 'no key as text');
    t.false(bytes.includes(Buffer.from(k, 'base64')), 'no key as raw bytes');
  }
});

test('a sealed volume key moved to another volume does not decrypt (bound to its row)', async (t) => {
  const dir = tempDir(t);
  const { state, store } = await open(dir);
  t.teardown(() => store.close());
  await createPassphrase({ state }, 'pw');
  await ensureVolumeKey({ state }, 'rsc-f', 0);
  await state.mutate((tx) => tx.put(state.secrets, volumeKeyRow('rsc-g', 0), state.secrets.get(volumeKeyRow('rsc-f', 0))));
  t.throws(() => getVolumeKey({ state }, 'rsc-g', 0));
});
