/**
 * `linstor` with no arguments on a terminal starts the interactive shell. Driven here in a
 * real pseudo-terminal (node-pty) against a real controller, typed as a person would.
 */
import test from 'ava';
import pty from 'node-pty';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { CLI } from './helpers.js';

let ctl: TestController;
/** HOMEs for the shells: their history files go there, not into the real home. */
const homes = mkdtempSync(join(tmpdir(), 'lshome-'));
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); rmSync(homes, { recursive: true, force: true }); });

const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');

/** Spawns the shell and returns helpers to type a line and wait for the next prompt. */
function shell(args: string[]) {
  // One HOME per shell: tests run concurrently and each shell writes its history at exit.
  const home = mkdtempSync(join(homes, 'h-'));
  const p = pty.spawn(process.execPath, [CLI, ...args], {
    name: 'xterm', cols: 160, rows: 50,
    env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', LANG: 'C.UTF-8', LC_ALL: '', NO_COLOR: '', HOME: home } as Record<string, string>,
  });
  let out = '';
  const exited = new Promise<number>((res) => p.onExit((e) => res(e.exitCode)));
  p.onData((d) => { out += d; });
  const prompts = () => (strip(out).match(/LINSTOR ==> /g) ?? []).length;
  const waitPrompt = async (n: number, timeoutMs = 60_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (prompts() < n) {
      if (Date.now() > until) throw new Error(`no prompt #${n}; output so far:\n${strip(out)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let count = 1;
  /** Types a line and returns what the shell printed in answer, up to the next prompt. */
  const type = async (line: string): Promise<string> => {
    await waitPrompt(count);
    const before = strip(out).length;
    p.write(`${line}\r`);
    count++;
    await waitPrompt(count);
    const text = strip(out).slice(before);
    return text.slice(0, text.lastIndexOf('LINSTOR ==> '));
  };
  return { p, type, exited, output: () => strip(out), waitPrompt, home };
}

test('the interactive shell takes abbreviated commands, shows help, survives errors and exits', async (t) => {
  const s = shell(['--controllers', ctl.url]);
  t.teardown(() => { try { s.p.kill(); } catch { /* already gone */ } });
  await s.waitPrompt(1);
  t.regex(s.output(), /Available commands:/);

  const created = await s.type('n c shellnode 127.0.0.9 --port 1');
  t.regex(created, /New node 'shellnode' registered\./);

  const listed = await s.type('n l');
  // A terminal with a UTF-8 locale gets linstor-client's rounded box, in colour.
  t.regex(listed, /╭─+╮/);
  t.regex(listed, /┊ Node +┊ NodeType +┊ Addresses +┊ State +┊/);
  t.regex(listed, /┊ shellnode ┊ SATELLITE ┊ 127\.0\.0\.9:1 \(PLAIN\) ┊/);

  const help = await s.type('help');
  t.regex(help, /^- resource-definition \(rd\)$/m);
  t.regex(help, /^- list-commands \(commands, list\)$/m);
  t.regex(await s.type('help rd c'), /usage: linstor resource-definition create \[-h\] \[-p PORT\]/);

  const failed = await s.type('n d ghost');
  t.regex(failed, /ERROR:\nDescription:\n    Node 'ghost' not found\./);
  const bad = await s.type('frobnicate');
  t.regex(bad, /invalid choice: 'frobnicate'/);
  t.regex(bad, /Command "frobnicate" not known!\nUse "help <command>"/);
  t.regex(await s.type('rd c'), /Incorrect syntax\. Use 'help rd' for more information/);

  // Still alive after the errors.
  t.regex(await s.type('rd c shellrsc'), /New resource definition 'shellrsc' created\./);

  s.p.write('exit\r');
  t.is(await s.exited, 0);
  t.regex(readFileSync(join(s.home, '.config/linstor/client.history'), 'utf8'), /^rd c shellrsc$/m, 'history kept like linstor-client');
});

test('`quit` also leaves the shell, and Ctrl-D does too', async (t) => {
  const a = shell(['--controllers', ctl.url]);
  t.teardown(() => { try { a.p.kill(); } catch { /* gone */ } });
  await a.waitPrompt(1);
  a.p.write('quit\r');
  t.is(await a.exited, 0);
  const b = shell(['--controllers', ctl.url]);
  t.teardown(() => { try { b.p.kill(); } catch { /* gone */ } });
  await b.waitPrompt(1);
  b.p.write('\x04');
  t.is(await b.exited, 0);
});

test('Tab completes commands in the shell: `resource l<TAB>` to `list`, a second Tab lists the choices, node names come from the controller, flags complete', async (t) => {
  const s = shell(['--controllers', ctl.url]);
  t.teardown(() => { try { s.p.kill(); } catch { /* gone */ } });
  await s.type('n c tabnode 127.0.0.9 --port 1');
  const at = s.output().length;
  s.p.write('resource l\t');
  await until(() => s.output().slice(at).includes('resource list'));
  s.p.write('\t');
  await until(() => /list +list-properties +list-volumes/.test(s.output().slice(at)));
  // Finish the line as `resource list-properties tabn<TAB>`: the node name is completed too.
  s.p.write('-p\t');
  await until(() => s.output().slice(at).includes('list-properties '));
  s.p.write('tabn\t');
  await until(() => s.output().slice(at).includes('tabnode'));
  // Flags complete too: `rd c --la<TAB>` becomes `--layer-list`.
  s.p.write('\x15');
  const at2 = s.output().length;
  s.p.write('rd c --la\t');
  await until(() => s.output().slice(at2).includes('--layer-list'));
  s.p.write('\x15exit\r');
  t.is(await s.exited, 0);
});

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the terminal output');
    await new Promise((r) => setTimeout(r, 50));
  }
}
