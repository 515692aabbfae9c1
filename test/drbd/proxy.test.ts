/**
 * DRBD Proxy in the generated .res files, checked with the real drbdadm (`dump`, `-d up`,
 * `-d proxy-up` on each "host" in its own UTS namespace): a connection through the proxy has
 * `via proxy` hosts on loopback with the proxies outside, the resource's `proxy` section
 * carries the options and the compression plugin, and connections without it stay direct.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { DesiredResource } from '../../core/model/satellite-protocol.js';
import { buildResFile } from '../../core/satellite/layers/drbd/res-file.js';
import { asHost, runner, suffix, tempDir, viewOf, type TestResource } from './cluster.js';

const PROXY_PORT = 7450;

function topology(props: Record<string, string> = {}): TestResource {
  return {
    name: `px-${suffix()}`, port: 7440, secret: 'pxS3cret',
    nodes: [{ name: 'alpha', nodeId: 0, address: '10.1.0.1' }, { name: 'bravo', nodeId: 1, address: '10.1.0.2' }, { name: 'charlie', nodeId: 2, address: '10.2.0.3' }],
    volumes: [{ volumeNumber: 0, minor: 1440, sizeKib: 102400 }],
    props,
  };
}

/** The node's view with the alpha–charlie connection through the proxy (as the controller sends it). */
function proxiedView(r: TestResource, node: string): DesiredResource {
  const v = viewOf(r, node);
  for (const p of v.drbd!.peers) if ([node, p.nodeName].sort().join() === 'alpha,charlie') p.proxy = { port: PROXY_PORT };
  return v;
}

async function write(dir: string, r: TestResource, node: string): Promise<{ file: string; text: string }> {
  const text = buildResFile({ resource: proxiedView(r, node), localNodeName: node, devices: { 0: { backingDevice: `/dev/vg/${r.name}_00000` } } });
  const file = join(dir, `${r.name}-${node}.res`);
  await writeFile(file, text);
  return { file, text };
}

const drbdadm = async (host: string, args: string[]): Promise<string> => (await runner.run(asHost(host, ['drbdadm', ...args]))).stdout;

test('a connection through DRBD Proxy: DRBD on loopback, the proxies on the nodes\' addresses, direct connections unchanged (real drbdadm)', async (t) => {
  const dir = await tempDir(t, 'drbd-proxy');
  const r = topology({ 'DrbdOptions/Proxy/memlimit': '128M', 'DrbdProxy/CompressionType': 'zlib', 'DrbdOptions/ProxyCompression/level': '9' });
  const { file, text } = await write(dir, r, 'alpha');
  t.regex(text, /host "alpha" address ipv4 127\.0\.0\.1:7450 via proxy on "alpha"\n\s+\{\n\s+inside ipv4 127\.0\.0\.2:7450;\n\s+outside ipv4 10\.1\.0\.1:7450;/);
  t.regex(text, /host "charlie" address ipv4 127\.0\.0\.1:7450 via proxy on "charlie"\n\s+\{\n\s+inside ipv4 127\.0\.0\.2:7450;\n\s+outside ipv4 10\.2\.0\.3:7450;/);
  const dump = await drbdadm('alpha', ['-c', file, 'dump', r.name]);
  t.regex(dump, /proxy \{\s+memlimit\s+128M;\s+plugin \{\s+zlib level 9;\s+\}\s+\}/);
  const up = (await drbdadm('alpha', ['-c', file, '-d', 'up', r.name])).split('\n');
  t.true(up.includes(`drbdsetup new-path ${r.name} 2 ipv4:127.0.0.1:7450 ipv4:127.0.0.2:7450`), up.join('\n'));
  t.true(up.includes(`drbdsetup new-path ${r.name} 1 ipv4:10.1.0.1:7440 ipv4:10.1.0.2:7440`), 'alpha–bravo stays direct');
  const proxyUp = await drbdadm('alpha', ['-c', file, '-d', 'proxy-up', r.name]);
  t.true(proxyUp.includes(`add\\ connection\\ ${r.name}-charlie-alpha\\ 127.0.0.2:7450\\ 10.2.0.3:7450\\ 10.1.0.1:7450\\ 127.0.0.1:7450`), proxyUp);
  t.regex(proxyUp, /set\\ memlimit\\ \S+\\ 128M/);
  t.regex(proxyUp, /set\\ plugin\\ \S+\\ 0\\ zlib\\ level\\ 9/);
  // The other end sees the mirror image.
  const c = await write(dir, r, 'charlie');
  t.true((await drbdadm('charlie', ['-c', c.file, '-d', 'up', r.name])).split('\n').includes(`drbdsetup new-path ${r.name} 0 ipv4:127.0.0.1:7450 ipv4:127.0.0.2:7450`));
  // bravo has no proxy connection: no proxy section at all.
  const b = await write(dir, r, 'bravo');
  t.notRegex(b.text, /proxy|via/);
  t.is((await runner.run(asHost('bravo', ['drbdadm', '-c', b.file, 'dump', r.name]))).exitCode, 0);
});

test('every compression plugin and its options reach drbdadm; none and unset options leave the plugin out (real drbdadm -d proxy-up)', async (t) => {
  const dir = await tempDir(t, 'drbd-proxy-comp');
  const cases: Array<[Record<string, string>, RegExp | undefined]> = [
    [{ 'DrbdProxy/CompressionType': 'lzma', 'DrbdOptions/ProxyCompression/contexts': '4', 'DrbdOptions/ProxyCompression/level': '9' }, /plugin\\ \S+\\ 0\\ lzma\\ level\\ 9\\ contexts\\ 4|plugin\\ \S+\\ 0\\ lzma\\ contexts\\ 4\\ level\\ 9/],
    [{ 'DrbdProxy/CompressionType': 'lz4' }, /plugin\\ \S+\\ 0\\ lz4/],
    [{ 'DrbdProxy/CompressionType': 'zstd', 'DrbdOptions/ProxyCompression/level': '19' }, /plugin\\ \S+\\ 0\\ zstd\\ level\\ 19/],
    [{ 'DrbdProxy/CompressionType': 'none', 'DrbdOptions/Proxy/ping-timeout': '150' }, undefined],
  ];
  for (const [props, plugin] of cases) {
    const r = topology(props);
    const { file, text } = await write(dir, r, 'alpha');
    const out = await drbdadm('alpha', ['-c', file, '-d', 'proxy-up', r.name]);
    if (plugin) t.regex(out, plugin, `${JSON.stringify(props)}\n${text}`);
    else { t.notRegex(out, /plugin/); t.regex(out, /set\\ ping-timeout\\ \S+\\ 150/, text); }
  }
});
