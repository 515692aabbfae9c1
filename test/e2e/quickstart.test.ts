import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';
import { cleanupLoopDevices, loopDevicesUnder, makeTempDir } from '../helpers/satellite.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The second half of `bash scripts/quickstart.sh` (the first half, scripts/setup.sh, installs
 * packages and builds, which the test run has already done), in a temp folder on free ports
 * so it does not meet a cluster the developer runs.
 */
test('the quick start brings up an Online combined node with a FILE_THIN pool, the printed commands give a loop device, and stop --purge frees everything', async (t) => {
  const dir = join(makeTempDir('quickstart-'), 'cluster');
  const env = { ...process.env, LINSTOR_LOCAL_CLUSTER_DIR: dir, LINSTOR_LOCAL_REST_PORT: String(await freePort()), LINSTOR_LOCAL_SATELLITE_PORT: String(await freePort()) };
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 90_000 });
  const pids = () => ['controller', 'satellite'].map((p) => join(dir, `${p}.pid`)).filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')));
  t.teardown(() => {
    for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    cleanupLoopDevices(join(dir, 'pool'));
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  const first = run(process.execPath, ['dist/scripts/start-cluster.js']);
  t.is(first.status, 0, first.stdout + first.stderr);
  t.regex(first.stdout, /The local cluster is up/);
  t.regex(first.stdout, new RegExp(`node +${hostname()} \\(COMBINED, Online\\)`));
  t.regex(first.stdout, /DfltStorPool \(FILE_THIN in .*\): \d+ MiB free/);
  t.regex(first.stdout, /bash scripts\/quickstart.sh stop/);

  const again = run(process.execPath, ['dist/scripts/start-cluster.js']);
  t.is(again.status, 0, again.stderr);
  t.regex(again.stdout, /already running[\s\S]*The local cluster was already up/);

  // Follow the printed instructions with the linstor CLI.
  const alias = /alias linstor="node (\S+) --controllers (\S+)"/.exec(first.stdout)!;
  const linstor = (...args: string[]) => run(process.execPath, [alias[1]!, '--controllers', alias[2]!, ...args]);
  t.is(linstor('resource-definition', 'create', 'qsdisk').status, 0);
  t.is(linstor('volume-definition', 'create', 'qsdisk', '20M').status, 0);
  const created = linstor('resource', 'create', hostname(), 'qsdisk', '--storage-pool', 'DfltStorPool', '--layer-list', 'storage');
  t.is(created.status, 0, created.stdout + created.stderr);
  const vl = linstor('volume', 'list');
  t.regex(vl.stdout, /qsdisk.*\/dev\/loop\d+/, vl.stdout + vl.stderr);
  t.is(loopDevicesUnder(join(dir, 'pool')).length, 1);

  const stop = run('bash', ['scripts/quickstart.sh', 'stop', '--purge']);
  t.is(stop.status, 0, stop.stderr);
  t.regex(stop.stdout, /stopped satellite[\s\S]*stopped controller/);
  t.is(loopDevicesUnder(join(dir, 'pool')).length, 0, 'the loop device is detached');
  t.false(existsSync(dir), 'the cluster folder is removed');
});
