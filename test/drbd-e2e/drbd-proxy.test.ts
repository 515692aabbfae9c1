/**
 * DRBD Proxy through the controller and the real `linstor drbd-proxy` commands, with three
 * --drbd-dry-run satellites in their own UTS + mount namespaces: enable/disable on a resource
 * connection, options and compression, DrbdProxy/AutoEnable with the nodes' Site. What is
 * real: the controller's decisions, the .res files each satellite writes and the real
 * `drbdadm dump` / `drbdadm -d proxy-up` of them on that host.
 */
import test from 'ava';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type PNode, type Rc } from '../placement-e2e/cluster.js';
import { connections, drbdadmDump, linstor, onNode, resFile } from './helpers.js';

let c: PCluster;
test.before(async () => { c = await startPlacementCluster(3, { drbdDryRun: true, firstAddress: 51 }); });
test.after.always(async () => { await c?.teardown(); });

const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
const ls = (...args: string[]) => linstor(c.ctl.url, args);

/** A DRBD resource with replicas on the given nodes (no tie-breaker, to keep the connections countable). */
async function deploy(rd: string, nodes: PNode[], rgProps: Record<string, string> = {}): Promise<void> {
  const rg = uniq('pxrg');
  await makeGroup(c, rg, { storage_pool: c.pool, layer_stack: ['DRBD', 'STORAGE'] });
  const m = await call(c.ctl, 'PUT', `/v1/resource-groups/${rg}`, { override_props: { 'DrbdOptions/auto-add-quorum-tiebreaker': 'false', ...rgProps } });
  if (m.status >= 300) throw new Error(JSON.stringify(m.body));
  await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, resource_group_name: rg } });
  await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const cr = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, nodes.map((n) => ({ resource: { node_name: n.name, props: { StorPoolName: c.pool } } })));
  if (isError(cr.body)) throw new Error(JSON.stringify(cr.body));
}

/** The .res file once it satisfies `ok`. */
const resWhen = (n: PNode, rd: string, ok: (text: string) => boolean) =>
  waitFor(`${n.name}'s ${rd}.res`, async () => { const f = await resFile(n, rd); return f && ok(f) ? f : undefined; }, 20_000, 200);

const proxied = (text: string) => connections(text).filter((x) => /via proxy/.test(x));

test.serial('`drbd-proxy enable` routes one connection through the proxy on a port of its own; `disable` makes it direct again', async (t) => {
  const [n1, n2, n3] = c.nodes as [PNode, PNode, PNode];
  const rd = uniq('px');
  await deploy(rd, [n1, n2, n3]);
  const en = await ls('drbd-proxy', 'enable', n1.name, n2.name, rd);
  t.is(en.code, 0, en.stdout + en.stderr);
  t.regex(en.stdout, /DRBD Proxy enabled on the resource connection/);
  const conn = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resource-connections/${n1.name}/${n2.name}`)).body[0]!;
  t.deepEqual(conn.flags, ['LOCAL_DRBD_PROXY']);
  const port = conn.port as number;
  const rdPort = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions?resource_definitions=${rd}`)).body.find((x) => x.name === rd)!.layer_data.find((l: any) => l.type === 'DRBD').data.port;
  t.not(port, rdPort, 'the proxies get their own port: DRBD still listens on the definition\'s port for direct peers');
  for (const [me, peer] of [[n1, n2], [n2, n1]] as const) {
    const text = await resWhen(me, rd, (f) => proxied(f).length === 1);
    const [pc] = proxied(text);
    t.regex(pc!, new RegExp(`host "${me.name}" address ipv4 127\\.0\\.0\\.1:${port} via proxy on "${me.name}"`));
    t.regex(pc!, new RegExp(`outside ipv4 ${peer.address.replace(/\./g, '\\.')}:${port};`));
    t.is(connections(text).length, 2, 'the connection to n3 is still there, direct');
    const dump = await drbdadmDump(me, rd);
    t.is(dump.code, 0, dump.stderr);
    const up = await onNode(me, ['drbdadm', '-c', `/var/lib/linstor.d/${rd}.res`, '-d', 'proxy-up', rd]);
    t.regex(up.stdout, new RegExp(`add\\\\ connection\\\\ ${rd}-${peer.name}-${me.name}\\\\ 127\\.0\\.0\\.2:${port}\\\\ ${peer.address.replace(/\./g, '\\.')}:${port}`), up.stdout + up.stderr);
  }
  t.false(/via proxy/.test((await resFile(n3, rd))!), 'n3 has no proxy connection');
  // Enabling twice changes nothing.
  const again = await ls('drbd-proxy', 'enable', n2.name, n1.name, rd);
  t.is(again.code, 0);
  t.regex(again.stdout, /already enabled/);

  const dis = await ls('drbd-proxy', 'disable', n1.name, n2.name, rd);
  t.is(dis.code, 0, dis.stdout + dis.stderr);
  await resWhen(n1, rd, (f) => proxied(f).length === 0 && connections(f).length === 2);
  const after = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resource-connections/${n1.name}/${n2.name}`)).body[0]!;
  t.is(after.port, undefined);
  t.is(after.props['DrbdProxy/AutoEnable'], 'false', 'AutoEnable will not turn it back on');
  const twice = await ls('drbd-proxy', 'disable', n1.name, n2.name, rd);
  t.is(twice.code, 10, 'disabling a direct connection is an error');
});

test.serial('`drbd-proxy options` and `compression` end up in the proxy section drbdadm reads; bad values are refused', async (t) => {
  const [n1, n2] = c.nodes as [PNode, PNode];
  const rd = uniq('pxo');
  await deploy(rd, [n1, n2]);
  t.is((await ls('drbd-proxy', 'enable', n1.name, n2.name, rd, '--port', '7890')).code, 0);
  const opt = await ls('drbd-proxy', 'options', rd, '--memlimit', '256M', '--read-loops', '8', '--ping-timeout', '150');
  t.is(opt.code, 0, opt.stdout + opt.stderr);
  const comp = await ls('drbd-proxy', 'compression', 'zstd', rd, '--level', '19');
  t.is(comp.code, 0, comp.stdout + comp.stderr);
  await resWhen(n1, rd, (f) => /zstd level 19;/.test(f) && /memlimit 256M;/.test(f));
  const up = await onNode(n1, ['drbdadm', '-c', `/var/lib/linstor.d/${rd}.res`, '-d', 'proxy-up', rd]);
  t.regex(up.stdout, /set\\ memlimit\\ \S+\\ 256M/);
  t.regex(up.stdout, /set\\ read-loops\\ \S+\\ 8/);
  t.regex(up.stdout, /set\\ ping-timeout\\ \S+\\ 150/);
  t.regex(up.stdout, /set\\ plugin\\ \S+\\ 0\\ zstd\\ level\\ 19/);
  t.regex(up.stdout, /127\.0\.0\.2:7890/, 'the port given to enable');
  // Another compression replaces the previous one with its options.
  t.is((await ls('drbd-proxy', 'compression', 'lzma', rd, '--level', '9', '--dict-size', '65536')).code, 0);
  const text = await resWhen(n2, rd, (f) => /lzma /.test(f));
  t.regex(text, /lzma (level 9 dict-size 65536|dict-size 65536 level 9);/);
  t.notRegex(text, /zstd/);
  t.is((await drbdadmDump(n2, rd)).code, 0);
  const props = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions?resource_definitions=${rd}`)).body.find((x) => x.name === rd)!.props;
  t.is(props['DrbdProxy/CompressionType'], 'lzma');
  t.is(props['DrbdOptions/ProxyCompression/level'], '9');
  // Out of range or unknown: refused, nothing changes.
  const bad = await ls('drbd-proxy', 'compression', 'zlib', rd, '--level', '10');
  t.is(bad.code, 10, bad.stdout + bad.stderr);
  t.regex(bad.stdout + bad.stderr, /level.*invalid|from 1 to 9/);
  const badMem = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/drbd-proxy`, { override_props: { 'DrbdOptions/Proxy/memlimit': '1K' } });
  t.true(isError(badMem.body), JSON.stringify(badMem.body));
  const notProxy = await call<Rc>(c.ctl, 'PUT', `/v1/resource-definitions/${rd}/drbd-proxy`, { override_props: { 'DrbdOptions/Net/protocol': 'A' } });
  t.true(isError(notProxy.body));
  t.is((await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions?resource_definitions=${rd}`)).body.find((x) => x.name === rd)!.props['DrbdProxy/CompressionType'], 'lzma');
  const unknown = await ls('drbd-proxy', 'enable', n1.name, n2.name, uniq('nope'));
  t.is(unknown.code, 10, 'an unknown resource');
  // A new DRBD resource on these nodes does not take the proxy's port.
  const rd3 = uniq('pxp');
  const made = await call<Rc>(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd3 }, drbd_port: 7890 });
  t.false(isError(made.body), JSON.stringify(made.body));
  await call(c.ctl, 'POST', `/v1/resource-definitions/${rd3}/volume-definitions`, { volume_definition: { size_kib: 4096 } });
  const cr = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd3}/resources`, [n1, n2].map((n) => ({ resource: { node_name: n.name, props: { StorPoolName: c.pool } }, layer_list: ['DRBD', 'STORAGE'] })));
  t.false(isError(cr.body), JSON.stringify(cr.body));
  const rd3Port = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions?resource_definitions=${rd3}`)).body.find((x) => x.name === rd3)!.layer_data.find((l: any) => l.type === 'DRBD').data.port;
  t.not(rd3Port, 7890, 'port 7890 is the proxy\'s on both nodes');
  const info = (await call<Record<string, Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/drbd-proxy/properties/info`)).body;
  t.deepEqual(Object.keys(info).sort(), ['DRBD_PROXY', 'DRBD_PROXY_LZ4', 'DRBD_PROXY_LZMA', 'DRBD_PROXY_ZLIB', 'DRBD_PROXY_ZSTD']);
  t.is(info.DRBD_PROXY_ZSTD!['DrbdOptions/ProxyCompression/level']!.value, '(1 - 22)');
  t.is(info.DRBD_PROXY!['DrbdOptions/Proxy/ping-timeout']!.dflt, '200');
});

test.serial('DrbdProxy/AutoEnable with the nodes\' Site: connections between sites go through the proxy from the start, within a site they stay direct', async (t) => {
  const [n1, n2, n3] = c.nodes as [PNode, PNode, PNode];
  for (const [n, site] of [[n1, 'east'], [n2, 'east'], [n3, 'west']] as const) {
    t.is((await ls('node', 'set-property', n.name, 'Site', site)).code, 0);
  }
  t.teardown(async () => { for (const n of [n1, n2, n3]) await ls('node', 'set-property', n.name, 'Site'); });
  const rd = uniq('pxa');
  await deploy(rd, [n1, n2, n3], { 'DrbdProxy/AutoEnable': 'true' });
  const conns = (await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd}/resource-connections`)).body;
  const flagged = conns.filter((x) => (x.flags ?? []).includes('LOCAL_DRBD_PROXY')).map((x) => [x.node_a, x.node_b].sort().join('|')).sort();
  t.deepEqual(flagged, [[n1.name, n3.name].sort().join('|'), [n2.name, n3.name].sort().join('|')].sort());
  const ports = conns.filter((x) => x.port !== undefined).map((x) => x.port);
  t.is(new Set(ports).size, 2, 'n3 runs two proxy connections: two ports');
  const west = await resWhen(n3, rd, (f) => proxied(f).length === 2);
  t.is(connections(west).length, 2);
  t.is((await drbdadmDump(n3, rd)).code, 0);
  const east = await resWhen(n1, rd, (f) => proxied(f).length === 1);
  t.is(connections(east).length, 2, 'n1–n2 within the site stays direct');
  // Without AutoEnable nothing happens.
  const rd2 = uniq('pxn');
  await deploy(rd2, [n1, n3]);
  t.deepEqual((await call<Array<Record<string, any>>>(c.ctl, 'GET', `/v1/resource-definitions/${rd2}/resource-connections`)).body.filter((x) => (x.flags ?? []).length), []);
  const where = await placed(c, rd2);
  t.is(where.length, 2);
});
