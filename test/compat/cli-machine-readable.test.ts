/**
 * `linstor -m` as scripts use it: the real linstor-client prints
 * json.dumps([reply.data_v1 for reply in replies], indent=2) (linstor_client/commands/commands.py
 * _print_machine_readable), so a list command prints a one-element outer list holding the REST
 * list unchanged, and a mutation prints the ApiCallRc list. Our CLI must print the same JSON,
 * with every number exact (Long.MAX capacities, int64 ret_codes).
 */
import test from 'ava';
import { call, startCluster, waitFor, type Cluster } from '../e2e/cluster.js';
import { linstor } from '../cli/helpers.js';
import { randomSuffix } from '../helpers/satellite.js';
import { parseExact } from './replay.js';

let cluster: Cluster;
const L = (...args: string[]) => linstor(['--controllers', cluster.ctl.url, ...args]);

test.before(async () => { cluster = await startCluster(3); });
test.after.always(async () => { await cluster?.teardown(); });

/** What python's json.dumps(obj, indent=2) prints (ensure_ascii, ", " never at line ends). */
function pythonIndent2(v: unknown, pad = ''): string {
  const inner = `${pad}  `;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[\n${v.map((x) => inner + pythonIndent2(x, inner)).join(',\n')}\n${pad}]`;
  if (typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    return e.length === 0 ? '{}' : `{\n${e.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pythonIndent2(x, inner)}`).join(',\n')}\n${pad}}`;
  }
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function rest(path: string): Promise<unknown> {
  const res = await fetch(`${cluster.ctl.url}${path}`);
  return parseExact(await res.text());
}

/** Fields that move between two reads (timestamps, live capacities) are not part of the shape. */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !['free_capacity', 'allocated_size_kib', 'create_timestamp', 'reports'].includes(k)).map(([k, x]) => [k, stable(x)]));
  }
  return v;
}

test.serial('linstor -m node list prints [[Node, ...]] exactly as the real client does', async (t) => {
  const r = await L('-m', 'node', 'list');
  t.is(r.code, 0, r.stderr);
  const printed = parseExact<unknown[]>(r.stdout);
  t.true(Array.isArray(printed) && printed.length === 1 && Array.isArray(printed[0]), 'one reply: the node list');
  t.deepEqual(stable(printed), stable([await rest('/v1/nodes')]));
  const nodes = printed[0] as any[];
  for (const n of nodes) {
    t.is(n.type, 'SATELLITE');
    t.is(n.connection_status, 'ONLINE');
    t.is(n.net_interfaces[0].name, 'default');
  }
  t.is(r.stdout.trim(), pythonIndent2(printed), 'formatting matches json.dumps(indent=2)');
});

test.serial('linstor -m storage-pool list keeps Long.MAX capacities of diskless pools exact', async (t) => {
  const r = await L('-m', 'storage-pool', 'list');
  t.is(r.code, 0, r.stderr);
  const printed = parseExact<any[][]>(r.stdout);
  t.deepEqual(stable(printed), stable([await rest('/v1/view/storage-pools')]));
  const diskless = printed[0]!.find((p) => p.provider_kind === 'DISKLESS');
  t.is(diskless?.free_capacity, 9223372036854775807n, 'VAL_STOR_POOL_SPACE_ENOUGH printed exactly');
  t.regex(r.stdout, /"total_capacity": 9223372036854775807\b/);
});

test.serial('linstor -m resource list prints [[ResourceWithVolumes, ...]] from /v1/view/resources', async (t) => {
  const rd = `cli${randomSuffix()}`;
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 8 * 1024 } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: cluster.nodes[0]!.name, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] }]);
  t.teardown(() => call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`));
  await waitFor('device', async () => (await call<any[]>(cluster.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body[0]?.volumes?.[0]?.device_path);
  const r = await L('-m', 'resource', 'list', '-r', rd);
  t.is(r.code, 0, r.stderr);
  const printed = parseExact<any[][]>(r.stdout);
  t.is(printed.length, 1);
  t.deepEqual(stable(printed), stable([await rest(`/v1/view/resources?resources=${rd}`)]));
  const rsc = printed[0]![0];
  t.is(rsc.name, rd);
  t.regex(rsc.volumes[0].device_path, /^\/dev\//);
});

// The real client prints json.dumps([r.data_v1 for r in replies]) = a flat [rc, ...] for mutations.
test.serial('linstor -m on a mutation prints the flat ApiCallRc list with exact int64 ret_codes, as the real client does', async (t) => {
  const rd = `cli${randomSuffix()}`;
  const ok = await L('-m', 'resource-definition', 'create', rd);
  t.is(ok.code, 0, ok.stderr);
  const replies = parseExact<any[]>(ok.stdout);
  t.true(Array.isArray(replies) && replies.length > 0 && !Array.isArray(replies[0]), ok.stdout);
  t.true(replies.every((x) => typeof x.message === 'string' && (typeof x.ret_code === 'number' || typeof x.ret_code === 'bigint')));
  // (the real client exits 0 here in -m mode: handle_replies returns OK before looking at the replies)
  const dup = await L('-m', 'resource-definition', 'create', rd);
  const err = parseExact<any[]>(dup.stdout)[0];
  t.is(typeof err.ret_code, 'bigint', 'an error ret_code needs all 64 bits');
  t.is(BigInt.asUintN(64, err.ret_code) & 0xC000000000000000n, 0xC000000000000000n);
  await call(cluster.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
});
