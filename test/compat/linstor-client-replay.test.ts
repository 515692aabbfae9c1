/**
 * Every request linstor-client 1.27 sent for about 230 commands
 * (test/fixtures/linstor-client/requests-1.27.txt), replayed in command order against a real
 * cluster: a controller process and three satellite processes (alpha, bravo, charlie on
 * 127.0.5.2-4, each in its own UTS and mount namespace) with FILE_THIN and FILE pools in the
 * test's own folders. DRBD runs in the satellites' dry-run mode (no DRBD kernel module here):
 * its .res files are written and checked with drbdadm, its state-changing commands are not run.
 *
 * Each request must get the status LINSTOR gives: success unless EXPECTED (below) names the
 * failure LINSTOR answers for that command in this sequence (a name that is invalid, an object
 * that does not exist, ...). Every answer must match the OpenAPI response schema.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test, { type Assertions } from 'ava';
import { RC, type RcName } from '../../core/model/apiconsts.js';
import { startController, type TestController } from '../helpers/controller.js';
import { assertMatchesSchema, assertMatchesSpec, specPathFor } from '../helpers/openapi.js';
import { makeTempDir, removeTempDir, type SatelliteProcess } from '../helpers/satellite.js';
import { startOwnHostSatellite } from '../placement-e2e/cluster.js';
import { waitFor } from '../e2e/cluster.js';
import { readRecording, rewrite, type RecordedRequest } from './linstor-client-recording.js';
import { parseExact } from './replay.js';

interface Expected { status: number; rc: RcName; why: string }

/**
 * Commands LINSTOR answers with an error in this sequence, by the command line as recorded.
 * The first request of the command gets this answer; the client stops there.
 */
const EXPECTED: Record<string, Expected> = {
  // LINSTOR's StorPoolName: 3 to 48 characters.
  'linstor storage-pool create filethin alpha fp /tmp/rc-run/run/pools/alpha': { status: 500, rc: 'FAIL_INVLD_STOR_POOL_NAME', why: "'fp' is shorter than 3 characters" },
  'linstor storage-pool create filethin bravo fp /tmp/rc-run/run/pools/bravo': { status: 500, rc: 'FAIL_INVLD_STOR_POOL_NAME', why: "'fp' is shorter than 3 characters" },
  'linstor storage-pool create filethin charlie fp /tmp/rc-run/run/pools/charlie': { status: 500, rc: 'FAIL_INVLD_STOR_POOL_NAME', why: "'fp' is shorter than 3 characters" },
  'linstor storage-pool set-property alpha fp MaxOversubscriptionRatio 3': { status: 500, rc: 'FAIL_INVLD_STOR_POOL_NAME', why: 'the name is parsed before the lookup' },
  'linstor storage-pool set-property --aux alpha fp tier gold': { status: 500, rc: 'FAIL_INVLD_STOR_POOL_NAME', why: 'the name is parsed before the lookup' },
  // The recording creates rg1 and rg2 a second time.
  'linstor resource-group create rg1 --storage-pool fpool --layer-list storage': { status: 500, rc: 'FAIL_EXISTS_RSC_GRP', why: 'rg1 exists' },
  'linstor resource-group create rg2 --storage-pool fpool --layer-list storage -d second group': { status: 500, rc: 'FAIL_EXISTS_RSC_GRP', why: 'rg2 exists' },
  'linstor encryption enter-passphrase -p wrongpass': { status: 500, rc: 'FAIL_MISSING_PROPS', why: 'wrong passphrase' },
  'linstor node create bad_node! 127.0.5.9': { status: 500, rc: 'FAIL_INVLD_NODE_NAME', why: "'!' is not a host name character" },
  'linstor resource-definition create 1badname': { status: 500, rc: 'FAIL_INVLD_RSC_NAME', why: 'a digit first' },
  [`linstor resource-definition create ${'a'.repeat(72)}`]: { status: 500, rc: 'FAIL_INVLD_RSC_NAME', why: 'longer than 48 characters' },
  'linstor resource-definition create res1': { status: 500, rc: 'FAIL_EXISTS_RSC_DFN', why: 'spawned earlier' },
  'linstor resource create nosuchnode res1 --storage-pool fpool': { status: 404, rc: 'FAIL_NOT_FOUND_NODE', why: 'no such node' },
  'linstor resource create alpha nosuchres': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'no such resource definition' },
  'linstor volume-definition create res3clone 100P': { status: 500, rc: 'FAIL_INVLD_VLM_SIZE', why: 'beyond the largest volume size' },
  'linstor volume-definition set-size res3 0 1M': { status: 500, rc: 'FAIL_INVLD_VLM_SIZE', why: 'deployed volumes only grow' },
  'linstor resource create res3clone --auto-place 5': { status: 500, rc: 'FAIL_NOT_ENOUGH_NODES', why: 'three nodes' },
  'linstor storage-pool create filethin nosuchnode fp2 /tmp/rc-run/run/pools/x': { status: 404, rc: 'FAIL_NOT_FOUND_NODE', why: 'no such node (a STOR_POOL code)' },
  'linstor node set-property alpha NoSuchKey val': { status: 500, rc: 'FAIL_INVLD_PROP', why: 'not a whitelisted key' },
  'linstor resource-group delete rg1': { status: 500, rc: 'FAIL_EXISTS_RSC_DFN', why: 'res1, res2 and res3 use it' },
  'linstor snapshot delete res1 nosnap': { status: 404, rc: 'FAIL_NOT_FOUND_SNAPSHOT_DFN', why: 'no such snapshot' },
  'linstor snapshot rollback res1 nosnap': { status: 404, rc: 'FAIL_NOT_FOUND_SNAPSHOT_DFN', why: 'no such snapshot' },
  'linstor resource create alpha res3clone --layer-list drbd,storage --storage-pool fpool': { status: 500, rc: 'FAIL_EXISTS_RSC', why: 'the clone placed a replica on alpha' },
  'linstor resource-group spawn-resources nosuchrg resz 10M': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_GRP', why: 'no such group' },
  'linstor node evacuate nosuchnode': { status: 404, rc: 'FAIL_NOT_FOUND_NODE', why: 'no such node' },
  'linstor resource-definition set-property res3 DrbdOptions/Net/max-buffers 1': { status: 500, rc: 'FAIL_INVLD_PROP', why: 'max-buffers is 32..131072' },
  'linstor volume-definition create res3clone 0': { status: 500, rc: 'FAIL_INVLD_VLM_SIZE', why: 'size 0' },
  'linstor node create delta 999.1.1.1': { status: 500, rc: 'FAIL_INVLD_NET_ADDR', why: 'not an IP address' },
  'linstor resource create charlie res3clone --storage-pool fpool --layer-list storage': { status: 500, rc: 'FAIL_EXISTS_RSC', why: 'charlie has res3clone (DRBD) already' },
  // `resource create --auto-place` does not create the definition; res5 is spawned further down.
  'linstor resource create res5 --auto-place 2 --layer-list storage': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor resource create --async charlie res5 --storage-pool fpool --layer-list storage': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor resource deactivate charlie res5': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor resource activate charlie res5': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor snapshot create res5 sn5': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor snapshot set-property res5 sn5 Aux/sp q': { status: 404, rc: 'FAIL_NOT_FOUND_RSC_DFN', why: 'res5 does not exist yet' },
  'linstor snapshot delete res5 sn5': { status: 404, rc: 'FAIL_NOT_FOUND_SNAPSHOT_DFN', why: 'sn5 was never taken' },
  // Placed volumes keep their pools and nodes in use.
  'linstor storage-pool delete bravo fpool': { status: 500, rc: 'FAIL_IN_USE', why: 'res2 has a volume in it' },
  'linstor node delete bravo': { status: 500, rc: 'FAIL_IN_USE', why: 'bravo has resources' },
  'linstor node delete charlie': { status: 500, rc: 'FAIL_IN_USE', why: 'charlie has resources' },
  'linstor resource-definition delete res6': { status: 500, rc: 'FAIL_EXISTS_SNAPSHOT_DFN', why: 'snapm exists' },
  'linstor resource-definition delete res7': { status: 500, rc: 'FAIL_EXISTS_SNAPSHOT_DFN', why: 'snapm exists' },
  'linstor resource-group delete rg4': { status: 500, rc: 'FAIL_EXISTS_RSC_DFN', why: 'res6 and res7 use it' },
};

const SATELLITES = [['alpha', '127.0.5.2'], ['bravo', '127.0.5.3'], ['charlie', '127.0.5.4']] as const;

interface Answer { status: number; text: string; body: unknown }

async function send(ctl: TestController, req: RecordedRequest): Promise<Answer> {
  const res = await fetch(`${ctl.url}${req.path}`, {
    method: req.method,
    headers: req.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: req.body,
  });
  const text = await res.text();
  let body: unknown;
  try { body = text ? parseExact(text) : undefined; } catch { body = text; }
  return { status: res.status, text, body };
}

/** The error entries of an answer (what a mismatch report needs), or its start. */
function errorsOf(a: Answer): string {
  if (!Array.isArray(a.body)) return a.text.slice(0, 300);
  const errs = (a.body as Array<{ ret_code?: unknown; message?: string }>).filter((e) => BigInt(e.ret_code as bigint) < 0n);
  return errs.map((e) => `${rcNameOf(e.ret_code)}: ${e.message ?? ''} ${(e as { cause?: string }).cause ?? ''}`.slice(0, 400)).join(' | ');
}

function rcNameOf(code: unknown): string {
  const c = BigInt.asUintN(64, BigInt(code as bigint | number));
  const mask = c & RC.MASK_BITS_CODE;
  const hit = Object.entries(RC).find(([k, v]) => !k.startsWith('MASK_') && (BigInt.asUintN(64, v) & RC.MASK_BITS_CODE) === mask && (BigInt.asUintN(64, v) >> 62n) === (c >> 62n));
  return hit?.[0] ?? `code ${mask}`;
}

async function settled(ctl: TestController, node: string): Promise<void> {
  await waitFor(`${node} ONLINE`, async () => ((await send(ctl, { method: 'GET', path: `/v1/nodes/${node}` })).body as { connection_status?: string }).connection_status === 'ONLINE', 60_000);
  await waitFor(`${node} pools reported`, async () => {
    const pools = (await send(ctl, { method: 'GET', path: `/v1/nodes/${node}/storage-pools` })).body as Array<{ provider_kind: string; total_capacity?: unknown }>;
    return pools.every((p) => p.provider_kind === 'DISKLESS' || p.total_capacity !== undefined);
  }, 60_000);
}

test('every request of linstor-client 1.27 gets the answer LINSTOR gives, in command order', async (t) => {
  t.timeout(600_000);
  const folder = makeTempDir('rc-replay-');
  for (const d of ['pools/alpha', 'pools/bravo', 'pools/charlie', 'pools/alpha-f', 'pools/x']) mkdirSync(join(folder, d), { recursive: true });
  const sats: SatelliteProcess[] = [];
  // Quick reconnects (nodes are evacuated, restored, reconnected), but the default ping: the
  // 300 ms ping of other e2e tests drops links on a loaded machine.
  const ctl = await startController({ env: { LINSTOR_SATELLITE_RECONNECT_MIN_MS: '50', LINSTOR_SATELLITE_RECONNECT_MAX_MS: '1000' } });
  t.teardown(async () => {
    await ctl.stop().catch(() => {});
    for (const s of sats) await s.kill9().catch(() => {});
    removeTempDir(folder);
  });
  const ports: Record<string, number> = {};
  for (const [name, address] of SATELLITES) {
    // Each in its own hostname and /var/lib/linstor.d, as on its own machine (DRBD's .res files name hosts).
    const sat = await startOwnHostSatellite(address, name, 0, ['--drbd-dry-run']);
    sats.push(sat);
    ports[name] = sat.port;
  }

  const commands = readRecording();
  t.true(commands.length > 200, `the recording has ${commands.length} commands`);
  const seen = new Set<string>();
  const unexpected: string[] = [];
  // What the report to the user counts: requests in the recording, sent, accepted (2xx), and
  // refused with LINSTOR's own answer (EXPECTED); the rest were not sent (the client stops).
  const tally = { recorded: commands.reduce((n, c) => n + c.requests.length, 0), sent: 0, accepted: 0, refusedAsLinstor: 0 };
  for (const cmd of commands) {
    const exp = EXPECTED[cmd.command];
    // Placement reads reported capacities: start it on a settled cluster, as an operator would.
    if (/auto-place|spawn-resources|autoplace/.test(cmd.command)) {
      for (const [name] of SATELLITES) if ((await send(ctl, { method: 'GET', path: `/v1/nodes/${name}` })).status === 200) await settled(ctl, name);
    }
    for (const [i, raw] of cmd.requests.entries()) {
      const req = rewrite(raw, { folder, ports });
      const started = Date.now();
      const a = await send(ctl, req);
      if (Date.now() - started > 20_000) t.log(`slow: line ${cmd.line} ${req.method} ${req.path} took ${Date.now() - started} ms`);
      const first = i === 0;
      const want = first && exp ? exp.status : undefined;
      const ok = want !== undefined ? a.status === want : a.status >= 200 && a.status < 300;
      tally.sent++;
      if (a.status >= 200 && a.status < 300) tally.accepted++;
      else if (ok) tally.refusedAsLinstor++;
      if (!ok) unexpected.push(`line ${cmd.line} $ ${cmd.command}\n  ${req.method} ${req.path} -> ${a.status} ${errorsOf(a)}`);
      if (want !== undefined && Array.isArray(a.body)) {
        const want = BigInt.asUintN(64, RC[exp!.rc]) & RC.MASK_BITS_CODE;
        const codes = (a.body as Array<{ ret_code?: unknown }>).map((e) => BigInt.asUintN(64, BigInt(e.ret_code as bigint)));
        t.true(codes.some((c) => c >> 62n === 3n && (c & RC.MASK_BITS_CODE) === want),
          `line ${cmd.line} ${cmd.command}: ${exp!.rc} expected (${exp!.why}), got ${codes.map(rcNameOf).join(', ')}`);
      }
      const tpl = specPathFor(req.method, req.path);
      if (tpl && a.text) {
        // Collected with the status mismatches, so one run lists every difference.
        const collect = { true() {}, pass() {}, fail: (m?: string) => { unexpected.push(`line ${cmd.line} $ ${cmd.command}\n  ${m ?? ''}`.slice(0, 900)); } } as unknown as Assertions;
        // The spec wraps GET /v1/remotes in an array; linstor-server sends one RemoteList and golinstor/linstor-client read one (README, REST API compatibility).
        if (req.method === 'GET' && tpl === '/v1/remotes' && a.status === 200) assertMatchesSchema(collect, 'RemoteList', a.text);
        else assertMatchesSpec(collect, req.method, tpl, a.status, a.text);
      }
      seen.add(cmd.command);
      // The client stops at the first error of a command.
      if (a.status >= 400) break;
    }
    // After a node (re)connects, wait until it is online and has reported its pools, as an
    // operator would before the next step (the recording's client ran against a settled cluster).
    const m = /^linstor (?:node (?:create|reconnect|restore)|storage-pool create \S+) (alpha|bravo|charlie)\b/.exec(cmd.command);
    if (m) await settled(ctl, m[1]!);
  }
  t.log(`${commands.length} commands, ${tally.recorded} requests recorded, ${tally.sent} sent: ${tally.accepted} accepted (2xx), `
    + `${tally.refusedAsLinstor} refused as LINSTOR refuses them, ${tally.sent - tally.accepted - tally.refusedAsLinstor} unexpected answers; `
    + `${tally.recorded - tally.sent} not sent (the client stops at a command's first error)`);
  for (const cmd of Object.keys(EXPECTED)) t.true(seen.has(cmd), `EXPECTED names a command the recording does not have: ${cmd}`);
  if (unexpected.length) for (const sat of sats) t.log(`${sat.nodeName} log tail:\n${sat.logs.slice(-15).join('\n')}`);
  t.deepEqual(unexpected, [], unexpected.join('\n'));
});
