/**
 * Every kind of name at its limits, through the REST API of a real controller with one real
 * satellite (snapshots need a deployed volume): the shortest and the longest name LINSTOR
 * accepts are created and read back, one character less or more is refused with the kind's
 * return code and nothing is stored. Limits as in LINSTOR's name classes (ResourceName,
 * NodeName, StorPoolName, SnapshotName, KeyValueStoreName, NetInterfaceName).
 */
import test from 'ava';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { call } from '../helpers/controller-rest.js';
import { randomSuffix } from '../helpers/satellite.js';

let cluster: Cluster;
let rd = '';
test.before(async () => {
  cluster = await startCluster(1);
  // One deployed FILE_THIN volume to take snapshots of.
  rd = `nb${randomSuffix()}`;
  const node = cluster.nodes[0]!.name;
  for (const [path, body] of [
    ['/v1/resource-definitions', { resource_definition: { name: rd } }],
    [`/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } }],
    [`/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] }]],
  ] as const) {
    const r = await call(cluster.ctl, 'POST', path, body);
    if (r.status !== 200 && r.status !== 201) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
  }
});
test.after.always(async () => { await cluster?.teardown(); });

/** A name of exactly `len` characters: a letter, a unique part, then padding. */
function nameOf(len: number): string {
  const base = `n${randomSuffix().replace(/[^a-z0-9]/gi, '')}`.slice(0, len);
  return (base + 'x'.repeat(len)).slice(0, len);
}
const low16 = (text: string): number => Number(BigInt.asUintN(64, BigInt(/"ret_code":(-?\d+)/.exec(text)?.[1] ?? '0')) & 0x7fffn);

interface Kind {
  kind: string;
  min: number;
  max: number;
  /** LINSTOR's FAIL_INVLD_*_NAME number (ret_code & 0x7fff), from its common constants. */
  rc: number;
  create(name: string): Promise<{ status: number; body: unknown; text: string }>;
  /** Whether the object now exists under that name. */
  exists(name: string): Promise<boolean>;
  /** Builds a name of `len` characters that is otherwise valid for this kind. */
  name?(len: number): string;
}

const ctl = () => cluster.ctl;
const get = async (path: string) => (await call(ctl(), 'GET', path)).status === 200;
const node0 = () => cluster.nodes[0]!.name;

/** A host name of exactly `len` characters whose only fault can be its length: labels of at most 63. */
function hostName(len: number): string {
  const chars = [...(`h${randomSuffix().replace(/[^a-z0-9]/gi, '').toLowerCase()}` + 'a'.repeat(len)).slice(0, len)];
  for (const at of [63, 127, 191]) if (at < len - 1) chars[at] = '.';
  if (len > 255) chars[len - 2] = '.'; // labels 63.63.63.62.1
  return chars.join('');
}

const KINDS: Kind[] = [
  {
    kind: 'resource definition', min: 2, max: 48, rc: 202,
    create: (n) => call(ctl(), 'POST', '/v1/resource-definitions', { resource_definition: { name: n } }),
    exists: (n) => get(`/v1/resource-definitions/${n}`),
  },
  {
    kind: 'resource group', min: 2, max: 48, rc: 237,
    create: (n) => call(ctl(), 'POST', '/v1/resource-groups', { name: n }),
    exists: (n) => get(`/v1/resource-groups/${n}`),
  },
  {
    kind: 'storage pool', min: 3, max: 48, rc: 208,
    create: (n) => call(ctl(), 'POST', `/v1/nodes/${node0()}/storage-pools`, { storage_pool_name: n, provider_kind: 'LVM', props: { 'StorDriver/StorPoolName': 'vg0' } }),
    exists: (n) => get(`/v1/nodes/${node0()}/storage-pools/${n}`),
  },
  {
    kind: 'snapshot', min: 2, max: 48, rc: 218,
    create: (n) => call(ctl(), 'POST', `/v1/resource-definitions/${rd}/snapshots`, { name: n }),
    exists: (n) => get(`/v1/resource-definitions/${rd}/snapshots/${n}`),
  },
  {
    kind: 'key-value store', min: 2, max: 48, rc: 223,
    create: (n) => call(ctl(), 'PUT', `/v1/key-value-store/${n}`, { override_props: { a: 'b' } }),
    exists: (n) => get(`/v1/key-value-store/${n}`),
  },
  {
    kind: 'network interface', min: 2, max: 20, rc: 209,
    create: (n) => call(ctl(), 'POST', `/v1/nodes/${node0()}/net-interfaces`, { name: n, address: '127.0.0.1' }),
    exists: (n) => get(`/v1/nodes/${node0()}/net-interfaces/${n}`),
  },
  {
    kind: 'node', min: 2, max: 255, rc: 200,
    create: (n) => call(ctl(), 'POST', '/v1/nodes', { name: n, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.254', satellite_port: 1 }] }),
    exists: (n) => get(`/v1/nodes/${n}`),
    name: hostName,
  },
];

for (const k of KINDS) {
  const make = k.name ?? nameOf;
  test.serial(`${k.kind} names: ${k.min} and ${k.max} characters are accepted, ${k.min - 1} and ${k.max + 1} are refused with a clear error and nothing stored`, async (t) => {
    for (const len of [k.min, k.max]) {
      const n = make(len);
      t.is(n.length, len);
      const r = await k.create(n);
      t.true(r.status === 200 || r.status === 201, `${len} characters accepted: ${JSON.stringify(r.body)}`);
      t.true(await k.exists(n), `${len}-character ${k.kind} reads back`);
    }
    for (const len of [k.min - 1, k.max + 1]) {
      const n = make(len);
      t.is(n.length, len);
      const r = await k.create(n);
      const text = r.text;
      t.is(r.status, 500, `${len} characters refused: ${text}`);
      t.is(low16(text), k.rc, `${len} characters: the kind's FAIL_INVLD_*_NAME code: ${text}`);
      t.regex(text, len < k.min ? new RegExp(`shorter than ${k.min}`) : new RegExp(`longer than ${k.max}`), text);
      t.false(await k.exists(n), `nothing stored under the ${len}-character name`);
    }
  });
}

test('a node name label of 63 characters is accepted and one of 64 refused (host name rule)', async (t) => {
  const label = (len: number) => (`l${randomSuffix().replace(/[^a-z0-9]/gi, '').toLowerCase()}` + 'a'.repeat(len)).slice(0, len);
  const ok = `${label(63)}.example`;
  const created = await call(ctl(), 'POST', '/v1/nodes', { name: ok, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.254', satellite_port: 1 }] });
  t.is(created.status, 201, JSON.stringify(created.body));
  const bad = `${label(64)}.example`;
  const refused = await call(ctl(), 'POST', '/v1/nodes', { name: bad, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.254', satellite_port: 1 }] });
  t.is(refused.status, 500);
  t.is(low16(refused.text), 200);
  t.is((await call(ctl(), 'GET', `/v1/nodes/${bad}`)).status, 404);
});
