/**
 * The command families beyond nodes/pools/resources, on a real controller (no satellite runs:
 * node `fam-n1` is registered but never connects, so its resource stays unsynchronised):
 * advise, controller which/set-log-level/backupdb, resource-definition wait-sync (waits, then
 * times out) and clone (waits as linstor-client does; here it fails: nothing to snapshot), the families this controller lacks
 * (a clear "not supported", exit 10), and the progress spinner: shown on a terminal while a
 * command waits, never in a pipe nor with -m.
 */
import test from 'ava';
import pty from 'node-pty';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { CLI, linstor } from './helpers.js';

let ctl: TestController;
const dir = mkdtempSync(join(tmpdir(), 'lsfam-'));
const ls = (...args: string[]) => linstor(['--controllers', ctl.url, ...args]);

test.before(async () => {
  ctl = await startController();
  for (const args of [['node', 'create', 'fam-n1', '127.0.0.1', '--port', '1'], ['node', 'create', 'fam-n2', '127.0.0.2', '--port', '1'], ['rd', 'c', 'famr1'], ['vd', 'c', 'famr1', '10M'],
    ['r', 'c', 'fam-n1', 'famr1', '--drbd-diskless'], ['rd', 'c', 'famsrc'], ['vd', 'c', 'famsrc', '10M']]) {
    const r = await ls(...args);
    if (r.code !== 0 && !/WARNING/.test(r.stdout)) throw new Error(`${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
});
test.after.always(async () => { await ctl?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('`rd wait-sync --wait-timeout 2` waits the whole time for a resource that never syncs, then exits 21 saying so', async (t) => {
  const t0 = Date.now();
  const r = await ls('resource-definition', 'wait-sync', 'famr1', '--wait-timeout', '2');
  t.true(Date.now() - t0 >= 2000, 'it waited');
  t.is(r.code, 21, r.stdout + r.stderr);
  t.is(r.stderr, "Error: Resource 'famr1' was not synchronized on all nodes within 2 seconds.\n");
  t.is(r.stdout, '', 'nothing on stdout: a pipe gets no spinner');
});

test('`rd clone` waits for the clone like linstor-client ("Waiting for cloning to complete...") and reports its end; `--no-wait` does not wait', async (t) => {
  // famsrc has no resource to snapshot, so the controller marks the clone FAILED (as LINSTOR does).
  const r = await ls('resource-definition', 'clone', 'famsrc', 'famdst');
  t.is(r.code, 10, r.stdout + r.stderr);
  t.regex(r.stdout, /New resource definition 'famdst' created\.[^]*\nWaiting for cloning to complete\.\.\.\nFailed cloning famdst, please check resource status or satellite errors\.\n$/);
  const nw = await ls('resource-definition', 'clone', '--no-wait', 'famsrc', 'famdst2');
  t.is(nw.code, 0, nw.stdout + nw.stderr);
  t.regex(nw.stdout, /New resource definition 'famdst2' created\./);
  t.notRegex(nw.stdout, /Waiting for cloning|cloning famdst2/);
});

test('`controller which`, `controller set-log-level`, `controller backupdb` answer like LINSTOR', async (t) => {
  const which = await ls('controller', 'which');
  t.is(which.code, 0, which.stderr);
  t.true(which.stdout.startsWith(ctl.url.replace(/^http:/, 'linstor:')), which.stdout);
  const level = await ls('controller', 'set-log-level', 'debug');
  t.is(level.code, 0, level.stdout + level.stderr);
  t.regex(level.stdout, /^SUCCESS:\n {4}Log level of the controller set to DEBUG\./);
  const bad = await ls('controller', 'set-log-level', 'LOUD');
  t.is(bad.code, 2, 'an unknown level is an argument error');
  // The controller writes backups into its own backup folder ([db] backup_directory), under a plain name.
  const db = await ls('controller', 'backupdb', 'fam-backup.db');
  t.is(db.code, 0, db.stdout + db.stderr);
  const file = join(ctl.dir, 'backups', 'fam-backup.db');
  t.true(existsSync(file), db.stdout);
  t.is(readFileSync(file).subarray(0, 15).toString(), 'SQLite format 3', 'a real SQLite file of the controller database');
});

test('`advise resource` and `advise maintenance` print linstor-client\'s tables', async (t) => {
  const rsc = await ls('advise', 'resource');
  t.is(rsc.code, 0, rsc.stderr);
  t.regex(rsc.stdout.split('\n')[1]!, /^\| Resource +\| Issue +\| Possible fix +\|$/);
  const mnt = await ls('advise', 'maintenance', 'fam-n1');
  t.is(mnt.code, 0, mnt.stderr);
  t.regex(mnt.stdout, /famr1/, 'the only resource on the node shows up');
});

test('`space-reporting query` prints the controller\'s report text', async (t) => {
  const r = await ls('space-reporting', 'query');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^LINSTOR space report\nGenerated: \d{4}-/);
  t.regex(r.stdout, /\nSHA-256: [0-9a-f]{64}\n\n$/);
});

test('`node set-log-level` on a node whose satellite is offline says so (exit 10)', async (t) => {
  const r = await ls('node', 'set-log-level', 'fam-n1', 'INFO');
  t.is(r.code, 10);
  t.regex(r.stdout + r.stderr, /No active connection to satellite 'fam-n1'/);
});

test('families this controller does not implement answer "not supported" clearly, exit 10, no stack trace', async (t) => {
  for (const args of [['exos', 'list']]) {
    const r = await ls(...args);
    t.is(r.code, 10, args.join(' '));
    t.regex(r.stderr, / is not supported by this controller \(HTTP 404\)\. The controller does not implement this feature yet\./, args.join(' '));
    t.notRegex(r.stdout + r.stderr, /\n +at .*\.js:\d+/, 'no stack trace');
  }
});

/** `linstor ARGS` on a pseudo-terminal (stdout and stderr both the terminal); resolves with all it wrote. */
function onTerminal(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = pty.spawn(process.execPath, [CLI, '--controllers', ctl.url, ...args], {
      name: 'xterm', cols: 120, rows: 40,
      env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', LANG: 'C.UTF-8', NO_COLOR: '1', HOME: dir } as Record<string, string>,
    });
    let out = '';
    p.onData((d) => { out += d; });
    p.onExit((e) => resolve({ code: e.exitCode, out }));
  });
}

test('a waiting command shows a spinner on a terminal, redrawn in place and cleared; none with -m', async (t) => {
  const r = await onTerminal(['resource-definition', 'wait-sync', 'famr1', '--wait-timeout', '2']);
  t.is(r.code, 21);
  const frames = r.out.match(/\r[|/\\-] Waiting for resource 'famr1' to be synchronized\.\.\./g) ?? [];
  t.true(frames.length >= 3, `the spinner turns while it waits (${frames.length} frames):\n${JSON.stringify(r.out)}`);
  t.true(new Set(frames.map((f) => f[1])).size >= 2, 'different frames');
  t.regex(r.out, /\r {20,}\rError: Resource 'famr1' was not synchronized/, 'the line is cleared before the answer');
  const ev = await onTerminal(['node', 'evacuate', 'fam-n2']);
  t.regex(ev.out, /\r[|/\\-] Evacuating node 'fam-n2'\.\.\./, 'evacuate shows it waits');
  const m = await onTerminal(['-m', 'resource-definition', 'wait-sync', 'famr1', '--wait-timeout', '1']);
  t.notRegex(m.out, /Waiting for resource/, '-m output carries no spinner');
});

test('on a terminal `resource list` draws the UTF-8 box in colour; `-p` (pastable) is the ASCII box without colour codes', async (t) => {
  const plain = await onTerminalColour(['resource', 'list']);
  t.is(plain.code, 0);
  t.regex(plain.out, /╭─+╮/);
  t.regex(plain.out, /\x1b\[/, 'colour codes on a terminal');
  const p = await onTerminalColour(['resource', 'list', '-p']);
  t.is(p.code, 0);
  t.regex(p.out, /^\+-+\+\r?$/m);
  t.regex(p.out, /\| famr1 +\| fam-n1 +\|/);
  t.notRegex(p.out, /[╭┊]|\x1b\[[0-9;]*m/, 'no box characters, no colours');
});

/** Like onTerminal, with colours allowed (no NO_COLOR). */
function onTerminalColour(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', LANG: 'C.UTF-8', LC_ALL: '', HOME: dir } as Record<string, string>;
    delete env.NO_COLOR;
    const p = pty.spawn(process.execPath, [CLI, '--controllers', ctl.url, ...args], { name: 'xterm', cols: 160, rows: 40, env });
    let out = '';
    p.onData((d) => { out += d; });
    p.onExit((e) => resolve({ code: e.exitCode, out }));
  });
}
