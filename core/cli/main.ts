#!/usr/bin/env node
/** The `linstor` command. */
import { completeCommand } from './completion.js';
import { configGlobalArgs, loadClientConfig } from './config.js';
import { parseGlobals } from './globals.js';
import { run, type Io } from './run.js';
import { session } from './session.js';
import { interactive } from './shell.js';
import { createInterface } from 'node:readline';

const io: Io = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
  isTTY: process.stdout.isTTY === true,
  errTTY: process.stderr.isTTY === true,
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
  if (argv[0] === '__complete') { process.stdout.write(await completeCommand(argv.slice(1), process.env)); return 0; }
  // Global options only (or none): the interactive shell, as linstor-client starts it.
  let globalsOnly: string[] | undefined;
  try {
    const conf = argv.includes('--disable-config') ? {} : loadClientConfig(process.env);
    const { g, rest } = parseGlobals([...configGlobalArgs(conf, ['controllers']), ...argv], io);
    if (!rest.length && !g.help && !g.version) globalsOnly = argv;
  } catch { /* run() reports the usage error */ }
  session.startShell = () => interactive(globalsOnly ?? argv.filter((a) => a.startsWith('-')), io);
  if (globalsOnly) return interactive(globalsOnly, io);
  return run(argv, io);
}

// A closed pipe (`linstor n l | head -1`) ends the command quietly, as linstor-client does.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`Error: ${(e as Error).message}\n`); process.exitCode = 1; },
);
