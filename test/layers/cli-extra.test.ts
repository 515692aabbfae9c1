/**
 * The `drbd-options` / `drbd-peer-options` and `encryption` commands: what each sends (checked
 * with the client's --curl mode, nothing sent) and, for encryption, a real controller answering.
 */
import test from 'ava';
import { LinstorClient, CurlRequested, LinstorApiError } from '../../core/client/index.js';
import { COMMANDS } from '../../core/cli/commands/index.js';
import { withExtraCommands, encryptionCommand } from '../../core/cli/commands-extra/index.js';
import { parseArgs, resolveCommand, UsageError, type CmdSpec } from '../../core/cli/spec.js';
import { showReplies, type Ctx } from '../../core/cli/context.js';
import { ApiError } from '../../core/model/errors.js';
import { startController, type TestController } from '../helpers/controller.js';

const TREE = withExtraCommands(COMMANDS);

function ctxFor(url: string, curl: boolean): Ctx & { output: () => string } {
  let out = '';
  return {
    client: new LinstorClient({ controllers: [url], curl }), machine: false, outputVersion: 'v1',
    style: { utf8: true, color: false }, out: (s) => { out += s; }, err: (s) => { out += s; }, output: () => out,
  };
}

function leaf(path: string[]): CmdSpec {
  let level = TREE;
  let cmd: CmdSpec | undefined;
  for (const p of path) { cmd = resolveCommand(level, p); level = cmd.sub ?? []; }
  return cmd!;
}

/** What `linstor --curl <path> <args>` would send: [method, url, body]. */
async function sent(path: string[], args: string[]): Promise<[string, string, unknown]> {
  const cmd = leaf(path);
  try {
    await cmd.run!(ctxFor('http://ctrl:3370', true), parseArgs(cmd, args));
  } catch (e) {
    if (!(e instanceof CurlRequested)) throw e;
    const m = /^curl -X (\w+)(?: -H '[^']*' -d '(.*)')? '([^']*)'$/.exec(e.command);
    if (!m) throw new Error(`unexpected curl command ${e.command}`);
    return [m[1]!, m[3]!, m[2] === undefined ? undefined : JSON.parse(m[2].replace(/'\\''/g, "'"))];
  }
  throw new Error('nothing sent');
}

test('`linstor rd drbd-options --protocol C --unset-quorum rd1` sets and deletes DrbdOptions/* on the resource definition', async (t) => {
  t.deepEqual(await sent(['rd', 'drbd-options'], ['--protocol', 'C', '--unset-quorum', 'rd1']), [
    'PUT', 'http://ctrl:3370/v1/resource-definitions/rd1',
    { override_props: { 'DrbdOptions/Net/protocol': 'C' }, delete_props: ['DrbdOptions/Resource/quorum'] },
  ]);
});

test('drbd-options exist for controller, resource group and volume definition, each on its own endpoint', async (t) => {
  t.deepEqual(await sent(['controller', 'drbd-options'], ['--auto-quorum', 'suspend-io', '--on-no-quorum', 'io-error']), [
    'POST', 'http://ctrl:3370/v1/controller/properties',
    { override_props: { 'DrbdOptions/auto-quorum': 'suspend-io', 'DrbdOptions/Resource/on-no-quorum': 'io-error' }, delete_props: [] },
  ]);
  const [m, url, body] = await sent(['rg', 'drbd-options'], ['--allow-two-primaries', 'yes', 'rg1']);
  t.is(m, 'PUT');
  t.is(url, 'http://ctrl:3370/v1/resource-groups/rg1');
  t.deepEqual(body, { override_props: { 'DrbdOptions/Net/allow-two-primaries': 'yes' }, delete_props: [] });
  t.deepEqual((await sent(['vd', 'drbd-options'], ['--al-extents', '6007', 'rd1', '0'])).slice(0, 2), ['PUT', 'http://ctrl:3370/v1/resource-definitions/rd1/volume-definitions/0']);
});

test('drbd-peer-options go to the resource connection or the node connection', async (t) => {
  const body = { override_props: { 'DrbdOptions/Net/max-buffers': '8000', 'DrbdOptions/PeerDevice/c-max-rate': '4G' }, delete_props: [] };
  t.deepEqual(await sent(['r', 'drbd-peer-options'], ['--max-buffers', '8000', '--c-max-rate', '4G', 'alpha', 'bravo', 'rd1']),
    ['PUT', 'http://ctrl:3370/v1/resource-definitions/rd1/resource-connections/alpha/bravo', body]);
  t.deepEqual((await sent(['resource-connection', 'drbd-peer-options'], ['--protocol', 'A', 'alpha', 'bravo', 'rd1']))[1],
    'http://ctrl:3370/v1/resource-definitions/rd1/resource-connections/alpha/bravo');
  t.deepEqual((await sent(['nc', 'drbd-peer-options'], ['--unset-protocol', 'alpha', 'bravo'])),
    ['PUT', 'http://ctrl:3370/v1/node-connections/alpha/bravo', { override_props: {}, delete_props: ['DrbdOptions/Net/protocol'] }]);
});

test('drbd-options refuse bad values, options of another section and empty calls before sending anything', async (t) => {
  await t.throwsAsync(sent(['rd', 'drbd-options'], ['--protocol', 'D', 'rd1']), { instanceOf: ApiError, message: /one of A, B, C/ });
  await t.throwsAsync(sent(['rd', 'drbd-options'], ['--al-extents', '10', 'rd1']), { message: /from 67 to 65534/ });
  await t.throwsAsync(sent(['vd', 'drbd-options'], ['--protocol', 'C', 'rd1', '0']), { instanceOf: UsageError, message: /unrecognized arguments: --protocol/ });
  await t.throwsAsync(sent(['rd', 'drbd-options'], ['rd1']), { instanceOf: UsageError, message: /no DRBD option given/ });
  await t.throwsAsync(sent(['rd', 'drbd-options'], ['--protocol', 'C', '--unset-protocol', 'rd1']), { instanceOf: UsageError });
});

test('merging keeps the existing sub-commands of every family', (t) => {
  for (const fam of COMMANDS) {
    const merged = TREE.find((c) => c.name === fam.name)!;
    for (const s of fam.sub ?? []) t.truthy(merged.sub!.find((x) => x.name === s.name), `${fam.name} ${s.name}`);
  }
  t.truthy(leaf(['e', 'cp']));
});

// ---- encryption commands against a real controller (needs /v1/encryption/passphrase registered) ----

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

function scripted(answers: string[]): { isTTY: boolean; ask: (p: string) => Promise<string>; prompts: string[] } {
  const prompts: string[] = [];
  return { isTTY: false, prompts, ask: async (p) => { prompts.push(p); const a = answers.shift(); if (a === undefined) throw new Error('no more input'); return a; } };
}

async function enc(sub: string, args: string[], answers: string[] = []): Promise<{ code: number | void; out: string; prompts: string[] }> {
  const input = scripted(answers);
  const cmd = resolveCommand(encryptionCommand(input).sub!, sub);
  const ctx = ctxFor(ctl.url, false);
  let code: number | void;
  try {
    code = await cmd.run!(ctx, parseArgs(cmd, args));
  } catch (e) {
    // What core/cli/run.ts does with an error reply: print it, exit code 10.
    if (!(e instanceof LinstorApiError)) throw e;
    code = showReplies(ctx, e.rcs);
  }
  return { code, out: ctx.output(), prompts: input.prompts };
}

test.serial('`linstor encryption create-passphrase` asks twice, then enter-passphrase and modify-passphrase work as the guide shows', async (t) => {
  const c = await enc('create-passphrase', [], ['s3cret', 's3cret']);
  t.is(c.code, 0, c.out);
  t.deepEqual(c.prompts, ['Master passphrase: ', 'Master passphrase (repeat): ']);
  t.regex(c.out, /SUCCESS:\nDescription:\n {4}Crypt passphrase created\./);
  const wrong = await enc('enter-passphrase', ['--passphrase', 'nope']);
  t.is(wrong.code, 10);
  t.regex(wrong.out, /ERROR:[\s\S]*incorrect/);
  const right = await enc('enter-passphrase', [], ['s3cret']);
  t.is(right.code, 0);
  t.regex(right.out, /Passphrase accepted/);
  const mod = await enc('modify-passphrase', [], ['s3cret', 'n3w', 'n3w']);
  t.is(mod.code, 0, mod.out);
  t.deepEqual(mod.prompts, ['Old master passphrase: ', 'New master passphrase: ', 'New master passphrase (repeat): ']);
  t.is((await enc('enter-passphrase', ['--passphrase', 'n3w'])).code, 0);
});

test.serial('create-passphrase refuses two different answers without calling the controller', async (t) => {
  await t.throwsAsync(enc('create-passphrase', [], ['a', 'b']), { instanceOf: UsageError, message: /do not match/ });
});
