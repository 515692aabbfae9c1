/**
 * packaging/etc/ examples read by the real config loaders, scripts/setup.sh's Node.js check,
 * and what is (not) a runtime dependency or tracked in git.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseIni } from '../../core/cli/config.js';
import { loadControllerConfig } from '../../core/controller/config.js';
import { loadConfig as loadSatelliteConfig } from '../../core/satellite/config.js';
import { loadConfig as loadCinderConfig } from '../../plugins/openstack-cinder/config.js';
import { REPO_ROOT } from '../helpers/controller.js';

const ETC = join(REPO_ROOT, 'packaging/etc');

function tempDir(t: { teardown(f: () => void): void }, prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('the example linstor.toml is what the controller loads: SQLite under /var/lib/linstor, REST on 3370, level info', (t) => {
  const dir = tempDir(t, 'linstor-example-ctrl-');
  copyFileSync(join(ETC, 'linstor.toml'), join(dir, 'linstor.toml'));
  const cfg = loadControllerConfig(dir);
  t.is(cfg.db.connectionUrl, 'sqlite:/var/lib/linstor/linstor.db');
  t.is(cfg.http.port, 3370);
  // Uncommenting the [logging] example is enough to change the level.
  writeFileSync(join(dir, 'linstor.toml'), readFileSync(join(ETC, 'linstor.toml'), 'utf8').replace('# [logging]\n# level = "info"', '[logging]\nlevel = "debug"'));
  t.is(loadControllerConfig(dir).logging.level, 'debug');
});

test('the example linstor_satellite.toml loads with the satellite defaults, and its [logging] example works', (t) => {
  const dir = tempDir(t, 'linstor-example-stlt-');
  copyFileSync(join(ETC, 'linstor_satellite.toml'), join(dir, 'linstor_satellite.toml'));
  const cfg = loadSatelliteConfig(['--config-directory', dir]);
  t.is(cfg.port, 3366);
  t.is(cfg.netcomType, 'plain');
  t.is(cfg.logLevel, 'info');
  writeFileSync(join(dir, 'linstor_satellite.toml'), readFileSync(join(ETC, 'linstor_satellite.toml'), 'utf8').replace('# [logging]\n# level = "info"', '[logging]\nlevel = "debug"'));
  t.is(loadSatelliteConfig(['--config-directory', dir]).logLevel, 'debug');
  t.deepEqual(cfg.extFileDirs, [], 'no external file directory is allowed by default');
  t.is(cfg.cgroupRoot, '/sys/fs/cgroup');
  writeFileSync(join(dir, 'linstor_satellite.toml'), readFileSync(join(ETC, 'linstor_satellite.toml'), 'utf8')
    .replace('# [files]\n# allowExtFiles', '[files]\nallowExtFiles').replace('# [qos]\n# cgroup_root = "/sys/fs/cgroup"', '[qos]\ncgroup_root = "/sys/fs/cgroup/blkio/vms"'));
  const uncommented = loadSatelliteConfig(['--config-directory', dir]);
  t.deepEqual(uncommented.extFileDirs, ['/etc/drbd-reactor.d']);
  t.is(uncommented.cgroupRoot, '/sys/fs/cgroup/blkio/vms');
  t.is(loadSatelliteConfig(['--config-directory', dir, '--cgroup-root', '/tmp/cg']).cgroupRoot, '/tmp/cg', 'the flag wins');
  writeFileSync(join(dir, 'linstor_satellite.toml'), '[files]\nallowExtFiles = ["relative/dir"]\n');
  t.throws(() => loadSatelliteConfig(['--config-directory', dir]), { message: /not an absolute path/ });
});

test('the example cinder-api.toml loads, and its error report outbox is an absolute folder of the service\'s own (a relative one is refused)', (t) => {
  const cfg = loadCinderConfig(join(ETC, 'cinder-api.toml'));
  t.is(cfg.errorReportOutbox, '/var/lib/linstor-cinder/error-reports');
  const dir = tempDir(t, 'linstor-example-cinder-');
  writeFileSync(join(dir, 'cinder-api.toml'), 'error_report_outbox = "outbox"\n');
  t.throws(() => loadCinderConfig(join(dir, 'cinder-api.toml')), { message: /error_report_outbox must be an absolute path/ });
});

test('the example linstor-client.conf names several controllers in [global]', (t) => {
  const conf = parseIni(readFileSync(join(ETC, 'linstor-client.conf'), 'utf8'));
  t.regex(conf.global?.controllers ?? '', /^linstor:\/\/[^,]+(,linstor:\/\/[^,]+)+$/);
});

// Debian 12's Node.js 18 cannot be installed beside the real node here: a stand-in `node`
// that reports 18 plays it. The check runs before apt-get or npm, so nothing is installed.
test('setup.sh with Node.js 18 (fake node on PATH) stops at once and says how to get 20', (t) => {
  const bin = tempDir(t, 'linstor-fake-node-');
  writeFileSync(join(bin, 'node'), '#!/bin/sh\ncase "$1" in -p) echo 18 ;; *) echo v18.19.0 ;; esac\n');
  chmodSync(join(bin, 'node'), 0o755);
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/setup.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 30_000 });
  t.is(r.status, 1);
  t.regex(r.stderr, /found Node\.js v18\.19\.0/);
  t.regex(r.stderr, /needs Node\.js 20 or newer/);
  t.regex(r.stderr, /NodeSource/);
  t.notRegex(r.stdout, /Installing Debian packages/);
});

test('README states the Node.js requirement; yaml and ajv-formats are dev-only, ajv is a runtime dependency', (t) => {
  t.regex(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), /Node\.js ≥ 20[^\n]*\n?[^\n]*Debian 12[^\n]*18/);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  t.truthy(pkg.dependencies!.ajv);
  for (const dev of ['yaml', 'ajv-formats']) {
    t.falsy(pkg.dependencies![dev], dev);
    t.truthy(pkg.devDependencies![dev], dev);
  }
});

const git = (...a: string[]) => spawnSync('git', ['-C', REPO_ROOT, ...a], { encoding: 'utf8' });
// Only a git checkout can say what git tracks (an unpacked tarball cannot).
const inGit = git('rev-parse', '--is-inside-work-tree').stdout.trim() === 'true';
(inGit ? test : test.skip)('bench-results.json (written by every benchmark run) is ignored by git, not tracked', (t) => {
  t.is(git('ls-files', '--', 'bench-results.json').stdout, '');
  t.is(git('check-ignore', 'bench-results.json').status, 0);
});
