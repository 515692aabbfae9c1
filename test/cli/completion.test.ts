/**
 * Shell completion generated from the command tree: the candidates for partial command lines
 * (`linstor __complete`, what the scripts call), then the scripts themselves in a real bash and
 * a real zsh on a pseudo-terminal, pressing Tab as a user does, with node names coming from a
 * real controller.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { startController, type TestController } from '../helpers/controller.js';
import { CLI, linstor, linstorInProcess } from './helpers.js';

let ctl: TestController;
let bin: string;
test.before(async () => {
  ctl = await startController();
  for (const n of ['tab-alpha', 'tab-bravo']) {
    const r = await linstorInProcess(['--controllers', ctl.url, 'node', 'create', n, '127.0.0.1', '--port', '1']);
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  }
  // `linstor` on PATH for the shells: a wrapper around the built CLI.
  bin = mkdtempSync(join(tmpdir(), 'lscompl-'));
  writeFileSync(join(bin, 'linstor'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'linstor'), 0o755);
});
test.after.always(async () => { await ctl?.stop(); if (bin) rmSync(bin, { recursive: true, force: true }); });

/** Candidates for the last word of `linstor WORDS...` (the last may be ''). */
async function candidates(...words: string[]): Promise<string[]> {
  const r = await linstor(['__complete', String(words.length), 'linstor', ...words], { LS_CONTROLLERS: ctl.url });
  return r.stdout.split('\n').filter(Boolean);
}

test('partial command lines complete to sub-commands, aliases only when no name matches', async (t) => {
  t.deepEqual(await candidates('resource', 'l'), ['list', 'list-properties', 'list-volumes']);
  t.deepEqual(await candidates('resource-def'), ['resource-definition']);
  t.deepEqual(await candidates('rd', 'wait'), ['wait-sync']);
  t.deepEqual(await candidates('rg', 'qs'), ['qsi'], 'an alias when no full name starts so');
  t.true((await candidates('')).includes('storage-pool'));
});

test('flags, their choices, sizes with units and object names from the controller', async (t) => {
  t.deepEqual(await candidates('rd', 'c', '--la'), ['--layer-list']);
  t.deepEqual(await candidates('--output-version', ''), ['v0', 'v1']);
  t.deepEqual(await candidates('node', 'create', 'x', '1.2.3.4', '--node-type', ''), ['auxiliary', 'combined', 'controller', 'satellite']);
  t.true((await candidates('vd', 'c', 'rsc', '10')).includes('10GiB'));
  t.deepEqual(await candidates('node', 'list-properties', 'tab-'), ['tab-alpha', 'tab-bravo']);
  t.deepEqual(await candidates('--controllers', ctl.url, 'n', 'lp', 'tab-b'), ['tab-bravo'], '--controllers on the line is used');
  t.true((await candidates('r', 'l', '--')).includes('--faulty'));
});

test('`linstor completion bash|zsh` print scripts that call back into `linstor __complete`', async (t) => {
  const bash = await linstor(['completion', 'bash']);
  t.is(bash.code, 0);
  t.regex(bash.stdout, /complete .*-F _linstor linstor/);
  const zsh = await linstor(['completion', 'zsh']);
  t.regex(zsh.stdout, /^#compdef linstor/);
  t.is((await linstor(['completion', 'fish'])).code, 2);
});

/** A shell on a pseudo-terminal; `type` writes keys, `until` waits for text in the output. */
function shell(file: string, args: string[], env: Record<string, string>) {
  const p = pty.spawn(file, args, {
    name: 'xterm', cols: 200, rows: 40, cwd: bin,
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: bin, LANG: 'C.UTF-8', TERM: 'xterm', LS_CONTROLLERS: ctl.url, LINSTOR_CLIENT_CONF: '/nonexistent', ...env },
  });
  let out = '';
  p.onData((d) => { out += d; });
  const plain = (): string => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  const until = async (re: RegExp, from: number, what: string): Promise<void> => {
    const end = Date.now() + 30_000;
    while (!re.test(plain().slice(from))) {
      if (Date.now() > end) throw new Error(`${what}: no ${re} in:\n${plain().slice(from)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { p, plain, until };
}

test('bash: `source <(linstor completion bash)`, then Tab completes `linstor resource l` and node names', async (t) => {
  const sh = shell('/bin/bash', ['--norc', '--noprofile', '-i'], { PS1: 'READY$ ' });
  t.teardown(() => sh.p.kill());
  await sh.until(/READY\$ $/, 0, 'prompt');
  sh.p.write('source <(linstor completion bash)\r');
  await sh.until(/READY\$ [^\n]*\n[^]*READY\$ $/, 0, 'sourced');
  let at = sh.plain().length;
  sh.p.write('linstor resource l\t');
  await sh.until(/linstor resource l\x07?ist/, at, 'bash common prefix');
  // readline lists only on a Tab that changes nothing: the one after the prefix rings, the next lists.
  sh.p.write('\t\t');
  await sh.until(/list +list-properties +list-volumes/, at, 'bash candidates');
  sh.p.write('\x15');
  at = sh.plain().length;
  sh.p.write('linstor node list-properties tab-b\t');
  await sh.until(/tab-bravo/, at, 'bash node name');
  t.regex(sh.plain().slice(at), /linstor node list-properties tab-bravo/);
});

test('zsh: `source <(linstor completion zsh)` after compinit, then Tab completes `linstor resource l`', async (t) => {
  const sh = shell('/usr/bin/zsh', ['-f', '-i'], { PS1: 'READY%% ' });
  t.teardown(() => sh.p.kill());
  await sh.until(/READY% $/, 0, 'prompt');
  sh.p.write('autoload -Uz compinit && compinit -u && source <(linstor completion zsh)\r');
  await sh.until(/READY% [^\n]*\n[^]*READY% $/, 0, 'sourced');
  let at = sh.plain().length;
  sh.p.write('linstor resource l\t');
  await sh.until(/list +list-properties +list-volumes|linstor resource list/, at, 'zsh candidates');
  sh.p.write('\x15');
  at = sh.plain().length;
  sh.p.write('linstor node list-properties tab-b\t');
  await sh.until(/tab-bravo/, at, 'zsh node name');
  t.regex(sh.plain().slice(at), /linstor node list-properties tab-bravo/);
});

test('`linstor man-page` is a linstor(8) page from the same tree: `man -l` renders it without warnings, every command and flag in it', async (t) => {
  const page = await linstor(['man-page']);
  t.is(page.code, 0, page.stderr);
  t.regex(page.stdout, /^\.TH LINSTOR 8 /);
  const man = spawnSync('man', ['--warnings', '-l', '-'], { input: page.stdout, encoding: 'utf8', env: { ...process.env, MANWIDTH: '120', MANPAGER: 'cat', PAGER: 'cat' } });
  t.is(man.status, 0, man.stderr);
  t.is(man.stderr, '', 'groff has no warnings');
  const text = man.stdout.replace(/.\x08/g, '');
  for (const line of [/^ {3}linstor resource list \(l\)$/m, /^ {3}linstor resource-definition wait-sync \(ws\)$/m, /^ {3}linstor advise maintenance \(m\)$/m, /^ {7}--faulty$/m, /^ {7}--wait-timeout WAIT_TIMEOUT$/m]) t.regex(text, line);
});
