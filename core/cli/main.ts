#!/usr/bin/env node
/** The `linstor` command. */
import { createInterface } from 'node:readline';
import { run, splitGlobals, type Io } from './run.js';
import { interactive } from './shell.js';

const io: Io = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  // As linstor-client's getpass: asked on the terminal, not echoed.
  ...(process.stdin.isTTY ? { readSecret: askHidden } : {}),
};

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    process.stderr.write(prompt);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    rl.question('', (answer) => { rl.close(); process.stderr.write('\n'); resolve(answer); });
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let onlyGlobals = false;
  try {
    const { g, rest } = splitGlobals(argv);
    onlyGlobals = rest.length === 0 && !g.help && !g.version;
  } catch { /* run() reports the usage error */ }
  if (onlyGlobals && process.stdin.isTTY) return interactive(argv, io);
  if (argv[0] === 'interactive') return interactive(argv.slice(1), io);
  return run(argv, io);
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`Error: ${(e as Error).message}\n`); process.exitCode = 1; },
);
