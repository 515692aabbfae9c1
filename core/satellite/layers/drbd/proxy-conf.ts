/**
 * DRBD Proxy in a .res file, as LINSTOR writes it: a connection through the proxy names each
 * host as `host "X" address 127.0.0.1:P via proxy on "X" { inside 127.0.0.2:P; outside <ip>:P; }`
 * (DRBD talks to its local proxy, the proxies talk to each other over the outside addresses),
 * and the resource gets a `proxy` section with the `DrbdOptions/Proxy/*` options and the
 * compression plugin (`DrbdProxy/CompressionType` with its `DrbdOptions/ProxyCompression/*`).
 */
import {
  checkOptionValue, COMPRESSION_OPTIONS, KEY_PROXY_COMPRESSION_TYPE, PROXY_COMPRESSION_NS, PROXY_NS, PROXY_OPTIONS, type CompressionType, type ProxyOption,
} from '../../../model/drbd-proxy-options.js';
import type { Props } from '../../../model/types.js';
import { type ConfText, drbdAddress, quote } from './conf-text.js';
import type { PathEnd } from './connection-paths.js';

/** One `host` of a connection through the proxy: DRBD on loopback, the proxy outside on `end.ip`. */
export function proxyHost(w: ConfText, end: PathEnd, port: number): void {
  w.section(`host ${quote(end.host)} address ${drbdAddress('127.0.0.1', port)} via proxy on ${quote(end.host)}`, (h) => {
    h.statement('inside', drbdAddress('127.0.0.2', port));
    h.statement('outside', drbdAddress(end.ip, port));
  });
}

/** Options whose value does not pass the check are left out (the controller checked them when set). */
function valid(key: string, o: ProxyOption, value: string | undefined): value is string {
  if (value === undefined) return false;
  try { checkOptionValue(key, o as never, value); return true; } catch { return false; }
}

/** The resource's `proxy { ... }` section (nothing when no option and no compression is set). */
export function proxySection(w: ConfText, props: Props): void {
  w.section('proxy', (s) => {
    for (const o of PROXY_OPTIONS) {
      const key = `${PROXY_NS}${o.name}`;
      if (valid(key, o, props[key])) s.statement(o.name, props[key]!.trim());
    }
    const type = props[KEY_PROXY_COMPRESSION_TYPE]?.trim().toLowerCase() as CompressionType | undefined;
    const options = type ? COMPRESSION_OPTIONS[type] : undefined;
    if (!type || !options || type === 'none') return;
    const words: string[] = [type];
    for (const o of options) {
      const key = `${PROXY_COMPRESSION_NS}${o.name}`;
      if (valid(key, o, props[key])) words.push(o.name, props[key]!.trim());
    }
    s.section('plugin', (pl) => pl.line(`${words.join(' ')};`));
  });
}
