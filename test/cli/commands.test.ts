/**
 * The `linstor` executable against a real controller process (test/helpers/controller.ts):
 * what an operator types, what they see, and the exit codes scripts rely on.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type TestController } from '../helpers/controller.js';
import { fromJson } from '../../core/model/json.js';
import { linstor, type CliResult } from './helpers.js';

let ctl: TestController;
const uniq = (p: string): string => `${p}${Math.random().toString(36).slice(2, 8)}`;
const L = (...args: string[]) => linstor(['--controllers', ctl.url, ...args]);
/** Asserts a command succeeded, showing its stderr when it did not. */
async function ok(t: ExecutionContext, run: Promise<CliResult>): Promise<CliResult> {
  const r = await run;
  t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('a node registered with `linstor n c` is listed by `linstor n l` in a LINSTOR table', async (t) => {
  const name = uniq('node-');
  const c = await L('n', 'c', name, '127.0.0.2', '--port', '1');
  t.is(c.code, 0, c.stderr);
  t.regex(c.stdout, new RegExp(`^SUCCESS:\\n    New node '${name}' registered\\.\\n`));
  const l = await L('n', 'l');
  t.is(l.code, 0, l.stderr);
  const lines = l.stdout.split('\n');
  t.regex(lines[0]!, /^\+-+\+$/);
  t.regex(lines[1]!, /^\| Node +\| NodeType +\| Addresses +\| State +\|$/);
  t.regex(lines[2]!, /^\|=+\|$/);
  t.true(lines.some((row) => new RegExp(`^\\| ${name} +\\| SATELLITE +\\| 127\\.0\\.0\\.2:1 \\(PLAIN\\) +\\| \\w+ +\\|$`).test(row)), l.stdout);
  t.false(l.stdout.includes('\x1b['), 'no colours with NO_COLOR');
});

test('`--no-utf8` prints the same table in plain ASCII', async (t) => {
  const name = uniq('ascii-');
  await ok(t, L('node', 'create', name, '127.0.0.3', '--port', '1'));
  const l = await L('--no-utf8', 'node', 'list', '--nodes', name);
  t.is(l.code, 0, l.stderr);
  t.regex(l.stdout.split('\n')[0]!, /^\+-+\+$/);
  t.regex(l.stdout, new RegExp(`\\| ${name} +\\| SATELLITE +\\|`));
  t.true([...l.stdout].every((ch) => ch.charCodeAt(0) < 128));
});

test('`-m` prints the raw REST arrays as JSON, the way linstor-client does', async (t) => {
  const name = uniq('json-');
  await ok(t, L('n', 'c', name, '127.0.0.4', '--port', '1'));
  const m = await L('-m', 'n', 'l');
  t.is(m.code, 0, m.stderr);
  const parsed = JSON.parse(m.stdout) as { name: string; net_interfaces: { address: string }[] }[][];
  t.true(Array.isArray(parsed) && Array.isArray(parsed[0]));
  const node = parsed[0]!.find((n) => n.name === name);
  t.is(node?.net_interfaces[0]?.address, '127.0.0.4');
  const v1 = await L('--output-version', 'v1', '-m', 'n', 'l');
  t.deepEqual(JSON.parse(v1.stdout)[0].map((n: { name: string }) => n.name), parsed[0]!.map((n) => n.name));
});

test('a missing object prints LINSTOR\'s ERROR block on stdout and exits with 10 (ExitCode.API_ERROR)', async (t) => {
  const r = await L('node', 'delete', 'no-such-node');
  t.is(r.code, 10, r.stdout + r.stderr);
  t.regex(r.stdout, /^ERROR:\nDescription:\n    Node 'no-such-node' not found\.\nCause:\n/);
  t.regex(r.stdout, /Correction:\n    /);
  // -m prints the replies (exit 0, as linstor-client) and keeps the int64 ret_code exact:
  // MASK_ERROR | MASK_NODE | FAIL_NOT_FOUND_NODE (300).
  const m = await L('-m', 'n', 'd', 'no-such-node');
  t.is(m.code, 0, m.stderr);
  const rc = fromJson<{ ret_code: bigint }[]>(m.stdout)[0]!.ret_code;
  t.is(BigInt.asUintN(64, rc) & 0xC000000000007FFFn, 0xC000000000000000n | 300n);
  t.true(m.stdout.includes(`"ret_code": ${rc.toString()}`));
});

test('list-properties of a node the controller does not know: linstor-client\'s client-side message, exit 3', async (t) => {
  const r = await L('node', 'list-properties', 'no-such-node');
  t.is(r.code, 3);
  t.is(r.stderr, "Node 'no-such-node' not found on controller.\n");
});

test('creating an existing node fails with exit code 10 and says it already exists', async (t) => {
  const name = uniq('dup-');
  await ok(t, L('n', 'c', name, '127.0.0.5', '--port', '1'));
  const again = await L('n', 'c', name, '127.0.0.5', '--port', '1');
  t.is(again.code, 10, again.stdout);
  t.regex(again.stdout, /^ERROR:\n(.|\n)*already exists/);
});

test('node properties: `n sp --aux` sets Aux/ keys, `n lp` lists them, omitting the value deletes', async (t) => {
  const name = uniq('props-');
  await ok(t, L('n', 'c', name, '127.0.0.6', '--port', '1'));
  await ok(t, L('n', 'sp', name, '--aux', 'rack', 'r12'));
  const lp = await L('n', 'lp', name);
  t.regex(lp.stdout, /\| Aux\/rack +\| r12 +\|/);
  await ok(t, L('n', 'sp', name, 'Aux/rack'));
  t.notRegex((await L('n', 'lp', name)).stdout, /Aux\/rack/);
});

test('`sp c filethin NODE POOL DIR` creates a file-thin pool that `sp l` shows with its directory', async (t) => {
  const node = uniq('spn-');
  const pool = uniq('pool');
  await ok(t, L('n', 'c', node, '127.0.0.7', '--port', '1'));
  const c = await L('sp', 'c', 'filethin', node, pool, `/var/lib/linstor-pools/${pool}`);
  t.is(c.code, 0, c.stdout + c.stderr);
  const l = await L('sp', 'l', '-n', node);
  t.is(l.code, 0, l.stderr);
  t.regex(l.stdout.split('\n')[1]!, /^\| StoragePool +\| Node +\| Driver +\| PoolName +\| FreeCapacity \| TotalCapacity \| CanSnapshots \| State +\| SharedName +\|$/);
  t.regex(l.stdout, new RegExp(`\\| ${pool} +\\| ${node} \\| FILE_THIN \\| /var/lib/linstor-pools/${pool} \\|`));
});

test('resource groups and definitions: `rg c`, `rd c`, `rg l`, `rd l`', async (t) => {
  const rg = uniq('rg');
  const rd = uniq('rd');
  await ok(t, L('rg', 'c', rg, '--place-count', '2', '--description', 'for tests'));
  const rgl = await L('rg', 'l');
  t.regex(rgl.stdout, new RegExp(`\\| ${rg} +\\| PlaceCount: 2 +\\| +\\| for tests +\\|`));
  await ok(t, L('rd', 'c', rd, '--resource-group', rg));
  const rdl = await L('rd', 'l');
  t.regex(rdl.stdout.split('\n')[1]!, /^\| ResourceName +\| ResourceGroup +\| Layers +\| State \|$/);
  t.regex(rdl.stdout, new RegExp(`\\| ${rd} +\\| ${rg} +\\|`));
});

test('key-value store: `kv modify` creates the instance, `kv show` lists its keys', async (t) => {
  const inst = uniq('kv');
  const m = await L('kv', 'modify', inst, 'owner', 'team-a');
  t.is(m.code, 0, m.stderr);
  t.regex((await L('kv', 'l')).stdout, new RegExp(`\\| ${inst} \\|`));
  t.regex((await L('kv', 's', inst)).stdout, /\| owner \| team-a \|/);
});

test('`controller version` answers with the controller\'s version', async (t) => {
  const v = await L('controller', 'version');
  t.is(v.code, 0, v.stderr);
  t.regex(v.stdout, /^linstor controller \d+\.\d+\.\d+/);
});

test('with several controllers, the CLI skips one that refuses connections and uses the next', async (t) => {
  const r = await linstor(['--controllers', `127.0.0.1:1,${ctl.url}`, 'n', 'l']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\| Node /);
});

test('LS_CONTROLLERS and linstor-client.conf `[global] controllers=` point the CLI at the controller', async (t) => {
  t.is((await linstor(['n', 'l'], { LS_CONTROLLERS: ctl.url })).code, 0);
  const dir = mkdtempSync(join(tmpdir(), 'lsconf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'linstor-client.conf'), `[global]\ncontrollers=127.0.0.1:1, ${ctl.url}\n`);
  const r = await linstor(['n', 'l'], { LINSTOR_CLIENT_CONF: join(dir, 'linstor-client.conf') });
  t.is(r.code, 0, r.stderr);
});

test('`vd c RSC 512MiB` stores KiB and prints GiB/MiB; `r c NODE RSC --storage-pool P --layer-list storage` shows in `r l` and `v l`', async (t) => {
  const node = uniq('rn-');
  const pool = uniq('pool');
  const rd = uniq('res');
  await ok(t, L('n', 'c', node, '127.0.0.10', '--port', '1'));
  await ok(t, L('sp', 'c', 'filethin', node, pool, `/var/lib/linstor-pools/${pool}`));
  await ok(t, L('rd', 'c', rd));
  const vd = await L('vd', 'c', rd, '512MiB');
  t.is(vd.code, 0, vd.stderr);
  const m = JSON.parse((await L('-m', 'rd', 'l')).stdout) as { name: string }[][];
  t.true(m[0]!.some((r) => r.name === rd));
  t.regex((await L('vd', 'l', '-r', rd)).stdout, new RegExp(`\\| ${rd} +\\| 0 +\\| \\d* +\\| 512 MiB \\|`));
  const rc = await L('r', 'c', node, rd, '--storage-pool', pool, '--layer-list', 'storage');
  t.is(rc.code, 0, rc.stderr);
  t.regex(rc.stdout, new RegExp(`New resource '${rd}' on node '${node}' registered`));
  t.regex((await L('r', 'l', '-r', rd)).stdout, new RegExp(`\\| ${rd} +\\| ${node} +\\| STORAGE +\\| (?:Unused)? +\\| \\w+ +\\| +\\w+ \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\|`));
  t.regex((await L('v', 'l', '-r', rd)).stdout, new RegExp(`\\| ${node} +\\| ${rd} +\\| ${pool} +\\| +0 \\|`));
  const del = await L('r', 'd', node, rd);
  t.is(del.code, 0, del.stderr);
});
