/**
 * Node and resource connections: props on a pair of nodes (optionally for one resource).
 * Keyed with the pair sorted (A/B == B/A), as LINSTOR treats a connection as undirected.
 * `Paths/<path>/<node>` = interface name is how `resource-connection path create` and
 * `node-connection path create` store DRBD paths; checked here because keys.ts does not
 * whitelist the `Paths/` namespace.
 */
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { Node, Props } from '../../model/types.js';
import { applyPropsModify, type PropsChange, type PropsModify } from '../../props/modify.js';
import { checkPropValue } from '../../props/keys.js';
import type { ClusterState } from '../state/cluster-state.js';

export function pairKey(a: string, b: string): string {
  const [x, y] = [nameKey(a), nameKey(b)].sort();
  return `${x}/${y}`;
}

const PATH_KEY = /^Paths\/([A-Za-z0-9_.:-]+)\/([A-Za-z0-9_.-]+)$/;

/** applyPropsModify plus LINSTOR's Paths/<name>/<node> keys, checked against the pair's nodes. */
export function modifyConnectionProps(state: ClusterState, current: Props, body: PropsModify, a: Node, b: Node): PropsChange {
  const overrides = body.override_props ?? {};
  const paths: Array<[string, string]> = [];
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) {
    if (!k.startsWith('Paths/')) { rest[k] = v; continue; }
    const m = PATH_KEY.exec(k);
    if (!m) throw new ApiError('FAIL_INVLD_PROP', `The property key '${printable(k)}' is invalid.`, { correction: "Path keys look like 'Paths/<path-name>/<node>'." });
    const node = [a, b].find((n) => nameKey(n.name) === nameKey(m[2]!));
    if (!node) throw new ApiError('FAIL_INVLD_PROP', `Node '${m[2]}' in '${k}' is not part of this connection.`, { correction: `Use '${a.name}' or '${b.name}'.` });
    const value = checkPropValue(k, v);
    if (!node.netInterfaces.some((ni) => nameKey(ni.name) === nameKey(value))) {
      throw Errors.notFound('FAIL_NOT_FOUND_NET_IF', 'Network interface', value, { correction: `Create interface '${value}' on node '${node.name}' first (node interface create).`, objRefs: { Node: node.name, NetIf: value } });
    }
    paths.push([k, value]);
  }
  const change = applyPropsModify(current, { ...body, override_props: rest });
  for (const [k, v] of paths) change.props[k] = v;
  return change;
}
