/**
 * DRBD Proxy on resource connections (guide: "Configuring DRBD Proxy using LINSTOR"). Enabling
 * it flags the connection LOCAL_DRBD_PROXY and gives it its own TCP port, free on both nodes:
 * the proxies listen on the nodes' addresses with it while DRBD talks to its local proxy over
 * loopback. The satellites write the `via proxy` hosts and the `proxy` section
 * (core/satellite/layers/drbd/proxy-conf.ts).
 *
 * Automatic: with `DrbdProxy/AutoEnable` true, two resources whose `Site` differs get a proxy
 * connection when they are created, as LINSTOR's CtrlRscAutoDrbdProxyHelper does. It never
 * disables one; `drbd-proxy disable` sets the connection's AutoEnable to false so it stays off.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { FLAG_LOCAL_DRBD_PROXY, KEY_PROXY_AUTO_ENABLE } from '../../model/drbd-proxy-options.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { Node, Props, Resource, ResourceConnectionRow, ResourceDefinition } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getNode, getResource, getResourceDefinition, resourcesOf } from '../lookup.js';
import { pairKey } from '../services/connections.js';
import { hasDrbd } from '../services/layers.js';
import { NodeNumbers } from '../services/numbers.js';
import type { Transaction } from '../state/cluster-state.js';

const RSC_CONN = { obj: 'RSC_CONN' as const, op: 'MOD' as const };

export const connKey = (rd: string, a: string, b: string): string => `${nameKey(rd)}/${pairKey(a, b)}`;

export const isProxied = (c: ResourceConnectionRow | undefined): boolean => !!c?.flags?.includes(FLAG_LOCAL_DRBD_PROXY);

export function describe(rd: string, a: string, b: string): string {
  return `resource connection between '${a}' and '${b}' of resource '${rd}'`;
}

function drbdResource(ctx: ControllerContext, rd: ResourceDefinition, node: string): Resource {
  const r = getResource(ctx.state, rd.name, node);
  if (!hasDrbd(r.layerStack.length ? r.layerStack : rd.layerStack)) {
    throw new ApiError('FAIL_INVLD_LAYER_STACK', `Resource '${rd.name}' on node '${r.nodeName}' has no DRBD layer: DRBD Proxy needs DRBD.`, {
      ...RSC_CONN, correction: 'Use DRBD Proxy on resources with DRBD in their layer list.', objRefs: { RscDfn: rd.name, Node: r.nodeName },
    });
  }
  return r;
}

/** A TCP port free on both nodes: not a DRBD port of theirs, not another proxy connection's. */
export function proxyPort(ctx: ControllerContext, a: string, b: string, preferred?: number): number {
  // NodeNumbers counts the nodes' DRBD ports and their other proxy connections' ports.
  const numbers = new NodeNumbers(ctx.state, [a, b]);
  if (preferred !== undefined) {
    if (!numbers.ports.isFree(a, preferred) || !numbers.ports.isFree(b, preferred)) {
      throw new ApiError('FAIL_INVLD_TCP_PORT', `The TCP port '${preferred}' is already in use on node '${a}' or '${b}'.`, { ...RSC_CONN, correction: 'Choose another port, or leave it out to get a free one.' });
    }
    return preferred;
  }
  return numbers.ports.allocate([a, b]);
}

function checkPort(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ApiError('FAIL_INVLD_TCP_PORT', `The TCP port '${String(v)}' is invalid.`, { ...RSC_CONN, correction: 'Give a port from 1 to 65535.' });
  return n;
}

/** Enables the proxy on the connection (idempotent: an enabled one keeps its port). Returns the row. */
export function enableProxyInTx(ctx: ControllerContext, tx: Transaction, rdName: string, nodeA: string, nodeB: string, port?: unknown): { row: ResourceConnectionRow; changed: boolean } {
  const { state } = ctx;
  const rd = getResourceDefinition(state, rdName);
  const ra = drbdResource(ctx, rd, nodeA);
  const rb = drbdResource(ctx, rd, nodeB);
  if (nameKey(ra.nodeName) === nameKey(rb.nodeName)) throw new ApiError('FAIL_INVLD_NODE_NAME', 'A resource connection needs two different nodes.', RSC_CONN);
  const key = connKey(rd.name, ra.nodeName, rb.nodeName);
  const cur: ResourceConnectionRow = state.resourceConnections.get(key) ?? { resource: rd.name, nodeA: ra.nodeName, nodeB: rb.nodeName, props: {} };
  const wanted = checkPort(port);
  if (isProxied(cur) && (wanted === undefined || wanted === cur.port)) return { row: cur, changed: false };
  const row: ResourceConnectionRow = {
    ...cur, flags: [...new Set([...(cur.flags ?? []), FLAG_LOCAL_DRBD_PROXY])],
    port: proxyPort(ctx, ra.nodeName, rb.nodeName, wanted),
  };
  tx.put(state.resourceConnections, key, row);
  return { row, changed: true };
}

export function disableProxyInTx(ctx: ControllerContext, tx: Transaction, rdName: string, nodeA: string, nodeB: string): ResourceConnectionRow {
  const { state } = ctx;
  const rd = getResourceDefinition(state, rdName);
  const ra = getResource(state, rd.name, nodeA);
  const rb = getResource(state, rd.name, nodeB);
  const key = connKey(rd.name, ra.nodeName, rb.nodeName);
  const cur = state.resourceConnections.get(key);
  if (!isProxied(cur)) {
    throw Errors.notFound('FAIL_NOT_FOUND_RSC_CONN', 'DRBD Proxy connection', `${ra.nodeName}' <-> '${rb.nodeName}`, {
      ...RSC_CONN, correction: `DRBD Proxy is not enabled on the ${describe(rd.name, ra.nodeName, rb.nodeName)}.`, objRefs: { RscDfn: rd.name, SourceNode: ra.nodeName, TargetNode: rb.nodeName },
    });
  }
  const { port: _port, ...rest } = cur!;
  // AutoEnable stays off for this connection once a user disabled it.
  const row: ResourceConnectionRow = { ...rest, flags: (cur!.flags ?? []).filter((f) => f !== FLAG_LOCAL_DRBD_PROXY), props: { ...cur!.props, [KEY_PROXY_AUTO_ENABLE]: 'false' } };
  tx.put(state.resourceConnections, key, row);
  return row;
}

/** The value of `key` along `levels`, most specific first. */
function first(key: string, ...levels: Array<Props | undefined>): string | undefined {
  for (const p of levels) if (p?.[key] !== undefined) return p[key];
  return undefined;
}

const isTrue = (v: string | undefined): boolean => v !== undefined && /^(true|yes)$/i.test(v.trim());

/**
 * DrbdProxy/AutoEnable for every pair of the definition's DRBD resources whose `Site`
 * (resource > definition > group > node > controller) differs. Runs inside the creating transaction.
 */
export function autoEnableProxiesInTx(ctx: ControllerContext, tx: Transaction, rdName: string): ApiCallRc[] {
  const { state } = ctx;
  const rd = state.resourceDefinitions.get(nameKey(rdName));
  if (!rd) return [];
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const ctrl = state.ctrlProps;
  const live = resourcesOf(state, rd.name).filter((r) => !r.flags.includes('DELETE') && hasDrbd(r.layerStack.length ? r.layerStack : rd.layerStack));
  const nodeOf = (r: Resource): Node | undefined => state.nodes.get(nameKey(r.nodeName));
  const siteOf = (r: Resource): string | undefined => first('Site', r.props, rd.props, rg?.props, nodeOf(r)?.props, ctrl);
  const out: ApiCallRc[] = [];
  for (let i = 0; i < live.length; i++) {
    const a = live[i]!;
    const siteA = siteOf(a);
    if (siteA === undefined) continue;
    for (const b of live.slice(i + 1)) {
      const siteB = siteOf(b);
      if (siteB === undefined || siteA === siteB) continue;
      const conn = state.resourceConnections.get(connKey(rd.name, a.nodeName, b.nodeName));
      if (isProxied(conn)) continue;
      const auto = first(KEY_PROXY_AUTO_ENABLE, conn?.props, a.props, b.props, rd.props, rg?.props, nodeOf(a)?.props, nodeOf(b)?.props, ctrl);
      if (!isTrue(auto)) continue;
      const { row } = enableProxyInTx(ctx, tx, rd.name, a.nodeName, b.nodeName);
      out.push(rcEntry('INFO_AUTO_DRBD_PROXY_CREATED', `Enabled drbd-proxy for the ${describe(rd.name, row.nodeA, row.nodeB)} (sites '${siteA}' and '${siteB}', port ${row.port}).`, {
        obj: 'RSC_CONN', op: 'CRT', objRefs: { RscDfn: rd.name, SourceNode: row.nodeA, TargetNode: row.nodeB },
      }));
    }
  }
  return out;
}


