/**
 * `GET /v1/resource-definitions/{rd}/drbd-proxy/properties/info`: the proxy's options by
 * section (DRBD_PROXY, DRBD_PROXY_ZLIB, DRBD_PROXY_LZMA, DRBD_PROXY_LZ4, DRBD_PROXY_ZSTD), as the
 * REST API describes, from the same tables the checks and the .res files use.
 */
import type * as api from '../../api/index.js';
import {
  COMPRESSION_OPTIONS, KEY_PROXY_AUTO_ENABLE, KEY_PROXY_COMPRESSION_TYPE, PROXY_COMPRESSION_NS, PROXY_NS, PROXY_OPTIONS, type ProxyOption,
} from '../../model/drbd-proxy-options.js';

function info(o: ProxyOption): api.PropsInfo {
  if (o.values) return { prop_type: 'symbol', value: o.values.join(',') };
  return { prop_type: 'range', value: `(${o.min} - ${o.max})`, ...(o.dflt ? { dflt: o.dflt } : {}), ...(o.unit ? { unit: o.unit } : {}) };
}

export function drbdProxyPropsInfo(): Record<string, Record<string, api.PropsInfo>> {
  const section = (ns: string, options: readonly ProxyOption[]) => Object.fromEntries(options.map((o) => [`${ns}${o.name}`, info(o)]));
  return {
    DRBD_PROXY: {
      ...section(PROXY_NS, PROXY_OPTIONS),
      [KEY_PROXY_COMPRESSION_TYPE]: { info: 'Compression used by DRBD proxy', prop_type: 'symbol', value: 'none,zlib,lzma,lz4,zstd' },
      [KEY_PROXY_AUTO_ENABLE]: { info: 'Enable DRBD Proxy on connections between nodes of different Sites', prop_type: 'boolean_true_false' },
    },
    DRBD_PROXY_ZLIB: section(PROXY_COMPRESSION_NS, COMPRESSION_OPTIONS.zlib),
    DRBD_PROXY_LZMA: section(PROXY_COMPRESSION_NS, COMPRESSION_OPTIONS.lzma),
    DRBD_PROXY_LZ4: section(PROXY_COMPRESSION_NS, COMPRESSION_OPTIONS.lz4),
    DRBD_PROXY_ZSTD: section(PROXY_COMPRESSION_NS, COMPRESSION_OPTIONS.zstd),
  };
}
