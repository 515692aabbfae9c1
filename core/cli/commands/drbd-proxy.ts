/** `linstor drbd-proxy ...`: DRBD Proxy on resource connections (enable, disable, options, compression). */
import { showReplies } from '../context.js';
import { oint, str, UsageError, type ArgSpec, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { seg } from '../../client/http.js';

const rscArg: ArgSpec = { name: 'resource_name', help: 'Resource name', complete: 'resource-definition' };
const connArgs: ArgSpec[] = [
  { name: 'node_name_a', help: 'Node name source of the connection.', complete: 'node' },
  { name: 'node_name_b', help: 'Node name target of the connection.', complete: 'node' },
  { ...rscArg, help: 'Name of the resource', complete: 'resource' },
];
const proxyPath = (p: Parsed, action = ''): string => `/v1/resource-definitions/${seg(str(p, 'resource_name'))}/drbd-proxy${action}`;

/** DRBD Proxy's own options (the .res file's proxy section), stored as DrbdOptions/Proxy/<name>. */
const PROXY_OPTIONS: Array<[string, string]> = [
  ['memlimit', 'Memory limit of the proxy buffer (bytes, K/M/G suffix allowed)'],
  ['read-loops', 'Number of read loops per connection'],
  ['sndbuf-size', 'Size of the TCP send buffer (bytes)'],
  ['rcvbuf-size', 'Size of the TCP receive buffer (bytes)'],
  ['ping-timeout', 'Time the proxy waits for an answer to a ping (1/10 seconds)'],
];
const COMPRESSION_OPTIONS: Record<string, Array<[string, string]>> = {
  zlib: [['level', 'ZLIB compression level (1-9)']],
  lzma: [['level', 'LZMA compression level (1-9)'], ['dict-size', 'LZMA dictionary size']],
  zstd: [['level', 'ZStandard compression level (1-22)']],
};

const optSpecs = (opts: Array<[string, string]>, unset: boolean): OptSpec[] =>
  opts.flatMap(([name, help]) => [{ name, kind: 'str' as const, help }, ...(unset ? [{ name: `unset-${name}`, kind: 'bool' as const, hidden: true }] : [])]);

function compression(type: string, help: string): CmdSpec {
  const opts = COMPRESSION_OPTIONS[type] ?? [];
  return {
    name: type, help, args: [rscArg], opts: optSpecs(opts, false),
    run: async (ctx, p) => {
      const props = Object.fromEntries(opts.filter(([n]) => typeof p.opt[n] === 'string').map(([n]) => [n, String(p.opt[n])]));
      return showReplies(ctx, await ctx.client.transport.put(proxyPath(p), { compression_type: type, ...(Object.keys(props).length ? { compression_props: props } : {}) }));
    },
  };
}

export const drbdProxyCommand: CmdSpec = {
  name: 'drbd-proxy', aliases: ['proxy'], help: 'DRBD Proxy subcommands', title: 'DRBD Proxy commands',
  sub: [
    {
      name: 'enable', aliases: ['e'], help: 'Enables DRBD Proxy on a resource connection.', args: connArgs, opts: [{ name: 'port', short: 'p', kind: 'int', help: 'Port the proxy connection should use' }],
      run: async (ctx, p) => {
        const port = oint(p, 'port');
        if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`${port} not in range: [1, 65535]`);
        return showReplies(ctx, await ctx.client.transport.post(proxyPath(p, `/enable/${seg(str(p, 'node_name_a'))}/${seg(str(p, 'node_name_b'))}`), port === undefined ? {} : { port }));
      },
    },
    {
      name: 'disable', aliases: ['d'], help: 'Disables DRBD Proxy on a resource connection.', args: connArgs,
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.post(proxyPath(p, `/disable/${seg(str(p, 'node_name_a'))}/${seg(str(p, 'node_name_b'))}`))),
    },
    {
      name: 'options', aliases: ['opt'], help: 'Set DRBD resource options on the given LINSTOR object. Use --unset-[option_name] to unset.', args: [rscArg], opts: optSpecs(PROXY_OPTIONS, true),
      run: async (ctx, p) => {
        const override: Record<string, string> = {};
        const del: string[] = [];
        for (const [n] of PROXY_OPTIONS) {
          if (typeof p.opt[n] === 'string') override[`DrbdOptions/Proxy/${n}`] = String(p.opt[n]);
          if (p.opt[`unset-${n}`] === true) del.push(`DrbdOptions/Proxy/${n}`);
        }
        return showReplies(ctx, await ctx.client.transport.put(proxyPath(p), { ...(Object.keys(override).length ? { override_props: override } : {}), ...(del.length ? { delete_props: del } : {}) }));
      },
    },
    {
      name: 'compression', aliases: ['c'], help: 'DRBD Proxy compression subcommands. Each subcommand overrides any previous compression configuration.', title: 'DRBD Proxy compression options',
      sub: [
        compression('none', 'Do not use compression.'), compression('zlib', 'Use ZLIB compression. Options are reset to those given here.'),
        compression('lzma', 'Use LZMA compression. Options are reset to those given here.'), compression('lz4', 'Use LZ4 compression.'), compression('zstd', 'Use ZStandard compression.'),
      ],
    },
  ],
};
