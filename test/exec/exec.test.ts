import test from 'ava';
import { ExecError, formatArgv, LocalRunner, RecordedRunner, shellQuote } from '../../core/exec/index.js';

test('a command runs from an argv array, so shell syntax in an argument stays literal', async (t) => {
  const r = await new LocalRunner().run(['echo', '$(id -u); rm -rf /tmp/x']);
  t.is(r.stdout, '$(id -u); rm -rf /tmp/x\n');
  t.is(r.exitCode, 0);
  t.true(r.durationMs >= 0);
});

test('a failing command becomes an error that names the command and its stderr', async (t) => {
  const e = await t.throwsAsync(new LocalRunner().run(['ls', '/definitely/not/here']), { instanceOf: ExecError });
  t.regex(e!.message, /Command 'ls \/definitely\/not\/here' exited with code 2/);
  t.regex(e!.message, /No such file or directory/);
  t.is(e!.rc, 'FAIL_UNKNOWN_ERROR');
  t.is(e!.exitCode, 2);
});

test('a command that hangs is killed after its timeout', async (t) => {
  const started = Date.now();
  const e = await t.throwsAsync(new LocalRunner().run(['sleep', '10'], { timeoutMs: 300 }), { instanceOf: ExecError });
  t.true(e!.timedOut);
  t.regex(e!.message, /timed out after 300 ms/);
  t.true(Date.now() - started < 5000);
});

test('a missing binary is reported as a command that could not be started', async (t) => {
  const e = await t.throwsAsync(new LocalRunner().run(['no-such-tool-xyz']), { instanceOf: ExecError });
  t.regex(e!.message, /could not be started/);
});

test('stdin can be fed and extra exit codes accepted', async (t) => {
  const runner = new LocalRunner();
  t.is((await runner.run(['cat'], { input: 'hello' })).stdout, 'hello');
  t.is((await runner.run(['sh', '-c', 'exit 2'], { okExitCodes: [0, 2] })).exitCode, 2);
});

test('the recorded runner replays real outputs and keeps the commands it was asked to run', async (t) => {
  const runner = new RecordedRunner([{ argv: ['vgs', 'vg1'], stdout: '  vg1;4096.00\n' }, { argv: ['lvremove', 'x'], exitCode: 5, stderr: 'Failed to find logical volume "x"' }]);
  t.is((await runner.run(['vgs', 'vg1'])).stdout, '  vg1;4096.00\n');
  const e = await t.throwsAsync(runner.run(['lvremove', 'x']), { instanceOf: ExecError });
  t.regex(e!.message, /Failed to find logical volume/);
  await t.throwsAsync(runner.run(['zfs', 'list']), { message: /exited with code 127/ });
  t.deepEqual(runner.commandLines(), ['vgs vg1', 'lvremove x', 'zfs list']);
});

test('shellQuote: a real shell reads every quoted word back exactly, so an SSH command line carries no injection', async (t) => {
  const words = ['plain', 'with space', "it's", '$(id -u)', '`x`; rm -rf /tmp/y', 'a"b', '', '*', 'new\nline', "''"];
  const r = await new LocalRunner().run(['sh', '-c', `printf '%s\\0' ${words.map((w) => shellQuote(w)).join(' ')}`]);
  t.deepEqual(r.stdout.split('\0').slice(0, -1), words);
  t.is(shellQuote('vg0/lv_1'), 'vg0/lv_1', 'plain words stay readable');
  t.is(shellQuote('vg0', { always: true }), "'vg0'");
  t.is(formatArgv(['lvcreate', '-n', 'a b']), "lvcreate -n 'a b'");
});
