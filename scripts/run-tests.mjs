#!/usr/bin/env node
// Runs the ava suite with TAP output, echoes it, and ends with the line CI reads:
// "N passed, N failed" (", N skipped" when some were skipped). Extra args go to ava.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const ava = spawn(process.execPath, ['node_modules/ava/entrypoints/cli.mjs', '--tap', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let passed = 0, failed = 0, skipped = 0;
const rl = createInterface({ input: ava.stdout });
rl.on('line', (line) => {
  process.stdout.write(`${line}\n`);
  if (/^not ok \d+/.test(line)) {
    if (/# (SKIP|TODO)/i.test(line)) skipped++; else failed++;
  } else if (/^ok \d+/.test(line)) {
    if (/# (SKIP|TODO)/i.test(line)) skipped++; else passed++;
  }
});
ava.on('close', (code) => {
  if (code !== 0 && failed === 0) failed = 1; // a crash outside any test still fails the run
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code ?? 1);
});
