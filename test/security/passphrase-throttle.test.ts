/**
 * Issue item 11: wrong master passphrases are slowed down (250 ms, 500 ms, 1 s, 2 s ... up to
 * 30 s after consecutive failures, one check at a time) while the answer stays LINSTOR's own
 * (FAIL_MISSING_PROPS, "Could not restore master passphrase ..."). Before, about eleven
 * guesses a second were possible. Real controller process.
 */
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

/** FAIL_MISSING_PROPS with LINSTOR's CTRL_CONF object mask, as the real controller answers. */
const WRONG = /^Could not restore master passphrase as the given old passphrase was incorrect$/;

test('repeated wrong passphrases are answered ever more slowly, with LINSTOR\'s answer; the right one still works and resets the delay', async (t) => {
  t.is((await call(ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'the right one' })).status, 201);
  await ctl.kill();
  await ctl.restart(); // locked again
  const codes = new Set<number>();
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    const r = await call<Array<{ ret_code: number; message: string }>>(ctl, 'PATCH', '/v1/encryption/passphrase', JSON.stringify(`guess-${i}`));
    t.is(r.status, 500, r.text);
    t.regex(r.body[0]!.message, WRONG);
    codes.add(r.body[0]!.ret_code);
  }
  const elapsed = Date.now() - started;
  t.is(codes.size, 1, 'every wrong guess gets the same return code');
  t.true(elapsed >= 750, `3 wrong guesses took ${elapsed} ms (at least 250+500 ms of delay; unthrottled about 270 ms)`);

  // Guesses in parallel wait their turn too: they cannot overtake the delay.
  const burst = Date.now();
  const parallel = await Promise.all([1, 2].map((i) => call<Array<{ message: string }>>(ctl, 'PATCH', '/v1/encryption/passphrase', JSON.stringify(`parallel-${i}`))));
  for (const r of parallel) t.regex(r.body[0]!.message, WRONG);
  t.true(Date.now() - burst >= 3_000, `two parallel guesses waited ${Date.now() - burst} ms (1 s + 2 s of delay)`);

  const right = await call<Array<{ message: string }>>(ctl, 'PATCH', '/v1/encryption/passphrase', JSON.stringify('the right one'));
  t.is(right.status, 200, right.text);
  const after = Date.now();
  const wrong = await call<Array<{ message: string }>>(ctl, 'PATCH', '/v1/encryption/passphrase', JSON.stringify('wrong again'));
  t.regex(wrong.body[0]!.message, WRONG);
  t.true(Date.now() - after < 2_000, 'after the right passphrase the count starts again');
});
