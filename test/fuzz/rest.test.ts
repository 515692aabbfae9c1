/**
 * Fuzz: every operation of LINSTOR's REST API (OpenAPI spec) against a real controller and a
 * real satellite with a FILE_THIN pool. Hostile values go into path parameters, query strings,
 * headers and every body field; bodies are also broken JSON, wrong types and deep nesting.
 * Properties of every case:
 * - the answer is LINSTOR's: a 2xx, or an ApiCallRc error list with a message (4xx, or 500 as
 *   LINSTOR maps validation errors) and never an unexpected error (error report id);
 * - the controller answers /health within 1 s;
 * - a refused request ran no command (exec audit trail, satellite included);
 * - the sentinel tree is unchanged and nothing is mounted there; /, /proc, /sys, /dev stay.
 */
import test from 'ava';
import fc from 'fast-check';
import { request } from 'node:http';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { call } from '../helpers/controller-rest.js';
import {
  brokenBody, commandsWith, fcParams, hostileString, hostileValue, markerArb, mountsUnder, report, runs, sandbox,
  systemMountsPresent, treeDigest, type Sandbox,
} from './hostile.js';
import { leafPaths, restOps, setAt, type RestOp } from './rest-ops.js';

const CASES = runs(900);
let sb: Sandbox;
let cluster: Cluster;
const FIX = { rd: 'fzrd', rg: 'fzrg', snap: 'fzsnap' };

test.before(async () => {
  sb = sandbox('rest');
  cluster = await startCluster(1, { pool: 'fzpool' });
  const node = cluster.nodes[0]!.name;
  for (const [path, body] of [
    ['/v1/resource-groups', { name: FIX.rg, select_filter: { place_count: 1, storage_pool: 'fzpool', layer_stack: ['STORAGE'] } }],
    ['/v1/resource-definitions', { resource_definition: { name: FIX.rd, resource_group_name: FIX.rg } }],
    [`/v1/resource-definitions/${FIX.rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } }],
    [`/v1/resource-definitions/${FIX.rd}/resources`, [{ resource: { node_name: node, props: { StorPoolName: 'fzpool' } }, layer_list: ['STORAGE'] }]],
  ] as const) {
    const r = await call(cluster.ctl, 'POST', path, body);
    if (r.status >= 300) throw new Error(`fixture ${path}: ${r.text}`);
  }
});
test.after.always(async () => { await cluster?.teardown(); sb?.remove(); });

interface Answer { status: number; type: string; text: string }

function send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const framed = body === undefined ? headers : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers };
    const req = request({ host: '127.0.0.1', port: cluster.ctl.port, method, path, headers: framed }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function healthMs(): Promise<number> {
  const t0 = Date.now();
  const r = await send('GET', '/health', undefined, {});
  if (r.status !== 200) throw new Error(`/health answered ${r.status}`);
  return Date.now() - t0;
}

/** A path parameter: the fixture's real name (to reach deeper checks) or a hostile one. */
function paramValue(name: string, node: string): string | undefined {
  switch (name) {
    case 'node': case 'node_a': case 'node_b': case 'fromnode': return node;
    case 'resource': case 'rscName': return FIX.rd;
    case 'resource_group': return FIX.rg;
    case 'storagepool': return 'fzpool';
    case 'volume_number': return '0';
    case 'snapshot': return FIX.snap;
    default: return undefined;
  }
}

const DESTRUCTIVE = /\/(lost|evacuate|evict|restore|reconnect|deactivate|toggle-disk|migrate-disk|rollback)\b/;

test.serial(`REST: ${CASES} hostile requests are answered as LINSTOR answers and touch nothing`, async (t) => {
  t.timeout(30 * 60_000);
  const ops = restOps();
  const node = cluster.nodes[0]!.name;
  const sentinelBefore = treeDigest(sb.sentinel);
  const started = Date.now();
  let cases = 0;
  let slowest = 0;
  const refused: string[] = [];
  const statuses = new Map<number, number>();

  const caseArb = fc.tuple(fc.constantFrom(...ops), markerArb).chain(([op, m]) => fc.record({
    op: fc.constant(op),
    m: fc.constant(m),
    // Per path parameter: the fixture's name, a hostile string, or a raw bad percent escape.
    params: fc.tuple(...op.params.map(() => fc.oneof(fc.constant('fixture'), hostileString(sb, m), fc.constantFrom('%ff', '%E0%A4%A', '%00', '..%2f..%2f', '%2e%2e')))),
    body: op.body === undefined && op.method === 'GET' ? fc.constant(undefined) : fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.tuple(fc.nat(), hostileValue(sb, m)), { minLength: 1, maxLength: 3 }).map((edits) => {
        let b: unknown = op.body ?? {};
        const leaves = leafPaths(b);
        for (const [i, v] of edits) b = setAt(b, leaves[i % leaves.length]!, v);
        return JSON.stringify(b);
      }) },
      { weight: 1, arbitrary: hostileValue(sb, m).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: brokenBody },
    ),
    query: fc.option(fc.tuple(fc.constantFrom('nodes', 'resources', 'storage_pools', 'props', 'limit', 'offset', 'cached', 'fields'), hostileString(sb, m)), { nil: undefined }),
    // Mostly no odd header, so most cases reach validation rather than stopping at the body parser.
    header: fc.oneof(
      { weight: 7, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'content-encoding': 'gzip' }, { 'content-encoding': 'x-fuzz' }, { 'content-type': 'application/json; charset=ebcdic' }, { 'content-type': 'text/plain' }) },
    ),
  }));

  await fc.assert(fc.asyncProperty(caseArb, async ({ op, m, params, body, query, header }) => {
    cases++;
    let path = op.path;
    op.params.forEach((name, i) => {
      const p = params[i]!;
      const useFixture = p === 'fixture' && !(op.method === 'DELETE' || DESTRUCTIVE.test(op.path));
      const fixture = paramValue(name, node);
      const value = useFixture && fixture !== undefined ? fixture : p === 'fixture' ? m : /^%|\.\./.test(p) && !p.includes(m) ? p + m : encodeURIComponent(p);
      path = path.replace(`{${name}}`, value);
    });
    if (query) path += `?${query[0]}=${encodeURIComponent(query[1])}`;
    const ans = await send(op.method, path, body, header ?? {});
    statuses.set(ans.status, (statuses.get(ans.status) ?? 0) + 1);
    const what = `${op.method} ${path.slice(0, 200)} → ${ans.status} ${ans.text.slice(0, 300)}`;
    if (ans.status >= 400) {
      if (!/application\/json/.test(ans.type)) throw new Error(`not JSON: ${what}`);
      const list = JSON.parse(ans.text) as Array<{ ret_code?: number; message?: unknown; error_report_ids?: unknown }>;
      if (!Array.isArray(list) || !list.length || list.some((e) => typeof e.message !== 'string' || e.message === '')) throw new Error(`not an ApiCallRc list with messages: ${what}`);
      if (list.some((e) => e.error_report_ids)) throw new Error(`unexpected error (error report): ${what}`);
      if (![400, 403, 404, 405, 406, 409, 413, 415, 500, 501, 503].includes(ans.status)) throw new Error(`status outside LINSTOR's mapping: ${what}`);
      if (list.every((e) => (e.ret_code ?? 0) < 0)) {
        refused.push(m);
        const ran = commandsWith(sb.audit, m);
        if (ran.length) throw new Error(`a refused request ran commands: ${what}\n${ran.join('\n')}`);
      }
    } else if (ans.status < 200 || ans.status >= 300) {
      throw new Error(`unexpected status: ${what}`);
    }
    const ms = await healthMs();
    slowest = Math.max(slowest, ms);
    if (ms > 1000) throw new Error(`/health took ${ms} ms after ${what}`);
    if (cases % 100 === 0) {
      if (JSON.stringify(treeDigest(sb.sentinel)) !== JSON.stringify(sentinelBefore)) throw new Error(`the sentinel tree changed after ${what}`);
    }
  }), fcParams(CASES));

  t.deepEqual(treeDigest(sb.sentinel), sentinelBefore, 'the sentinel tree is unchanged');
  t.deepEqual(mountsUnder(sb.sentinel), []);
  t.true(systemMountsPresent());
  t.is(cluster.nodes[0]!.sat.proc.exitCode, null, 'the satellite is still running');
  // Commands triggered late (applies after a request returned) must not carry refused values either.
  await new Promise((r) => setTimeout(r, 1000));
  t.deepEqual(refused.flatMap((m) => commandsWith(sb.audit, m)), []);
  t.is(cases, CASES);
  report('REST', cases, started, `${ops.length} operations, ${refused.length} refused, statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest /health ${slowest} ms`);
});
