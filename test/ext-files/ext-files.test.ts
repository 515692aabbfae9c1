import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, randomSuffix } from '../helpers/satellite.js';
import { CLI } from '../cli/helpers.js';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';

/**
 * External files end to end: a real controller and satellite; the satellite may write only in
 * `allowed/` of this test's temp folder (linstor_satellite.toml [files] allowExtFiles). Next to
 * it, `outside/sentinel.txt` stands for everything else on the machine: whatever a request
 * names, it must stay as it is.
 */
const root = makeTempDir('ext-files-');
const allowed = join(root, 'allowed');
const outside = join(root, 'outside');
const sentinel = join(outside, 'sentinel.txt');
const configDir = join(root, 'config');
let cluster: Cluster;

test.before(async () => {
  for (const d of [allowed, outside, configDir]) mkdirSync(d);
  writeFileSync(sentinel, 'original\n');
  symlinkSync(outside, join(allowed, 'escape')); // a folder inside the allowed one leading outside
  symlinkSync(sentinel, join(allowed, 'victim.conf')); // a planted link at a file's path
  writeFileSync(join(configDir, 'linstor_satellite.toml'), `[files]\nallowExtFiles = ["${allowed}/"]\n`);
  cluster = await startCluster(1, { satelliteArgs: ['--config-directory', configDir] });
});
test.after.always(async () => {
  await cluster?.teardown();
  rmSync(root, { recursive: true, force: true });
});

const enc = encodeURIComponent;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const node = () => cluster.nodes[0]!.name;
const sentinelIntact = () => readFileSync(sentinel, 'utf8') === 'original\n' && readdirSync(outside).join(',') === 'sentinel.txt';

async function rdWithResource(rd: string): Promise<void> {
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const r = await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node()}`, { resource: { node_name: node(), props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
}

const fileText = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } };

test.serial('a registered file is written where its definitions\' resources are, updated atomically, and removed when no definition deploys it any more', async (t) => {
  const s = randomSuffix();
  const path = join(allowed, `app-${s}.conf`);
  const [rd1, rd2] = [`xf${s}a`, `xf${s}b`];
  await rdWithResource(rd1);
  await rdWithResource(rd2);

  const put = await call<Array<{ message: string }>>(cluster.ctl, 'PUT', `/v1/files/${enc(path)}`, { path, content: b64('version 1\n') });
  t.is(put.status, 200, JSON.stringify(put.body));
  t.regex(put.body[0]!.message, /created/);
  t.deepEqual((await call(cluster.ctl, 'GET', '/v1/files')).body, [{ path }], 'the list leaves the content out');
  t.deepEqual((await call(cluster.ctl, 'GET', '/v1/files?content=true')).body, [{ path, content: b64('version 1\n') }]);
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}`)).body, { path, content: b64('version 1\n') });
  t.false(existsSync(path), 'registered is not deployed');

  t.is((await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd1}/files/${enc(path)}`)).status, 200);
  t.is(fileText(path), 'version 1\n');
  t.is(lstatSync(path).mode & 0o777, 0o600, 'created readable by root only, as LINSTOR');
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}/status/${node()}`)).body, { actual_path: path, content_match: true });
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}/check/${node()}`)).body, { allowed: true });

  await call(cluster.ctl, 'PUT', `/v1/files/${enc(path)}`, { content: b64('version 2\n') });
  t.is(fileText(path), 'version 2\n', 'the reply came after the satellite wrote the new content');
  t.deepEqual(readdirSync(allowed).filter((f) => f.includes('.tmp')), [], 'no temporary file left behind');

  // Two definitions deploy it: the file stays until neither does.
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd2}/files/${enc(path)}`);
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd1}/files/${enc(path)}`);
  t.is(fileText(path), 'version 2\n', 'still needed by the other definition');
  t.is((await call<{ props?: Record<string, string> }>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd2}`)).body.props?.[`files${path}`], 'True');
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd2}`);
  await waitFor('the file removed with the last resource deploying it', () => !existsSync(path));
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}/status/${node()}`)).body, { content_match: false });

  // Deleting the registered file undeploys it everywhere.
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd1}/files/${enc(path)}`);
  t.is(fileText(path), 'version 2\n');
  const del = await call<Array<{ message: string }>>(cluster.ctl, 'DELETE', `/v1/files/${enc(path)}`);
  t.is(del.status, 200);
  await waitFor('removed with the file', () => !existsSync(path));
  t.is((await call<{ props?: Record<string, string> }>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd1}`)).body.props?.[`files${path}`], undefined);
  t.is((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}`)).status, 404);
  t.true(sentinelIntact());
});

test.serial('alt_suffixes: when the file exists only under an alternative name (e.g. disabled by renaming), that one is kept up to date', async (t) => {
  const s = randomSuffix();
  const path = join(allowed, `unit-${s}.toml`);
  const disabled = `${path}.disabled`;
  const rd = `xf${s}s`;
  await rdWithResource(rd);
  writeFileSync(disabled, 'old\n', { mode: 0o644 });
  await call(cluster.ctl, 'PUT', `/v1/files/${enc(path)}`, { content: b64('new\n'), alt_suffixes: ['.disabled'] });
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}`)).body, { path, content: b64('new\n'), alt_suffixes: ['.disabled'] });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/files/${enc(path)}`);
  t.is(fileText(disabled), 'new\n');
  t.false(existsSync(path), 'not recreated under its own name');
  t.is(lstatSync(disabled).mode & 0o777, 0o644, 'a replaced file keeps its mode');
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}/status/${node()}`)).body, { actual_path: disabled, content_match: true });
  const bad = await call<Array<{ message: string }>>(cluster.ctl, 'PUT', `/v1/files/${enc(path)}`, { alt_suffixes: ['/../x'] });
  t.regex(bad.body[0]!.message, /must not contain path separators/);
  await call(cluster.ctl, 'DELETE', `/v1/files/${enc(path)}`);
  await waitFor('removed', () => !existsSync(disabled));
});

test.serial('files outside the allowed directory are refused: other folders, ".." and symlinks leading out; the sentinel stays untouched', async (t) => {
  const s = randomSuffix();
  const rd = `xf${s}r`;
  await rdWithResource(rd);

  // Not normalised: refused by the controller before anything is stored.
  const dotdot = `${allowed}/../outside/sentinel.txt`;
  const r1 = await call<Array<{ message: string }>>(cluster.ctl, 'PUT', `/v1/files/${enc(dotdot)}`, { content: b64('pwned\n') });
  t.not(r1.status, 200);
  t.regex(r1.body[0]!.message, /not normalised/);
  t.false(JSON.stringify((await call(cluster.ctl, 'GET', '/v1/files')).body).includes('..'), 'nothing stored');

  // Valid names the satellite refuses: another folder, a symlinked folder inside the allowed one.
  for (const path of [join(outside, `evil-${s}.conf`), join(allowed, 'escape', `evil-${s}.conf`), sentinel]) {
    t.is((await call(cluster.ctl, 'PUT', `/v1/files/${enc(path)}`, { content: b64('pwned\n') })).status, 200, 'registering is allowed: the node decides');
    const deploy = await call<Array<{ message: string; ret_code: number }>>(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/files/${enc(path)}`);
    t.not(deploy.status, 200, 'the satellite\'s refusal is the reply\'s error');
    t.true(deploy.body.some((e) => e.ret_code < 0 && e.message.includes(`(${node()}) The path ${path} is not allowed on this node`)), JSON.stringify(deploy.body));
    t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(path)}/check/${node()}`)).body, { allowed: false }, path);
  }
  t.deepEqual((await call(cluster.ctl, 'GET', `/v1/files/${enc(join(allowed, 'x.conf'))}/check/no-such-node`)).body, { allowed: false });
  t.true(sentinelIntact(), 'nothing written outside, the sentinel unchanged');
  const reports = await waitFor('an error report about the refusal', async () => {
    const r = await call<Array<{ exception_message?: string }>>(cluster.ctl, 'GET', '/v1/error-reports?withContent=true');
    return r.body.some((e) => /not allowed on this node/.test(JSON.stringify(e))) ? r.body : undefined;
  });
  t.truthy(reports);

  // A symlink planted at an allowed file's path is replaced by the file, never followed.
  const victim = join(allowed, 'victim.conf');
  await call(cluster.ctl, 'PUT', `/v1/files/${enc(victim)}`, { content: b64('ours\n') });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/files/${enc(victim)}`);
  t.true(lstatSync(victim).isFile(), 'the link was replaced by a file');
  t.is(fileText(victim), 'ours\n');
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}/files/${enc(victim)}`);
  await waitFor('our file removed', () => !existsSync(victim));
  t.true(sentinelIntact(), 'the link\'s target was never written or removed');
});

test.serial('`linstor file modify/list/show/deploy/undeploy/delete` as linstor-client sends them', async (t) => {
  const s = randomSuffix();
  const path = join(allowed, `cli-${s}.conf`);
  const rd = `xf${s}c`;
  await rdWithResource(rd);
  const L = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, '--controllers', cluster.ctl.url.replace('http://', ''), ...args], {
    encoding: 'utf8', input: input ?? '', env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', NO_COLOR: '1' },
  });
  const modify = L(['file', 'modify', path], 'from the cli\n');
  t.is(modify.status, 0, modify.stdout + modify.stderr);
  t.regex(L(['file', 'list']).stdout, new RegExp(path.replace(/[.]/g, '\\.')));
  t.is(L(['file', 'show', path]).stdout, 'from the cli\n');
  const curl = L(['--curl', 'file', 'deploy', path, rd]).stdout;
  t.true(curl.includes(`/v1/resource-definitions/${rd}/files/${enc(path)}`) && curl.includes('POST'), curl);
  t.is(L(['file', 'deploy', path, rd]).status, 0);
  t.is(fileText(path), 'from the cli\n');
  t.is(L(['file', 'undeploy', path, rd]).status, 0);
  await waitFor('undeployed', () => !existsSync(path));
  t.is(L(['file', 'delete', path]).status, 0);
  t.is(L(['file', 'list']).stdout.includes(path), false);
});
