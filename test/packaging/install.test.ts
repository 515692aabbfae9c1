/**
 * scripts/install.sh, run for real into temporary directories (a DESTDIR staging root, and a
 * prefix whose installed bins are then run). Nothing outside the test's folder is touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { waitFor } from '../e2e/cluster.js';
import { REPO_ROOT } from '../helpers/controller.js';
import { freePort } from '../helpers/db-servers.js';

const INSTALL = join(REPO_ROOT, 'scripts/install.sh');
const BINS = ['linstor-controller', 'linstor-satellite', 'linstor', 'linstor-database', 'linstor-cinder-api', 'linstor-csi'];
const UNITS = ['linstor-controller.service', 'linstor-satellite.service', 'linstor-cinder-api.service'];

function install(...args: string[]): string {
  const r = spawnSync('bash', [INSTALL, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`install.sh failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

test('into a DESTDIR: bins, units, example configs and job examples land under it, with the final paths inside', (t) => {
  const dest = mkdtempSync(join(tmpdir(), 'linstor-destdir-'));
  t.teardown(() => rmSync(dest, { recursive: true, force: true }));
  const out = install('--destdir', dest, '--prefix', '/opt/linstor-ts-test');
  t.regex(out, /systemctl enable --now linstor-controller/);
  t.false(existsSync('/opt/linstor-ts-test'), 'nothing is written outside DESTDIR');
  const prefix = join(dest, 'opt/linstor-ts-test');
  for (const b of BINS) {
    const w = join(prefix, 'bin', b);
    t.is(statSync(w).mode & 0o777, 0o755, b);
    t.regex(readFileSync(w, 'utf8'), new RegExp(`^#!/bin/sh\\n.*\\nexec ".*node" "/opt/linstor-ts-test/lib/linstor-ts/dist/`, 's'));
  }
  t.is(readlinkSync(join(prefix, 'share/linstor-server/bin/linstor-database')), '/opt/linstor-ts-test/bin/linstor-database');
  t.true(existsSync(join(prefix, 'lib/linstor-ts/node_modules/pg/package.json')), 'runtime dependencies are copied');
  t.true(existsSync(join(prefix, 'lib/linstor-ts/node_modules/ajv/package.json')), 'ajv validates every request body at run time');
  for (const dev of ['typescript', 'yaml', 'ajv-formats']) t.false(existsSync(join(prefix, 'lib/linstor-ts/node_modules', dev)), `build/test-only ${dev} is not copied`);
  for (const u of UNITS) {
    const text = readFileSync(join(dest, 'etc/systemd/system', u), 'utf8');
    t.notRegex(text, /@[A-Z]+@/, u);
    t.regex(text, /ExecStart=\/opt\/linstor-ts-test\/bin\/linstor-/);
  }
  t.regex(readFileSync(join(dest, 'etc/systemd/system/linstor-satellite.service'), 'utf8'), /^Type=notify$/m);
  // packaging/etc/NAME is installed as NAME.example, byte for byte.
  for (const c of ['linstor.toml', 'linstor_satellite.toml', 'linstor-client.conf', 'cinder-api.toml']) {
    t.is(readFileSync(join(dest, 'etc/linstor', `${c}.example`), 'utf8'), readFileSync(join(REPO_ROOT, 'packaging/etc', c), 'utf8'), c);
  }
  // The Nomad examples: plugins/nomad-csi/examples, every file, byte for byte (the one set there is).
  const jobs = readdirSync(join(REPO_ROOT, 'plugins/nomad-csi/examples')).filter((f) => f.endsWith('.hcl'));
  t.deepEqual(readdirSync(join(prefix, 'share/linstor-ts/nomad')).sort(), jobs.sort());
  for (const j of jobs) t.is(readFileSync(join(prefix, 'share/linstor-ts/nomad', j), 'utf8'), readFileSync(join(REPO_ROOT, 'plugins/nomad-csi/examples', j), 'utf8'), j);
  t.is(lstatSync(join(dest, 'var/lib/linstor')).mode & 0o777, 0o700);
});

test('into a prefix: the installed bins run, the controller serves, systemd accepts the units', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'linstor-prefix-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const sentinel = join(root, 'sentinel');
  writeFileSync(sentinel, 'untouched');
  install('--prefix', join(root, 'prefix'), '--sysconfdir', join(root, 'etc'), '--unitdir', join(root, 'units'), '--localstatedir', join(root, 'var'));
  const bin = (b: string) => join(root, 'prefix/bin', b);
  t.regex(spawnSync(bin('linstor'), ['--version'], { encoding: 'utf8' }).stdout, /^linstor-client \d+\.\d+/);
  t.regex(spawnSync(bin('linstor-database'), ['--help'], { encoding: 'utf8' }).stdout, /export-db/);
  // The installed units parse and point at executables that exist.
  const verify = spawnSync('systemd-analyze', ['verify', ...UNITS.map((u) => join(root, 'units', u))], { encoding: 'utf8' });
  t.is(verify.status, 0, verify.stderr);

  const cfg = join(root, 'etc/linstor');
  const port = await freePort();
  writeFileSync(join(cfg, 'linstor.toml'), `[db]\nconnection_url = "sqlite:${join(root, 'var/lib/linstor/linstor.db')}"\n[http]\nlisten_addr = "127.0.0.1"\nport = ${port}\n`);
  const ctl = spawn(bin('linstor-controller'), ['--config-directory', cfg], { stdio: 'ignore', env: { ...process.env, LINSTOR_LOG_LEVEL: 'warn' } });
  t.teardown(() => { ctl.kill('SIGKILL'); });
  const health = await waitFor('installed controller healthy', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    return r?.status === 200 ? await r.json() as { role: string } : undefined;
  }, 60_000);
  t.is(health.role, 'active');
  const nodes = spawnSync(bin('linstor'), ['--controllers', `127.0.0.1:${port}`, '-m', 'node', 'list'], { encoding: 'utf8' });
  t.is(nodes.status, 0, nodes.stderr);
  t.is(readFileSync(sentinel, 'utf8'), 'untouched');
});
