/**
 * DRBD end to end through the controller: four real satellites with --drbd-dry-run (no DRBD
 * kernel module here), each in its own UTS + mount namespace. What is real: the controller's
 * decisions, the generated .res files and the real `drbdadm dump` of them on each "host";
 * what is a dry run: everything drbdadm would do to the kernel.
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from '../placement-e2e/cluster.js';
import { connections, drbdadmDump, linstor, resFile, section } from './helpers.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(4, { drbdDryRun: true, firstAddress: 1 }); });
test.after.always(async () => { await c?.teardown(); });

const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;

type Json = Record<string, any>;

async function view(rd: string): Promise<Json[]> {
  const r = await call<Json[]>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}`);
  return r.body;
}

test.serial('(dry run) a spawned DRBD resource with a diskless client gets consistent .res files on every host, accepted by drbdadm', async (t) => {
  const [n1, n2, n3, n4] = c.nodes;
  const rg = uniq('rg');
  const rd = uniq('web');
  // Options at every level the satellites must see.
  const ctlSet = await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { 'DrbdOptions/Net/max-buffers': '8000' } });
  t.true(ctlSet.status < 300, JSON.stringify(ctlSet.body));
  t.teardown(async () => { await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['DrbdOptions/Net/max-buffers'] }); });
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, node_name_list: [n1!.name, n2!.name, n3!.name], layer_stack: ['DRBD', 'STORAGE'] });
  t.true((await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { override_props: { 'DrbdOptions/Disk/al-extents': '6007' } })).status < 300);
  // A second interface on n1/n2 for an explicit connection path; n3 prefers its own "repl" NIC.
  for (const [n, ip] of [[n1!, '127.0.1.1'], [n2!, '127.0.1.2'], [n3!, '127.0.2.3']] as const) {
    const name = n === n3 ? 'repl' : 'data';
    const r = await call(c.ctl, 'POST', `/v1/nodes/${n.name}/net-interfaces`, { name, address: ip });
    t.true(r.status < 300, JSON.stringify(r.body));
  }
  t.true((await call(c.ctl, 'PUT', `/v1/nodes/${n3!.name}`, { override_props: { PrefNic: 'repl' } })).status < 300);

  // Definition from the group, replicas on n1 and n2 by name: the tie-breaker goes to n3.
  t.true((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, resource_group_name: rg } })).status < 300);
  t.true((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 8192 } })).status < 300);
  const sp = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`,
    [n1!, n2!].map((n) => ({ resource: { node_name: n.name, props: { StorPoolName: c.pool } } })));
  t.false(isError(sp.body), JSON.stringify(sp.body));
  t.true((await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'DrbdOptions/Resource/on-no-data-accessible': 'suspend-io' } })).status < 300);
  t.true((await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resources/${n1!.name}`, { override_props: { 'DrbdOptions/Disk/disk-flushes': 'no' } })).status < 300);
  const rcSet = await call(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/resource-connections/${n1!.name}/${n2!.name}`,
    { override_props: { 'DrbdOptions/Net/connect-int': '15', ['Paths/p1/' + n1!.name]: 'data', ['Paths/p1/' + n2!.name]: 'data' } });
  t.true(rcSet.status < 300, JSON.stringify(rcSet.body));

  // The diskless client, as a user creates it.
  const cli = await linstor(c.ctl.url, ['resource', 'create', n4!.name, rd, '--drbd-diskless']);
  t.is(cli.code, 0, cli.stdout + cli.stderr);

  const where = await placed(c, rd);
  const byNode = new Map(where.map((p) => [p.node, p.flags]));
  t.deepEqual([...byNode.keys()].filter((n) => !(byNode.get(n) ?? []).some((f) => f.includes('DISKLESS') || f === 'TIE_BREAKER')).sort(), [n1!.name, n2!.name].sort(),
    'the two replicas asked for');
  t.true(byNode.get(n4!.name)!.includes('DRBD_DISKLESS'));

  const rows = await waitFor('every resource reported', async () => {
    const v = await view(rd);
    // ... and n1 (a replica) reports a connection to every peer, the last added included.
    const n1Peers = Object.keys(v.find((r) => r.node_name === n1!.name)?.layer_object?.drbd?.connections ?? {});
    return v.length === where.length && n1Peers.length === where.length - 1 && v.every((r) => r.layer_object?.drbd?.drbd_volumes?.[0]?.device_path) ? v : undefined;
  });
  const rowOf = (n: string) => rows.find((r) => r.node_name === n)!;
  const ports = new Map(rows.map((r) => [r.node_name as string, r.layer_object.drbd.tcp_ports?.[0] as number]));
  const ids = new Map(rows.map((r) => [r.node_name as string, r.layer_object.drbd.node_id as number]));
  t.is(new Set(ids.values()).size, rows.length, 'node ids are unique');
  for (const p of ports.values()) t.true(p >= 7000, 'every resource has its own TCP port');
  const minor = rowOf(n1!.name).layer_object.drbd.drbd_volumes[0].device_path as string;
  t.regex(minor, /^\/dev\/drbd\d+$/);
  t.true(rows.every((r) => r.layer_object.drbd.drbd_volumes[0].device_path === minor), 'one minor for the volume on every node');
  // A dry run connects nothing: every peer is reported not connected, in the spec's words.
  const peersOfN1 = rows.filter((r) => r.node_name !== n1!.name).map((r) => r.node_name as string).sort();
  const n1Conns = rowOf(n1!.name).layer_object.drbd.connections as Record<string, { connected: boolean; message: string }>;
  t.deepEqual(Object.keys(n1Conns).sort(), peersOfN1, 'n1 reports a connection to each peer');
  t.true(Object.values(n1Conns).every((x) => !x.connected && x.message === 'Unknown'), JSON.stringify(n1Conns));

  const addr = (n: string) => c.nodes.find((x) => x.name === n)!.address;
  for (const node of c.nodes.filter((n) => byNode.has(n.name))) {
    const text = await waitFor(`${node.name} .res`, () => resFile(node, rd));
    const dump = await drbdadmDump(node, rd);
    t.is(dump.code, 0, `drbdadm dump on ${node.name}: ${dump.stderr}`);
    const flags = byNode.get(node.name)!;
    const diskless = flags.includes('DRBD_DISKLESS') || flags.includes('TIE_BREAKER');
    // One `on` section per node with its node-id; disk none on the diskless ones.
    for (const [n, f] of byNode) {
      const on = section(text, new RegExp(`^\\s*on "${n}"\\s*$`));
      t.truthy(on, `${node.name}: on ${n}`);
      t.regex(on!.body, new RegExp(`node-id ${ids.get(n)};`));
      t.regex(on!.body, new RegExp(`device ${minor};`));
      t.regex(on!.body, /meta-disk internal;/);
      const peerDiskless = f.includes('DRBD_DISKLESS') || f.includes('TIE_BREAKER');
      t.is(/disk none;/.test(on!.body), peerDiskless, `${node.name}: disk of ${n}`);
    }
    if (!diskless) t.regex(section(text, new RegExp(`^\\s*on "${node.name}"\\s*$`))!.body, /disk \/.+;/);
    // Options from every level.
    t.regex(section(text, /^\s*net\s*$/)!.body, /max-buffers 8000;/, 'controller level');
    t.regex(section(text, /^\s*disk\s*$/)!.body, /al-extents 6007;/, 'resource-group level');
    t.regex(section(text, /^\s*options\s*$/)!.body, /on-no-data-accessible suspend-io;/, 'resource-definition level');
    t.is(/disk-flushes no;/.test(text), node === n1, 'resource level only on its own node');
    // The connection mesh: every pair except two diskless nodes.
    const conns = connections(text);
    const peersOf = [...byNode.keys()].filter((n) => n !== node.name && !(diskless && (byNode.get(n)!.includes('DRBD_DISKLESS') || byNode.get(n)!.includes('TIE_BREAKER'))));
    t.is(conns.length, peersOf.length, `${node.name}: connections`);
    for (const peer of peersOf) {
      const conn = conns.find((b) => b.includes(`host "${peer}"`));
      t.truthy(conn, `${node.name} → ${peer}`);
      const pair = new Set([node.name, peer]);
      if (pair.has(n1!.name) && pair.has(n2!.name)) {
        // Resource-connection options and the explicit path over the "data" NICs.
        t.regex(conn!, /connect-int 15;/);
        t.regex(conn!, new RegExp(`host "${n1!.name}" address ipv4 127\\.0\\.1\\.1:${ports.get(n1!.name)};`));
        t.regex(conn!, new RegExp(`host "${n2!.name}" address ipv4 127\\.0\\.1\\.2:${ports.get(n2!.name)};`));
      } else {
        t.notRegex(conn!, /connect-int/);
        // Default path; PrefNic on n3 moves its end to the "repl" NIC.
        const ip = (n: string) => (n === n3!.name ? '127.0.2.3' : addr(n));
        for (const n of pair) t.regex(conn!, new RegExp(`host "${n}" address ipv4 ${ip(n).replace(/\./g, '\\.')}:${ports.get(n)};`));
      }
    }
  }

  // The CLI shows Usage, Conns and State like the guide's tables.
  const list = await linstor(c.ctl.url, ['resource', 'list', '-r', rd]);
  t.is(list.code, 0, list.stderr);
  t.regex(list.stdout, /Usage/);
  t.regex(list.stdout, /Conns/);
  t.regex(list.stdout, /State/);
  t.regex(list.stdout, new RegExp(`${n4!.name}.*Diskless`));
  // linstor-client never wraps a cell: one line per resource, the failed connections grouped by
  // message as "Unknown(peer,peer,...)" in Conns, whatever the terminal width.
  const lines = list.stdout.trimEnd().split('\n');
  t.is(lines.length, 4 + rows.length, `frame, header, rule, one line per row, frame:\n${list.stdout}`);
  const n1Line = lines.find((l) => l.includes(` ${n1!.name} `)) ?? '';
  t.regex(n1Line, new RegExp(`Unused.*Unknown\\((${peersOfN1.join('|')})(,(${peersOfN1.join('|')})){${peersOfN1.length - 1}}\\).*UpToDate`), 'the dry run shows in Conns');
  t.regex(list.stdout, new RegExp(`${n3!.name}.*TieBreaker`));
});

test.serial('(dry run) when no port is free on every node of a resource, each host listens on its own port and the peers\' .res files say so', async (t) => {
  const [n1, , n3] = c.nodes;
  const set = await call(c.ctl, 'POST', '/v1/controller/properties', { override_props: { TcpPortAutoRange: '7900-7901' } });
  t.true(set.status < 300, JSON.stringify(set.body));
  t.teardown(async () => { await call(c.ctl, 'POST', '/v1/controller/properties', { delete_props: ['TcpPortAutoRange'] }); });
  const made: string[] = [];
  t.teardown(async () => { for (const rd of made) await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`); });
  const place = async (nodes: string[]): Promise<string> => {
    const rd = uniq('pp');
    made.push(rd);
    t.true((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } })).status < 300);
    t.true((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } })).status < 300);
    const r = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, nodes.map((n) => ({ resource: { node_name: n, props: { StorPoolName: c.pool } } })));
    t.false(isError(r.body), JSON.stringify(r.body));
    return rd;
  };
  // 7900 is taken on n1, 7901 on n3: a resource on both gets a different port on each.
  await place([n1!.name]);
  await place([n3!.name]);
  const rd = await place([n1!.name, n3!.name]);
  const rows = await waitFor('reported', async () => {
    const v = await view(rd);
    return v.filter((r) => r.layer_object?.drbd?.tcp_ports?.length).length === v.length && v.length >= 2 ? v : undefined;
  });
  const portOf = (n: string) => rows.find((r) => r.node_name === n)!.layer_object.drbd.tcp_ports[0] as number;
  t.not(portOf(n1!.name), portOf(n3!.name));
  for (const node of [n1!, n3!]) {
    const text = await waitFor(`${node.name} .res`, () => resFile(node, rd));
    t.regex(text, new RegExp(`host "${n1!.name}" address ipv4 ${n1!.address.replace(/\./g, '\\.')}:${portOf(n1!.name)};`));
    t.regex(text, new RegExp(`host "${n3!.name}" address ipv4 127\\.0\\.2\\.3:${portOf(n3!.name)};`), 'n3 keeps its PrefNic from the first test');
    t.is((await drbdadmDump(node, rd)).code, 0);
  }
});
