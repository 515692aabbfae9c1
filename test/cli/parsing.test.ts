import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolve } from '../../core/cli/run.js';
import { parseGlobals } from '../../core/cli/globals.js';
import { parseArgs, UsageError } from '../../core/cli/spec.js';
import { controllerUrl, controllersFromConfig, resolveControllers } from '../../core/client/controllers.js';
import { splitLine } from '../../core/cli/shell.js';
import { linstor } from './helpers.js';

test('abbreviations resolve like linstor-client: "n l", "rd c", "sp c filethin", "r l", "s c"', (t) => {
  t.deepEqual(resolve(['n', 'l']).path, ['node', 'list']);
  t.deepEqual(resolve(['rd', 'c', 'foo']).path, ['resource-definition', 'create']);
  t.deepEqual(resolve(['sp', 'c', 'filethin', 'n1', 'p', '/d']).path, ['storage-pool', 'create', 'filethin']);
  t.deepEqual(resolve(['r', 'l']).path, ['resource', 'list']);
  t.deepEqual(resolve(['s', 'c', 'r', 's']).path, ['snapshot', 'create']);
  t.deepEqual(resolve(['c', 'lp']).path, ['controller', 'list-properties']);
  t.deepEqual(resolve(['rg', 'spawn', 'rg', 'rd', '1G']).path, ['resource-group', 'spawn-resources']);
});

test('unique prefixes of full names work ("node-c l", "resource-d cr", "error-r l"), and an exact name wins over a longer one', (t) => {
  t.deepEqual(resolve(['node-c', 'l']).path, ['node-connection', 'list']);
  t.deepEqual(resolve(['node', 'cr', 'n1', '10.0.0.1']).path, ['node', 'create']);
  t.deepEqual(resolve(['no', 'cr', 'n1', '10.0.0.1']).path, ['node', 'create'], 'a name the other candidates only extend wins');
  t.throws(() => resolve(['re', 'l']), { message: /ambiguous choice: 're' could match/ });
  t.deepEqual(resolve(['resource-d', 'cr', 'x']).path, ['resource-definition', 'create']);
  t.deepEqual(resolve(['error-r', 'l']).path, ['error-reports', 'list']);
});

test('an ambiguous or unknown command is an argparse error naming the choices', (t) => {
  const e = t.throws(() => resolve(['resource-', 'l']), { instanceOf: UsageError });
  t.regex(e!.message, /ambiguous/);
  t.throws(() => resolve(['bogus']), { message: /invalid choice: 'bogus'/ });
});

test('positional arguments: nodes before the resource name, options anywhere, long-option prefixes', (t) => {
  const { cmd, rest } = resolve(['r', 'c', 'n1', 'n2', 'rsc', '--storage-pool', 'p1', '--layer-list', 'drbd,storage']);
  const p = parseArgs(cmd, rest);
  t.deepEqual(p.pos.node_name, ['n1', 'n2']);
  t.is(p.pos.resource_definition_name, 'rsc');
  t.deepEqual(p.opt['storage-pool'], ['p1']);
  t.is(p.opt['layer-list'], 'drbd,storage');
  const q = resolve(['r', 'c', 'rsc', '--auto-pl', '3']);
  t.is(parseArgs(q.cmd, q.rest).opt['auto-place'], '3');
  t.throws(() => parseArgs(resolve(['n', 'c']).cmd, []), { message: /required: name/ });
  t.throws(() => parseArgs(resolve(['vd', 'sp']).cmd, ['rd', 'x', 'key']), { message: /invalid int value: 'x'/ });
});

const tty = { isTTY: true, env: { LANG: 'C.UTF-8' } };

test('global options come before the command; after it only long ones the command does not have', (t) => {
  const { g, rest } = parseGlobals(['-m', 'n', 'l', '--no-utf8', '--controllers=a,b', '--output-version', 'v1'], tty);
  t.true(g.machine);
  t.false(g.utf8);
  t.is(g.controllers, 'a,b');
  t.deepEqual(rest, ['n', 'l']);
  t.throws(() => parseGlobals(['--output-version', 'v9'], tty), { instanceOf: UsageError });
  // -m after `vd c` is the command's --minor, not --machine-readable
  const vd = parseGlobals(['vd', 'c', '-m', '5', 'rd', '1G'], tty, (r) => (r[0] === 'vd' ? ['-m', '--minor'] : []));
  t.false(vd.g.machine);
  t.deepEqual(vd.rest, ['vd', 'c', '-m', '5', 'rd', '1G']);
});

test('box characters need a terminal and a UTF-8 locale, as linstor-client decides; colours only go with --no-color or NO_COLOR', (t) => {
  t.true(parseGlobals(['n', 'l'], tty).g.utf8);
  t.false(parseGlobals(['n', 'l'], { isTTY: false, env: { LANG: 'C.UTF-8' } }).g.utf8, 'a pipe gets ASCII');
  t.false(parseGlobals(['n', 'l'], { isTTY: true, env: { LANG: 'C' } }).g.utf8, 'a non-UTF-8 locale gets ASCII');
  t.false(parseGlobals(['n', 'l'], { isTTY: true, env: {} }).g.utf8, 'no locale at all gets ASCII');
  t.true(parseGlobals(['n', 'l'], { isTTY: false, env: {} }).g.color, 'linstor-client colours pipes too');
  t.false(parseGlobals(['--no-color', 'n', 'l'], tty).g.color);
  t.false(parseGlobals(['n', 'l'], { isTTY: true, env: { NO_COLOR: '1', LANG: 'C.UTF-8' } }).g.color);
});

test('controller entries: host, host:port, http://, linstor://, linstor+ssl://, IPv6', (t) => {
  t.is(controllerUrl('ctrl1'), 'http://ctrl1:3370');
  t.is(controllerUrl('ctrl1:4000'), 'http://ctrl1:4000');
  t.is(controllerUrl('http://10.0.0.1:3370'), 'http://10.0.0.1:3370');
  t.is(controllerUrl('linstor://ctrl'), 'http://ctrl:3370');
  t.is(controllerUrl('linstor+ssl://ctrl'), 'https://ctrl:3371');
  t.is(controllerUrl('[fd00::1]:3370'), 'http://[fd00::1]:3370');
  t.is(controllerUrl('fd00::1'), 'http://[fd00::1]:3370');
});

test('controllers come from --controllers, then LS_CONTROLLERS, then linstor-client.conf, then localhost', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lsconf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const conf = join(dir, 'linstor-client.conf');
  writeFileSync(conf, '# comment\n[global]\ncontrollers = c1,c2:4000\n[other]\ncontrollers=zzz\n');
  t.is(controllersFromConfig('[global]\ncontrollers=x'), 'x');
  t.deepEqual(resolveControllers({ flag: 'f1', env: { LS_CONTROLLERS: 'e1', LINSTOR_CLIENT_CONF: conf } }), ['http://f1:3370']);
  t.deepEqual(resolveControllers({ env: { LS_CONTROLLERS: 'e1,e2', LINSTOR_CLIENT_CONF: conf } }), ['http://e1:3370', 'http://e2:3370']);
  t.deepEqual(resolveControllers({ env: { LINSTOR_CLIENT_CONF: conf } }), ['http://c1:3370', 'http://c2:4000']);
  t.deepEqual(resolveControllers({ env: { LINSTOR_CLIENT_CONF: join(dir, 'none') } }), ['http://localhost:3370']);
});

test('the shell splits typed lines with quotes like a POSIX shell', (t) => {
  t.deepEqual(splitLine(`rd sp r1 Aux/note "two words"  'x y' ''`), ['rd', 'sp', 'r1', 'Aux/note', 'two words', 'x y', '']);
  t.throws(() => splitLine('a "b'));
});

test('--curl prints the request with human sizes turned into KiB and sends nothing', async (t) => {
  const r = await linstor(['--curl', '--controllers', 'ctrl.example:4000', 'rg', 'spawn-resources', 'rg1', 'vm-1', '10G', '512MiB']);
  t.is(r.code, 0, r.stderr);
  // python-linstor's format: json.dumps body, -H "..." in double quotes, the URL unquoted
  t.is(r.stdout.trim(), `curl -X POST -H "Content-Type: application/json" -d '{"resource_definition_name": "vm-1", "volume_sizes": [10485760, 524288], "partial": false, "definitions_only": false, "select_filter": {}}' http://ctrl.example:4000/v1/resource-groups/rg1/spawn`);
  const sp = await linstor(['--curl', 'sp', 'c', 'filethin', 'n1', 'pool1', '/var/lib/pool1']);
  t.regex(sp.stdout, /"provider_kind": "FILE_THIN"/);
  t.regex(sp.stdout, /"props": \{"StorDriver\/StorPoolName": "\/var\/lib\/pool1"\}/);
  t.regex(sp.stdout, / http:\/\/localhost:3370\/v1\/nodes\/n1\/storage-pools$/m);
  const ap = await linstor(['--curl', 'r', 'c', 'rsc1', '--auto-place', '2', '-s', 'pool1']);
  t.regex(ap.stdout, /\{"diskless_on_remaining": null, "select_filter": \{"place_count": 2, "storage_pool_list": \["pool1"\]\}\}/);
  t.regex(ap.stdout, /\/v1\/resource-definitions\/rsc1\/autoplace$/m);
  const vd = await linstor(['--curl', 'vd', 'c', 'rsc1', '10']);
  t.regex(vd.stdout, /"size_kib": 10485760/, 'a size without a unit is GiB, as in linstor-client');
  const ss = await linstor(['--curl', 'vd', 'set-size', 'rsc1', '0', '20']);
  t.regex(ss.stdout, /-X PUT .*"size_kib": 20971520/, 'set-size: GiB by default');
  const spawn = await linstor(['--curl', 'rg', 'spawn', 'rg1', 'vm-2', '3']);
  t.regex(spawn.stdout, /"volume_sizes": \[3145728\]/, 'spawn-resources: GiB by default');
  const vdo = await linstor(['--curl', 'ps', 'cdp', 'lvm', 'n1', '/dev/sdx', '--pool-name', 'p', '--vdo-enable', '--vdo-logical-size', '100', '--vdo-slab-size', '2M']);
  t.regex(vdo.stdout, /"vdo_slab_size_kib": 2048/);
  t.regex(vdo.stdout, /"vdo_logical_size_kib": 100\b/, 'VDO sizes: KiB by default, as linstor-client parses them');
});

test('argument errors exit with 2 (ExitCode.ARGPARSE_ERROR), as linstor-client does', async (t) => {
  const r = await linstor(['node', 'frobnicate']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /linstor node: error: .*invalid choice: 'frobnicate'/);
  const s = await linstor(['vd', 'c', 'rsc', 'ten-gigs']);
  t.is(s.code, 2, s.stderr);
  t.regex(s.stderr, /Size is not a valid number/);
  const u = await linstor(['vd', 'c', 'rsc', '10X']);
  t.regex(u.stderr, /"X" is not a valid unit!\nValid units: B, K, kB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB, P, PB, PiB/);
});

test('an unreachable controller exits with 20 (ExitCode.CONNECTION_ERROR)', async (t) => {
  const r = await linstor(['--controllers', '127.0.0.1:1', 'node', 'list']);
  t.is(r.code, 20, r.stderr);
  t.regex(r.stderr, /Unable to connect to http:\/\/127\.0\.0\.1:1/);
  t.regex(r.stderr, /http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/, 'each address tried, with its error');
  t.regex(r.stderr, /linstor-controller is running/);
  t.regex(r.stderr, /--controllers option,\s+the LS_CONTROLLERS environment variable/);
  t.regex(r.stderr, /linstor-client\.conf|\/nonexistent/);
});

test('every shown option has a help text, except those linstor-client 1.27 leaves without one', async (t) => {
  const { COMMANDS } = await import('../../core/cli/commands/index.js');
  type Node = { name: string; sub?: Node[]; opts?: Array<{ name: string; help?: string; hidden?: boolean; choices?: string[] }>; args?: Array<{ name: string; help?: string }> };
  const missing: string[] = [];
  let shown = 0;
  const walk = (c: Node, path: string[]): void => {
    if (c.sub?.length) { for (const s of c.sub) walk(s, [...path, s.name]); return; }
    for (const o of [...(c.opts ?? []), ...(c.args ?? [])]) {
      if ('hidden' in o && o.hidden) continue;
      shown++;
      if (!o.help) missing.push(`${path.join(' ')} ${o.name}`);
    }
  };
  for (const c of COMMANDS as Node[]) walk(c, [c.name]);
  t.true(shown > 1000, `${shown} options`);
  // linstor-client adds DRBD symbol and string options with no help (DrbdOptions.add_arguments).
  const drbd = missing.filter((m) => / drbd-(peer-)?options /.test(m));
  t.true(drbd.every((m) => !/ (c-plan-ahead|al-extents|ping-timeout|max-buffers|discard-zeroes-if-aligned)$/.test(m)), 'numeric and yes/no DRBD options have help');
  t.deepEqual(missing.filter((m) => !drbd.includes(m)).sort(), [
    'node list groupby', 'node-connection list groupby', 'resource list groupby', 'resource-connection list groupby',
    'resource-definition create port', 'resource-definition list groupby', 'resource-group list groupby',
    'storage-pool list groupby', 'volume-definition list groupby', 'volume-group create vlmnr', 'volume-group list groupby',
  ].sort());
});
