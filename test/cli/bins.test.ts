/**
 * Every executable package.json installs (linstor, linstor-controller, linstor-satellite,
 * linstor-cinder-api, linstor-csi and any added later) answers --help with its usage and exit 0,
 * and refuses an unknown option with a short error, without a stack trace and without starting.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';

const bins = Object.entries(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin as Record<string, string>);
const run = (file: string, args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, file), ...args], {
  encoding: 'utf8', timeout: 60_000, env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '127.0.0.1:1' },
});

test('package.json installs the five known executables', (t) => {
  t.true(['linstor', 'linstor-controller', 'linstor-satellite', 'linstor-cinder-api', 'linstor-csi'].every((b) => bins.some(([n]) => n === b)));
});

for (const [name, file] of bins) {
  test(`\`${name} --help\` prints its usage and exits 0`, (t) => {
    const r = run(file, ['--help']);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, /usage:/i);
    t.regex(r.stdout, new RegExp(name.replace(/-/g, '\\-')));
    t.notRegex(r.stderr, /^\s+at /m, 'no stack trace');
  });

  test(`\`${name} --no-such-option\` is refused with a short error, not a stack trace`, (t) => {
    const r = run(file, ['--no-such-option']);
    t.not(r.status, 0);
    t.is(r.signal, null, 'it exits by itself instead of starting to serve');
    t.regex(r.stderr + r.stdout, /no-such-option|unrecognized|unknown/i);
    t.notRegex(r.stderr, /^\s+at /m, 'no stack trace');
  });
}
