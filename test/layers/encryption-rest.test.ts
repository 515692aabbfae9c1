/**
 * The master passphrase over REST against a real controller process (§3.8): create, lock on
 * restart, enter, modify, and automatic entry from MASTER_PASSPHRASE / linstor.toml.
 */
import test from 'ava';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { call, hasCode, rcs } from './rest.js';

const PATH = '/v1/encryption/passphrase';
const status = async (c: TestController): Promise<string> => ((await call('GET', c.url + PATH)).body as Array<{ status: string }>)[0]!.status;
const pass = (): string => `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;

const controllers: TestController[] = [];
async function start(opts: Parameters<typeof startController>[0] = {}): Promise<TestController> {
  const c = await startController(opts);
  controllers.push(c);
  return c;
}
test.after.always(async () => { for (const c of controllers) await c.stop(); });

test.serial('a new controller reports the master passphrase as unset', async (t) => {
  const c = await start();
  t.is(await status(c), 'unset');
  const r = await call('GET', c.url + PATH);
  t.is(r.status, 200);
  t.deepEqual(r.body, [{ status: 'unset' }]);
});

test.serial('create-passphrase unlocks; after a restart the controller is locked until the right passphrase is entered', async (t) => {
  const c = await start();
  const pw = pass();
  const created = await call('POST', c.url + PATH, { new_passphrase: pw });
  t.is(created.status, 201);
  t.is(rcs(created)[0]!.message, 'Crypt passphrase created.');
  t.true(hasCode(rcs(created)[0]!, 'CREATED'));
  t.is(await status(c), 'unlocked');

  const again = await call('POST', c.url + PATH, { new_passphrase: pass() });
  t.is(again.status, 500);
  t.true(hasCode(rcs(again)[0]!, 'FAIL_EXISTS_CRYPT_PASSPHRASE'));

  await c.restart();
  t.is(await status(c), 'locked');

  const wrong = await call('PATCH', c.url + PATH, 'not-the-passphrase');
  t.is(wrong.status, 500);
  t.regex(rcs(wrong)[0]!.message, /incorrect/);
  t.is(await status(c), 'locked');

  const right = await call('PATCH', c.url + PATH, pw);
  t.is(right.status, 200);
  t.is(rcs(right)[0]!.message, 'Passphrase accepted');
  t.true(hasCode(rcs(right)[0]!, 'PASSPHRASE_ACCEPTED'));
  t.is(await status(c), 'unlocked');
});

test.serial('entering a passphrase before one was created fails with a hint to create it', async (t) => {
  const c = await start();
  const r = await call('PATCH', c.url + PATH, 'whatever');
  t.is(r.status, 500);
  t.regex(rcs(r)[0]!.message, /set a passphrase first/);
  const m = await call('PUT', c.url + PATH, { old_passphrase: 'a', new_passphrase: 'b' });
  t.regex(rcs(m)[0]!.message, /does not exist/);
  const empty = await call('POST', c.url + PATH, {});
  t.true(hasCode(rcs(empty)[0]!, 'FAIL_INVLD_CRYPT_PASSPHRASE'));
  t.is(await status(c), 'unset');
});

test.serial('modify-passphrase: the old passphrase stops working, the new one unlocks after a restart', async (t) => {
  const c = await start();
  const oldPw = pass();
  const newPw = pass();
  await call('POST', c.url + PATH, { new_passphrase: oldPw });
  const bad = await call('PUT', c.url + PATH, { old_passphrase: 'wrong', new_passphrase: newPw });
  t.is(bad.status, 500);
  t.regex(rcs(bad)[0]!.message, /incorrect/);
  const ok = await call('PUT', c.url + PATH, { old_passphrase: oldPw, new_passphrase: newPw });
  t.is(ok.status, 200);
  t.is(rcs(ok)[0]!.message, 'Crypt passphrase updated');
  await c.restart();
  t.regex(rcs(await call('PATCH', c.url + PATH, oldPw))[0]!.message, /incorrect/);
  t.is((await call('PATCH', c.url + PATH, newPw)).status, 200);
  t.is(await status(c), 'unlocked');
});

test.serial('MASTER_PASSPHRASE creates the passphrase at first start and enters it at every later start', async (t) => {
  const pw = pass();
  const c = await start({ env: { MASTER_PASSPHRASE: pw } });
  t.is(await status(c), 'unlocked');
  await c.restart();
  t.is(await status(c), 'unlocked');
  // The same database started without the variable is locked, and the passphrase is the one from the env.
  await c.kill();
  const plain = await start({ dir: c.dir, port: 0 });
  t.is(await status(plain), 'locked');
  t.is((await call('PATCH', plain.url + PATH, pw)).status, 200);
});

test.serial('a wrong MASTER_PASSPHRASE leaves the controller running but locked', async (t) => {
  const first = await start();
  const pw = pass();
  await call('POST', first.url + PATH, { new_passphrase: pw });
  await first.kill();
  const c = await start({ dir: first.dir, env: { MASTER_PASSPHRASE: 'wrong-one' } });
  t.is(await status(c), 'locked');
  t.is((await call('PATCH', c.url + PATH, pw)).status, 200);
});

test.serial('[encrypt] passphrase in linstor.toml unlocks the controller at start', async (t) => {
  const pw = pass();
  const c = await start({ extraToml: `[encrypt]\npassphrase = "${pw}"\n` });
  t.is(await status(c), 'unlocked');
  await c.restart();
  t.is(await status(c), 'unlocked');
});

test.serial('the master passphrase never reaches the database file in plain text', async (t) => {
  const c = await start();
  const pw = pass();
  await call('POST', c.url + PATH, { new_passphrase: pw });
  await c.kill();
  const files = ['linstor.db', 'linstor.db-wal'].map((f) => join(c.dir, f)).filter((f) => existsSync(f));
  t.true(files.length > 0);
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  t.false(bytes.includes(Buffer.from(pw)));
  t.true(bytes.includes(Buffer.from('PBKDF2-HMAC-SHA512')), 'the sealed master key record is stored');
});
