import { ApiError } from '../../../model/errors.js';
import type { Props } from '../../../model/types.js';

/** One end of a DRBD network path: the host name used in `on` sections and its IP and port. */
export interface PathEnd {
  host: string;
  ip: string;
  port: number;
}
export interface DrbdPath {
  name: string;
  local: PathEnd;
  peer: PathEnd;
}

export interface PathNode {
  nodeName: string;
  host: string;
  port: number;
  /** Default address (PrefNic / default interface, resolved by the controller). */
  address?: string;
  netInterfaces?: Record<string, string>;
}

/**
 * The paths of one connection. `Paths/<path>/<node> = <netif>` props (from `resource-connection
 * path create` or a node connection) give one path each, as LINSTOR's ConfFileBuilder does;
 * without them the connection has one path between the two default addresses.
 */
export function connectionPaths(local: PathNode, peer: PathNode, connectionProps: Props, localPrefNic?: string): DrbdPath[] {
  const byPath = new Map<string, Record<string, string>>();
  for (const [key, nic] of Object.entries(connectionProps)) {
    const m = /^Paths\/([^/]+)\/([^/]+)$/.exec(key);
    if (!m) continue;
    const entry = byPath.get(m[1]!) ?? {};
    entry[m[2]!.toLowerCase()] = nic;
    byPath.set(m[1]!, entry);
  }
  if (byPath.size === 0) {
    const localIp = (localPrefNic && local.netInterfaces?.[localPrefNic]) || local.address;
    return [{ name: 'default', local: end(local, localIp), peer: end(peer, peer.address) }];
  }
  return [...byPath.keys()].sort().map((name) => {
    const nodes = byPath.get(name)!;
    const localNic = nodes[local.nodeName.toLowerCase()];
    const peerNic = nodes[peer.nodeName.toLowerCase()];
    if (!localNic || !peerNic || Object.keys(nodes).length !== 2) {
      throw new ApiError('FAIL_INVLD_PROP', `Connection path '${name}' between '${local.nodeName}' and '${peer.nodeName}' must name exactly these two nodes.`, {
        correction: `Recreate it with 'linstor resource-connection path create ${local.nodeName} ${peer.nodeName} <rsc> ${name} <nic-a> <nic-b>'.`,
      });
    }
    return { name, local: end(local, nicAddress(local, localNic)), peer: end(peer, nicAddress(peer, peerNic)) };
  });
}

function nicAddress(node: PathNode, nic: string): string {
  const ip = node.netInterfaces?.[nic];
  if (!ip) {
    throw new ApiError('FAIL_NOT_FOUND_NET_IF', `Network interface '${nic}' of node '${node.nodeName}' does not exist.`, {
      correction: `Create it with 'linstor node interface create ${node.nodeName} ${nic} <ip>' or fix the connection path.`,
    });
  }
  return ip;
}

function end(node: PathNode, ip: string | undefined): PathEnd {
  if (!ip) {
    throw new ApiError('FAIL_NOT_FOUND_NET_IF', `Node '${node.nodeName}' has no network address for DRBD.`, {
      correction: `Give node '${node.nodeName}' a network interface ('linstor node interface create').`,
    });
  }
  return { host: node.host, ip, port: node.port };
}
