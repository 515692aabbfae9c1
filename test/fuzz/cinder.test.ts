/**
 * Fuzz: the Cinder-compatible Block Storage API (real service, real controller and satellite
 * behind it). Hostile values go into every field of the volume, snapshot, attachment, type,
 * extra-spec, quota and action bodies, into ids, query parameters and the OpenStack-API-Version
 * header; bodies are also broken JSON and wrong shapes. Properties of every case: the answer is
 * a 2xx or one of Cinder's own fault statuses with a fault body that has a message (never a
 * 500), the service answers GET / within 1 s, a refused request ran no command, the sentinel
 * tree is unchanged. Quotas keep accepted creates to a few real volumes.
 */
import test from 'ava';
import { call } from '../helpers/controller-rest.js';
import fc from 'fast-check';
import { request } from 'node:http';
import { startStack, type Stack } from '../cinder/harness.js';
import {
  brokenBody, commandsWith, fcParams, hostileString, hostileValue, markerArb, mountsUnder, report, runs, sandbox,
  systemMountsPresent, treeDigest, type Sandbox,
} from './hostile.js';
import { leafPaths, setAt } from './rest-ops.js';

const CASES = runs(500);
let sb: Sandbox;
let stack: Stack;
let volumeId = '';

interface Template { method: string; path: string; body?: unknown }
const TEMPLATES: Template[] = [
  { method: 'POST', path: '/v3/volumes', body: { volume: { size: 1, name: 'fz', description: 'd', volume_type: null, snapshot_id: null, source_volid: null, metadata: { k: 'v' }, availability_zone: 'nova' } } },
  { method: 'PUT', path: '/v3/volumes/{id}', body: { volume: { name: 'n', description: 'd', metadata: { k: 'v' } } } },
  { method: 'GET', path: '/v3/volumes/{id}' },
  { method: 'DELETE', path: '/v3/volumes/{other}' },
  { method: 'GET', path: '/v3/volumes/detail' },
  { method: 'GET', path: '/v3/volumes/summary' },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-extend': { new_size: 2 } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-reserve': null } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-initialize_connection': { connector: { host: 'h', initiator: 'iqn.x', ip: '127.0.0.1', platform: 'x86_64', os_type: 'linux', multipath: false } } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-attach': { instance_uuid: '00000000-0000-4000-8000-000000000000', mountpoint: '/dev/vdb', mode: 'rw' } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-set_bootable': { bootable: true } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-update_readonly_flag': { readonly: true } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { 'os-reset_status': { status: 'available' } } },
  { method: 'POST', path: '/v3/volumes/{id}/action', body: { revert: { snapshot_id: 'x' } } },
  { method: 'POST', path: '/v3/volumes/{id}/metadata', body: { metadata: { k: 'v' } } },
  { method: 'PUT', path: '/v3/volumes/{id}/metadata/{key}', body: { meta: { k: 'v' } } },
  { method: 'POST', path: '/v3/snapshots', body: { snapshot: { volume_id: '{id}', name: 's', description: 'd', force: false, metadata: {} } } },
  { method: 'GET', path: '/v3/snapshots/detail' },
  { method: 'POST', path: '/v3/attachments', body: { attachment: { volume_uuid: '{id}', instance_uuid: '00000000-0000-4000-8000-000000000000', connector: { host: 'h' }, mode: 'rw' } } },
  { method: 'POST', path: '/v3/types', body: { volume_type: { name: 't', description: 'd', extra_specs: { 'linstor:redundancy': '1' }, 'os-volume-type-access:is_public': true } } },
  { method: 'POST', path: '/v3/types/{other}/extra_specs', body: { extra_specs: { 'linstor:do_not_place_with_regex': 'x', 'linstor:storage_pool': 'p', 'linstor:property:Aux/x': 'y' } } },
  { method: 'PUT', path: '/v3/os-quota-sets/{other}', body: { quota_set: { volumes: 1, gigabytes: 1 } } },
  { method: 'GET', path: '/v3/scheduler-stats/get_pools' },
  { method: 'GET', path: '/v3/limits' },
];
const QUERY_KEYS = ['sort_key', 'sort_dir', 'sort', 'limit', 'marker', 'offset', 'name', 'status', 'metadata', 'all_tenants', 'with_count', 'detail'];

test.before(async () => {
  sb = sandbox('cinder');
  stack = await startStack({ nodes: 1, tune: (c) => { c.linstor.defaultRedundancy = 1; c.quotas = { ...c.quotas, volumes: 4, snapshots: 3, gigabytes: 8 }; } });
  const created = await send('POST', '/v3/volumes', JSON.stringify({ volume: { size: 1, name: 'fixture' } }), {});
  volumeId = (JSON.parse(created.text) as { volume: { id: string } }).volume.id;
});
test.after.always(async () => { await stack?.stop(); sb?.remove(); });

interface Answer { status: number; text: string }

function send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(stack.api.url);
  const all: Record<string, string> = { 'x-auth-token': 'fuzzer:fuzzproj', ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }), ...headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: Number(url.port), method, path, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(120_000, () => req.destroy(new Error('no answer within 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const FAULTS = new Set([400, 401, 403, 404, 405, 406, 409, 413, 415]);

test.serial(`Cinder: ${CASES} hostile requests get Cinder's faults, never a 500, and touch nothing`, async (t) => {
  t.timeout(30 * 60_000);
  const sentinelBefore = treeDigest(sb.sentinel);
  const started = Date.now();
  let cases = 0;
  let slowest = 0;
  const refused: string[] = [];
  const statuses = new Map<number, number>();
  const caseArb = fc.tuple(fc.constantFrom(...TEMPLATES), markerArb).chain(([tpl, m]) => fc.record({
    tpl: fc.constant(tpl),
    m: fc.constant(m),
    id: fc.oneof(fc.constant('fixture'), hostileString(sb, m), fc.constantFrom('%ff', '..%2f..', '00000000-0000-4000-8000-000000000000')),
    body: tpl.body === undefined ? fc.constant(undefined) : fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.tuple(fc.nat(), hostileValue(sb, m)), { minLength: 1, maxLength: 3 }).map((edits) => {
        let b: unknown = tpl.body;
        const leaves = leafPaths(b);
        for (const [i, v] of edits) b = setAt(b, leaves[i % leaves.length]!, v);
        return JSON.stringify(b);
      }) },
      { weight: 1, arbitrary: hostileValue(sb, m).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: brokenBody },
    ),
    query: fc.option(fc.tuple(fc.constantFrom(...QUERY_KEYS), hostileString(sb, m)), { nil: undefined }),
    version: fc.option(fc.oneof(hostileString(sb, m), fc.constantFrom('volume 3.0', 'volume latest', 'volume 3.71', 'volume 4.0', 'volume 3.5, compute 2.1', 'volume')), { nil: undefined }),
  }));

  await fc.assert(fc.asyncProperty(caseArb, async ({ tpl, m, id, body, query, version }) => {
    cases++;
    const idValue = id === 'fixture' ? volumeId : /^%|\.\./.test(id) ? id : encodeURIComponent(id);
    let path = tpl.path.replace('{id}', idValue).replace('{other}', id === 'fixture' ? m : idValue).replace('{key}', encodeURIComponent(m));
    if (query) path += `?${query[0]}=${encodeURIComponent(query[1])}`;
    const headers: Record<string, string> = {};
    // Header values are latin-1 on the wire: hostile text is sent as its UTF-8 bytes read as latin-1.
    if (version !== undefined) headers['openstack-api-version'] = Buffer.from(version, 'utf8').toString('latin1').replace(/[\u0000-\u001f\u007f]/g, '?');
    const b = body?.replace('"{id}"', JSON.stringify(volumeId));
    const ans = await send(tpl.method, path, b, headers);
    statuses.set(ans.status, (statuses.get(ans.status) ?? 0) + 1);
    const what = `${tpl.method} ${path.slice(0, 200)} [${version ?? ''}] ${b?.slice(0, 200) ?? ''} → ${ans.status} ${ans.text.slice(0, 300)}`;
    if (ans.status >= 300) {
      if (!FAULTS.has(ans.status)) throw new Error(`not one of Cinder's fault statuses: ${what}`);
      const fault = JSON.parse(ans.text) as Record<string, { code?: number; message?: unknown }>;
      const inner = Object.values(fault)[0];
      if (!inner || inner.code !== ans.status || typeof inner.message !== 'string' || !inner.message) throw new Error(`not a Cinder fault body: ${what}`);
      refused.push(m);
      const ran = commandsWith(sb.audit, m);
      if (ran.length) throw new Error(`a refused request ran commands: ${what}\n${ran.join('\n')}`);
    }
    const t0 = Date.now();
    const root = await send('GET', '/', undefined, {});
    const ms = Date.now() - t0;
    slowest = Math.max(slowest, ms);
    if (root.status !== 300 || ms > 1000) throw new Error(`GET / answered ${root.status} in ${ms} ms after ${what}`);
    // The LINSTOR controller behind the API stays responsive too.
    const h0 = Date.now();
    const health = await call(stack.cluster.ctl, 'GET', '/health');
    if (health.status !== 200 || Date.now() - h0 > 1000) throw new Error(`controller /health answered ${health.status} in ${Date.now() - h0} ms after ${what}`);
  }), fcParams(CASES));

  t.deepEqual(treeDigest(sb.sentinel), sentinelBefore, 'the sentinel tree is unchanged');
  t.deepEqual(mountsUnder(sb.sentinel), []);
  t.true(systemMountsPresent());
  await new Promise((r) => setTimeout(r, 1000));
  t.deepEqual(refused.flatMap((m) => commandsWith(sb.audit, m)), []);
  t.is(cases, CASES);
  report('Cinder', cases, started, `${refused.length} refused, statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest GET / ${slowest} ms`);
});
